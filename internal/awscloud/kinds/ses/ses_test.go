package ses_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestSESKindsAreRegionRestricted(t *testing.T) {
	for _, name := range []string{"AWS::SES::EmailIdentity", "AWS::SES::ConfigurationSet"} {
		k, _ := awscloud.LookupKind(name)
		rr, ok := k.(awscloud.RegionRestricted)
		if !ok {
			t.Fatalf("%s is not region-restricted", name)
		}
		regions := rr.SupportedRegions()
		if len(regions) != 27 || !slices.Contains(regions, "us-east-1") || !slices.Contains(regions, "us-gov-west-1") ||
			slices.Contains(regions, "ap-east-1") || slices.Contains(regions, "cn-north-1") {
			t.Fatalf("%s regions %v", name, regions)
		}
	}
}

func TestSESEmailIdentityKind(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	var all []map[string]any
	multiPage, pending, withSet, withoutSet := false, 0, 0, 0
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		for _, region := range awstest.KindSpec.Regions {
			items, pages := awstest.CollectAll(t, p, "AWS::SES::EmailIdentity", acct, region, 2)
			multiPage = multiPage || pages > 1
			res := awstest.Resources(srv, acct.ID, region, "AWS::SES::EmailIdentity")
			if len(items) != len(res) {
				t.Fatalf("%s %s: %d identities, want %d", acct.ID, region, len(items), len(res))
			}
			got := awstest.ByKey(items, "IdentityName")
			for _, r := range res {
				it := got[r.ID]
				if it == nil || it["Type"] != "AWS::SES::EmailIdentity" || awstest.ExtraOf(it)["Region"] != region || awstest.ExtraOf(it)["AccountId"] != acct.ID {
					t.Fatalf("%s item %v", r.ID, it)
				}
				pr := awstest.PropsOf(it)
				status := r.AttrString("VerificationStatus")
				if pr["IdentityType"] != r.AttrString("IdentityType") || pr["VerificationStatus"] != status ||
					pr["SendingEnabled"] != r.AttrBool("SendingEnabled") || pr["VerifiedForSendingStatus"] != (status == "SUCCESS") ||
					pr["FeedbackForwardingStatus"] != true || pr["DkimAttributes"] == nil || pr["MailFromAttributes"] == nil ||
					pr["VerificationInfo"] == nil || pr["Policies"] == nil || len(pr["Tags"].([]any)) != len(r.Tags) {
					t.Fatalf("identity props %v", pr)
				}
				if status != "SUCCESS" {
					pending++
				}
				if cs := r.AttrString("ConfigurationSetName"); cs != "" {
					withSet++
					if pr["ConfigurationSetName"] != cs {
						t.Fatalf("configuration set %v, want %s", pr["ConfigurationSetName"], cs)
					}
				} else if _, has := pr["ConfigurationSetName"]; has {
					t.Fatalf("configuration set without one: %v", pr)
				} else {
					withoutSet++
				}
				for k := range pr {
					if k == "ResultMetadata" || k == "MessageSecurityOptions" {
						t.Fatalf("field %s is not in Ocean's model", k)
					}
				}
			}
			all = append(all, items...)
		}
	}
	if len(all) == 0 || !multiPage || pending == 0 || withSet == 0 || withoutSet == 0 {
		t.Fatalf("%d identities, paged %v, %d unverified, %d with a set, %d without", len(all), multiPage, pending, withSet, withoutSet)
	}
	for _, e := range awstest.MapExample(t, "SES-EmailIdentity", all).Entities {
		if !strings.HasPrefix(e.Identifier, "arn:aws:ses:") || e.Properties["identityType"] == nil || e.Properties["dkimStatus"] == nil {
			t.Fatalf("example entity %+v", e)
		}
	}
}

func TestSESConfigurationSetKind(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	var all []map[string]any
	multiPage, tracked, untracked := false, 0, 0
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		for _, region := range awstest.KindSpec.Regions {
			items, pages := awstest.CollectAll(t, p, "AWS::SES::ConfigurationSet", acct, region, 2)
			multiPage = multiPage || pages > 1
			res := awstest.Resources(srv, acct.ID, region, "AWS::SES::ConfigurationSet")
			if len(items) != len(res) {
				t.Fatalf("%s %s: %d sets, want %d", acct.ID, region, len(items), len(res))
			}
			got := awstest.ByKey(items, "ConfigurationSetName")
			for _, r := range res {
				it := got[r.ID]
				if it == nil || it["Type"] != "AWS::SES::ConfigurationSet" || awstest.ExtraOf(it)["Region"] != region {
					t.Fatalf("%s item %v", r.ID, it)
				}
				pr := awstest.PropsOf(it)
				if pr["SendingOptions"].(map[string]any)["SendingEnabled"] != r.AttrBool("SendingEnabled") ||
					pr["DeliveryOptions"].(map[string]any)["TlsPolicy"] != r.AttrString("TlsPolicy") ||
					pr["ReputationOptions"].(map[string]any)["ReputationMetricsEnabled"] != r.AttrBool("ReputationMetrics") ||
					len(pr["Tags"].([]any)) != len(r.Tags) {
					t.Fatalf("set props %v", pr)
				}
				if d := r.AttrString("CustomRedirectDomain"); d != "" {
					tracked++
					if pr["TrackingOptions"].(map[string]any)["CustomRedirectDomain"] != d {
						t.Fatalf("tracking %v", pr["TrackingOptions"])
					}
				} else if _, has := pr["TrackingOptions"]; has {
					t.Fatalf("tracking without a redirect domain: %v", pr)
				} else {
					untracked++
				}
				if _, has := pr["SuppressionOptions"]; has != r.Has("SuppressedReasons") {
					t.Fatalf("suppression %v", pr)
				}
			}
			all = append(all, items...)
		}
	}
	if len(all) == 0 || !multiPage || tracked == 0 || untracked == 0 {
		t.Fatalf("%d sets, paged %v, %d tracked, %d not", len(all), multiPage, tracked, untracked)
	}
	for _, e := range awstest.MapExample(t, "SES-ConfigurationSet", all).Entities {
		if !strings.Contains(e.Identifier, ":configuration-set/") || e.Properties["tlsPolicy"] == nil {
			t.Fatalf("example entity %+v", e)
		}
	}
}

func TestSESGetFailuresFailThePage(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	acct := awstest.OrgAccounts(t, srv, p)[0]
	for _, tc := range []struct{ kind, op string }{
		{"AWS::SES::EmailIdentity", "GetEmailIdentity"},
		{"AWS::SES::ConfigurationSet", "GetConfigurationSet"},
	} {
		srv.Faults().Add(awsemu.FaultRule{Service: "ses", Operation: tc.op, AccountID: acct.ID, Status: 403, Code: "AccessDeniedException", Message: "no"})
		pages, err := awstest.CollectPages(t, p, tc.kind, acct, "us-east-1")
		if len(awstest.Resources(srv, acct.ID, "us-east-1", tc.kind)) > 0 && (err == nil || awscloud.Classify(err) != awscloud.ErrDenied) {
			t.Fatalf("%s: a denied default call must fail the page: %v (%d pages)", tc.kind, err, len(pages))
		}
		srv.Faults().Clear()
	}
}
