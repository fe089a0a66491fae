package awscloud_test

import (
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

// activeIDs are the ACTIVE accounts of the organization, sorted.
func activeIDs(f orgFacts, keep func(*awsemu.Account) bool) []string {
	var out []string
	for _, a := range f.Accounts {
		if a.State == "ACTIVE" && (keep == nil || keep(a)) {
			out = append(out, a.ID)
		}
	}
	sort.Strings(out)
	return out
}

// An account id, an OU (recursively) and an account tag each exclude exactly
// their accounts; tags are read once per account per discovery; every
// exclusion is named with its reason.
func TestDiscoverExcludesByAccountOUAndTag(t *testing.T) {
	srv := startEmu(t, awsemu.Spec{Seed: 12, Accounts: 12, OUs: 4, Suspended: 2})
	f := facts(srv)
	ous, under := ouTree(srv)
	p := staticProvider(t, srv, nil)
	orgRole := roleARN(f.Mgmt, "/", f.RoleName)

	// The OU with the most accounts under it (nested OUs included).
	var exOU string
	for _, ou := range ous {
		if len(under(ou.ID)) > len(under(exOU)) {
			exOU = ou.ID
		}
	}
	inOU := under(exOU)
	// An ACTIVE member outside that OU, and a tag carried by another one.
	var exID, tagged string
	var tag string
	for _, a := range f.Accounts {
		if a.State != "ACTIVE" || a.ID == f.Mgmt || inOU[a.ID] != "" {
			continue
		}
		switch {
		case exID == "":
			exID = a.ID
		case tagged == "":
			tagged, tag = a.ID, "cost-center="+a.Tags["cost-center"]
		}
	}
	if exID == "" || tagged == "" {
		t.Fatal("the generated org lacks two ACTIVE members outside the OU; pick another seed")
	}

	d, err := p.Discover(ctxT(t), awscloud.DiscoverySettings{AccountRoleARN: orgRole,
		ExcludedAccountIDs: []string{exID}, ExcludedOUIDs: []string{exOU}, ExcludeAccountTags: []string{tag}})
	if err != nil {
		t.Fatalf("discover: %v", err)
	}
	want := activeIDs(f, func(a *awsemu.Account) bool { return a.ID != exID && a.ID != tagged && inOU[a.ID] == "" })
	if got := sortedIDs(d.Accounts); !reflect.DeepEqual(got, want) {
		t.Fatalf("discovered %v, want %v", got, want)
	}
	reasons := map[string]string{}
	for _, e := range d.Excluded {
		reasons[e.ID] = e.Reason
	}
	if reasons[exID] != "excludedAccountIds" || reasons[tagged] != "excludeAccountTags "+tag {
		t.Errorf("reasons %v: want %s by excludedAccountIds and %s by %s", reasons, exID, tagged, tag)
	}
	n := 0
	for id, st := range inOU {
		if st == "ACTIVE" {
			n++
			if reasons[id] != "excludedOuIds "+exOU {
				t.Errorf("account %s under %s: reason %q", id, exOU, reasons[id])
			}
		}
	}
	if len(d.Excluded) != n+2 {
		t.Errorf("%d excluded, want %d: %v", len(d.Excluded), n+2, d.Excluded)
	}
	// Tags are read for the accounts the ids and OUs left, once each.
	if got := len(ops(srv, "ListTagsForResource")); got != len(want)+1 {
		t.Errorf("ListTagsForResource %d times, want %d (once per account still in scope)", got, len(want)+1)
	}
}

// includeAccountTags selects; an exclusion wins over it.
func TestDiscoverSelectsByTagExclusionWins(t *testing.T) {
	srv := startEmu(t, awsemu.Spec{Seed: 13, Accounts: 10, OUs: 3})
	f := facts(srv)
	p := staticProvider(t, srv, nil)
	env := f.Accounts[1].Tags["env"]
	sel := activeIDs(f, func(a *awsemu.Account) bool { return a.Tags["env"] == env })
	if len(sel) < 2 {
		t.Fatalf("env=%s tags %d accounts; pick another seed", env, len(sel))
	}
	d, err := p.Discover(ctxT(t), awscloud.DiscoverySettings{AccountRoleARN: roleARN(f.Mgmt, "/", f.RoleName),
		IncludeAccountTags: []string{"env=" + env, "env=no-such-env"}, ExcludedAccountIDs: []string{sel[0]}})
	if err != nil {
		t.Fatalf("discover: %v", err)
	}
	if got := sortedIDs(d.Accounts); !reflect.DeepEqual(got, sel[1:]) {
		t.Fatalf("selected %v, want %v (env=%s without the excluded %s)", got, sel[1:], env, sel[0])
	}
	for _, e := range d.Excluded {
		if e.ID != sel[0] && !strings.HasPrefix(e.Reason, "not selected by includeAccountTags") {
			t.Errorf("%s: reason %q", e.ID, e.Reason)
		}
	}
}

// An OU the organization does not have, and exclusions that leave nothing,
// fail discovery with a ScopeError naming the cause.
func TestDiscoverScopeErrors(t *testing.T) {
	srv := startEmu(t, awsemu.Spec{Seed: 14, Accounts: 4, OUs: 2})
	f := facts(srv)
	p := staticProvider(t, srv, nil)
	role := roleARN(f.Mgmt, "/", f.RoleName)
	var se *awscloud.ScopeError
	_, err := p.Discover(ctxT(t), awscloud.DiscoverySettings{AccountRoleARN: role, ExcludedOUIDs: []string{"ou-zzzz-nosuchou"}})
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "excludedOuIds: OU ou-zzzz-nosuchou does not exist in the organization (ParentNotFoundException)") {
		t.Errorf("unknown excluded OU: %v", err)
	}
	_, err = p.Discover(ctxT(t), awscloud.DiscoverySettings{AccountRoleARN: role,
		RoleOverrides: []awscloud.RoleOverride{{OUID: "ou-zzzz-nosuchou", RoleName: "X"}}})
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "accountRoleOverrides: OU ou-zzzz-nosuchou does not exist") {
		t.Errorf("unknown override OU: %v", err)
	}
	_, err = p.Discover(ctxT(t), awscloud.DiscoverySettings{AccountRoleARN: role,
		ExcludedAccountIDs: []string{f.Mgmt}, IncludeAccountTags: []string{"env=no-such-env"}})
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "the exclusions leave no account to sync: all 4 ACTIVE accounts are excluded (1 by excludedAccountIds, 3 by not") {
		t.Errorf("nothing left: %v", err)
	}
}

