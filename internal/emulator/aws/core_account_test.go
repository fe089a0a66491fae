package awsemu_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestAccountListRegions(t *testing.T) {
	srv := coreStart(t, awsemu.Generate(coreSpec()))
	ctx := context.Background()
	client := account.NewFromConfig(coreCfg(srv, srv.ManagementCredentials(), "us-east-1"))

	list := func(in *account.ListRegionsInput) []string {
		t.Helper()
		var out []string
		p := account.NewListRegionsPaginator(client, in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatalf("ListRegions: %v", err)
			}
			for _, r := range page.Regions {
				out = append(out, aws.ToString(r.RegionName)+"="+string(r.RegionOptStatus))
			}
		}
		return out
	}
	all := list(&account.ListRegionsInput{MaxResults: aws.Int32(2)})
	want := "ap-east-1=DISABLED,eu-central-1=ENABLED_BY_DEFAULT,eu-west-1=ENABLED_BY_DEFAULT,me-south-1=DISABLED,us-east-1=ENABLED_BY_DEFAULT,us-west-2=ENABLED_BY_DEFAULT"
	if strings.Join(all, ",") != want {
		t.Fatalf("regions = %v", all)
	}
	enabled := list(&account.ListRegionsInput{RegionOptStatusContains: []accounttypes.RegionOptStatus{
		accounttypes.RegionOptStatusEnabled, accounttypes.RegionOptStatusEnabledByDefault}})
	if len(enabled) != 4 {
		t.Fatalf("enabled regions = %v", enabled)
	}
	_, err := client.ListRegions(ctx, &account.ListRegionsInput{MaxResults: aws.Int32(51)})
	var ve *accounttypes.ValidationException
	if !errors.As(err, &ve) {
		t.Fatalf("MaxResults 51: want ValidationException, got %v", err)
	}
}

// A request signed with another account's key is served that account's data.
func TestWrongAccountCredentialsServeThatAccount(t *testing.T) {
	org := awsemu.Generate(coreSpec())
	srv := coreStart(t, org)
	ca := corePick(t, srv)
	ctx := context.Background()
	srv.Update(func(o *awsemu.Org) { o.Accounts[ca.other].Regions["ap-east-1"] = awsemu.RegionEnabled })

	regionsOf := func(c awsemu.Credentials) string {
		out, err := account.NewFromConfig(coreCfg(srv, c, "us-east-1")).ListRegions(ctx, &account.ListRegionsInput{
			RegionOptStatusContains: []accounttypes.RegionOptStatus{accounttypes.RegionOptStatusEnabled}})
		if err != nil {
			t.Fatalf("ListRegions: %v", err)
		}
		var names []string
		for _, r := range out.Regions {
			names = append(names, aws.ToString(r.RegionName))
		}
		return strings.Join(names, ",")
	}
	member := srv.IssueCredentials(ca.member, "arn:aws:sts::"+ca.member+":assumed-role/R/s", time.Hour)
	other := srv.IssueCredentials(ca.other, "arn:aws:sts::"+ca.other+":assumed-role/R/s", time.Hour)
	if got := regionsOf(member); got != "" {
		t.Fatalf("member opt-in regions = %q", got)
	}
	if got := regionsOf(other); got != "ap-east-1" {
		t.Fatalf("other opt-in regions = %q", got)
	}
	id, err := sts.NewFromConfig(coreCfg(srv, other, "us-east-1")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Account) != ca.other {
		t.Fatalf("identity of other's key: %v %v", err, id)
	}
	var accts []string
	for _, r := range srv.Requests() {
		accts = append(accts, r.AccountID)
	}
	if strings.Join(accts, ",") != ca.member+","+ca.other+","+ca.other {
		t.Fatalf("request log accounts = %v", accts)
	}

	// The management account may read a member's regions with AccountId; a member may not read another's.
	mgmt := account.NewFromConfig(coreCfg(srv, srv.ManagementCredentials(), "us-east-1"))
	out, err := mgmt.ListRegions(ctx, &account.ListRegionsInput{AccountId: aws.String(ca.other),
		RegionOptStatusContains: []accounttypes.RegionOptStatus{accounttypes.RegionOptStatusEnabled}})
	if err != nil || len(out.Regions) != 1 {
		t.Fatalf("management ListRegions for member: %v %+v", err, out)
	}
	_, err = account.NewFromConfig(coreCfg(srv, member, "us-east-1")).ListRegions(ctx, &account.ListRegionsInput{AccountId: aws.String(ca.other)})
	var ade *accounttypes.AccessDeniedException
	if !errors.As(err, &ade) {
		t.Fatalf("member reading other: want AccessDeniedException, got %v", err)
	}

	// A removed account's keys stop working.
	srv.Update(func(o *awsemu.Org) {
		if err := o.RemoveAccount(ca.other); err != nil {
			t.Fatal(err)
		}
	})
	_, err = sts.NewFromConfig(coreCfg(srv, other, "us-east-1")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	coreAPIError(t, err, "InvalidClientTokenId")
}
