package codedeploy_test

import (
	"testing"
	"time"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

// collect pages through kind for one account and region from since (zero:
// all history) and counts the pages.
func collect(t *testing.T, p *awscloud.Provider, kind string, acct awscloud.Account, region string, size int32, since time.Time, actions ...string) ([]map[string]any, int, int) {
	t.Helper()
	return awstest.Collect(t, p, kind, awscloud.PageRequest{Account: acct, Region: region, PageSize: size, IncludeActions: actions, Since: since})
}

// checkTags compares Properties.Tags ([{Key, Value}]) with the resource's tags.
func checkTags(t *testing.T, got any, want map[string]string) {
	t.Helper()
	list, ok := got.([]any)
	if !ok || len(list) != len(want) {
		t.Fatalf("tags %v, want %v", got, want)
	}
	for _, tg := range list {
		kv := tg.(map[string]any)
		if want[kv["Key"].(string)] != kv["Value"] {
			t.Fatalf("tag %v, want %v", kv, want)
		}
	}
}

func TestApplicationKind(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	total, multiPage, untagged, github := 0, false, 0, 0
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		for _, region := range awstest.KindSpec.Regions {
			items, pages, _ := collect(t, p, "AWS::CodeDeploy::Application", acct, region, 2, time.Time{})
			multiPage = multiPage || pages > 1
			res := awstest.Resources(srv, acct.ID, region, awsemu.KindCodeDeployApplication)
			if len(items) != len(res) {
				t.Fatalf("%s %s: %d applications, want %d", acct.ID, region, len(items), len(res))
			}
			got := awstest.ByKey(items, "ApplicationName")
			for _, r := range res {
				it := got[r.ID]
				if it["Type"] != "AWS::CodeDeploy::Application" || awstest.ExtraOf(it)["Region"] != region || awstest.ExtraOf(it)["AccountId"] != acct.ID {
					t.Fatalf("item %v", it)
				}
				pr := awstest.PropsOf(it)
				if pr["ApplicationId"] != r.AttrString("ApplicationId") || pr["ComputePlatform"] != r.AttrString("ComputePlatform") ||
					pr["CreateTime"] != r.CreatedAt.UTC().Format(time.RFC3339Nano) {
					t.Fatalf("application props %v", pr)
				}
				if gh := r.AttrString("GitHubAccountName"); gh != "" {
					github++
					if pr["GitHubAccountName"] != gh || pr["LinkedToGitHub"] != true {
						t.Fatalf("github link %v", pr)
					}
				} else if _, has := pr["GitHubAccountName"]; has || pr["LinkedToGitHub"] != false {
					t.Fatalf("no github link %v", pr)
				}
				if len(r.Tags) == 0 {
					untagged++
				}
				checkTags(t, pr["Tags"], r.Tags)
			}
			total += len(items)
		}
	}
	if total == 0 || !multiPage || untagged == 0 || github == 0 {
		t.Fatalf("%d applications, paged %v, %d untagged, %d linked to GitHub", total, multiPage, untagged, github)
	}
}

// An application deleted between the listing and its tags is left out; a
// failing tags call (a default call) fails the page.
func TestApplicationDeletedOrFailing(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	acct := awstest.OrgAccounts(t, srv, p)[0]
	region, want := withResources(t, srv, acct.ID, awsemu.KindCodeDeployApplication)
	srv.Faults().Add(awsemu.FaultRule{Service: "codedeploy", Operation: "ListTagsForResource", AccountID: acct.ID, Status: 400,
		Code: "ApplicationDoesNotExistException", Message: "gone since the listing", Count: 1})
	if items, _, _ := collect(t, p, "AWS::CodeDeploy::Application", acct, region, 100, time.Time{}); len(items) != want-1 {
		t.Fatalf("%d items, want %d (one gone)", len(items), want-1)
	}
	// BatchGetApplications fails whole when one name is gone: each is then
	// asked for alone, and every application still there is kept.
	srv.Faults().Clear()
	srv.ResetRequests()
	srv.Faults().Add(awsemu.FaultRule{Service: "codedeploy", Operation: "BatchGetApplications", AccountID: acct.ID, Status: 400,
		Code: "ApplicationDoesNotExistException", Message: "Applications not found", Count: 1})
	if items, _, _ := collect(t, p, "AWS::CodeDeploy::Application", acct, region, 100, time.Time{}); len(items) != want ||
		len(awstest.Ops(srv, "BatchGetApplications")) != want+1 {
		t.Fatalf("%d items after a failed batch (want %d), %d BatchGetApplications calls", len(items), want, len(awstest.Ops(srv, "BatchGetApplications")))
	}
	srv.Faults().Clear()
	srv.Faults().Add(awsemu.FaultRule{Service: "codedeploy", Operation: "ListTagsForResource", AccountID: acct.ID, Status: 400,
		Code: "AccessDeniedException", Message: "not authorized"})
	k, _ := awscloud.LookupKind("AWS::CodeDeploy::Application")
	cfg, _ := p.Config(awstest.Ctx(t), acct.Target(), region)
	if _, err := k.Collect(awstest.Ctx(t), cfg, awscloud.PageRequest{Account: acct, Region: region}); awscloud.Classify(err) != awscloud.ErrDenied {
		t.Fatalf("a denied default call: %v", err)
	}
}

// withResources is the first region where account has resources of kind, and how many.
func withResources(t *testing.T, srv *awsemu.Server, account, kind string) (string, int) {
	t.Helper()
	for _, r := range awstest.KindSpec.Regions {
		if n := len(awstest.Resources(srv, account, r, kind)); n > 0 {
			return r, n
		}
	}
	t.Fatalf("no %s to test with", kind)
	return "", 0
}
