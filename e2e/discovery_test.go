package e2e

import (
	"strings"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/catalog"
	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

// Accounts that leave the organization are swept as whole scopes, but only
// after a discovery that succeeded: when the Organizations API is denied,
// discovery falls back to the org role's own account, says so, and deletes
// nothing of the accounts it could not see (nor the organization's account list).
func TestDepartedAccountsAreSweptOnlyAfterCompleteDiscovery(t *testing.T) {
	s := newStack(t, demoSpec(9))
	s.startWorker()
	s.resync()
	before := s.catalogKeys()

	var mgmt string
	s.aws.View(func(o *awsemu.Org) { mgmt = o.ManagementAccountID })
	s.aws.Faults().DenyAccess(mgmt, "organizations", "")
	p, _ := s.resync()
	if p.AccountsTotal != 1 || len(p.Warnings) == 0 || !strings.Contains(p.Warnings[0], "Access denied to Organizations API") {
		t.Fatalf("fallback: %d accounts, warnings %v; want the org role's account and Ocean's warning", p.AccountsTotal, p.Warnings)
	}
	if p.Counts.Deleted != 0 {
		t.Fatalf("deleted %d entities after a discovery that fell back", p.Counts.Deleted)
	}
	after := s.catalogKeys()
	for k := range before {
		if _, ok := after[k]; !ok {
			t.Errorf("%v was deleted while the organization could not be read", k)
		}
	}

	s.aws.Faults().Clear()
	var gone string
	s.aws.Update(func(o *awsemu.Org) {
		for _, a := range o.OrderedAccounts() {
			if a.ID != mgmt && a.State == "ACTIVE" && a.Roles[roleName] != nil {
				gone = a.ID
				if err := o.RemoveAccount(a.ID); err != nil {
					t.Fatal(err)
				}
				return
			}
		}
	})
	p, _ = s.resync()
	final := s.assertCatalog(s.expectedKeys())
	swept := 0
	for k, e := range before {
		scope, _ := catalog.ParseDatasource(s.integration, e.Datasource)
		if scope.AccountID == gone {
			swept++
			if _, ok := final[k]; ok {
				t.Errorf("%v of the departed account %s is still in the catalog", k, gone)
			}
		}
	}
	if swept == 0 || p.Counts.Deleted < swept {
		t.Fatalf("departed account %s had %d entities; %d deleted", gone, swept, p.Counts.Deleted)
	}
}

// With deleteDependentEntities off, Port refuses to delete an entity that
// others still relate to; the deletion goes one by one and retries those after
// their (also stale) dependents, so a departed account disappears entirely.
func TestDeletionWithoutCascadeDeletesDependentsFirst(t *testing.T) {
	s := newStack(t, demoSpec(11))
	s.writeMapping(strings.Replace(defaultMapping(t), "deleteDependentEntities: true", "deleteDependentEntities: false", 1))
	s.startWorker()
	s.resync()

	var gone string
	s.aws.Update(func(o *awsemu.Org) {
		for _, a := range o.OrderedAccounts() {
			if a.ID != o.ManagementAccountID && a.State == "ACTIVE" && a.Roles[roleName] != nil {
				gone = a.ID
				if err := o.RemoveAccount(a.ID); err != nil {
					t.Fatal(err)
				}
				return
			}
		}
	})
	s.port.ResetRequests()
	p, _ := s.resync()
	s.assertCatalog(s.expectedKeys())
	refused := 0
	for _, r := range s.port.Requests() {
		if r.Method == "DELETE" && r.Status == 422 {
			refused++
		}
		if strings.Contains(r.RawQuery, "delete_dependents=true") {
			t.Fatalf("a delete cascaded although deleteDependentEntities is off: %s %s?%s", r.Method, r.Path, r.RawQuery)
		}
	}
	if refused == 0 || p.Counts.Deleted == 0 {
		t.Fatalf("account %s: %d refused deletes, %d deleted; want the account entity refused first, then deleted", gone, refused, p.Counts.Deleted)
	}
}
