package ecr_test

import (
	"strings"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

var ecrOptional = []string{"GetRepositoryPolicyAction", "GetLifecyclePolicyAction", "ListTagsForResourceAction"}

func TestECRRepositoryKind(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	total, multiPage, noPolicy, noLifecycle, omitted := 0, false, 0, 0, 0
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		for _, region := range awstest.KindSpec.Regions {
			pages, err := awstest.CollectPages(t, p, "AWS::ECR::Repository", acct, region, ecrOptional...)
			if err != nil {
				t.Fatal(err)
			}
			multiPage = multiPage || len(pages) > 1
			var items []map[string]any
			for _, pg := range pages {
				items = append(items, pg.Items...)
				omitted += pg.Omitted
			}
			res := awstest.Resources(srv, acct.ID, region, "AWS::ECR::Repository")
			if len(items) != len(res) {
				t.Fatalf("%s %s: %d repositories, want %d", acct.ID, region, len(items), len(res))
			}
			got := awstest.ByKey(items, "RepositoryName")
			for _, r := range res {
				it := got[r.ID]
				if it["Type"] != "AWS::ECR::Repository" || awstest.ExtraOf(it)["Region"] != region || awstest.ExtraOf(it)["AccountId"] != acct.ID {
					t.Fatalf("item %v", it)
				}
				pr := awstest.PropsOf(it)
				enc := pr["EncryptionConfiguration"].(map[string]any)
				if pr["RepositoryArn"] != r.ARN || pr["RegistryId"] != acct.ID || pr["CreatedAt"] == nil ||
					pr["ImageTagMutability"] != r.AttrString("ImageTagMutability") || enc["encryptionType"] != r.AttrString("EncryptionType") ||
					pr["ImageScanningConfiguration"].(map[string]any)["scanOnPush"] != r.AttrBool("ScanOnPush") ||
					!strings.HasSuffix(pr["RepositoryUri"].(string), ".amazonaws.com/"+r.ID) {
					t.Fatalf("repository props %v", pr)
				}
				if text := r.AttrString("PolicyText"); text == "" {
					noPolicy++
					if _, has := pr["RepositoryPolicyText"]; has {
						t.Fatalf("policy without one: %v", pr)
					}
				} else if pr["RepositoryPolicyText"] != text {
					t.Fatalf("policy %v, want %s", pr["RepositoryPolicyText"], text)
				}
				if text := r.AttrString("LifecyclePolicyText"); text == "" {
					noLifecycle++
					if _, has := pr["LifecyclePolicy"]; has {
						t.Fatalf("lifecycle policy without one: %v", pr)
					}
				} else if lp := pr["LifecyclePolicy"].(map[string]any); lp["lifecyclePolicyText"] != text || lp["repositoryName"] != r.ID {
					t.Fatalf("lifecycle policy %v", lp)
				}
				tags := pr["Tags"].([]any)
				if len(tags) != len(r.Tags) {
					t.Fatalf("tags %v, want %v", tags, r.Tags)
				}
				for _, tg := range tags {
					kv := tg.(map[string]any)
					if r.Tags[kv["Key"].(string)] != kv["Value"] {
						t.Fatalf("tag %v", kv)
					}
				}
			}
			total += len(items)
		}
	}
	// Not configured keeps the repository, without the field, and is counted.
	if total == 0 || !multiPage || noPolicy == 0 || noLifecycle == 0 || omitted != noPolicy+noLifecycle {
		t.Fatalf("%d repositories, paged %v, %d without policy, %d without lifecycle, %d omitted", total, multiPage, noPolicy, noLifecycle, omitted)
	}

	// Without the actions: one call per page, none of the fields.
	acct := awstest.OrgAccounts(t, srv, p)[0]
	srv.ResetRequests()
	items, pages := awstest.CollectAll(t, p, "AWS::ECR::Repository", acct, "us-east-1", 2)
	for _, it := range items {
		for _, f := range []string{"Tags", "RepositoryPolicyText", "LifecyclePolicy"} {
			if _, has := awstest.PropsOf(it)[f]; has {
				t.Fatalf("%s without its action", f)
			}
		}
	}
	if n := len(srv.Requests()); n != pages || len(awstest.Ops(srv, "DescribeRepositories")) != pages {
		t.Fatalf("%d calls for %d pages", n, pages)
	}
}

func TestECROptionalActionDeniedKeepsTheRepository(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	acct := awstest.OrgAccounts(t, srv, p)[1]
	want := len(awstest.Resources(srv, acct.ID, "us-east-1", "AWS::ECR::Repository"))
	if want == 0 {
		t.Fatal("no repositories to test with")
	}
	srv.Faults().Add(awsemu.FaultRule{Service: "ecr", Operation: "ListTagsForResource", AccountID: acct.ID, Status: 400,
		Code: "AccessDeniedException", Message: "not authorized"})
	pages, err := awstest.CollectPages(t, p, "AWS::ECR::Repository", acct, "us-east-1", "ListTagsForResourceAction")
	if err != nil {
		t.Fatalf("a denied optional action fails the page: %v", err)
	}
	items, omitted, examples := awstest.Tally(pages, func(it map[string]any) {
		if _, has := awstest.PropsOf(it)["Tags"]; has {
			t.Fatalf("denied, yet Tags set: %v", awstest.PropsOf(it))
		}
	})
	if items != want || omitted != want || len(examples) == 0 ||
		!strings.HasPrefix(examples[0], "ListTagsForResourceAction denied for repository ") {
		t.Fatalf("%d items of %d, omitted %d, examples %q", items, want, omitted, examples)
	}
	// Any other failure of an optional action fails the page.
	srv.Faults().Clear()
	srv.Faults().Add(awsemu.FaultRule{Service: "ecr", Operation: "GetLifecyclePolicy", AccountID: acct.ID, Status: 400,
		Code: "InvalidParameterException", Message: "boom"})
	if _, err := awstest.CollectPages(t, p, "AWS::ECR::Repository", acct, "us-east-1", "GetLifecyclePolicyAction"); err == nil || !strings.Contains(err.Error(), "InvalidParameterException") {
		t.Fatalf("InvalidParameterException on an optional action: %v", err)
	}
}
