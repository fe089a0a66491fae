package deploy

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

var iamTemplates = []string{"iam/member-role.yaml", "iam/management-role.yaml", "iam/oidc-provider.yaml"}

// Read calls aws-port-sync makes in every account (internal/awscloud).
var memberActions = []string{
	"sts:GetCallerIdentity", "account:ListRegions",
	"ec2:DescribeRegions", "ec2:DescribeInstances", "ec2:DescribeInstanceStatus", "ec2:DescribeVolumes",
	"s3:ListAllMyBuckets", "s3:GetBucketTagging", "s3:GetBucketLocation",
	// S3's includeActions GetBucketEncryptionAction, GetPublicAccessBlockAction,
	// GetBucketOwnershipControlsAction (IAM names differ from the API's).
	"s3:GetEncryptionConfiguration", "s3:GetBucketPublicAccessBlock", "s3:GetBucketOwnershipControls",
	"ecs:ListClusters", "ecs:DescribeClusters", "ecs:ListServices", "ecs:DescribeServices",
	"lambda:ListFunctions", "lambda:ListTags",
	// SQS; sqs:ListQueueTags is ListQueueTagsAction.
	"sqs:ListQueues", "sqs:GetQueueAttributes", "sqs:ListQueueTags",
	// SNS; sns:ListTagsForResource is GetTopicTagsAction.
	"sns:ListTopics", "sns:GetTopicAttributes", "sns:ListTagsForResource",
	// AWS::EC2::Volume's includeAction DescribeVolumeAttributeAction.
	"ec2:DescribeVolumeAttribute",
	"eks:ListClusters", "eks:DescribeCluster",
	"dynamodb:ListTables", "dynamodb:DescribeTable", "dynamodb:ListTagsOfResource", "dynamodb:DescribeContinuousBackups",
	"ecr:DescribeRepositories", "ecr:GetRepositoryPolicy", "ecr:GetLifecyclePolicy", "ecr:ListTagsForResource",
	// AWS::ECS::TaskDefinition (AWS::ECS::Service uses the cluster kind's calls).
	"ecs:ListTaskDefinitions", "ecs:DescribeTaskDefinition",
	// AWS::RDS::DBInstance and DBCluster; rds:ListTagsForResource is ListTagsForResourceAction.
	"rds:DescribeDBInstances", "rds:DescribeDBClusters", "rds:ListTagsForResource",
	// AWS::ElastiCache::Cluster; elasticache:ListTagsForResource is ListTagsForResourceAction.
	"elasticache:DescribeCacheClusters", "elasticache:ListTagsForResource",
	// AWS::MemoryDB::User; memorydb:ListTags is ListTagsForMemoryDbUserAction.
	"memorydb:DescribeUsers", "memorydb:ListTags",
	// CodeDeploy; ListTagsForResource is the application's default call and
	// the deployment group's GetDeploymentGroupTags.
	"codedeploy:ListApplications", "codedeploy:BatchGetApplications", "codedeploy:ListTagsForResource",
	"codedeploy:ListDeploymentGroups", "codedeploy:BatchGetDeploymentGroups", "codedeploy:ListDeployments",
	"codedeploy:GetDeployment", "codedeploy:ListDeploymentTargets", "codedeploy:BatchGetDeploymentTargets",
	// CodePipeline: pipelines, stages and actions read GetPipeline; the
	// history kinds read the executions.
	"codepipeline:ListPipelines", "codepipeline:GetPipeline", "codepipeline:ListTagsForResource",
	"codepipeline:ListPipelineExecutions", "codepipeline:GetPipelineExecution", "codepipeline:ListActionExecutions",
	"kafka:ListClusters", "kafka:ListClustersV2",
	"ses:ListEmailIdentities", "ses:GetEmailIdentity", "ses:ListConfigurationSets", "ses:GetConfigurationSet",
	"codebuild:ListProjects", "codebuild:BatchGetProjects", "codebuild:ListBuilds", "codebuild:BatchGetBuilds",
	// Cloud Control kinds (IAM names them under cloudformation).
	"cloudformation:ListResources", "cloudformation:GetResource",
}

// Organization reads of the management (or delegated administrator) account.
var organizationActions = []string{
	"organizations:ListAccounts", "organizations:ListAccountsForParent",
	"organizations:ListOrganizationalUnitsForParent", "organizations:ListChildren",
	"organizations:ListParents", "organizations:ListRoots", "organizations:DescribeOrganization",
	"organizations:ListTagsForResource",
}

