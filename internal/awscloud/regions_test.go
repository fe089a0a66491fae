package awscloud_test

import (
	"reflect"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestEnabledRegionsOfMemberAccount(t *testing.T) {
	srv := startEmu(t, awsemu.Spec{Seed: 21, Accounts: 2,
		Regions:       []string{"us-west-2", "eu-central-1", "us-east-1", "ap-east-1"},
		OptInDisabled: []string{"me-south-1", "af-south-1"}})
	f := facts(srv)
	p := staticProvider(t, srv, nil)
	member := f.accounts[1].ID
	got, err := p.EnabledRegions(ctxT(t), awscloud.Target{AccountID: member, RoleARN: roleARN(member, "/", f.roleName), SessionName: awscloud.SessionMember})
	if err != nil {
		t.Fatal(err)
	}
	// ap-east-1 is an opt-in region (ENABLED), the others ENABLED_BY_DEFAULT;
	// the DISABLED opt-in regions are left out; sorted.
	want := []string{"ap-east-1", "eu-central-1", "us-east-1", "us-west-2"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("regions = %v, want %v", got, want)
	}
	calls := ops(srv, "ListRegions")
	if len(calls) != 1 || calls[0].AccountID != member {
		t.Fatalf("ListRegions must be called as the member account: %+v", calls)
	}

	policy := awscloud.RegionPolicy{Allow: []string{"us-east-1", "eu-central-1"}, Deny: []string{"eu-central-1"}}
	if f := policy.Filter(got); !reflect.DeepEqual(f, []string{"us-east-1"}) {
		t.Fatalf("policy filter = %v", f)
	}
}

func TestEnabledRegionsNonCommercialPartitionsUseStaticList(t *testing.T) {
	srv := startEmu(t, awsemu.Spec{Seed: 22, Accounts: 1})
	p := staticProvider(t, srv, nil)
	got, err := p.EnabledRegions(ctxT(t), awscloud.Target{RoleARN: "arn:aws-us-gov:iam::123456789012:role/Reader"})
	if err != nil || !reflect.DeepEqual(got, []string{"us-gov-east-1", "us-gov-west-1"}) {
		t.Fatalf("gov regions = %v, %v", got, err)
	}
	got, err = p.EnabledRegions(ctxT(t), awscloud.Target{RoleARN: "arn:aws-cn:iam::123456789012:role/Reader"})
	if err != nil || !reflect.DeepEqual(got, []string{"cn-north-1", "cn-northwest-1"}) {
		t.Fatalf("china regions = %v, %v", got, err)
	}
	if len(srv.Requests()) != 0 {
		t.Fatalf("account:ListRegions does not exist there; no call expected, saw %d", len(srv.Requests()))
	}
}

func TestRegionPolicyPrecedence(t *testing.T) {
	cases := []struct {
		allow, deny []string
		region      string
		want        bool
	}{
		{nil, nil, "us-east-1", true},
		{nil, []string{"us-east-1"}, "us-east-1", false},
		{nil, []string{"us-east-1"}, "eu-west-1", true},
		{[]string{"us-east-1"}, nil, "us-east-1", true},
		{[]string{"us-east-1"}, nil, "eu-west-1", false},
		{[]string{"us-east-1"}, []string{"us-east-1"}, "us-east-1", false}, // deny wins
		{[]string{"us-east-1"}, []string{"eu-west-1"}, "ap-south-1", false},
		{[]string{"us-east-1"}, []string{"eu-west-1"}, "us-east-1", true},
	}
	for _, tc := range cases {
		rp := awscloud.RegionPolicy{Allow: tc.allow, Deny: tc.deny}
		if got := rp.Allowed(tc.region); got != tc.want {
			t.Errorf("allow=%v deny=%v %s: got %v, want %v", tc.allow, tc.deny, tc.region, got, tc.want)
		}
	}
}
