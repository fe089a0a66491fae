package awsemu_test

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func coreOrgs(srv *awsemu.Server, c awsemu.Credentials) *organizations.Client {
	return organizations.NewFromConfig(coreCfg(srv, c, "us-east-1"))
}

func TestOrganizationsListAccountsPaginator(t *testing.T) {
	spec := coreSpec()
	spec.Accounts = 45
	spec.OUs = 5
	org := awsemu.Generate(spec)
	srv := coreStart(t, org)
	ctx := context.Background()
	client := coreOrgs(srv, srv.ManagementCredentials())

	pages := 0
	var got []orgtypes.Account
	p := organizations.NewListAccountsPaginator(client, &organizations.ListAccountsInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListAccounts page %d: %v", pages, err)
		}
		pages++
		got = append(got, out.Accounts...)
	}
	if len(got) != 45 || pages != 3 {
		t.Fatalf("got %d accounts in %d pages, want 45 in 3", len(got), pages)
	}
	want := coreView(srv, func(o *awsemu.Org) []string { return append([]string(nil), o.AccountOrder...) })
	states := map[orgtypes.AccountState]int{}
	for i, a := range got {
		if aws.ToString(a.Id) != want[i] {
			t.Fatalf("account %d = %s, want %s", i, aws.ToString(a.Id), want[i])
		}
		if !strings.HasPrefix(aws.ToString(a.Arn), "arn:aws:organizations::"+want[0]+":account/o-") || aws.ToString(a.Email) == "" ||
			aws.ToString(a.Name) == "" || a.JoinedTimestamp == nil || a.JoinedTimestamp.Before(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)) ||
			string(a.Status) != string(a.State) || a.JoinedMethod == "" {
			t.Fatalf("account fields incomplete: %+v", a)
		}
		states[a.State]++
	}
	if states[orgtypes.AccountStateSuspended] != 1 || states[orgtypes.AccountStatePendingClosure] != 1 || states[orgtypes.AccountStateActive] != 43 {
		t.Fatalf("states = %v", states)
	}
	// Each page after the first carried the previous page's token.
	var tokens []string
	for _, r := range srv.Requests() {
		if r.Operation == "ListAccounts" {
			tokens = append(tokens, r.Params)
		}
	}
	if strings.Join(tokens, ",") != ",NextToken=tok-20,NextToken=tok-40" {
		t.Fatalf("pagination params = %q", tokens)
	}

	// MaxResults is 1..20 as in AWS; a bad token is InvalidInputException.
	_, err := client.ListAccounts(ctx, &organizations.ListAccountsInput{MaxResults: aws.Int32(21)})
	var inv *orgtypes.InvalidInputException
	if !errors.As(err, &inv) {
		t.Fatalf("MaxResults 21: want InvalidInputException, got %v", err)
	}
	_, err = client.ListAccounts(ctx, &organizations.ListAccountsInput{NextToken: aws.String("garbage")})
	if !errors.As(err, &inv) {
		t.Fatalf("bad token: want InvalidInputException, got %v", err)
	}
	small, err := client.ListAccounts(ctx, &organizations.ListAccountsInput{MaxResults: aws.Int32(7)})
	if err != nil || len(small.Accounts) != 7 || aws.ToString(small.NextToken) == "" {
		t.Fatalf("MaxResults 7: %v %d", err, len(small.Accounts))
	}
}

