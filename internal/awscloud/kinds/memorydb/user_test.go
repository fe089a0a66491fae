package memorydb_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"
	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestMemoryDBUserKind(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	total, untagged, iam := 0, 0, 0
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		for _, region := range awstest.KindSpec.Regions {
			for _, actions := range [][]string{nil, {"ListTagsForMemoryDbUserAction"}} {
				items, pages := awstest.CollectAll(t, p, "AWS::MemoryDB::User", acct, region, 2, actions...)
				res := awstest.Resources(srv, acct.ID, region, "AWS::MemoryDB::User")
				if len(items) != len(res) || pages != max(1, (len(res)+1)/2) {
					t.Fatalf("%s %s: %d users in %d pages, want %d", acct.ID, region, len(items), pages, len(res))
				}
				got := awstest.ByKey(items, "ARN")
				for _, r := range res {
					it := got[r.ARN]
					if it == nil || it["Type"] != "AWS::MemoryDB::User" {
						t.Fatalf("user %s: %v", r.ARN, it)
					}
					pr := awstest.PropsOf(it)
					auth := pr["Authentication"].(map[string]any)
					if pr["Name"] != r.ID || pr["Status"] == nil || pr["AccessString"] == nil || pr["ACLNames"] == nil || auth["Type"] == nil {
						t.Fatalf("props %v, resource %+v", pr, r)
					}
					if auth["Type"] == "iam" {
						iam++
					}
					if awstest.CheckTagList(t, it, r, acct.ID, region, actions != nil) {
						untagged++
					}
				}
				total += len(items)
			}
		}
	}
	if total == 0 || untagged == 0 || iam == 0 {
		t.Fatalf("%d users, %d untagged, %d with IAM authentication", total, untagged, iam)
	}
}

func TestMemoryDBUserRegionsAndTagsAction(t *testing.T) {
	k, _ := awscloud.LookupKind("AWS::MemoryDB::User")
	rr, ok := k.(awscloud.RegionRestricted)
	if !ok {
		t.Fatal("MemoryDB users are region-restricted")
	}
	regions := strings.Join(rr.SupportedRegions(), ",")
	if len(rr.SupportedRegions()) != 21 || !strings.Contains(regions, "us-gov-west-1") || strings.Contains(regions, "me-south-1") {
		t.Fatalf("supported regions %s", regions)
	}

	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	acct := awstest.OrgAccounts(t, srv, p)[1]
	srv.Update(func(o *awsemu.Org) {
		for i := 0; i < 5; i++ {
			name := fmt.Sprintf("zz-user-%d", i)
			_ = o.AddResource(acct.ID, awsemu.ResourceKey{Region: "us-east-1", Kind: awsemu.KindMemoryDBUser},
				&awsemu.Resource{ID: name, Name: name, Tags: map[string]string{"n": name}})
		}
	})
	want := len(awstest.Resources(srv, acct.ID, "us-east-1", "AWS::MemoryDB::User"))
	srv.Faults().Add(awsemu.FaultRule{Service: "memorydb", Operation: "ListTags", AccountID: acct.ID, Status: 400, Code: "AccessDeniedException", Message: "no"})
	pages, err := awstest.CollectPages(t, p, "AWS::MemoryDB::User", acct, "us-east-1", "ListTagsForMemoryDbUserAction")
	if err != nil {
		t.Fatal(err)
	}
	kept, omitted := 0, 0
	for _, pg := range pages {
		kept += len(pg.Items)
		omitted += pg.Omitted
		for _, it := range pg.Items {
			if _, has := awstest.PropsOf(it)["TagList"]; has {
				t.Fatal("denied, yet TagList")
			}
		}
		if len(pg.Items) > 0 && !strings.HasPrefix(pg.OmittedExamples[0], "ListTagsForMemoryDbUserAction denied for memorydb user arn:") {
			t.Fatalf("examples %q", pg.OmittedExamples)
		}
	}
	if kept != want || omitted != want {
		t.Fatalf("%d kept, %d omitted, want %d", kept, omitted, want)
	}
	srv.Faults().Clear()
	srv.Faults().Add(awsemu.FaultRule{Service: "memorydb", Operation: "ListTags", AccountID: acct.ID, Status: 400, Code: "UserNotFoundFault", Message: "gone", Count: 1})
	items, _ := awstest.CollectAll(t, p, "AWS::MemoryDB::User", acct, "us-east-1", 100, "ListTagsForMemoryDbUserAction")
	if len(items) != want-1 {
		t.Fatalf("%d users, want %d (one gone)", len(items), want-1)
	}
	srv.Faults().Add(awsemu.FaultRule{Service: "memorydb", Operation: "ListTags", AccountID: acct.ID, Status: 400, Code: "InvalidARNFault", Message: "boom", Count: 1})
	if _, err := awstest.CollectPages(t, p, "AWS::MemoryDB::User", acct, "us-east-1", "ListTagsForMemoryDbUserAction"); err == nil || !strings.Contains(err.Error(), "InvalidARNFault") {
		t.Fatalf("InvalidARNFault: %v", err)
	}
}
