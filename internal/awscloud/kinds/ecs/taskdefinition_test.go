package ecs_test

import (
	"strings"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"
	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestECSTaskDefinitionKind(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	total, multiPage, untagged, noRole, inactive := 0, false, 0, 0, 0
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		for _, region := range awstest.KindSpec.Regions {
			items, pages := awstest.CollectAll(t, p, "AWS::ECS::TaskDefinition", acct, region, 3)
			multiPage = multiPage || pages > 1
			got := awstest.ByKey(items, "TaskDefinitionArn")
			active := 0
			for _, r := range awstest.Resources(srv, acct.ID, region, "AWS::ECS::TaskDefinition") {
				it := got[r.ARN]
				if r.AttrString("Status") != "ACTIVE" {
					inactive++
					if it != nil {
						t.Fatalf("INACTIVE %s synced", r.ARN)
					}
					continue
				}
				active++
				if it == nil {
					t.Fatalf("task definition %s missing", r.ARN)
				}
				pr := awstest.PropsOf(it)
				if pr["Family"] != r.Name || pr["Revision"] != int(r.AttrInt("Revision")) || pr["Status"] != "ACTIVE" ||
					pr["NetworkMode"] != r.AttrString("NetworkMode") || pr["Cpu"] != r.AttrString("Cpu") || pr["RegisteredAt"] == nil {
					t.Fatalf("props %v, resource %+v", pr, r)
				}
				for k := range pr {
					if k == "Compatibilities" || k == "RequiresAttributes" || k == "RuntimePlatform" || k == "RegisteredBy" {
						t.Fatalf("field %s is not in Ocean's model", k)
					}
				}
				ctr := pr["ContainerDefinitions"].([]any)[0].(map[string]any)
				if ctr["image"] != r.AttrString("Image") || ctr["portMappings"] == nil {
					t.Fatalf("container %v", ctr)
				}
				if role := r.AttrString("TaskRoleArn"); role == "" {
					noRole++
					if _, has := pr["TaskRoleArn"]; has {
						t.Fatalf("task role without one: %v", pr)
					}
				} else if pr["TaskRoleArn"] != role {
					t.Fatalf("task role %v", pr["TaskRoleArn"])
				}
				tags := pr["Tags"].([]any) // always a list, as Ocean sets it
				if len(tags) != len(r.Tags) {
					t.Fatalf("tags %v, want %v", tags, r.Tags)
				}
				if len(tags) == 0 {
					untagged++
				}
				for _, tg := range tags {
					m := tg.(map[string]any)
					if r.Tags[m["key"].(string)] != m["value"] {
						t.Fatalf("tag %v", m)
					}
				}
				if ex := awstest.ExtraOf(it); ex["Region"] != region || ex["AccountId"] != acct.ID {
					t.Fatalf("extra %v", ex)
				}
			}
			if len(items) != active {
				t.Fatalf("%s %s: %d items, %d ACTIVE", acct.ID, region, len(items), active)
			}
			total += len(items)
		}
	}
	if total == 0 || !multiPage || untagged == 0 || noRole == 0 || inactive == 0 {
		t.Fatalf("%d task definitions, multi-page %v, %d untagged, %d without task role, %d inactive", total, multiPage, untagged, noRole, inactive)
	}
}

func TestECSTaskDefinitionDescribeFailures(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	acct := awstest.OrgAccounts(t, srv, p)[0]
	region := "us-east-1"
	k, _ := awscloud.LookupKind("AWS::ECS::TaskDefinition")
	cfg, err := p.Config(awstest.Ctx(t), acct.Target(), region)
	if err != nil {
		t.Fatal(err)
	}
	full, err := k.Collect(awstest.Ctx(t), cfg, awscloud.PageRequest{Account: acct, Region: region})
	if err != nil || len(full.Items) < 2 {
		t.Fatalf("%d items, err %v", len(full.Items), err)
	}
	// Deleted since the listing: ECS answers ClientException; left out.
	srv.Faults().Add(awsemu.FaultRule{Service: "ecs", Operation: "DescribeTaskDefinition", Status: 400, Code: "ClientException",
		Message: "Unable to describe task definition.", Count: 1})
	page, err := k.Collect(awstest.Ctx(t), cfg, awscloud.PageRequest{Account: acct, Region: region})
	if err != nil || len(page.Items) != len(full.Items)-1 {
		t.Fatalf("one gone: %d items of %d, err %v", len(page.Items), len(full.Items), err)
	}
	// A denied describe is a default call: it fails the page.
	srv.Faults().Add(awsemu.FaultRule{Service: "ecs", Operation: "DescribeTaskDefinition", Status: 400, Code: "AccessDeniedException", Message: "no"})
	if _, err := k.Collect(awstest.Ctx(t), cfg, awscloud.PageRequest{Account: acct, Region: region}); err == nil || awscloud.Classify(err) != awscloud.ErrDenied ||
		!strings.Contains(err.Error(), "describe task definition") {
		t.Fatalf("denied describe: %v", err)
	}
}