func TestOrganizationsTreeWalk(t *testing.T) {
	spec := coreSpec()
	spec.Accounts = 30
	spec.OUs = 6
	srv := coreStart(t, awsemu.Generate(spec))
	ctx := context.Background()
	client := coreOrgs(srv, srv.ManagementCredentials())

	desc, err := client.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		t.Fatalf("DescribeOrganization: %v", err)
	}
	o := desc.Organization
	mgmt := coreView(srv, func(org *awsemu.Org) string { return org.ManagementAccountID })
	if aws.ToString(o.MasterAccountId) != mgmt || !strings.HasPrefix(aws.ToString(o.Id), "o-") || o.FeatureSet != orgtypes.OrganizationFeatureSetAll ||
		aws.ToString(o.MasterAccountEmail) == "" || !strings.HasSuffix(aws.ToString(o.Arn), ":organization/"+aws.ToString(o.Id)) {
		t.Fatalf("organization = %+v", o)
	}

	roots, err := client.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil || len(roots.Roots) != 1 {
		t.Fatalf("ListRoots: %v %+v", err, roots)
	}
	root := aws.ToString(roots.Roots[0].Id)
	if !strings.HasPrefix(root, "r-") || aws.ToString(roots.Roots[0].Name) != "Root" {
		t.Fatalf("root = %+v", roots.Roots[0])
	}

	// Walk the tree with ListOrganizationalUnitsForParent + ListAccountsForParent
	// (paged by 2) and compare with ListChildren.
	seen := map[string]string{} // account -> parent
	nested := 0
	var walk func(parent string, depth int)
	walk = func(parent string, depth int) {
		ap := organizations.NewListAccountsForParentPaginator(client, &organizations.ListAccountsForParentInput{ParentId: aws.String(parent), MaxResults: aws.Int32(2)})
		var viaAccounts []string
		for ap.HasMorePages() {
			out, err := ap.NextPage(ctx)
			if err != nil {
				t.Fatalf("ListAccountsForParent %s: %v", parent, err)
			}
			for _, a := range out.Accounts {
				seen[aws.ToString(a.Id)] = parent
				viaAccounts = append(viaAccounts, aws.ToString(a.Id))
			}
		}
		cp := organizations.NewListChildrenPaginator(client, &organizations.ListChildrenInput{ParentId: aws.String(parent), ChildType: orgtypes.ChildTypeAccount, MaxResults: aws.Int32(3)})
		var viaChildren []string
		for cp.HasMorePages() {
			out, err := cp.NextPage(ctx)
			if err != nil {
				t.Fatalf("ListChildren %s: %v", parent, err)
			}
			for _, c := range out.Children {
				if c.Type != orgtypes.ChildTypeAccount {
					t.Fatalf("child type = %s", c.Type)
				}
				viaChildren = append(viaChildren, aws.ToString(c.Id))
			}
		}
		sort.Strings(viaAccounts)
		sort.Strings(viaChildren)
		if strings.Join(viaAccounts, ",") != strings.Join(viaChildren, ",") {
			t.Fatalf("parent %s: accounts %v vs children %v", parent, viaAccounts, viaChildren)
		}
		op := organizations.NewListOrganizationalUnitsForParentPaginator(client, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(parent), MaxResults: aws.Int32(1)})
		for op.HasMorePages() {
			out, err := op.NextPage(ctx)
			if err != nil {
				t.Fatalf("ListOrganizationalUnitsForParent %s: %v", parent, err)
			}
			for _, ou := range out.OrganizationalUnits {
				id := aws.ToString(ou.Id)
				if !strings.HasPrefix(id, "ou-") || aws.ToString(ou.Name) == "" || !strings.Contains(aws.ToString(ou.Arn), ":ou/o-") ||
					!strings.HasSuffix(aws.ToString(ou.Path), id+"/") {
					t.Fatalf("ou = %+v", ou)
				}
				parents, err := client.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String(id)})
				if err != nil || len(parents.Parents) != 1 || aws.ToString(parents.Parents[0].Id) != parent {
					t.Fatalf("ListParents(%s) = %v %+v, want %s", id, err, parents, parent)
				}
				wantType := orgtypes.ParentTypeOrganizationalUnit
				if depth == 0 {
					wantType = orgtypes.ParentTypeRoot
				} else {
					nested++
				}
				if parents.Parents[0].Type != wantType {
					t.Fatalf("parent type of %s = %s", id, parents.Parents[0].Type)
				}
				walk(id, depth+1)
			}
		}
	}
	walk(root, 0)
	if len(seen) != 30 || nested == 0 {
		t.Fatalf("walk found %d accounts, %d nested OUs", len(seen), nested)
	}
	if seen[mgmt] != root {
		t.Fatalf("management account parent = %s, want root", seen[mgmt])
	}
	for acct, parent := range seen {
		out, err := client.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String(acct)})
		if err != nil || aws.ToString(out.Parents[0].Id) != parent {
			t.Fatalf("ListParents(%s): %v %+v, want %s", acct, err, out, parent)
		}
	}

	tags, err := client.ListTagsForResource(ctx, &organizations.ListTagsForResourceInput{ResourceId: aws.String(mgmt)})
	if err != nil || len(tags.Tags) != 3 || aws.ToString(tags.Tags[0].Key) != "cost-center" {
		t.Fatalf("ListTagsForResource: %v %+v", err, tags)
	}
	tp := organizations.NewListTagsForResourcePaginator(client, &organizations.ListTagsForResourceInput{ResourceId: aws.String(mgmt)})
	n := 0
	for tp.HasMorePages() {
		out, err := tp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(out.Tags)
	}
	if n != 3 {
		t.Fatalf("tags via paginator = %d", n)
	}

	_, err = client.ListAccountsForParent(ctx, &organizations.ListAccountsForParentInput{ParentId: aws.String("ou-zzzz-zzzzzzzz")})
	var pnf *orgtypes.ParentNotFoundException
	if !errors.As(err, &pnf) {
		t.Fatalf("bad parent: want ParentNotFoundException, got %v", err)
	}
	_, err = client.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String("999999999999")})
	var cnf *orgtypes.ChildNotFoundException
	if !errors.As(err, &cnf) {
		t.Fatalf("bad child: want ChildNotFoundException, got %v", err)
	}
	_, err = client.ListTagsForResource(ctx, &organizations.ListTagsForResourceInput{ResourceId: aws.String("999999999999")})
	var tnf *orgtypes.TargetNotFoundException
	if !errors.As(err, &tnf) {
		t.Fatalf("bad resource: want TargetNotFoundException, got %v", err)
	}
}

func TestOrganizationsAccess(t *testing.T) {
	srv := coreStart(t, awsemu.Generate(coreSpec()))
	ca := corePick(t, srv)
	ctx := context.Background()

	member := coreOrgs(srv, srv.StaticCredentials(ca.member, "dev"))
	_, err := member.ListAccounts(ctx, &organizations.ListAccountsInput{})
	var ade *orgtypes.AccessDeniedException
	if !errors.As(err, &ade) || ade.ErrorMessage() != "You don't have permissions to access this resource." {
		t.Fatalf("member ListAccounts: want AccessDeniedException, got %v", err)
	}
	// Any member may describe its own organization.
	if _, err := member.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{}); err != nil {
		t.Fatalf("member DescribeOrganization: %v", err)
	}

	srv.Update(func(o *awsemu.Org) { o.DelegatedAdmins[ca.member] = true })
	out, err := member.ListAccounts(ctx, &organizations.ListAccountsInput{})
	if err != nil || len(out.Accounts) != 8 {
		t.Fatalf("delegated admin ListAccounts: %v", err)
	}

	srv.Update(func(o *awsemu.Org) { o.Accounts[ca.other].InOrg = false })
	_, err = coreOrgs(srv, srv.StaticCredentials(ca.other, "dev")).ListRoots(ctx, &organizations.ListRootsInput{})
	var niu *orgtypes.AWSOrganizationsNotInUseException
	if !errors.As(err, &niu) {
		t.Fatalf("standalone account: want AWSOrganizationsNotInUseException, got %v", err)
	}
}
