package mapping

import (
	"reflect"
	"sort"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/catalog"
)

// Sample raw items in Ocean's shape, as a collector hands them over (JSON-decoded).
const sampleItems = `{
 "AWS::Account::Info": {"Type": "AWS::Account::Info", "Properties": {"Id": "123456789012", "Name": "prod"},
   "__ExtraContext": {"AccountId": "123456789012"}},
 "AWS::Organizations::Account": {"Type": "AWS::Organizations::Account",
   "Properties": {"Id": "210987654321", "Arn": "arn:aws:organizations::111111111111:account/o-abc123defg/210987654321",
     "Name": "dev", "Email": "dev@example.com", "State": "ACTIVE", "JoinedMethod": "CREATED",
     "JoinedTimestamp": "2024-03-01T12:00:00Z"},
   "__ExtraContext": {"AccountId": "111111111111"}},
 "AWS::S3::Bucket": {"Type": "AWS::S3::Bucket",
   "Properties": {"BucketName": "logs-prod", "Arn": "arn:aws:s3:::logs-prod", "CreationDate": "2023-05-06T07:08:09Z",
     "Tags": [{"Key": "env", "Value": "prod"}]},
   "__ExtraContext": {"AccountId": "123456789012"}},
 "AWS::EC2::Instance": {"Type": "AWS::EC2::Instance",
   "Properties": {"InstanceId": "i-0abc", "InstanceType": "t3.micro", "State": {"Code": 16, "Name": "running"},
     "PrivateIpAddress": "10.0.0.5", "Tags": [{"Key": "team", "Value": "core"}, {"Key": "Name", "Value": "web-1"}]},
   "__ExtraContext": {"AccountId": "123456789012", "Region": "eu-west-1"}},
 "AWS::ECS::Cluster": {"Type": "AWS::ECS::Cluster",
   "Properties": {"ClusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/main", "ClusterName": "main",
     "Status": "ACTIVE", "RunningTasksCount": 4, "ActiveServicesCount": 2, "PendingTasksCount": 0,
     "RegisteredContainerInstancesCount": 3, "CapacityProviders": ["FARGATE"], "Tags": [{"key": "env", "value": "prod"}]},
   "__ExtraContext": {"AccountId": "123456789012", "Region": "us-east-1"}},
 "AWS::Lambda::Function": {"Type": "AWS::Lambda::Function",
   "Properties": {"FunctionName": "resize", "FunctionArn": "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:resize",
     "Runtime": "python3.12", "Handler": "app.handler", "MemorySize": 256, "Timeout": 30,
     "LastModified": "2024-01-31T10:00:00.000+0000", "State": "Active", "PackageType": "Zip",
     "Architectures": ["arm64"], "Tags": {"team": "media"}},
   "__ExtraContext": {"AccountId": "123456789012", "Region": "us-gov-west-1", "Partition": "aws-us-gov"}}
}`

