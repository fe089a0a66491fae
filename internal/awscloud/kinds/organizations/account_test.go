package organizations_test

import (
	"reflect"
	"strings"
	"testing"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"
)

func TestOrgAccountKindListsAllStatesAndEnriches(t *testing.T) {
	srv := awstest.StartEmu(t, awsemu.Spec{Seed: 32, Accounts: 9, OUs: 2, Suspended: 1, PendingClosure: 1})
	f := awstest.Facts(srv)
	p := awstest.StaticProvider(t, srv, nil)
	accts := awstest.OrgAccounts(t, srv, p)
	var mgmt, member awscloud.Account
	for _, a := range accts {
		if a.ID == f.Mgmt {
			mgmt = a
		} else {
			member = a
		}
	}
	items, pages := awstest.CollectAll(t, p, "AWS::Organizations::Account", mgmt, "", 4, "ListParentsAction", "ListTagsForResourceAction")
	if len(items) != 9 || pages != 3 {
		t.Fatalf("items %d pages %d, want all 9 accounts (any state) over 3 pages", len(items), pages)
	}
	got := awstest.ByKey(items, "Id")
	states := map[string]int{}
	for _, a := range f.Accounts {
		it, ok := got[a.ID]
		if !ok {
			t.Fatalf("account %s missing", a.ID)
		}
		pr := awstest.PropsOf(it)
		states[pr["State"].(string)]++
		if pr["Name"] != a.Name || pr["Email"] != a.Email || !strings.HasPrefix(pr["Arn"].(string), "arn:aws:organizations::") {
			t.Fatalf("props %v", pr)
		}
		parents := pr["Parents"].([]any)
		if len(parents) != 1 || parents[0].(map[string]any)["Id"] != a.ParentID {
			t.Fatalf("parents of %s = %v, want %s", a.ID, parents, a.ParentID)
		}
		tags := map[string]string{}
		for _, tg := range pr["Tags"].([]any) {
			m := tg.(map[string]any)
			tags[m["Key"].(string)] = m["Value"].(string)
		}
		if !reflect.DeepEqual(tags, a.Tags) {
			t.Fatalf("tags of %s = %v, want %v", a.ID, tags, a.Tags)
		}
		if awstest.ExtraOf(it)["AccountId"] != f.Mgmt {
			t.Fatalf("extra %v", awstest.ExtraOf(it))
		}
	}
	if states["SUSPENDED"] != 1 || states["PENDING_CLOSURE"] != 1 || states["ACTIVE"] != 7 {
		t.Fatalf("states = %v", states)
	}

	// A member account may not list the organization: not an empty listing but
	// "not applicable", so that the scope keeps what it has.
	k, _ := awscloud.LookupKind("AWS::Organizations::Account")
	cfg, err := p.Config(awstest.Ctx(t), member.Target(), "")
	if err != nil {
		t.Fatal(err)
	}
	page, err := k.Collect(awstest.Ctx(t), cfg, awscloud.PageRequest{Account: member})
	if err != nil || len(page.Items) != 0 || page.Next != "" || !strings.Contains(page.NotApplicable, "AccessDenied") {
		t.Fatalf("member: page %+v err %v; want NotApplicable naming AccessDenied", page, err)
	}
}