// readOnly: List*, Describe*, Get* (but no data reads), sts:AssumeRole*, sts:GetCallerIdentity.
func readOnly(action string) bool {
	service, verb, ok := strings.Cut(action, ":")
	if !ok || service == "" || verb == "" {
		return false
	}
	if service == "sts" {
		return strings.HasPrefix(verb, "AssumeRole") || verb == "GetCallerIdentity"
	}
	switch service {
	case "secretsmanager", "kms", "ssm":
		return false // reading secrets is not "reading the inventory"
	}
	if service == "s3" && strings.HasPrefix(verb, "GetObject") {
		return false
	}
	// BatchGet* reads several resources in one call (CodeDeploy, CodeBuild).
	for _, prefix := range []string{"List", "Describe", "Get", "BatchGet"} {
		if strings.HasPrefix(verb, prefix) {
			return true
		}
	}
	return false
}

func TestReadOnlyVerbs(t *testing.T) {
	for action, want := range map[string]bool{
		"ec2:DescribeInstances": true, "organizations:List*": true, "sts:AssumeRoleWithWebIdentity": true,
		"sts:GetCallerIdentity": true, "s3:GetBucketTagging": true, "codedeploy:BatchGetApplications": true,
		"codebuild:BatchGetBuilds": true, "codebuild:BatchDeleteBuilds": false,
		"*": false, "ec2:*": false, "s3:PutObject": false, "s3:GetObject": false, "iam:CreateRole": false,
		"sts:GetSessionToken": false, "secretsmanager:GetSecretValue": false, "ec2:RunInstances": false,
	} {
		if got := readOnly(action); got != want {
			t.Errorf("readOnly(%q) = %v, want %v", action, got, want)
		}
	}
}

// embeddedActions finds "Action": ... inside JSON text (policies assembled as strings).
var embeddedActions = regexp.MustCompile(`"(Not)?Action"\s*:\s*(\[[^\]]*\]|"[^"]*")`)

// TestIAMTemplatesReadOnly: every Action of every statement, in YAML or in
// policy JSON assembled from strings, is a read-only verb; managed policies are
// only ReadOnlyAccess.
func TestIAMTemplatesReadOnly(t *testing.T) {
	for _, file := range iamTemplates {
		root := loadCFN(t, file)
		if get(root, "AWSTemplateFormatVersion") == nil || get(root, "Resources") == nil {
			t.Errorf("%s: not a CloudFormation template", file)
		}
		var actions []string
		walk(root, func(n *yaml.Node) {
			if n.Kind == yaml.ScalarNode && strings.Contains(n.Value, ":iam::aws:policy/") && !strings.HasSuffix(n.Value, ":iam::aws:policy/ReadOnlyAccess") {
				t.Errorf("%s:%d: managed policy other than ReadOnlyAccess: %s", file, n.Line, n.Value)
			}
			for _, m := range embeddedActions.FindAllStringSubmatch(n.Value, -1) {
				if m[1] != "" {
					t.Errorf("%s:%d: NotAction grants everything else", file, n.Line)
				}
				var list []string
				if err := json.Unmarshal([]byte(m[2]), &list); err != nil {
					var one string
					if err := json.Unmarshal([]byte(m[2]), &one); err != nil {
						t.Errorf("%s:%d: unreadable Action %s", file, n.Line, m[2])
					}
					list = []string{one}
				}
				actions = append(actions, list...)
			}
			if n.Kind != yaml.MappingNode {
				return
			}
			if get(n, "NotAction") != nil {
				t.Errorf("%s:%d: NotAction grants everything else", file, n.Line)
			}
			a := get(n, "Action")
			if a == nil {
				return
			}
			switch {
			case a.Kind == yaml.ScalarNode && a.Tag == "!!str":
				actions = append(actions, a.Value)
			case a.Kind == yaml.SequenceNode:
				for _, e := range a.Content {
					if e.Kind != yaml.ScalarNode || e.Tag != "!!str" {
						t.Errorf("%s:%d: computed Action cannot be checked", file, e.Line)
						continue
					}
					actions = append(actions, e.Value)
				}
			default:
				t.Errorf("%s:%d: computed Action cannot be checked", file, a.Line)
			}
		})
		for _, action := range actions {
			if !readOnly(action) {
				t.Errorf("%s: %s is not a read-only action", file, action)
			}
		}
		if strings.HasSuffix(file, "-role.yaml") && len(actions) < len(memberActions) {
			t.Errorf("%s: found only %d actions: %v", file, len(actions), actions)
		}
	}
}