func TestDefaultMappingGolden(t *testing.T) {
	cfg := DefaultConfig()
	if err := cfg.Validate(func(k string) bool { return contains(DefaultKinds, k) }); err != nil {
		t.Fatalf("default config invalid: %v", err)
	}
	compiled, err := Compile(cfg)
	if err != nil {
		t.Fatalf("default config does not compile: %v", err)
	}
	if got := compiled.Kinds(); !reflect.DeepEqual(got, DefaultKinds) {
		t.Fatalf("kinds = %v, want %v", got, DefaultKinds)
	}
	var samples map[string]map[string]any
	if err := jsonUnmarshal(sampleItems, &samples); err != nil {
		t.Fatal(err)
	}
	want := map[string]catalog.Entity{
		"AWS::Account::Info": {Identifier: "123456789012", Blueprint: "awsAccount", Title: strp("prod")},
		"AWS::Organizations::Account": {Identifier: "210987654321", Blueprint: "organizationsAccount", Title: strp("dev"),
			Properties: map[string]any{"arn": "arn:aws:organizations::111111111111:account/o-abc123defg/210987654321",
				"email": "dev@example.com", "state": "ACTIVE", "joinedMethod": "CREATED", "joinedTimestamp": "2024-03-01T12:00:00Z"},
			Relations: map[string]any{"account": "111111111111"}},
		"AWS::S3::Bucket": {Identifier: "arn:aws:s3:::logs-prod", Blueprint: "s3Bucket", Title: strp("logs-prod"),
			Properties: map[string]any{"arn": "arn:aws:s3:::logs-prod", "creationDate": "2023-05-06T07:08:09Z",
				"tags": []any{map[string]any{"Key": "env", "Value": "prod"}}},
			Relations: map[string]any{"account": "123456789012"}},
		"AWS::EC2::Instance": {Identifier: "i-0abc", Blueprint: "ec2Instance", Title: strp("web-1"),
			Properties: map[string]any{"instanceType": "t3.micro", "state": "running", "publicIpAddress": nil,
				"privateIpAddress": "10.0.0.5", "region": "eu-west-1",
				"tags": []any{map[string]any{"Key": "team", "Value": "core"}, map[string]any{"Key": "Name", "Value": "web-1"}},
				"arn":  "arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc"},
			Relations: map[string]any{"account": "123456789012"}},
		"AWS::ECS::Cluster": {Identifier: "arn:aws:ecs:us-east-1:123456789012:cluster/main", Blueprint: "ecsCluster", Title: strp("main"),
			Properties: map[string]any{"status": "ACTIVE", "runningTasksCount": 4.0, "activeServicesCount": 2.0,
				"pendingTasksCount": 0.0, "registeredContainerInstancesCount": 3.0, "capacityProviders": []any{"FARGATE"},
				"clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/main", "region": "us-east-1",
				"tags": []any{map[string]any{"key": "env", "value": "prod"}}},
			Relations: map[string]any{"account": "123456789012"}},
		"AWS::Lambda::Function": {Identifier: "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:resize", Blueprint: "lambdaFunction",
			Title: strp("resize"),
			Properties: map[string]any{"arn": "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:resize",
				"runtime": "python3.12", "handler": "app.handler", "memorySize": 256.0, "timeout": 30.0,
				"lastModified": "2024-01-31T10:00:00.000+0000", "state": "Active", "packageType": "Zip",
				"architectures": []any{"arm64"}, "region": "us-gov-west-1", "tags": map[string]any{"team": "media"}},
			Relations: map[string]any{"account": "123456789012"}},
	}
	for _, kind := range DefaultKinds {
		rs := compiled.ForKind(kind)
		if len(rs) != 1 {
			t.Fatalf("%s: %d resources", kind, len(rs))
		}
		res, err := rs[0].MapItems([]map[string]any{samples[kind]})
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if res.PropertyErrors != 0 || res.Dropped != 0 || len(res.Entities) != 1 {
			t.Fatalf("%s: result %+v", kind, res)
		}
		if got := res.Entities[0]; !reflect.DeepEqual(got, want[kind]) {
			t.Errorf("%s:\n got %#v\nwant %#v", kind, got, want[kind])
		}
	}
}

