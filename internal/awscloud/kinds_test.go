package awscloud_test

import (
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

// kindOrg is a small org with resources in two regions.
var kindSpec = awsemu.Spec{Seed: 31, Accounts: 3, OUs: 1, ResourcesPerKind: 6,
	Regions: []string{"us-east-1", "eu-west-1"}}

// collectAll pages through a kind for one account and region.
func collectAll(t *testing.T, p *awscloud.Provider, kind string, acct awscloud.Account, region string, size int32, actions ...string) ([]map[string]any, int) {
	t.Helper()
	k, ok := awscloud.LookupKind(kind)
	if !ok {
		t.Fatalf("kind %s not registered", kind)
	}
	cfg, err := p.Config(ctxT(t), acct.Target(), region)
	if err != nil {
		t.Fatalf("config for %s: %v", acct.ID, err)
	}
	var items []map[string]any
	req := awscloud.PageRequest{Account: acct, Region: region, PageSize: size, IncludeActions: actions}
	pages := 0
	for {
		page, err := k.Collect(ctxT(t), cfg, req)
		if err != nil {
			t.Fatalf("%s %s %s page %d: %v", kind, acct.ID, region, pages+1, err)
		}
		pages++
		items = append(items, page.Items...)
		if page.Next == "" {
			return items, pages
		}
		if pages > 500 {
			t.Fatal("pagination does not end")
		}
		req.Token = page.Next
	}
}

func orgAccounts(t *testing.T, srv *awsemu.Server, p *awscloud.Provider) []awscloud.Account {
	t.Helper()
	f := facts(srv)
	d, err := p.Discover(ctxT(t), awscloud.DiscoverySettings{AccountRoleARN: roleARN(f.mgmt, "/", f.roleName)})
	if err != nil {
		t.Fatal(err)
	}
	return d.Accounts
}

func resources(srv *awsemu.Server, accountID, region, kind string) []*awsemu.Resource {
	var out []*awsemu.Resource
	srv.View(func(o *awsemu.Org) {
		out = append(out, o.Accounts[accountID].Resources[awsemu.ResourceKey{Region: region, Kind: kind}]...)
	})
	return out
}

func propsOf(it map[string]any) map[string]any { return it["Properties"].(map[string]any) }
func extraOf(it map[string]any) map[string]any { return it["__ExtraContext"].(map[string]any) }
func byKey(items []map[string]any, key string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, it := range items {
		out[propsOf(it)[key].(string)] = it
	}
	return out
}

func TestKindRegistry(t *testing.T) {
	want := []string{"AWS::Account::Info", "AWS::DynamoDB::Table", "AWS::EC2::Instance", "AWS::EC2::Volume", "AWS::ECR::Repository", "AWS::ECS::Cluster", "AWS::EKS::Cluster", "AWS::Lambda::Function", "AWS::Organizations::Account", "AWS::S3::Bucket", "AWS::SNS::Topic", "AWS::SQS::Queue"}
	if got := awscloud.KindNames(); !reflect.DeepEqual(got, want) {
		t.Fatalf("KindNames = %v", got)
	}
	for name, global := range map[string]bool{"AWS::S3::Bucket": true, "AWS::Account::Info": true, "AWS::Organizations::Account": true, "AWS::EC2::Instance": false} {
		k, _ := awscloud.LookupKind(name)
		if k.Global() != global || k.Name() != name {
			t.Fatalf("%s: Global() = %v", name, k.Global())
		}
	}
	if _, ok := awscloud.LookupKind("AWS::Nope::Thing"); ok {
		t.Fatal("unknown kind found")
	}
}

func TestAccountInfoKind(t *testing.T) {
	k, _ := awscloud.LookupKind("AWS::Account::Info")
	acct := awscloud.Account{ID: "123456789012", Name: "prod-payments", RoleARN: "arn:aws-us-gov:iam::123456789012:role/R"}
	page, err := k.Collect(ctxT(t), awsConfigZero(), awscloud.PageRequest{Account: acct})
	if err != nil || page.Next != "" || len(page.Items) != 1 {
		t.Fatalf("page = %+v, %v", page, err)
	}
	want := map[string]any{"Type": "AWS::Account::Info",
		"Properties":     map[string]any{"Id": "123456789012", "Name": "prod-payments"},
		"__ExtraContext": map[string]any{"AccountId": "123456789012", "Partition": "aws-us-gov"}}
	if !reflect.DeepEqual(page.Items[0], want) {
		t.Fatalf("item = %v", page.Items[0])
	}
}

func TestOrgAccountKindListsAllStatesAndEnriches(t *testing.T) {
	srv := startEmu(t, awsemu.Spec{Seed: 32, Accounts: 9, OUs: 2, Suspended: 1, PendingClosure: 1})
	f := facts(srv)
	p := staticProvider(t, srv, nil)
	accts := orgAccounts(t, srv, p)
	var mgmt, member awscloud.Account
	for _, a := range accts {
		if a.ID == f.mgmt {
			mgmt = a
		} else {
			member = a
		}
	}
	items, pages := collectAll(t, p, "AWS::Organizations::Account", mgmt, "", 4, "ListParentsAction", "ListTagsForResourceAction")
	if len(items) != 9 || pages != 3 {
		t.Fatalf("items %d pages %d, want all 9 accounts (any state) over 3 pages", len(items), pages)
	}
	got := byKey(items, "Id")
	states := map[string]int{}
	for _, a := range f.accounts {
		it, ok := got[a.ID]
		if !ok {
			t.Fatalf("account %s missing", a.ID)
		}
		pr := propsOf(it)
		states[pr["State"].(string)]++
		if pr["Name"] != a.Name || pr["Email"] != a.Email || !strings.HasPrefix(pr["Arn"].(string), "arn:aws:organizations::") {
			t.Fatalf("props %v", pr)
		}
		parents := pr["Parents"].([]any)
		if len(parents) != 1 || parents[0].(map[string]any)["Id"] != a.ParentID {
			t.Fatalf("parents of %s = %v, want %s", a.ID, parents, a.ParentID)
		}
		tags := map[string]string{}
		for _, tg := range pr["Tags"].([]any) {
			m := tg.(map[string]any)
			tags[m["Key"].(string)] = m["Value"].(string)
		}
		if !reflect.DeepEqual(tags, a.Tags) {
			t.Fatalf("tags of %s = %v, want %v", a.ID, tags, a.Tags)
		}
		if extraOf(it)["AccountId"] != f.mgmt {
			t.Fatalf("extra %v", extraOf(it))
		}
	}
	if states["SUSPENDED"] != 1 || states["PENDING_CLOSURE"] != 1 || states["ACTIVE"] != 7 {
		t.Fatalf("states = %v", states)
	}

	// A member account may not list the organization: not an empty listing but
	// "not applicable", so that the scope keeps what it has.
	k, _ := awscloud.LookupKind("AWS::Organizations::Account")
	cfg, err := p.Config(ctxT(t), member.Target(), "")
	if err != nil {
		t.Fatal(err)
	}
	page, err := k.Collect(ctxT(t), cfg, awscloud.PageRequest{Account: member})
	if err != nil || len(page.Items) != 0 || page.Next != "" || !strings.Contains(page.NotApplicable, "AccessDenied") {
		t.Fatalf("member: page %+v err %v; want NotApplicable naming AccessDenied", page, err)
	}
}

func TestS3BucketKind(t *testing.T) {
	srv := startEmu(t, kindSpec)
	p := staticProvider(t, srv, nil)
	total := 0
	for _, acct := range orgAccounts(t, srv, p) {
		items, _ := collectAll(t, p, "AWS::S3::Bucket", acct, "us-east-1", 3, "GetBucketLocationAction")
		want := map[string]string{} // bucket -> region
		var res []*awsemu.Resource
		for _, region := range kindSpec.Regions {
			for _, r := range resources(srv, acct.ID, region, "AWS::S3::Bucket") {
				want[r.ID] = region
				res = append(res, r)
			}
		}
		if len(items) != len(want) {
			t.Fatalf("account %s: %d buckets, want %d", acct.ID, len(items), len(want))
		}
		got := byKey(items, "BucketName")
		for _, r := range res {
			it := got[r.ID]
			if it == nil {
				t.Fatalf("bucket %s missing", r.ID)
			}
			pr := propsOf(it)
			if it["Type"] != "AWS::S3::Bucket" || pr["Arn"] != "arn:aws:s3:::"+r.ID || pr["BucketRegion"] != want[r.ID] ||
				pr["CreationDate"] != r.AttrTime("CreationDate").UTC().Format(time.RFC3339Nano) {
				t.Fatalf("bucket props %v (want created %v)", pr, r.AttrTime("CreationDate"))
			}
			if lc, _ := pr["LocationConstraint"].(string); (want[r.ID] == "us-east-1" && lc != "") || (want[r.ID] != "us-east-1" && lc != want[r.ID]) {
				t.Fatalf("LocationConstraint %q for region %s", lc, want[r.ID])
			}
			tags := pr["Tags"].([]any) // [] for NoSuchTagSet
			if len(tags) != len(r.Tags) {
				t.Fatalf("bucket %s tags %v, want %v", r.ID, tags, r.Tags)
			}
			for _, tg := range tags {
				m := tg.(map[string]any)
				if r.Tags[m["Key"].(string)] != m["Value"] {
					t.Fatalf("tag %v not in %v", m, r.Tags)
				}
			}
			if ex := extraOf(it); ex["AccountId"] != acct.ID || ex["Partition"] != "aws" || ex["Region"] != nil {
				t.Fatalf("S3 is global: extra %v", ex)
			}
		}
		total += len(items)
	}
	counts := map[string]int{}
	srv.View(func(o *awsemu.Org) { counts = o.ResourceCounts() })
	if total != counts["AWS::S3::Bucket"] || total == 0 {
		t.Fatalf("collected %d buckets, org has %d", total, counts["AWS::S3::Bucket"])
	}
}

func TestEC2InstanceKind(t *testing.T) {
	srv := startEmu(t, kindSpec)
	p := staticProvider(t, srv, nil)
	total := 0
	for _, acct := range orgAccounts(t, srv, p) {
		for _, region := range kindSpec.Regions {
			items, _ := collectAll(t, p, "AWS::EC2::Instance", acct, region, 5)
			res := resources(srv, acct.ID, region, "AWS::EC2::Instance")
			if len(items) != len(res) {
				t.Fatalf("%s %s: %d instances, want %d", acct.ID, region, len(items), len(res))
			}
			got := byKey(items, "InstanceId")
			for _, r := range res {
				it := got[r.ID]
				if it == nil {
					t.Fatalf("instance %s missing", r.ID)
				}
				pr := propsOf(it)
				state, _ := pr["State"].(map[string]any)
				if pr["InstanceType"] != r.AttrString("InstanceType") || state["Name"] != r.AttrString("State") ||
					pr["PrivateIpAddress"] != r.AttrString("PrivateIpAddress") || pr["VpcId"] != r.AttrString("VpcId") {
					t.Fatalf("instance props %v, resource %v", pr, r.Attributes)
				}
				if _, isInt := state["Code"].(int); !isInt {
					t.Fatalf("State.Code should be a number: %v", state)
				}
				if r.Has("PublicIpAddress") != (pr["PublicIpAddress"] != nil) {
					t.Fatalf("PublicIpAddress present %v vs %v", pr["PublicIpAddress"], r.Has("PublicIpAddress"))
				}
				ex := extraOf(it)
				if ex["AccountId"] != acct.ID || ex["Region"] != region || ex["OwnerId"] != acct.ID || ex["ReservationId"] != r.AttrString("ReservationId") {
					t.Fatalf("extra %v", ex)
				}
				if _, has := pr["noSmithyDocumentSerde"]; has {
					t.Fatal("SDK internals leaked into properties")
				}
			}
			total += len(items)
		}
	}
	if total == 0 {
		t.Fatal("no instances generated")
	}
}

func TestECSClusterKind(t *testing.T) {
	srv := startEmu(t, kindSpec)
	p := staticProvider(t, srv, nil)
	total := 0
	for _, acct := range orgAccounts(t, srv, p) {
		for _, region := range kindSpec.Regions {
			items, pages := collectAll(t, p, "AWS::ECS::Cluster", acct, region, 2)
			res := resources(srv, acct.ID, region, "AWS::ECS::Cluster")
			if len(items) != len(res) || pages != max(1, (len(res)+1)/2) {
				t.Fatalf("%s %s: %d clusters in %d pages, want %d", acct.ID, region, len(items), pages, len(res))
			}
			got := byKey(items, "ClusterArn")
			for _, r := range res {
				it := got[r.ARN]
				if it == nil {
					t.Fatalf("cluster %s missing", r.ARN)
				}
				pr := propsOf(it)
				if pr["ClusterName"] != r.ID || pr["Status"] != "ACTIVE" || pr["RegisteredContainerInstancesCount"] != int(r.AttrInt("RegisteredContainerInstancesCount")) {
					t.Fatalf("cluster props %v", pr)
				}
				for _, f := range []string{"CapacityProviders", "ClusterSettings", "Tags", "Statistics", "Attachments", "DefaultCapacityProviderStrategy"} {
					if _, ok := pr[f].([]any); !ok {
						t.Fatalf("%s should be a list, props %v", f, pr)
					}
				}
				// Nested members keep ECS's own camelCase, as boto returns them.
				tags := map[string]any{}
				for _, tg := range pr["Tags"].([]any) {
					m := tg.(map[string]any)
					tags[m["key"].(string)] = m["value"]
				}
				if len(tags) != len(r.Tags) || tags["Name"] != r.Tags["Name"] {
					t.Fatalf("tags %v, want %v", pr["Tags"], r.Tags)
				}
				if ex := extraOf(it); ex["Region"] != region || ex["AccountId"] != acct.ID {
					t.Fatalf("extra %v", ex)
				}
			}
			total += len(items)
		}
	}
	if total == 0 {
		t.Fatal("no clusters generated")
	}
}

func TestLambdaFunctionKind(t *testing.T) {
	srv := startEmu(t, kindSpec)
	p := staticProvider(t, srv, nil)
	total := 0
	for _, acct := range orgAccounts(t, srv, p) {
		for _, region := range kindSpec.Regions {
			items, _ := collectAll(t, p, "AWS::Lambda::Function", acct, region, 3, "ListTagsAction")
			res := resources(srv, acct.ID, region, "AWS::Lambda::Function")
			if len(items) != len(res) {
				t.Fatalf("%s %s: %d functions, want %d", acct.ID, region, len(items), len(res))
			}
			got := byKey(items, "FunctionName")
			for _, r := range res {
				pr := propsOf(got[r.ID])
				if pr["FunctionArn"] != r.ARN || pr["Runtime"] != r.AttrString("Runtime") || pr["MemorySize"] != int(r.AttrInt("MemorySize")) {
					t.Fatalf("function props %v", pr)
				}
				tags := pr["Tags"].(map[string]any)
				if len(tags) != len(r.Tags) || tags["Name"] != r.Tags["Name"] {
					t.Fatalf("tags %v, want %v", tags, r.Tags)
				}
			}
			total += len(items)
		}
	}
	if total == 0 {
		t.Fatal("no functions generated")
	}
	// Without the action no ListTags call is made and no Tags appear.
	srv.ResetRequests()
	acct := orgAccounts(t, srv, p)[0]
	items, _ := collectAll(t, p, "AWS::Lambda::Function", acct, "us-east-1", 50)
	for _, it := range items {
		if _, has := propsOf(it)["Tags"]; has {
			t.Fatal("Tags without ListTagsAction")
		}
	}
	if n := len(ops(srv, "ListTags")); n != 0 {
		t.Fatalf("ListTags calls without the action: %d", n)
	}
}

func TestThrottlingIsAbsorbedByTheRetryer(t *testing.T) {
	spec := kindSpec
	spec.ResourcesPerKind = 12
	srv := startEmu(t, spec)
	p := staticProvider(t, srv, func(s *awscloud.Settings) { s.RetryMaxBackoff = 2 * time.Second })
	accts := orgAccounts(t, srv, p)
	acct := accts[0]
	// Few tokens, refilling slowly: back-to-back pages and the concurrent
	// per-bucket GetBucketTagging calls get throttled.
	srv.Faults().SetRateLimit("ec2", 4, 1)
	srv.Faults().SetRateLimit("s3", 16, 2)
	ec2Items, _ := collectAll(t, p, "AWS::EC2::Instance", acct, "us-east-1", 5)
	s3Items, _ := collectAll(t, p, "AWS::S3::Bucket", acct, "us-east-1", 100)
	if len(ec2Items) != len(resources(srv, acct.ID, "us-east-1", "AWS::EC2::Instance")) {
		t.Fatalf("instances lost under throttling: %d", len(ec2Items))
	}
	buckets := 0
	for _, region := range spec.Regions {
		buckets += len(resources(srv, acct.ID, region, "AWS::S3::Bucket"))
	}
	if len(s3Items) != buckets {
		t.Fatalf("buckets lost under throttling: %d, want %d", len(s3Items), buckets)
	}
	throttled := map[string]int{}
	for _, r := range srv.Requests() {
		if r.ErrorCode == "RequestLimitExceeded" || r.ErrorCode == "SlowDown" {
			throttled[r.Service]++
		}
	}
	if throttled["ec2"] == 0 || throttled["s3"] == 0 {
		t.Fatalf("the test should have been throttled: %v", throttled)
	}
}

func TestDeniedRegionAndFailedEnrichmentFailThePage(t *testing.T) {
	srv := startEmu(t, kindSpec)
	p := staticProvider(t, srv, nil)
	acct := orgAccounts(t, srv, p)[1]
	srv.Faults().DenyAccess(acct.ID, "ec2", "eu-west-1")
	k, _ := awscloud.LookupKind("AWS::EC2::Instance")
	cfg, err := p.Config(ctxT(t), acct.Target(), "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	_, err = k.Collect(ctxT(t), cfg, awscloud.PageRequest{Account: acct, Region: "eu-west-1"})
	if err == nil || awscloud.Classify(err) != awscloud.ErrDenied || !strings.Contains(err.Error(), "UnauthorizedOperation") {
		t.Fatalf("denied region: err %v class %v", err, awscloud.Classify(err))
	}
	if items, _ := collectAll(t, p, "AWS::EC2::Instance", acct, "us-east-1", 100); len(items) != len(resources(srv, acct.ID, "us-east-1", "AWS::EC2::Instance")) {
		t.Fatal("other regions are unaffected")
	}

	// One failed enrichment call fails the page instead of emptying it.
	srv.Faults().Add(awsemu.FaultRule{Service: "s3", Operation: "GetBucketTagging", AccountID: acct.ID, Status: 400, Code: "InvalidRequest", Message: "boom", Count: 1})
	s3k, _ := awscloud.LookupKind("AWS::S3::Bucket")
	page, err := s3k.Collect(ctxT(t), cfg, awscloud.PageRequest{Account: acct, Region: "us-east-1"})
	if err == nil || !strings.Contains(err.Error(), "InvalidRequest") || len(page.Items) != 0 {
		t.Fatalf("failed GetBucketTagging: page %d items, err %v", len(page.Items), err)
	}
	// A denied default call fails the page too: Ocean's tags are not optional.
	// (A rule without Count: calls of the failed page above that were still in
	// flight when it failed may reach the emulator after this rule is added.)
	srv.Faults().Add(awsemu.FaultRule{Service: "s3", Operation: "GetBucketTagging", AccountID: acct.ID, Status: 403, Code: "AccessDenied", Message: "Access Denied"})
	page, err = s3k.Collect(ctxT(t), cfg, awscloud.PageRequest{Account: acct, Region: "us-east-1"})
	if err == nil || awscloud.Classify(err) != awscloud.ErrDenied || len(page.Items) != 0 {
		t.Fatalf("denied GetBucketTagging: page %d items, err %v", len(page.Items), err)
	}
	srv.Faults().Clear()

	// A denied optional action (includeActions) keeps the functions, without
	// Tags, and counts them.
	srv.Faults().Add(awsemu.FaultRule{Service: "lambda", Operation: "ListTags", AccountID: acct.ID, Status: 403, Code: "AccessDeniedException", Message: "no", Count: 1})
	lk, _ := awscloud.LookupKind("AWS::Lambda::Function")
	var checked bool
	for _, region := range kindSpec.Regions {
		fns := resources(srv, acct.ID, region, "AWS::Lambda::Function")
		if len(fns) == 0 {
			continue
		}
		rcfg, err := p.Config(ctxT(t), acct.Target(), region)
		if err != nil {
			t.Fatal(err)
		}
		page, err := lk.Collect(ctxT(t), rcfg, awscloud.PageRequest{Account: acct, Region: region, IncludeActions: []string{"ListTagsAction"}})
		if err != nil || len(page.Items) != len(fns) || page.Omitted != 1 || len(page.OmittedExamples) != 1 ||
			!strings.HasPrefix(page.OmittedExamples[0], "ListTagsAction denied for function arn:") {
			t.Fatalf("denied ListTags: %d items of %d, omitted %d %q, err %v", len(page.Items), len(fns), page.Omitted, page.OmittedExamples, err)
		}
		untagged := 0
		for _, it := range page.Items {
			if _, ok := propsOf(it)["Tags"]; !ok {
				untagged++
			}
		}
		if untagged != 1 {
			t.Fatalf("%d functions without Tags, want the 1 denied", untagged)
		}
		checked = true
		break
	}
	if !checked {
		t.Fatal("no functions to test with")
	}
}

// collectPages pages through a kind and returns the pages.
func collectPages(t *testing.T, p *awscloud.Provider, kind string, acct awscloud.Account, region string, actions ...string) ([]awscloud.Page, error) {
	t.Helper()
	k, _ := awscloud.LookupKind(kind)
	cfg, err := p.Config(ctxT(t), acct.Target(), region)
	if err != nil {
		t.Fatal(err)
	}
	req := awscloud.PageRequest{Account: acct, Region: region, PageSize: 4, IncludeActions: actions}
	var pages []awscloud.Page
	for {
		page, err := k.Collect(ctxT(t), cfg, req)
		if err != nil {
			return pages, err
		}
		pages = append(pages, page)
		if page.Next == "" || len(pages) > 100 {
			return pages, nil
		}
		req.Token = page.Next
	}
}

var s3Optional = []string{"GetBucketEncryptionAction", "GetPublicAccessBlockAction", "GetBucketOwnershipControlsAction"}

// s3Want is what Ocean's model holds for a bucket's settings in the emulator
// (nil: not configured, the property is absent).
func s3Want(r *awsemu.Resource) map[string]any {
	out := map[string]any{}
	if r.Has("SSEAlgorithm") {
		def := map[string]any{"SSEAlgorithm": r.AttrString("SSEAlgorithm")}
		if r.Has("KMSMasterKeyID") {
			def["KMSMasterKeyID"] = r.AttrString("KMSMasterKeyID")
		}
		out["BucketEncryption"] = map[string]any{"Rules": []any{map[string]any{
			"ApplyServerSideEncryptionByDefault": def, "BucketKeyEnabled": r.AttrBool("BucketKeyEnabled")}}}
	}
	if r.Has("PublicAccessBlock") {
		on := r.AttrBool("PublicAccessBlock")
		out["PublicAccessBlockConfiguration"] = map[string]any{"BlockPublicAcls": on, "IgnorePublicAcls": on,
			"BlockPublicPolicy": on, "RestrictPublicBuckets": on}
	}
	if r.Has("ObjectOwnership") {
		out["OwnershipControls"] = map[string]any{"Rules": []any{map[string]any{"ObjectOwnership": r.AttrString("ObjectOwnership")}}}
	}
	return out
}

func TestS3OptionalActionsConfiguredAndAbsent(t *testing.T) {
	srv := startEmu(t, kindSpec)
	p := staticProvider(t, srv, nil)
	configured, absent := map[string]int{}, map[string]int{}
	for _, acct := range orgAccounts(t, srv, p) {
		pages, err := collectPages(t, p, "AWS::S3::Bucket", acct, "us-east-1", s3Optional...)
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string]*awsemu.Resource{}
		for _, region := range kindSpec.Regions {
			for _, r := range resources(srv, acct.ID, region, "AWS::S3::Bucket") {
				byName[r.ID] = r
			}
		}
		items, omitted, wantOmitted := 0, 0, 0
		for _, page := range pages {
			omitted += page.Omitted
			for _, ex := range page.OmittedExamples {
				if !strings.Contains(ex, " not configured for bucket ") {
					t.Fatalf("example %q", ex)
				}
			}
			for _, it := range page.Items {
				items++
				pr := propsOf(it)
				r := byName[pr["BucketName"].(string)]
				want := s3Want(r)
				for _, key := range []string{"BucketEncryption", "PublicAccessBlockConfiguration", "OwnershipControls"} {
					if w, ok := want[key]; ok {
						configured[key]++
						if !reflect.DeepEqual(pr[key], w) {
							t.Fatalf("bucket %s %s = %#v, want %#v", r.ID, key, pr[key], w)
						}
						continue
					}
					absent[key]++
					wantOmitted++
					if v, ok := pr[key]; ok {
						t.Fatalf("bucket %s has no %s configured, got %v", r.ID, key, v)
					}
				}
				if _, ok := pr["LocationConstraint"]; ok {
					t.Fatalf("LocationConstraint without GetBucketLocationAction: %v", pr)
				}
			}
		}
		if items != len(byName) || omitted != wantOmitted {
			t.Fatalf("account %s: %d items of %d buckets, omitted %d, want %d", acct.ID, items, len(byName), omitted, wantOmitted)
		}
	}
	for _, key := range []string{"BucketEncryption", "PublicAccessBlockConfiguration", "OwnershipControls"} {
		if configured[key] == 0 || absent[key] == 0 {
			t.Fatalf("%s: %d buckets configured, %d not: the org should have both", key, configured[key], absent[key])
		}
	}
}

func TestS3OptionalActionDeniedKeepsTheBucket(t *testing.T) {
	srv := startEmu(t, kindSpec)
	p := staticProvider(t, srv, nil)
	acct := orgAccounts(t, srv, p)[1]
	var want int
	for _, region := range kindSpec.Regions {
		want += len(resources(srv, acct.ID, region, "AWS::S3::Bucket"))
	}
	if want == 0 {
		t.Fatal("no buckets to test with")
	}
	srv.Faults().Add(awsemu.FaultRule{Service: "s3", Operation: "GetBucketEncryption", AccountID: acct.ID, Status: 403, Code: "AccessDenied", Message: "Access Denied"})
	// A throttled optional call is retried, not omitted.
	srv.Faults().Add(awsemu.FaultRule{Service: "s3", Operation: "GetBucketOwnershipControls", AccountID: acct.ID, Status: 503, Code: "SlowDown", Message: "Please reduce your request rate.", Count: 1})
	pages, err := collectPages(t, p, "AWS::S3::Bucket", acct, "us-east-1", "GetBucketEncryptionAction", "GetBucketOwnershipControlsAction")
	if err != nil {
		t.Fatalf("a denied optional action fails the page: %v", err)
	}
	items, omitted, notConfigured := 0, 0, 0
	var examples []string
	for _, page := range pages {
		omitted += page.Omitted
		examples = append(examples, page.OmittedExamples...)
		for _, it := range page.Items {
			items++
			pr := propsOf(it)
			if _, ok := pr["BucketEncryption"]; ok {
				t.Fatalf("denied, yet BucketEncryption set: %v", pr)
			}
			if _, ok := pr["OwnershipControls"]; !ok {
				notConfigured++
			}
		}
	}
	if items != want || omitted != want+notConfigured {
		t.Fatalf("%d items of %d buckets, omitted %d, want %d denied + %d not configured", items, want, omitted, want, notConfigured)
	}
	var denied bool
	for _, ex := range examples {
		if strings.HasPrefix(ex, "GetBucketEncryptionAction denied for bucket ") && strings.HasSuffix(ex, ": AccessDenied: Access Denied") {
			denied = true
		}
	}
	if !denied {
		t.Fatalf("examples %q name no denial", examples)
	}

	// Any other failure of an optional action fails the page.
	srv.Faults().Add(awsemu.FaultRule{Service: "s3", Operation: "GetPublicAccessBlock", AccountID: acct.ID, Status: 400, Code: "InvalidRequest", Message: "boom"})
	if _, err := collectPages(t, p, "AWS::S3::Bucket", acct, "us-east-1", "GetPublicAccessBlockAction"); err == nil || !strings.Contains(err.Error(), "InvalidRequest") {
		t.Fatalf("InvalidRequest on an optional action: %v", err)
	}
}

func TestKindActions(t *testing.T) {
	k, _ := awscloud.LookupKind("AWS::S3::Bucket")
	want := []string{"GetPublicAccessBlockAction", "GetBucketOwnershipControlsAction", "GetBucketEncryptionAction", "GetBucketLocationAction"}
	if got := k.Actions(); !reflect.DeepEqual(got, want) {
		t.Fatalf("S3 actions %v, want Ocean's %v", got, want)
	}
	for _, name := range awscloud.KindNames() {
		k, _ := awscloud.LookupKind(name)
		for _, a := range k.Actions() {
			if !strings.HasSuffix(a, "Action") {
				t.Fatalf("%s: action %q", name, a)
			}
		}
	}
}

func TestPropsConversion(t *testing.T) {
	got := awscloud.Props(sampleInstance(), nil)
	keys := make([]string, 0, len(got))
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	// Nil pointers/slices, empty enums and zero times are left out; zero
	// numbers and empty-but-present lists are kept.
	want := []string{"AmiLaunchIndex", "InstanceId", "LaunchTime", "SecurityGroups", "State", "Tags"}
	if !reflect.DeepEqual(keys, want) {
		t.Fatalf("keys %v, want %v", keys, want)
	}
	if got["AmiLaunchIndex"] != 0 || got["LaunchTime"] != "2024-05-01T10:00:00Z" ||
		!reflect.DeepEqual(got["State"], map[string]any{"Code": 16, "Name": "running"}) ||
		!reflect.DeepEqual(got["Tags"], []any{map[string]any{"Key": "Name", "Value": ""}}) ||
		!reflect.DeepEqual(got["SecurityGroups"], []any{}) {
		t.Fatalf("props %v", got)
	}
	lower := awscloud.Props(sampleInstance(), strings.ToLower)
	if _, ok := lower["State"].(map[string]any)["code"]; !ok {
		t.Fatalf("nested renaming: %v", lower)
	}
}

func awsConfigZero() aws.Config { return aws.Config{} }

func sampleInstance() ec2types.Instance {
	lt := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	return ec2types.Instance{
		InstanceId:               aws.String("i-1"),
		AmiLaunchIndex:           aws.Int32(0),
		LaunchTime:               &lt,
		State:                    &ec2types.InstanceState{Code: aws.Int32(16), Name: ec2types.InstanceStateNameRunning},
		Tags:                     []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("")}},
		SecurityGroups:           []ec2types.GroupIdentifier{},
		Architecture:             "",
		UsageOperationUpdateTime: nil,
	}
}