// roleCase is one way of deploying a role template, and what it must produce.
type roleCase struct {
	name       string
	params     map[string]string
	principals []string // AWS principals trusted with sts:AssumeRole
	externalID string
	oidcHost   string
	managed    bool // ReadOnlyAccess attached
}

var roleCases = []roleCase{
	{name: "assume role", params: map[string]string{"TrustedPrincipalArns": "arn:aws:iam::999999999999:role/ecs-task"},
		principals: []string{"arn:aws:iam::999999999999:role/ecs-task"}},
	{name: "assume role with external id and two principals",
		params: map[string]string{
			"TrustedPrincipalArns": "arn:aws:iam::999999999999:role/a, arn:aws:iam::999999999999:user/b",
			"ExternalId":           "port-ext-42",
		},
		principals: []string{"arn:aws:iam::999999999999:role/a", "arn:aws:iam::999999999999:user/b"}, externalID: "port-ext-42"},
	{name: "irsa", params: map[string]string{"OIDCProviderHost": "oidc.eks.us-east-1.amazonaws.com/id/ABC123"},
		oidcHost: "oidc.eks.us-east-1.amazonaws.com/id/ABC123"},
	{name: "both with ReadOnlyAccess",
		params: map[string]string{
			"TrustedPrincipalArns": "arn:aws:iam::999999999999:root", "OIDCProviderHost": "oidc.eks.eu-west-1.amazonaws.com/id/XYZ",
			"Permissions": "ReadOnlyAccess", "ExternalId": "e",
		},
		principals: []string{"arn:aws:iam::999999999999:root"}, externalID: "e",
		oidcHost: "oidc.eks.eu-west-1.amazonaws.com/id/XYZ", managed: true},
}

func TestRoleTemplates(t *testing.T) {
	for _, file := range []string{"iam/member-role.yaml", "iam/management-role.yaml"} {
		root := loadCFN(t, file)
		for _, rc := range roleCases {
			t.Run(filepath.Base(file)+"/"+rc.name, func(t *testing.T) {
				s, err := newStack(root, rc.params)
				if err != nil {
					t.Fatalf("deploy: %v", err)
				}
				props, err := s.resource("ReadRole")
				if err != nil {
					t.Fatal(err)
				}
				if props["RoleName"] != "PortOceanReadRole" || props["Path"] != "/" {
					t.Errorf("role %v at %v, want PortOceanReadRole at /", props["RoleName"], props["Path"])
				}
				checkTrust(t, props["AssumeRolePolicyDocument"], rc)
				checkPermissions(t, props, rc, strings.Contains(file, "management"))
			})
		}
		if _, err := newStack(root, nil); err == nil || !strings.Contains(err.Error(), "TrustedPrincipalArns") {
			t.Errorf("%s without any trust: err = %v, want the rule naming TrustedPrincipalArns", file, err)
		}
		if _, err := newStack(root, map[string]string{"TrustedPrincipalArns": "arn:aws:iam::1:root", "ExternalId": `x"}`}); err == nil {
			t.Errorf("%s accepts an ExternalId that would break the trust policy JSON", file)
		}
	}
}

type statement struct {
	Effect    string
	Principal map[string]any
	Action    any
	Condition map[string]map[string]any
}

