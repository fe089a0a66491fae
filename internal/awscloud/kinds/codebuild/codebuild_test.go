package codebuild_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

// hookClient runs before on each request, then sends it.
type hookClient struct {
	base   aws.HTTPClient
	before func(r *http.Request)
}

func (h hookClient) Do(r *http.Request) (*http.Response, error) {
	h.before(r)
	return h.base.Do(r)
}

// collect pages through kind with a hook on every request and Since.
func collect(t *testing.T, p *awscloud.Provider, kind string, acct awscloud.Account, region string, since time.Time, before func(*http.Request)) ([]map[string]any, int) {
	t.Helper()
	k, _ := awscloud.LookupKind(kind)
	cfg, err := p.Config(awstest.Ctx(t), acct.Target(), region)
	if err != nil {
		t.Fatal(err)
	}
	if before != nil {
		cfg.HTTPClient = hookClient{base: cfg.HTTPClient, before: before}
	}
	req := awscloud.PageRequest{Account: acct, Region: region, Since: since}
	var items []map[string]any
	for pages := 1; ; pages++ {
		page, err := k.Collect(awstest.Ctx(t), cfg, req)
		if err != nil {
			t.Fatalf("%s page %d: %v", kind, pages, err)
		}
		items = append(items, page.Items...)
		if page.Next == "" {
			return items, pages
		}
		req.Token = page.Next
	}
}

func TestCodeBuildProjectKind(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	accts := awstest.OrgAccounts(t, srv, p)
	// One account gets more than AWS's page of 100.
	srv.Update(func(o *awsemu.Org) {
		for i := 0; i < 120; i++ {
			name := fmt.Sprintf("extra-%03d", i)
			if err := o.AddResource(accts[0].ID, awsemu.ResourceKey{Region: "eu-west-1", Kind: "AWS::CodeBuild::Project"},
				&awsemu.Resource{ID: name, Name: name, CreatedAt: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
				t.Fatal(err)
			}
		}
	})
	var all []map[string]any
	multiPage, withVPC, withoutVPC := false, 0, 0
	for _, acct := range accts {
		for _, region := range awstest.KindSpec.Regions {
			items, pages := awstest.CollectAll(t, p, "AWS::CodeBuild::Project", acct, region, 100)
			multiPage = multiPage || pages > 1
			res := awstest.Resources(srv, acct.ID, region, "AWS::CodeBuild::Project")
			if len(items) != len(res) {
				t.Fatalf("%s %s: %d projects, want %d", acct.ID, region, len(items), len(res))
			}
			got := awstest.ByKey(items, "Name")
			for _, r := range res {
				it := got[r.ID]
				if it == nil || it["Type"] != "AWS::CodeBuild::Project" || awstest.ExtraOf(it)["Region"] != region || awstest.ExtraOf(it)["AccountId"] != acct.ID {
					t.Fatalf("%s item %v", r.ID, it)
				}
				pr := awstest.PropsOf(it)
				src := pr["Source"].(map[string]any)
				env := pr["Environment"].(map[string]any)
				if pr["Arn"] != "arn:aws:codebuild:"+region+":"+acct.ID+":project/"+r.ID || pr["Created"] == nil || pr["LastModified"] == nil ||
					src["type"] == nil || env["computeType"] == nil || env["image"] == nil || pr["ServiceRole"] == nil ||
					pr["TimeoutInMinutes"] != 60 || len(pr["Tags"].([]any)) != len(r.Tags) {
					t.Fatalf("project props %v", pr)
				}
				for _, tg := range pr["Tags"].([]any) {
					kv := tg.(map[string]any)
					if r.Tags[kv["key"].(string)] != kv["value"] {
						t.Fatalf("tag %v (camelCase key/value, as boto)", kv)
					}
				}
				if _, has := pr["VpcConfig"]; has != (r.AttrString("VpcId") != "") {
					t.Fatalf("vpc config %v", pr["VpcConfig"])
				} else if has {
					withVPC++
				} else {
					withoutVPC++
				}
				for k := range pr {
					if k != strings.ToUpper(k[:1])+k[1:] {
						t.Fatalf("top-level member %s is not PascalCase", k)
					}
				}
			}
			all = append(all, items...)
		}
	}
	if len(all) == 0 || !multiPage || withVPC == 0 || withoutVPC == 0 {
		t.Fatalf("%d projects, paged %v, %d with a VPC, %d without", len(all), multiPage, withVPC, withoutVPC)
	}
	for _, e := range awstest.MapExample(t, "CodeBuild-Project", all).Entities {
		if e.Properties["sourceType"] == nil || e.Properties["image"] == nil || e.Relations["account"] == nil {
			t.Fatalf("example entity %+v", e)
		}
	}

	// A project deleted between ListProjects and BatchGetProjects is left out.
	acct := accts[0]
	want := len(awstest.Resources(srv, acct.ID, "us-east-1", "AWS::CodeBuild::Project"))
	if want == 0 {
		t.Fatal("no projects to delete")
	}
	victim := awstest.Resources(srv, acct.ID, "us-east-1", "AWS::CodeBuild::Project")[0].ID
	items, _ := collect(t, p, "AWS::CodeBuild::Project", acct, "us-east-1", time.Time{}, func(r *http.Request) {
		if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".BatchGetProjects") {
			srv.Update(func(o *awsemu.Org) {
				o.RemoveResource(acct.ID, awsemu.ResourceKey{Region: "us-east-1", Kind: "AWS::CodeBuild::Project"}, victim)
			})
		}
	})
	if len(items) != want-1 || awstest.ByKey(items, "Name")[victim] != nil {
		t.Fatalf("%d projects after %s vanished, want %d", len(items), victim, want-1)
	}
}