func TestDefaultMappingEdgeCases(t *testing.T) {
	compiled, err := Compile(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	var raws []map[string]any
	_ = jsonUnmarshal(`[
	  {"Type": "AWS::EC2::Instance", "Properties": {"InstanceId": "i-1", "State": {"Name": "stopped"}},
	   "__ExtraContext": {"AccountId": "123456789012", "Region": "cn-north-1", "Partition": "aws-cn"}},
	  {"Type": "AWS::EC2::Instance", "Properties": {"InstanceId": "i-2", "Tags": []},
	   "__ExtraContext": {"AccountId": "123456789012", "Region": "us-east-1"}}
	]`, &raws)
	res, err := compiled.ForKind("AWS::EC2::Instance")[0].MapItems(raws)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Entities[0].Properties["arn"]; got != "arn:aws-cn:ec2:cn-north-1:123456789012:instance/i-1" {
		t.Errorf("China ARN = %v", got)
	}
	if *res.Entities[0].Title != "i-1" || *res.Entities[1].Title != "i-2" {
		t.Errorf("title fallback to the id: %v %v", *res.Entities[0].Title, *res.Entities[1].Title)
	}

	// S3 without a synthesized Arn, Lambda with list-shaped tags.
	_ = jsonUnmarshal(`[{"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "b1"}, "__ExtraContext": {"AccountId": "123456789012"}}]`, &raws)
	res, _ = compiled.ForKind("AWS::S3::Bucket")[0].MapItems(raws)
	if res.Entities[0].Identifier != "arn:aws:s3:::b1" {
		t.Errorf("S3 identifier = %q", res.Entities[0].Identifier)
	}
	_ = jsonUnmarshal(`[{"Type": "AWS::Lambda::Function", "Properties": {"FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:f",
	  "Tags": [{"Key": "a", "Value": "1"}]}, "__ExtraContext": {"AccountId": "123456789012", "Region": "us-east-1"}},
	  {"Type": "AWS::Lambda::Function", "Properties": {"FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:g"},
	  "__ExtraContext": {"AccountId": "123456789012", "Region": "us-east-1"}}]`, &raws)
	res, _ = compiled.ForKind("AWS::Lambda::Function")[0].MapItems(raws)
	if !reflect.DeepEqual(res.Entities[0].Properties["tags"], map[string]any{"a": "1"}) ||
		!reflect.DeepEqual(res.Entities[1].Properties["tags"], map[string]any{}) {
		t.Errorf("lambda tags = %v / %v", res.Entities[0].Properties["tags"], res.Entities[1].Properties["tags"])
	}
}

// Every blueprint the default mapping writes ships, with every mapped property
// and relation declared, so Port accepts the entities.
func TestDefaultBlueprintsCoverDefaultMapping(t *testing.T) {
	bps := map[string]map[string]any{}
	for _, bp := range DefaultBlueprints() {
		bps[bp["identifier"].(string)] = bp
	}
	wantIDs := []string{"awsAccount", "ec2Instance", "ecsCluster", "lambdaFunction", "organizationsAccount", "s3Bucket"}
	var ids []string
	for id := range bps {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	if !reflect.DeepEqual(ids, wantIDs) {
		t.Fatalf("blueprints = %v, want %v", ids, wantIDs)
	}
	for _, r := range DefaultConfig().Resources {
		m := r.Port.Entity.Mappings[0]
		id := m.Blueprint[1 : len(m.Blueprint)-1]
		bp, ok := bps[id]
		if !ok {
			t.Errorf("%s: blueprint %s not shipped", r.Kind, id)
			continue
		}
		props := bp["schema"].(map[string]any)["properties"].(map[string]any)
		for p := range m.Properties {
			if _, ok := props[p]; !ok {
				t.Errorf("%s: property %s not in blueprint %s", r.Kind, p, id)
			}
		}
		rels := bp["relations"].(map[string]any)
		for rel := range m.Relations {
			def, ok := rels[rel].(map[string]any)
			if !ok {
				t.Errorf("%s: relation %s not in blueprint %s", r.Kind, rel, id)
				continue
			}
			if _, ok := bps[def["target"].(string)]; !ok {
				t.Errorf("%s: relation %s targets unknown blueprint %v", r.Kind, rel, def["target"])
			}
		}
		if r.Kind != "AWS::Account::Info" && m.Relations["account"] != ".__ExtraContext.AccountId" {
			t.Errorf("%s: account relation = %v", r.Kind, m.Relations["account"])
		}
	}
	// Callers get a fresh copy each time.
	DefaultBlueprints()[0]["identifier"] = "changed"
	if DefaultBlueprints()[0]["identifier"] == "changed" {
		t.Error("DefaultBlueprints shares state between calls")
	}
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
