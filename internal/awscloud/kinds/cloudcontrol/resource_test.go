package cloudcontrol_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"
	_ "github.com/aws-port-sync/aws-port-sync/internal/awscloud/kinds" // native kinds, for ResolveKind
	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

// model is the resource model the emulator holds, as the JSON Cloud Control
// would hand out (numbers as float64 after a round trip).
func model(t *testing.T, r *awsemu.Resource, keys ...string) map[string]any {
	t.Helper()
	m := r.Attributes["Properties"].(map[string]any)
	if len(keys) > 0 {
		cut := map[string]any{}
		for _, k := range keys {
			cut[k] = m[k]
		}
		m = cut
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// Every generated log group comes out in the v1 integration's shape, across
// pages; secrets list their identifier only unless useGetResourceAPI is on.
func TestCloudControlTypesListAndGet(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	total, multiPage, secrets := 0, false, 0
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		for _, region := range awstest.KindSpec.Regions {
			items, pages := awstest.CollectAll(t, p, awsemu.KindCCLogGroup, acct, region, 2)
			multiPage = multiPage || pages > 1
			res := awstest.Resources(srv, acct.ID, region, awsemu.KindCCLogGroup)
			if len(items) != len(res) {
				t.Fatalf("%s %s: %d log groups, want %d", acct.ID, region, len(items), len(res))
			}
			byID := map[string]map[string]any{}
			for _, it := range items {
				byID[it["Identifier"].(string)] = it
			}
			for _, r := range res {
				want := map[string]any{"Identifier": r.ID, "Properties": model(t, r), "__Kind": awsemu.KindCCLogGroup,
					"__AccountId": acct.ID, "__Region": region}
				if !reflect.DeepEqual(byID[r.ID], want) {
					t.Fatalf("log group\n got %v\nwant %v", byID[r.ID], want)
				}
			}
			total += len(res)

			res = awstest.Resources(srv, acct.ID, region, awsemu.KindCCSecret)
			for _, get := range []bool{false, true} {
				pages, err := awstest.CollectRequest(t, p, awsemu.KindCCSecret, awscloud.PageRequest{Account: acct, Region: region, PageSize: 3, GetResource: get})
				if err != nil {
					t.Fatal(err)
				}
				var got []map[string]any
				for _, pg := range pages {
					got = append(got, pg.Items...)
				}
				if len(got) != len(res) {
					t.Fatalf("%d secrets, want %d", len(got), len(res))
				}
				byID := map[string]map[string]any{}
				for _, it := range got {
					byID[it["Identifier"].(string)] = it
				}
				for _, r := range res {
					var want map[string]any
					if get {
						want = model(t, r)
					} else {
						want = model(t, r, "Id")
					}
					if it := byID[r.ID]; it == nil || !reflect.DeepEqual(it["Properties"], want) {
						t.Fatalf("secret (get=%v) %v, want properties %v", get, it, want)
					}
				}
			}
			secrets += len(res)
		}
	}
	if total == 0 || secrets == 0 || !multiPage {
		t.Fatalf("log groups %d, secrets %d, multi-page %v: the test org must exercise all", total, secrets, multiPage)
	}
}

// A type AWS does not know, and one whose list handler needs a parent's id,
// fail with what to change, as client errors that are not retried.
func TestCloudControlTypeErrorsSayWhatToChange(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	acct := awstest.OrgAccounts(t, srv, p)[0]
	for kind, want := range map[string]string{
		"AWS::Nope::Thing":          "Cloud Control does not know the type AWS::Nope::Thing",
		"AWS::ApiGateway::Resource": "its list handler needs a parent resource's identifier",
	} {
		_, err := awstest.CollectRequest(t, p, kind, awscloud.PageRequest{Account: acct, Region: "us-east-1"})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("%s: %v, want %q", kind, err, want)
		}
		// Both classes fail the page at once (activities.awsError), never retried.
		if c := awscloud.Classify(err); c != awscloud.ErrRejected && c != awscloud.ErrNotFound {
			t.Fatalf("%s: class %v, want a rejected (not retried) request", kind, c)
		}
		if n := len(awstest.Ops(srv, "ListResources")); n == 0 {
			t.Fatal("no ListResources call reached the emulator")
		}
	}
}

func TestResolveKind(t *testing.T) {
	for name, want := range map[string]string{
		"AWS::SQS::Queue":       "",
		"AWS::Logs::LogGroup":   "",
		"MyOrg::Billing::Meter": "",
		"AWS::sqs::queue":       "did you mean AWS::SQS::Queue",
		"AWS::S3":               "Organization::Service::Type",
		"aws s3 bucket":         "Organization::Service::Type",
	} {
		k, err := awscloud.ResolveKind(name)
		switch {
		case want == "" && (err != nil || k.Name() != name):
			t.Fatalf("%s: %v", name, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Fatalf("%s: %v, want %q", name, err, want)
		}
	}
}

// Types of global services are read once per account, the others per region.
func TestCloudControlGlobalServices(t *testing.T) {
	for name, global := range map[string]bool{"AWS::IAM::Role": true, "AWS::Route53::HostedZone": true, "AWS::CloudFront::Distribution": true,
		"AWS::Logs::LogGroup": false, "MyOrg::Billing::Meter": false} {
		k, err := awscloud.ResolveKind(name)
		if err != nil || k.Global() != global {
			t.Fatalf("%s: Global() = %v (%v), want %v", name, k != nil && k.Global(), err, global)
		}
	}
}

// TestCloudControlResourceDeletedSinceListing: with GetResource, a resource
// GetResource no longer finds is left out of the page, the others kept.
func TestCloudControlResourceDeletedSinceListing(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	acct := awstest.OrgAccounts(t, srv, p)[0]
	for _, region := range awstest.KindSpec.Regions {
		want := len(awstest.Resources(srv, acct.ID, region, awsemu.KindCCSecret))
		if want == 0 {
			continue
		}
		srv.Faults().Add(awsemu.FaultRule{Service: "cloudcontrolapi", Operation: "GetResource", AccountID: acct.ID, Status: 400,
			Code: "ResourceNotFoundException", Message: "gone", Count: 1})
		items, _, _ := awstest.Collect(t, p, awsemu.KindCCSecret, awscloud.PageRequest{Account: acct, Region: region, PageSize: 100, GetResource: true})
		if len(items) != want-1 {
			t.Fatalf("%d secrets, want %d (one gone)", len(items), want-1)
		}
		for _, it := range items {
			if it == nil || it["__Kind"] != awsemu.KindCCSecret {
				t.Fatalf("item %v", it)
			}
		}
		return
	}
	t.Fatal("no secrets to test with")
}
