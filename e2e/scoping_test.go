package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	"github.com/aws-port-sync/aws-port-sync/internal/catalog"
	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// scopeSpec has enough synced members (6 of 9 accounts, across nested OUs)
// to exclude one by id, one OU and one by tag and still sync the rest.
func scopeSpec(seed int64) awsemu.Spec {
	sp := demoSpec(seed)
	sp.Accounts, sp.OUs = 9, 3
	return sp
}

// syncedMembers are the ACTIVE members whose role works, in org order.
func (s *stack) syncedMembers() []*awsemu.Account {
	var out []*awsemu.Account
	s.aws.View(func(o *awsemu.Org) {
		for _, a := range o.OrderedAccounts() {
			if r := a.Roles[roleName]; a.ID != o.ManagementAccountID && a.State == "ACTIVE" && r != nil && !r.Denied {
				out = append(out, a)
			}
		}
	})
	return out
}

// accountsOf lists the accounts that own entities in the catalog.
func (s *stack) accountsOf(keys map[catalog.Key]bool) map[string]int {
	out := map[string]int{}
	for k, e := range s.catalogKeys() {
		if keys == nil || keys[k] {
			scope, _ := catalog.ParseDatasource(s.integration, e.Datasource)
			out[scope.AccountID]++
		}
	}
	return out
}

func excludedReasons(p syncdef.Progress) map[string]string {
	out := map[string]string{}
	for _, e := range p.Excluded {
		out[e.ID] = e.Reason
	}
	return out
}

func departed(p syncdef.Progress) map[string]int {
	out := map[string]int{}
	for _, d := range p.Departed {
		if d.Kind == "" {
			out[d.AccountID] = d.Entities
		}
	}
	return out
}

// An exclusion by account id, by OU and by tag each removes exactly those
// accounts' entities after one resync, and only after a discovery that
// completed: while the Organizations API is denied nothing is swept. Each
// sweep counts against entityDeletionThreshold and is reported as an
// exclusion, not as an account that left.
func TestExclusionsSweepOnlyTheExcludedAccountsAfterCleanDiscovery(t *testing.T) {
	s := newStack(t, scopeSpec(21))
	s.startWorker()
	s.resync()
	s.assertCatalog(s.expectedKeys())
	members := s.syncedMembers()
	if len(members) < 4 {
		t.Fatalf("%d synced members; pick another seed", len(members))
	}
	var mgmt string
	s.aws.View(func(o *awsemu.Org) { mgmt = o.ManagementAccountID })
	excluded := map[string]bool{}
	owns := s.accountsOf(nil)

	// 1. By account id; the first resync cannot read the organization.
	byID := members[0].ID
	s.scope.ExcludedAccountIDs = []string{byID}
	s.restartWorker()
	s.aws.Faults().DenyAccess(mgmt, "organizations", "")
	p, _ := s.resync()
	if p.Counts.Deleted != 0 || s.accountsOf(nil)[byID] != owns[byID] {
		t.Fatalf("discovery fell back, yet %d entities were deleted (account %s: %d of %d left)",
			p.Counts.Deleted, byID, s.accountsOf(nil)[byID], owns[byID])
	}
	s.aws.Faults().Clear()
	p, _ = s.resync()
	excluded[byID] = true
	s.assertCatalog(s.expectedKeysWithout(excluded))
	if excludedReasons(p)[byID] != "excludedAccountIds" || departed(p)[byID] != owns[byID] || p.Counts.Deleted != owns[byID] {
		t.Fatalf("by id: excluded %v, swept %v, deleted %d; want %s (%d entities) by excludedAccountIds",
			p.Excluded, p.Departed, p.Counts.Deleted, byID, owns[byID])
	}

	// 2. By OU (recursively): an OU holding a synced member still in scope.
	var ou string
	var inOU []string
	s.aws.View(func(o *awsemu.Org) {
		for _, m := range members[1:] {
			if m.ParentID != o.RootID {
				ou = m.ParentID
				break
			}
		}
		under := func(id string) bool {
			for cur := id; cur != "" && cur != o.RootID; cur = o.OUs[cur].ParentID {
				if cur == ou {
					return true
				}
			}
			return false
		}
		for _, a := range o.OrderedAccounts() {
			if under(a.ParentID) && !excluded[a.ID] {
				inOU = append(inOU, a.ID)
			}
		}
	})
	if ou == "" {
		t.Fatal("no member in an OU; pick another seed")
	}
	s.scope.ExcludedOUIDs = []string{ou}
	s.restartWorker()
	p, _ = s.resync()
	want := 0
	for _, id := range inOU {
		excluded[id] = true
		want += owns[id]
		if r := excludedReasons(p)[id]; r != "excludedOuIds "+ou && departed(p)[id] > 0 {
			t.Errorf("account %s under %s: reason %q", id, ou, r)
		}
	}
	s.assertCatalog(s.expectedKeysWithout(excluded))
	if want == 0 || p.Counts.Deleted != want {
		t.Fatalf("by OU %s (accounts %v): %d deleted, want %d", ou, inOU, p.Counts.Deleted, want)
	}

	// 3. By tag: the cost-center of one member still in scope.
	var byTag *awsemu.Account
	for _, m := range members {
		if !excluded[m.ID] {
			byTag = m
			break
		}
	}
	if byTag == nil {
		t.Fatal("no member left to exclude by tag; pick another seed")
	}
	tag := "cost-center=" + byTag.Tags["cost-center"]
	s.scope.ExcludeAccountTags = []string{tag}
	s.restartWorker()
	p, _ = s.resync()
	excluded[byTag.ID] = true
	s.assertCatalog(s.expectedKeysWithout(excluded))
	if excludedReasons(p)[byTag.ID] != "excludeAccountTags "+tag || p.Counts.Deleted != owns[byTag.ID] {
		t.Fatalf("by tag %s: excluded %v, %d deleted, want %s's %d entities", tag, p.Excluded, p.Counts.Deleted, byTag.ID, owns[byTag.ID])
	}
	if s.accountsOf(nil)[mgmt] == 0 {
		t.Fatal("the management account lost its entities")
	}
}

