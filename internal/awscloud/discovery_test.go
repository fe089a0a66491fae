package awscloud_test

import (
	"errors"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestDiscoverOrganizationActiveOnlyWithRolePath(t *testing.T) {
	// More accounts than one ListAccounts page (20), so paging is exercised.
	srv := startEmu(t, awsemu.Spec{Seed: 11, Accounts: 26, OUs: 4, Suspended: 2, PendingClosure: 1, MissingRole: 1, RolePath: "/port/ocean/"})
	f := facts(srv)
	p := staticProvider(t, srv, nil)
	orgRole := roleARN(f.Mgmt, "/port/ocean/", f.RoleName)

	d, err := p.Discover(ctxT(t), awscloud.DiscoverySettings{AccountRoleARN: orgRole})
	if err != nil {
		t.Fatalf("discover: %v", err)
	}
	if d.Mode != awscloud.ModeOrganization || len(d.Warnings) != 0 {
		t.Fatalf("mode %s warnings %v", d.Mode, d.Warnings)
	}
	want := map[string]*awsemu.Account{}
	for _, a := range f.Accounts {
		if a.State == "ACTIVE" {
			want[a.ID] = a
		}
	}
	if len(d.Accounts) != len(want) || len(want) != 26-3 {
		t.Fatalf("discovered %d accounts, want the %d ACTIVE ones", len(d.Accounts), len(want))
	}
	for _, a := range d.Accounts {
		w, ok := want[a.ID]
		if !ok {
			t.Fatalf("account %s is not ACTIVE but was discovered", a.ID)
		}
		if a.Name != w.Name || a.Email != w.Email || a.State != "ACTIVE" || a.SessionName != awscloud.SessionMember ||
			a.RoleARN != roleARN(a.ID, "/port/ocean/", f.RoleName) {
			t.Fatalf("account %+v does not match org account %s/%s", a, w.Name, w.Email)
		}
	}
	// Discovery assumes the org role once and no member role (the account
	// whose role is missing does not fail it); ListAccounts was paged.
	assumes := ops(srv, "AssumeRole")
	if len(assumes) != 1 || assumes[0].AccountID != f.Mgmt {
		t.Fatalf("want a single AssumeRole (the org role), got %d", len(assumes))
	}
	if n := len(ops(srv, "ListAccounts")); n != 2 {
		t.Fatalf("ListAccounts pages = %d, want 2 for 26 accounts", n)
	}
}

// ouTree returns, for each OU, the set of accounts under it (recursively).
func ouTree(srv *awsemu.Server) (ous []*awsemu.OU, under func(ou string) map[string]string) {
	var org *awsemu.Org
	srv.View(func(o *awsemu.Org) { org = o })
	for _, ou := range org.OUs {
		ous = append(ous, ou)
	}
	sort.Slice(ous, func(i, j int) bool { return ous[i].ID < ous[j].ID })
	isUnder := func(parent, ou string) bool {
		for cur := parent; cur != "" && cur != org.RootID; {
			if cur == ou {
				return true
			}
			next, ok := org.OUs[cur]
			if !ok {
				return false
			}
			cur = next.ParentID
		}
		return false
	}
	under = func(ou string) map[string]string {
		out := map[string]string{}
		for _, a := range org.Accounts {
			if isUnder(a.ParentID, ou) {
				out[a.ID] = a.State
			}
		}
		return out
	}
	return ous, under
}

func TestDiscoverOUWalkIsRecursiveAndDeduplicated(t *testing.T) {
	srv := startEmu(t, awsemu.Spec{Seed: 12, Accounts: 12, OUs: 4, Suspended: 2})
	f := facts(srv)
	p := staticProvider(t, srv, nil)
	ous, under := ouTree(srv)

	// The parent of a nested OU: the walk must reach the child's accounts.
	var parent, child string
	for _, ou := range ous {
		for _, other := range ous {
			if other.ParentID == ou.ID {
				parent, child = ou.ID, other.ID
			}
		}
	}
	if parent == "" {
		t.Fatal("generated org has no nested OU")
	}
	want := []string{}
	for id, state := range under(parent) {
		if state == "ACTIVE" {
			want = append(want, id)
		}
	}
	sort.Strings(want)
	if len(under(child)) == 0 {
		t.Fatalf("nested OU %s has no accounts; pick another seed", child)
	}

	// The parent given twice, the child given as well, and comma-joined input.
	d, err := p.Discover(ctxT(t), awscloud.DiscoverySettings{
		AccountRoleARN: roleARN(f.Mgmt, "/", f.RoleName),
		OUIDs:          []string{parent + ", " + child, parent},
	})
	if err != nil {
		t.Fatalf("discover: %v", err)
	}
	if got := sortedIDs(d.Accounts); !reflect.DeepEqual(got, want) {
		t.Fatalf("OU walk accounts = %v, want %v", got, want)
	}
	if len(ops(srv, "ListAccounts")) != 0 || len(ops(srv, "ListOrganizationalUnitsForParent")) == 0 {
		t.Fatal("with ouId the walk must use ListAccountsForParent/ListOrganizationalUnitsForParent, not ListAccounts")
	}
}

func TestDiscoverFallsBackToOrgRoleAccountWhenNotManagement(t *testing.T) {
	srv := startEmu(t, awsemu.Spec{Seed: 13, Accounts: 4, OUs: 1})
	f := facts(srv)
	p := staticProvider(t, srv, nil)
	member := f.Accounts[2].ID
	role := roleARN(member, "/", f.RoleName)

	d, err := p.Discover(ctxT(t), awscloud.DiscoverySettings{AccountRoleARN: role})
	if err != nil {
		t.Fatalf("discover: %v", err)
	}
	if len(d.Accounts) != 1 || !d.FellBack {
		t.Fatalf("want the org role's own account only, marked as a fallback; got %+v (FellBack=%v)", d.Accounts, d.FellBack)
	}
	a := d.Accounts[0]
	if a.ID != member || a.Name != "Account "+member || a.RoleARN != role || a.SessionName != awscloud.SessionOrg {
		t.Fatalf("fallback account = %+v", a)
	}
	if len(d.Warnings) != 1 || !strings.Contains(d.Warnings[0], "Access denied to Organizations API with role "+role) ||
		!strings.Contains(d.Warnings[0], "syncing only account "+member) || !strings.Contains(d.Warnings[0], "organizations:ListAccounts") {
		t.Fatalf("warning = %v", d.Warnings)
	}

	// Outside an organization (AWSOrganizationsNotInUse) the same fallback applies.
	srv.Update(func(o *awsemu.Org) { o.Accounts[member].InOrg = false })
	d, err = p.Discover(ctxT(t), awscloud.DiscoverySettings{AccountRoleARN: role})
	if err != nil || len(d.Accounts) != 1 || d.Accounts[0].ID != member || !strings.Contains(d.Warnings[0], "AWSOrganizationsNotInUse") {
		t.Fatalf("not-in-org fallback: %+v, %v", d, err)
	}
}

func TestDiscoverOrgRoleNotAssumableFails(t *testing.T) {
	srv := startEmu(t, awsemu.Spec{Seed: 14, Accounts: 2})
	f := facts(srv)
	p := staticProvider(t, srv, nil)
	_, err := p.Discover(ctxT(t), awscloud.DiscoverySettings{AccountRoleARN: roleARN(f.Mgmt, "/", "NoSuchRole")})
	var ae *awscloud.AccessError
	if !errors.As(err, &ae) || ae.SessionName != awscloud.SessionOrg || ae.Code != "AccessDenied" {
		t.Fatalf("want AccessError for the org role, got %v", err)
	}
	if _, err := p.Discover(ctxT(t), awscloud.DiscoverySettings{AccountRoleARN: "arn:aws:iam::1:role/x"}); err == nil || !strings.Contains(err.Error(), "accountRoleArn") {
		t.Fatalf("bad ARN: got %v", err)
	}
}

func TestDiscoverExplicitRoles(t *testing.T) {
	srv := startEmu(t, awsemu.Spec{Seed: 15, Accounts: 3})
	f := facts(srv)
	p := staticProvider(t, srv, nil)
	a1, a2 := f.Accounts[1].ID, f.Accounts[2].ID
	d, err := p.Discover(ctxT(t), awscloud.DiscoverySettings{AccountRoleARNs: []string{
		roleARN(a1, "/", f.RoleName), roleARN(a2, "/x/", "Other"), roleARN(a1, "/", f.RoleName), roleARN(a1, "/", "Second"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := []awscloud.Account{
		{ID: a1, Name: "Account " + a1, RoleARN: roleARN(a1, "/", f.RoleName), SessionName: awscloud.SessionExplicit},
		{ID: a2, Name: "Account " + a2, RoleARN: roleARN(a2, "/x/", "Other"), SessionName: awscloud.SessionExplicit},
	}
	if d.Mode != awscloud.ModeExplicit || !reflect.DeepEqual(d.Accounts, want) {
		t.Fatalf("explicit = %+v", d)
	}
	if len(d.Warnings) != 1 || !strings.Contains(d.Warnings[0], "Second") {
		t.Fatalf("a second role for the same account should be warned about: %v", d.Warnings)
	}
	if len(ops(srv, "AssumeRole")) != 0 {
		t.Fatal("explicit discovery must not assume roles")
	}
	_, err = p.Discover(ctxT(t), awscloud.DiscoverySettings{AccountRoleARNs: []string{roleARN(a1, "/", "r"), "arn:aws:iam::123:role/r"}})
	if err == nil || !strings.Contains(err.Error(), "accountRoleArns[1]") || !strings.Contains(err.Error(), "account id") {
		t.Fatalf("bad explicit ARN: got %v", err)
	}
}

// Explicit roles are assumed later, account by account, but the credentials
// that assume them are checked at discovery, before anything reaches Port:
// keys AWS does not know, or a web identity token STS rejects, fail discovery;
// a role that only denies this caller does not.
func TestDiscoverExplicitRolesVerifiesTheBaseCredentials(t *testing.T) {
	srv := startEmu(t, awsemu.Spec{Seed: 17, Accounts: 3})
	f := facts(srv)
	arns := []string{roleARN(f.Accounts[1].ID, "/", f.RoleName)}

	bad := staticProvider(t, srv, func(s *awscloud.Settings) { s.SecretAccessKey = "wrong" })
	if _, err := bad.Discover(ctxT(t), awscloud.DiscoverySettings{AccountRoleARNs: arns}); err == nil ||
		!strings.Contains(err.Error(), "accountRoleArns: the credentials that assume the roles do not work") {
		t.Fatalf("wrong secret: got %v", err)
	}

	web, file := webIdentityProvider(t, srv, nil)
	if err := os.WriteFile(file, []byte("not-a-token"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := web.Discover(ctxT(t), awscloud.DiscoverySettings{AccountRoleARNs: arns}); err == nil ||
		!strings.Contains(err.Error(), "web identity token does not work") {
		t.Fatalf("garbage token: got %v", err)
	}

	good := staticProvider(t, srv, nil)
	denied := []string{roleARN(f.Accounts[1].ID, "/", "NoSuchRole")}
	if d, err := good.Discover(ctxT(t), awscloud.DiscoverySettings{AccountRoleARNs: denied}); err != nil || len(d.Accounts) != 1 {
		t.Fatalf("a role that cannot be assumed is the account's failure, not discovery's: %+v, %v", d, err)
	}
}

func TestDiscoverSingleAccount(t *testing.T) {
	srv := startEmu(t, awsemu.Spec{Seed: 16, Accounts: 2})
	f := facts(srv)
	p := staticProvider(t, srv, nil)
	d, err := p.Discover(ctxT(t), awscloud.DiscoverySettings{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Mode != awscloud.ModeSingle || len(d.Accounts) != 1 || d.Accounts[0].ID != f.Mgmt || d.Accounts[0].Name != "Account "+f.Mgmt || d.Accounts[0].RoleARN != "" {
		t.Fatalf("single = %+v", d)
	}
	if len(ops(srv, "GetCallerIdentity")) != 1 {
		t.Fatal("single mode learns the account from GetCallerIdentity")
	}
}