// An item deleted between the listing and its per-item call is left out of the
// page, not an error. (An emulator per case: a call a failed page abandoned may
// still reach its server after the page returned.)
func TestItemsDeletedSinceTheListingAreLeftOut(t *testing.T) {
	for _, tc := range []struct {
		kind, service, operation, code, action string
		status                                 int
	}{
		{"AWS::DynamoDB::Table", "dynamodb", "DescribeTable", "ResourceNotFoundException", "GetTableTagsAction", 400},
		{"AWS::ECR::Repository", "ecr", "ListTagsForResource", "RepositoryNotFoundException", "ListTagsForResourceAction", 400},
		{"AWS::EKS::Cluster", "eks", "DescribeCluster", "ResourceNotFoundException", "", 404},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			srv := startEmu(t, kindSpec)
			p := staticProvider(t, srv, nil)
			acct := orgAccounts(t, srv, p)[0]
			region, want := "", 0
			for _, r := range kindSpec.Regions {
				if n := len(resources(srv, acct.ID, r, tc.kind)); n > 0 {
					region, want = r, n
					break
				}
			}
			if region == "" {
				t.Fatalf("no %s to test with", tc.kind)
			}
			srv.Faults().Add(awsemu.FaultRule{Service: tc.service, Operation: tc.operation, AccountID: acct.ID, Status: tc.status,
				Code: tc.code, Message: "gone since the listing", Count: 1})
			var actions []string
			if tc.action != "" {
				actions = append(actions, tc.action)
			}
			items, _ := collectAll(t, p, tc.kind, acct, region, 100, actions...)
			if len(items) != want-1 {
				t.Fatalf("%d items, want %d (one gone)", len(items), want-1)
			}
		})
	}
}