// A role override per account or OU changes the member role (path included)
// of those accounts only; the account entry wins over the OU entry, and its
// ExternalId is used for that role alone (its own credential cache entry).
func TestDiscoverRoleOverrides(t *testing.T) {
	srv := startEmu(t, awsemu.Spec{Seed: 15, Accounts: 8, OUs: 2})
	f := facts(srv)
	ous, under := ouTree(srv)
	var ou string
	for _, o := range ous {
		if len(under(o.ID)) >= 2 {
			ou = o.ID
			break
		}
	}
	if ou == "" {
		t.Fatal("no OU with two accounts; pick another seed")
	}
	var inOU []string
	for id := range under(ou) {
		inOU = append(inOU, id)
	}
	sort.Strings(inOU)
	special := inOU[0]
	srv.Update(func(o *awsemu.Org) {
		for _, id := range inOU {
			o.Accounts[id].AddRole(&awsemu.Role{Name: "AcquiredRead", Path: "/acq/", TrustedPrincipals: []string{"*"}})
		}
		o.Accounts[special].AddRole(&awsemu.Role{Name: "LegacyRead", TrustedPrincipals: []string{"*"}, ExternalID: "legacy-ext"})
	})
	p := staticProvider(t, srv, func(s *awscloud.Settings) { s.ExternalID = "" })
	overrides := []awscloud.RoleOverride{
		{OUID: ou, RoleName: "acq/AcquiredRead"},
		{AccountID: special, RoleName: "LegacyRead", ExternalID: "legacy-ext"},
	}
	settings := awscloud.DiscoverySettings{AccountRoleARN: roleARN(f.Mgmt, "/", f.RoleName), RoleOverrides: overrides}
	d, err := p.Discover(ctxT(t), settings)
	if err != nil {
		t.Fatalf("discover: %v", err)
	}
	for _, a := range d.Accounts {
		want, sel := roleARN(a.ID, "/", f.RoleName), ""
		switch {
		case a.ID == special:
			want, sel = roleARN(a.ID, "/", "LegacyRead"), special
		case under(ou)[a.ID] != "":
			want, sel = roleARN(a.ID, "/acq/", "AcquiredRead"), ou
		}
		if a.RoleARN != want || a.Override != sel {
			t.Errorf("account %s: role %s (override %q), want %s (%q)", a.ID, a.RoleARN, a.Override, want, sel)
		}
		tgt := a.Target()
		tgt.ExternalID = settings.ExternalIDFor(a.Override)
		if _, err := p.Verify(ctxT(t), tgt); err != nil {
			t.Errorf("account %s: assume %s: %v", a.ID, a.RoleARN, err)
		}
	}
	// Without its ExternalId the legacy role refuses, even with the same session
	// name: the ExternalId is part of the credential cache key.
	tgt := awscloud.Target{AccountID: special, RoleARN: roleARN(special, "/", "LegacyRead"), SessionName: awscloud.SessionMember}
	if _, err := p.Verify(ctxT(t), tgt); err == nil {
		t.Error("the legacy role was assumed without its ExternalId")
	}
}

// When the Organizations API is denied, discovery falls back to the org
// role's own account; if that account is excluded, there is nothing to sync
// and discovery says why instead of syncing it anyway.
func TestDiscoverFallbackRespectsExcludedAccount(t *testing.T) {
	srv := startEmu(t, awsemu.Spec{Seed: 16, Accounts: 4, OUs: 2})
	f := facts(srv)
	p := staticProvider(t, srv, nil)
	srv.Faults().DenyAccess(f.Mgmt, "organizations", "")
	role := roleARN(f.Mgmt, "/", f.RoleName)
	d, err := p.Discover(ctxT(t), awscloud.DiscoverySettings{AccountRoleARN: role, ExcludedAccountIDs: []string{f.Accounts[1].ID}})
	if err != nil || !d.FellBack || len(d.Accounts) != 1 {
		t.Fatalf("fallback with another account excluded: %+v %v", d, err)
	}
	var se *awscloud.ScopeError
	_, err = p.Discover(ctxT(t), awscloud.DiscoverySettings{AccountRoleARN: role, ExcludedAccountIDs: []string{f.Mgmt}})
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "account "+f.Mgmt+" is in excludedAccountIds, so there is no account to sync") {
		t.Fatalf("fallback to an excluded account: %v", err)
	}
}