// includeAccountTags: the first resync already holds only the tagged accounts.
func TestTagSelectedSyncHoldsOnlyTaggedAccounts(t *testing.T) {
	s := newStack(t, scopeSpec(22))
	members := s.syncedMembers()
	selected := map[string]bool{members[0].ID: true, members[len(members)-1].ID: true}
	s.aws.Update(func(o *awsemu.Org) {
		for id := range selected {
			o.Accounts[id].Tags["port-sync"] = "yes"
		}
	})
	s.scope.IncludeAccountTags = []string{"port-sync=yes"}
	s.startWorker()
	p, _ := s.resync()
	notSelected := map[string]bool{}
	s.aws.View(func(o *awsemu.Org) {
		for _, a := range o.OrderedAccounts() {
			if !selected[a.ID] {
				notSelected[a.ID] = true
			}
		}
	})
	s.assertCatalog(s.expectedKeysWithout(notSelected))
	if p.AccountsTotal != len(selected) {
		t.Fatalf("%d accounts synced, want the %d tagged", p.AccountsTotal, len(selected))
	}
	for id, r := range excludedReasons(p) {
		if !strings.HasPrefix(r, "not selected by includeAccountTags") {
			t.Errorf("account %s: reason %q", id, r)
		}
	}
}

// An excluded OU the organization does not have fails the resync at
// discovery, with a message naming it, before any write to Port and without
// retries.
func TestUnknownExcludedOUFailsBeforeAnyWrite(t *testing.T) {
	s := newStack(t, scopeSpec(23))
	s.scope.ExcludedOUIDs = []string{"ou-zzzz-nosuchou1"}
	s.startWorker()
	err := s.resyncErr()
	if err == nil || !strings.Contains(err.Error(), "excludedOuIds: OU ou-zzzz-nosuchou1 does not exist in the organization") {
		t.Fatalf("resync error = %v, want the unknown OU named", err)
	}
	if n := s.entityWrites(); n != 0 {
		t.Fatalf("%d entity writes to Port after a failed discovery", n)
	}
	if n := len(s.port.Requests()); n != 0 {
		t.Fatalf("%d requests to Port after a failed discovery, want none", n)
	}
	notFound := 0
	for _, r := range s.aws.Requests() {
		if r.ErrorCode == "ParentNotFoundException" {
			notFound++
		}
	}
	if notFound != 1 {
		t.Fatalf("the unknown OU was looked up %d times, want once (no retry)", notFound)
	}
}

