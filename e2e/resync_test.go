package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/aws-port-sync/aws-port-sync/internal/catalog"
	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// Done-when 1 and 2: the first resync leaves exactly the catalog the
// organization implies; a second one with nothing changed writes nothing.
func TestFirstResyncBuildsTheCatalogAndSecondWritesNothing(t *testing.T) {
	s := newStack(t, demoSpec(1))
	s.startWorker()

	p, _ := s.resync()
	want := s.expectedKeys()
	got := s.assertCatalog(want)
	if p.AccountsTotal != 4 { // 5 accounts, one suspended
		t.Fatalf("accounts total = %d, want 4 ACTIVE", p.AccountsTotal)
	}
	if p.AccountsFailed != 1 {
		t.Fatalf("accounts failed = %d, want 1 (the one without member role): %+v", p.AccountsFailed, p.Accounts)
	}
	if p.Counts.Upserted != len(want) {
		t.Fatalf("progress says %d upserted, catalog has %d", p.Counts.Upserted, len(want))
	}
	// Mapped values, relation and datasource of a few entities.
	checked := 0
	for k, e := range got {
		switch k.Blueprint {
		case "ec2Instance":
			arn, _ := e.Properties["arn"].(string)
			if !strings.HasPrefix(arn, "arn:aws:ec2:") || !strings.HasSuffix(arn, ":instance/"+k.Identifier) {
				t.Errorf("ec2Instance %s arn = %q", k.Identifier, arn)
			}
			acct, _ := e.Relations["account"].(string)
			if !strings.Contains(arn, ":"+acct+":") {
				t.Errorf("ec2Instance %s account relation %q does not match its arn %q", k.Identifier, acct, arn)
			}
			scope, ok := catalog.ParseDatasource(s.integration, e.Datasource)
			if !ok || scope.Kind != "AWS::EC2::Instance" || scope.AccountID != acct {
				t.Errorf("ec2Instance %s datasource %q does not name its scope", k.Identifier, e.Datasource)
			}
			checked++
		case "s3Bucket":
			if e.Title == "" || !strings.HasSuffix(k.Identifier, ":::"+e.Title) {
				t.Errorf("s3Bucket %s title %q", k.Identifier, e.Title)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no ec2Instance or s3Bucket entity to check")
	}
	for _, bp := range []string{"awsAccount", "s3Bucket", "ec2Instance", "ecsCluster", "lambdaFunction", "organizationsAccount"} {
		if _, ok := s.port.Blueprint(bp); !ok {
			t.Errorf("blueprint %s was not created", bp)
		}
	}
	if st := resyncStatus(s); st != "failed" { // one account failed
		t.Errorf("resync-state status = %q, want failed (an account could not be synced)", st)
	}

	s.port.ResetRequests()
	p2, _ := s.resync()
	if n := s.entityWrites(); n != 0 {
		t.Fatalf("second resync sent %d entity writes, want 0", n)
	}
	if p2.Counts.Unchanged != len(want) || p2.Counts.Upserted != 0 || p2.Counts.Deleted != 0 {
		t.Fatalf("second resync counts = %+v, want %d unchanged", p2.Counts, len(want))
	}
	s.assertCatalog(want)
	s.recordHistories("first-and-second")
}

// Done-when 3: what disappears from AWS disappears from the catalog; entities
// another datasource wrote stay.
func TestRemovedResourcesAreDeletedAndForeignEntitiesKept(t *testing.T) {
	s := newStack(t, demoSpec(2))
	s.startWorker()
	s.resync()

	foreign := portemu.Entity{Identifier: "i-written-by-someone-else", Blueprint: "ec2Instance", Title: "manual",
		Datasource: "port-ocean/aws-v3/2.20.11/other/exporter", UpdatedAt: s.port.Now().Add(-48 * time.Hour)}
	s.port.SeedEntity(foreign)

	var removed []catalog.Key
	s.aws.Update(func(o *awsemu.Org) {
		for _, a := range o.OrderedAccounts() {
			if a.State != "ACTIVE" || len(a.Roles) == 0 {
				continue
			}
			for key, rs := range a.Resources {
				if len(rs) == 0 || len(removed) >= 4 || !enabled(a, key.Region) && key.Kind != "AWS::S3::Bucket" {
					continue
				}
				r := rs[0]
				bp, id := expectedKey(key.Kind, r)
				if bp == "" {
					continue
				}
				o.RemoveResource(a.ID, key, r.ID)
				removed = append(removed, catalog.Key{Blueprint: bp, Identifier: id})
			}
		}
	})
	if len(removed) == 0 {
		t.Fatal("nothing removed")
	}
	p, _ := s.resync()
	got := s.assertCatalog(s.expectedKeys())
	for _, k := range removed {
		if _, ok := got[k]; ok {
			t.Errorf("%v was removed from AWS but is still in the catalog", k)
		}
	}
	if p.Counts.Deleted != len(removed) {
		t.Errorf("deleted = %d, want %d", p.Counts.Deleted, len(removed))
	}
	if _, ok := s.port.Entity(foreign.Blueprint, foreign.Identifier); !ok {
		t.Error("an entity written by another datasource was deleted")
	}
}

func expectedKey(kind string, r *awsemu.Resource) (blueprint, id string) {
	switch kind {
	case "AWS::S3::Bucket":
		return "s3Bucket", r.ARN
	case "AWS::EC2::Instance":
		return "ec2Instance", r.ID
	case "AWS::ECS::Cluster":
		return "ecsCluster", r.ARN
	case "AWS::Lambda::Function":
		return "lambdaFunction", r.ARN
	}
	return "", ""
}

// Done-when 4: an account whose role cannot be assumed is reported with AWS's
// reason, and keeps what it had.
func TestDeniedAccountIsReportedAndKeepsItsEntities(t *testing.T) {
	s := newStack(t, demoSpec(3))
	s.startWorker()
	s.resync()
	before := s.catalogKeys()

	var victim string
	s.aws.Update(func(o *awsemu.Org) {
		for _, a := range o.OrderedAccounts() {
			if a.ID != o.ManagementAccountID && a.State == "ACTIVE" && a.Roles[roleName] != nil {
				victim = a.ID
				if err := o.DenyRole(a.ID, roleName); err != nil {
					t.Fatal(err)
				}
				return
			}
		}
	})
	p, _ := s.resync()
	var ap syncdef.AccountProgress
	for _, a := range p.Accounts {
		if a.AccountID == victim {
			ap = a
		}
	}
	if ap.Status != syncdef.AccountFailed {
		t.Fatalf("denied account %s status = %q, want failed", victim, ap.Status)
	}
	if !strings.Contains(ap.Reason, "Unable to assume role") || !strings.Contains(ap.Reason, "AccessDenied") {
		t.Fatalf("reason %q should say it could not assume the role, with AWS's AccessDenied", ap.Reason)
	}
	after := s.catalogKeys()
	kept := 0
	for k, e := range before {
		scope, _ := catalog.ParseDatasource(s.integration, e.Datasource)
		if scope.AccountID != victim {
			continue
		}
		if _, ok := after[k]; !ok {
			t.Errorf("entity %v of the denied account was deleted", k)
		}
		kept++
	}
	if kept == 0 {
		t.Fatal("the denied account had no entity before; the test checks nothing")
	}
}

// Done-when 5: a resync that would delete more than the threshold deletes
// nothing and says so.
func TestDeletionAboveThresholdDeletesNothing(t *testing.T) {
	s := newStack(t, demoSpec(4))
	s.writeMapping(strings.Replace(defaultMapping(t), "entityDeletionThreshold: 0.9", "entityDeletionThreshold: 0.1", 1))
	s.startWorker()
	s.resync()
	before := s.catalogKeys()

	s.aws.Update(func(o *awsemu.Org) {
		for _, a := range o.OrderedAccounts() {
			for key := range a.Resources {
				if key.Kind == "AWS::EC2::Instance" || key.Kind == "AWS::Lambda::Function" {
					a.Resources[key] = nil
				}
			}
		}
	})
	p, _ := s.resync()
	if p.Counts.Deleted != 0 {
		t.Fatalf("deleted %d entities above the threshold", p.Counts.Deleted)
	}
	if p.Counts.Stale == 0 || !strings.Contains(p.DeletionNote, "entityDeletionThreshold") || !strings.Contains(p.DeletionNote, "nothing deleted") {
		t.Fatalf("stale = %d, note = %q; want stale entities and a note naming the threshold", p.Counts.Stale, p.DeletionNote)
	}
	after := s.catalogKeys()
	for k := range before {
		if _, ok := after[k]; !ok {
			t.Errorf("%v deleted despite the threshold", k)
		}
	}
}

func resyncStatus(s *stack) string {
	in, ok := s.port.Integration(s.integration)
	if !ok {
		return ""
	}
	st, _ := in["resyncState"].(map[string]any)
	v, _ := st["status"].(string)
	return v
}