func checkTrust(t *testing.T, doc any, rc roleCase) {
	t.Helper()
	text, ok := doc.(string)
	if !ok {
		t.Fatalf("AssumeRolePolicyDocument is %T, want the assembled JSON string", doc)
	}
	var policy struct {
		Version   string
		Statement []statement
	}
	if err := json.Unmarshal([]byte(text), &policy); err != nil {
		t.Fatalf("trust policy is not JSON: %v\n%s", err, text)
	}
	want := 0
	if len(rc.principals) > 0 {
		want++
	}
	if rc.oidcHost != "" {
		want++
	}
	if policy.Version != "2012-10-17" || len(policy.Statement) != want {
		t.Fatalf("trust policy has %d statements, want %d:\n%s", len(policy.Statement), want, text)
	}
	for _, st := range policy.Statement {
		if st.Effect != "Allow" {
			t.Errorf("statement effect %s", st.Effect)
		}
		switch st.Action {
		case "sts:AssumeRole":
			if got := toStrings(st.Principal["AWS"]); !reflect.DeepEqual(got, rc.principals) {
				t.Errorf("AssumeRole principals %v, want %v", got, rc.principals)
			}
			if rc.externalID == "" && st.Condition != nil {
				t.Errorf("AssumeRole has a condition without an ExternalId: %v", st.Condition)
			}
			if rc.externalID != "" && st.Condition["StringEquals"]["sts:ExternalId"] != rc.externalID {
				t.Errorf("AssumeRole condition %v, want sts:ExternalId %s", st.Condition, rc.externalID)
			}
		case "sts:AssumeRoleWithWebIdentity":
			if got := st.Principal["Federated"]; got != "arn:aws:iam::123456789012:oidc-provider/"+rc.oidcHost {
				t.Errorf("web identity principal %v", got)
			}
			wantCond := map[string]any{
				rc.oidcHost + ":sub": "system:serviceaccount:port-ocean:port-ocean-aws-v3",
				rc.oidcHost + ":aud": "sts.amazonaws.com",
			}
			if !reflect.DeepEqual(st.Condition["StringEquals"], wantCond) || len(st.Condition) != 1 {
				t.Errorf("web identity condition %v, want StringEquals %v", st.Condition, wantCond)
			}
		default:
			t.Errorf("unexpected trust action %v", st.Action)
		}
	}
}

func checkPermissions(t *testing.T, props map[string]any, rc roleCase, management bool) {
	t.Helper()
	managed := toStrings(props["ManagedPolicyArns"])
	if rc.managed != (len(managed) == 1 && managed[0] == "arn:aws:iam::aws:policy/ReadOnlyAccess") || len(managed) > 1 {
		t.Errorf("ManagedPolicyArns = %v with Permissions=%s", managed, rc.params["Permissions"])
	}
	var granted []string
	policies, _ := props["Policies"].([]any)
	for _, p := range policies {
		for _, st := range dig(p, "PolicyDocument", "Statement").([]any) {
			if dig(st, "Effect") != "Allow" || dig(st, "Resource") != "*" {
				t.Errorf("statement %v", st)
			}
			granted = append(granted, toStrings(dig(st, "Action"))...)
		}
	}
	sort.Strings(granted)
	var need []string
	if !rc.managed {
		need = append(need, memberActions...)
	}
	if management {
		need = append(need, organizationActions...)
	}
	for _, a := range need {
		if i := sort.SearchStrings(granted, a); i == len(granted) || granted[i] != a {
			t.Errorf("policy lacks %s (granted %v)", a, granted)
		}
	}
	if rc.managed && !management && len(granted) != 0 {
		t.Errorf("inline policy %v besides ReadOnlyAccess", granted)
	}
}

func toStrings(v any) []string {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		return []string{x}
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, _ := e.(string)
			out = append(out, s)
		}
		return out
	}
	return nil
}

func TestOIDCProviderTemplate(t *testing.T) {
	root := loadCFN(t, "iam/oidc-provider.yaml")
	if _, err := newStack(root, nil); err == nil {
		t.Errorf("deploys without OIDCProviderHost")
	}
	if _, err := newStack(root, map[string]string{"OIDCProviderHost": "https://oidc.eks.us-east-1.amazonaws.com/id/ABC"}); err == nil {
		t.Errorf("accepts the issuer with https://; the roles' trust wants the bare host")
	}
	for _, thumb := range []string{"", "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"} {
		s, err := newStack(root, map[string]string{"OIDCProviderHost": "oidc.eks.us-east-1.amazonaws.com/id/ABC", "Thumbprint": thumb})
		if err != nil {
			t.Fatalf("deploy: %v", err)
		}
		props, err := s.resource("Provider")
		if err != nil {
			t.Fatal(err)
		}
		if props["Url"] != "https://oidc.eks.us-east-1.amazonaws.com/id/ABC" {
			t.Errorf("Url = %v", props["Url"])
		}
		if got := toStrings(props["ClientIdList"]); !reflect.DeepEqual(got, []string{"sts.amazonaws.com"}) {
			t.Errorf("ClientIdList = %v, want [sts.amazonaws.com]", got)
		}
		got := toStrings(props["ThumbprintList"])
		if (thumb == "" && got != nil) || (thumb != "" && !reflect.DeepEqual(got, []string{thumb})) {
			t.Errorf("Thumbprint %q: ThumbprintList = %v", thumb, got)
		}
	}
}

// dig walks maps by key and lists by int index; nil when absent.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}