// A role override for one account (another role name and its ExternalId) is
// used for that account only: its default role is denied, every other
// account has no such role, and all of them sync.
func TestRoleOverrideIsUsedForThatAccountOnly(t *testing.T) {
	s := newStack(t, scopeSpec(24))
	special := s.syncedMembers()[1].ID
	var mgmt string
	s.aws.View(func(o *awsemu.Org) { mgmt = o.ManagementAccountID })
	want := s.expectedKeys()
	s.aws.Update(func(o *awsemu.Org) {
		a := o.Accounts[special]
		a.Roles[roleName].Denied = true
		a.AddRole(&awsemu.Role{Name: "LegacyRead", Path: "/legacy/", ExternalID: "legacy-ext",
			TrustedPrincipals: []string{"arn:aws:iam::" + mgmt + ":root"}})
	})
	s.scope.RoleOverrides = []awscloud.RoleOverride{{AccountID: special, RoleName: "legacy/LegacyRead", ExternalID: "legacy-ext"}}
	s.startWorker()
	p, _ := s.resync()
	// Only the demo's account without a role fails (as without the override).
	for _, a := range p.Accounts {
		if a.Status != syncdef.AccountSynced && (a.AccountID == special || !strings.Contains(a.Reason, roleName)) {
			t.Fatalf("account %s: %s %s", a.AccountID, a.Status, a.Reason)
		}
	}
	if p.AccountsFailed != 1 {
		t.Fatalf("%d accounts failed, want only the one without a role: %+v", p.AccountsFailed, p.Accounts)
	}
	s.assertCatalog(want)
	if s.accountsOf(nil)[special] == 0 {
		t.Fatalf("account %s synced nothing through its override", special)
	}
}

// resyncErr runs one resync that is expected to fail and returns its error.
func (s *stack) resyncErr() error {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	id := fmt.Sprintf("aws-port-sync/%s/resync-%d", s.integration, time.Now().UnixNano())
	run, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: s.taskQueue},
		syncdef.ResyncWorkflowName, syncdef.ResyncInput{Integration: s.integration, UseSearchAttributes: true, Tuning: s.tuning})
	if err != nil {
		s.t.Fatal(err)
	}
	var p syncdef.Progress
	return run.Get(ctx, &p)
}

// An exclusion's sweep counts against entityDeletionThreshold like any other
// deletion: above it nothing is deleted and the report says so.
func TestExclusionAboveThresholdDeletesNothing(t *testing.T) {
	s := newStack(t, scopeSpec(25))
	s.writeMapping(strings.Replace(defaultMapping(t), "entityDeletionThreshold: 0.9", "entityDeletionThreshold: 0.05", 1))
	s.startWorker()
	s.resync()
	before := s.catalogKeys()
	members := s.syncedMembers()
	s.scope.ExcludedAccountIDs = []string{members[0].ID, members[1].ID}
	s.restartWorker()
	p, _ := s.resync()
	if p.Counts.Deleted != 0 || p.Counts.Stale == 0 || !strings.Contains(p.DeletionNote, "above entityDeletionThreshold 0.05") {
		t.Fatalf("deleted %d of %d stale; note %q", p.Counts.Deleted, p.Counts.Stale, p.DeletionNote)
	}
	if len(s.catalogKeys()) != len(before) {
		t.Fatalf("catalog went from %d to %d entities although nothing may be deleted", len(before), len(s.catalogKeys()))
	}
}