func TestCodeBuildBuildRunKind(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	accts := awstest.OrgAccounts(t, srv, p)
	k, _ := awscloud.LookupKind("AWS::CodeBuild::BuildRun")
	if !awscloud.IsHistory(k) {
		t.Fatal("BuildRun is history")
	}
	acct := accts[0]
	// 250 more builds of one project, one an hour: three pages of AWS's 100.
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	srv.Update(func(o *awsemu.Org) {
		for i := 0; i < 250; i++ {
			id := fmt.Sprintf("hourly:%04d", i)
			if err := o.AddResource(acct.ID, awsemu.ResourceKey{Region: "eu-west-1", Kind: "AWS::CodeBuild::BuildRun"},
				&awsemu.Resource{ID: id, Name: id, CreatedAt: base.Add(time.Duration(i) * time.Hour),
					Attributes: map[string]any{"ProjectName": "hourly", "BuildNumber": int64(i + 1), "BuildStatus": "SUCCEEDED"}}); err != nil {
				t.Fatal(err)
			}
		}
	})
	var all []map[string]any
	multiPage, running := false, 0
	for _, a := range accts {
		for _, region := range awstest.KindSpec.Regions {
			items, pages := awstest.CollectAll(t, p, "AWS::CodeBuild::BuildRun", a, region, 100)
			multiPage = multiPage || pages > 1
			res := awstest.Resources(srv, a.ID, region, "AWS::CodeBuild::BuildRun")
			if len(items) != len(res) {
				t.Fatalf("%s %s: %d builds, want %d", a.ID, region, len(items), len(res))
			}
			got := awstest.ByKey(items, "Id")
			for _, r := range res {
				it := got[r.ID]
				if it == nil || it["Type"] != "AWS::CodeBuild::BuildRun" || awstest.ExtraOf(it)["Region"] != region {
					t.Fatalf("%s item %v", r.ID, it)
				}
				pr := awstest.PropsOf(it)
				status := r.AttrString("BuildStatus")
				if pr["Arn"] != "arn:aws:codebuild:"+region+":"+a.ID+":build/"+r.ID || pr["BuildStatus"] != status ||
					pr["ProjectName"] != r.AttrString("ProjectName") || pr["BuildNumber"] != int(r.AttrInt("BuildNumber")) ||
					pr["StartTime"] != awscloud.ISOTime(r.CreatedAt) || pr["BuildComplete"] != (status != "IN_PROGRESS") ||
					pr["Logs"].(map[string]any)["groupName"] == nil || len(pr["Phases"].([]any)) == 0 {
					t.Fatalf("build props %v", pr)
				}
				if _, has := pr["EndTime"]; has == (status == "IN_PROGRESS") {
					t.Fatalf("end time of a %s build: %v", status, pr["EndTime"])
				}
				if status == "IN_PROGRESS" {
					running++
				}
			}
			all = append(all, items...)
		}
	}
	if len(all) == 0 || !multiPage || running == 0 {
		t.Fatalf("%d builds, paged %v, %d running", len(all), multiPage, running)
	}
	for _, e := range awstest.MapExample(t, "CodeBuild-BuildRun", all).Entities {
		if e.Properties["status"] == nil || e.Properties["startedAt"] == nil || e.Relations["project"] == nil {
			t.Fatalf("example entity %+v", e)
		}
	}

	// Since: only the builds started at or after it, and the listing stops at
	// the first older one instead of reading the whole history.
	since := base.Add(200 * time.Hour)
	newer := 0
	for _, r := range awstest.Resources(srv, acct.ID, "eu-west-1", "AWS::CodeBuild::BuildRun") {
		if !r.CreatedAt.Before(since) {
			newer++
		}
	}
	srv.ResetRequests()
	items, pages := collect(t, p, "AWS::CodeBuild::BuildRun", acct, "eu-west-1", since, nil)
	// The page holding the first older build is the last one read.
	if wantPages := newer/100 + 1; len(items) != newer || pages != wantPages || len(awstest.Ops(srv, "ListBuilds")) != wantPages {
		t.Fatalf("since %s: %d builds in %d pages (%d ListBuilds), want %d in %d", since, len(items), pages, len(awstest.Ops(srv, "ListBuilds")), newer, wantPages)
	}
	for _, it := range items {
		if st, _ := time.Parse(time.RFC3339Nano, awstest.PropsOf(it)["StartTime"].(string)); st.Before(since) {
			t.Fatalf("build before the window: %v", awstest.PropsOf(it)["Id"])
		}
	}

	// A build deleted between ListBuilds and BatchGetBuilds is left out.
	victim := "hourly:0249"
	items, _ = collect(t, p, "AWS::CodeBuild::BuildRun", acct, "eu-west-1", since, func(r *http.Request) {
		if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".BatchGetBuilds") {
			srv.Update(func(o *awsemu.Org) {
				o.RemoveResource(acct.ID, awsemu.ResourceKey{Region: "eu-west-1", Kind: "AWS::CodeBuild::BuildRun"}, victim)
			})
		}
	})
	if len(items) != newer-1 || awstest.ByKey(items, "Id")[victim] != nil {
		t.Fatalf("%d builds after %s vanished, want %d", len(items), victim, newer-1)
	}
}
