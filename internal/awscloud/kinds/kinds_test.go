package kinds_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"
)

func TestKindRegistry(t *testing.T) {
	want := []string{"AWS::Account::Info", "AWS::CodeBuild::BuildRun", "AWS::CodeBuild::Project", "AWS::CodeDeploy::Application", "AWS::CodeDeploy::Deployment", "AWS::CodeDeploy::DeploymentGroup", "AWS::CodeDeploy::DeploymentTarget", "AWS::CodePipeline::Action", "AWS::CodePipeline::ActionExecution", "AWS::CodePipeline::Pipeline", "AWS::CodePipeline::PipelineExecution", "AWS::CodePipeline::Stage", "AWS::DynamoDB::Table", "AWS::EC2::Instance", "AWS::EC2::Volume", "AWS::ECR::Repository", "AWS::ECS::Cluster", "AWS::ECS::Service", "AWS::ECS::TaskDefinition", "AWS::EKS::Cluster", "AWS::ElastiCache::Cluster", "AWS::Lambda::Function", "AWS::MSK::Cluster", "AWS::MSK::ServerlessCluster", "AWS::MemoryDB::User", "AWS::Organizations::Account", "AWS::RDS::DBCluster", "AWS::RDS::DBInstance", "AWS::S3::Bucket", "AWS::SES::ConfigurationSet", "AWS::SES::EmailIdentity", "AWS::SNS::Topic", "AWS::SQS::Queue"}
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

func TestThrottlingIsAbsorbedByTheRetryer(t *testing.T) {
	spec := awstest.KindSpec
	spec.ResourcesPerKind = 12
	srv := awstest.StartEmu(t, spec)
	p := awstest.StaticProvider(t, srv, func(s *awscloud.Settings) { s.RetryMaxBackoff = 2 * time.Second })
	accts := awstest.OrgAccounts(t, srv, p)
	acct := accts[0]
	// Few tokens, refilling slowly: back-to-back pages and the concurrent
	// per-bucket GetBucketTagging calls get throttled.
	srv.Faults().SetRateLimit("ec2", 4, 1)
	srv.Faults().SetRateLimit("s3", 16, 2)
	ec2Items, _ := awstest.CollectAll(t, p, "AWS::EC2::Instance", acct, "us-east-1", 5)
	s3Items, _ := awstest.CollectAll(t, p, "AWS::S3::Bucket", acct, "us-east-1", 100)
	if len(ec2Items) != len(awstest.Resources(srv, acct.ID, "us-east-1", "AWS::EC2::Instance")) {
		t.Fatalf("instances lost under throttling: %d", len(ec2Items))
	}
	buckets := 0
	for _, region := range spec.Regions {
		buckets += len(awstest.Resources(srv, acct.ID, region, "AWS::S3::Bucket"))
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
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	acct := awstest.OrgAccounts(t, srv, p)[1]
	srv.Faults().DenyAccess(acct.ID, "ec2", "eu-west-1")
	k, _ := awscloud.LookupKind("AWS::EC2::Instance")
	cfg, err := p.Config(awstest.Ctx(t), acct.Target(), "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	_, err = k.Collect(awstest.Ctx(t), cfg, awscloud.PageRequest{Account: acct, Region: "eu-west-1"})
	if err == nil || awscloud.Classify(err) != awscloud.ErrDenied || !strings.Contains(err.Error(), "UnauthorizedOperation") {
		t.Fatalf("denied region: err %v class %v", err, awscloud.Classify(err))
	}
	if items, _ := awstest.CollectAll(t, p, "AWS::EC2::Instance", acct, "us-east-1", 100); len(items) != len(awstest.Resources(srv, acct.ID, "us-east-1", "AWS::EC2::Instance")) {
		t.Fatal("other regions are unaffected")
	}

	// One failed enrichment call fails the page instead of emptying it.
	srv.Faults().Add(awsemu.FaultRule{Service: "s3", Operation: "GetBucketTagging", AccountID: acct.ID, Status: 400, Code: "InvalidRequest", Message: "boom", Count: 1})
	s3k, _ := awscloud.LookupKind("AWS::S3::Bucket")
	page, err := s3k.Collect(awstest.Ctx(t), cfg, awscloud.PageRequest{Account: acct, Region: "us-east-1"})
	if err == nil || !strings.Contains(err.Error(), "InvalidRequest") || len(page.Items) != 0 {
		t.Fatalf("failed GetBucketTagging: page %d items, err %v", len(page.Items), err)
	}
	// A denied default call fails the page too: Ocean's tags are not optional.
	// (A rule without Count: calls of the failed page above that were still in
	// flight when it failed may reach the emulator after this rule is added.)
	srv.Faults().Add(awsemu.FaultRule{Service: "s3", Operation: "GetBucketTagging", AccountID: acct.ID, Status: 403, Code: "AccessDenied", Message: "Access Denied"})
	page, err = s3k.Collect(awstest.Ctx(t), cfg, awscloud.PageRequest{Account: acct, Region: "us-east-1"})
	if err == nil || awscloud.Classify(err) != awscloud.ErrDenied || len(page.Items) != 0 {
		t.Fatalf("denied GetBucketTagging: page %d items, err %v", len(page.Items), err)
	}
	srv.Faults().Clear()

	// A denied optional action (includeActions) keeps the functions, without
	// Tags, and counts them.
	srv.Faults().Add(awsemu.FaultRule{Service: "lambda", Operation: "ListTags", AccountID: acct.ID, Status: 403, Code: "AccessDeniedException", Message: "no", Count: 1})
	lk, _ := awscloud.LookupKind("AWS::Lambda::Function")
	var checked bool
	for _, region := range awstest.KindSpec.Regions {
		fns := awstest.Resources(srv, acct.ID, region, "AWS::Lambda::Function")
		if len(fns) == 0 {
			continue
		}
		rcfg, err := p.Config(awstest.Ctx(t), acct.Target(), region)
		if err != nil {
			t.Fatal(err)
		}
		page, err := lk.Collect(awstest.Ctx(t), rcfg, awscloud.PageRequest{Account: acct, Region: region, IncludeActions: []string{"ListTagsAction"}})
		if err != nil || len(page.Items) != len(fns) || page.Omitted != 1 || len(page.OmittedExamples) != 1 ||
			!strings.HasPrefix(page.OmittedExamples[0], "ListTagsAction denied for function arn:") {
			t.Fatalf("denied ListTags: %d items of %d, omitted %d %q, err %v", len(page.Items), len(fns), page.Omitted, page.OmittedExamples, err)
		}
		untagged := 0
		for _, it := range page.Items {
			if _, ok := awstest.PropsOf(it)["Tags"]; !ok {
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

func TestKindActions(t *testing.T) {
	k, _ := awscloud.LookupKind("AWS::S3::Bucket")
	want := []string{"GetPublicAccessBlockAction", "GetBucketOwnershipControlsAction", "GetBucketEncryptionAction", "GetBucketLocationAction"}
	if got := k.Actions(); !reflect.DeepEqual(got, want) {
		t.Fatalf("S3 actions %v, want Ocean's %v", got, want)
	}
	for _, name := range awscloud.KindNames() {
		k, _ := awscloud.LookupKind(name)
		for _, a := range k.Actions() {
			// Ocean's one exception: the deployment group's tags action has no suffix.
			if !strings.HasSuffix(a, "Action") && (name != "AWS::CodeDeploy::DeploymentGroup" || a != "GetDeploymentGroupTags") {
				t.Fatalf("%s: action %q", name, a)
			}
		}
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
		{"AWS::EC2::Instance", "ec2", "DescribeInstanceStatus", "InvalidInstanceID.NotFound", "DescribeInstanceStatusAction", 400},
		{"AWS::SES::EmailIdentity", "ses", "GetEmailIdentity", "NotFoundException", "", 404},
		{"AWS::SES::ConfigurationSet", "ses", "GetConfigurationSet", "NotFoundException", "", 404},
		{"AWS::RDS::DBInstance", "rds", "ListTagsForResource", "DBInstanceNotFound", "ListTagsForResourceAction", 404},
		{"AWS::RDS::DBCluster", "rds", "ListTagsForResource", "DBClusterNotFoundFault", "ListTagsForResourceAction", 404},
		{"AWS::ElastiCache::Cluster", "elasticache", "ListTagsForResource", "CacheClusterNotFound", "ListTagsForResourceAction", 404},
		{"AWS::MemoryDB::User", "memorydb", "ListTags", "UserNotFoundFault", "ListTagsForMemoryDbUserAction", 400},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			srv := awstest.StartEmu(t, awstest.KindSpec)
			p := awstest.StaticProvider(t, srv, nil)
			acct := awstest.OrgAccounts(t, srv, p)[0]
			region, want := "", 0
			for _, r := range awstest.KindSpec.Regions {
				if n := len(awstest.Resources(srv, acct.ID, r, tc.kind)); n > 0 {
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
			items, _ := awstest.CollectAll(t, p, tc.kind, acct, region, 100, actions...)
			if len(items) != want-1 {
				t.Fatalf("%d items, want %d (one gone)", len(items), want-1)
			}
		})
	}
}
