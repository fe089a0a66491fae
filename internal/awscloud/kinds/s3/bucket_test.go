package s3_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"
)

func TestS3BucketKind(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	total := 0
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		items, _ := awstest.CollectAll(t, p, "AWS::S3::Bucket", acct, "us-east-1", 3, "GetBucketLocationAction")
		want := map[string]string{} // bucket -> region
		var res []*awsemu.Resource
		for _, region := range awstest.KindSpec.Regions {
			for _, r := range awstest.Resources(srv, acct.ID, region, "AWS::S3::Bucket") {
				want[r.ID] = region
				res = append(res, r)
			}
		}
		if len(items) != len(want) {
			t.Fatalf("account %s: %d buckets, want %d", acct.ID, len(items), len(want))
		}
		got := awstest.ByKey(items, "BucketName")
		for _, r := range res {
			it := got[r.ID]
			if it == nil {
				t.Fatalf("bucket %s missing", r.ID)
			}
			pr := awstest.PropsOf(it)
			if it["Type"] != "AWS::S3::Bucket" || pr["Arn"] != "arn:aws:s3:::"+r.ID || pr["BucketRegion"] != want[r.ID] ||
				pr["CreationDate"] != r.AttrTime("CreationDate").UTC().Format(time.RFC3339Nano) {
				t.Fatalf("bucket props %v (want created %v)", pr, r.AttrTime("CreationDate"))
			}
			if lc, _ := pr["LocationConstraint"].(string); (want[r.ID] == "us-east-1" && lc != "") || (want[r.ID] != "us-east-1" && lc != want[r.ID]) {
				t.Fatalf("LocationConstraint %q for region %s", lc, want[r.ID])
			}
			tags := pr["Tags"].([]any) // [] for NoSuchTagSet
			if len(tags) != len(r.Tags) {
				t.Fatalf("bucket %s tags %v, want %v", r.ID, tags, r.Tags)
			}
			for _, tg := range tags {
				m := tg.(map[string]any)
				if r.Tags[m["Key"].(string)] != m["Value"] {
					t.Fatalf("tag %v not in %v", m, r.Tags)
				}
			}
			if ex := awstest.ExtraOf(it); ex["AccountId"] != acct.ID || ex["Partition"] != "aws" || ex["Region"] != nil {
				t.Fatalf("S3 is global: extra %v", ex)
			}
		}
		total += len(items)
	}
	counts := map[string]int{}
	srv.View(func(o *awsemu.Org) { counts = o.ResourceCounts() })
	if total != counts["AWS::S3::Bucket"] || total == 0 {
		t.Fatalf("collected %d buckets, org has %d", total, counts["AWS::S3::Bucket"])
	}
}

var s3Optional = []string{"GetBucketEncryptionAction", "GetPublicAccessBlockAction", "GetBucketOwnershipControlsAction"}

// s3Want is what Ocean's model holds for a bucket's settings in the emulator
// (nil: not configured, the property is absent).
func s3Want(r *awsemu.Resource) map[string]any {
	out := map[string]any{}
	if r.Has("SSEAlgorithm") {
		def := map[string]any{"SSEAlgorithm": r.AttrString("SSEAlgorithm")}
		if r.Has("KMSMasterKeyID") {
			def["KMSMasterKeyID"] = r.AttrString("KMSMasterKeyID")
		}
		out["BucketEncryption"] = map[string]any{"Rules": []any{map[string]any{
			"ApplyServerSideEncryptionByDefault": def, "BucketKeyEnabled": r.AttrBool("BucketKeyEnabled")}}}
	}
	if r.Has("PublicAccessBlock") {
		on := r.AttrBool("PublicAccessBlock")
		out["PublicAccessBlockConfiguration"] = map[string]any{"BlockPublicAcls": on, "IgnorePublicAcls": on,
			"BlockPublicPolicy": on, "RestrictPublicBuckets": on}
	}
	if r.Has("ObjectOwnership") {
		out["OwnershipControls"] = map[string]any{"Rules": []any{map[string]any{"ObjectOwnership": r.AttrString("ObjectOwnership")}}}
	}
	return out
}

func TestS3OptionalActionsConfiguredAndAbsent(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	configured, absent := map[string]int{}, map[string]int{}
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		pages, err := awstest.CollectPages(t, p, "AWS::S3::Bucket", acct, "us-east-1", s3Optional...)
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string]*awsemu.Resource{}
		for _, region := range awstest.KindSpec.Regions {
			for _, r := range awstest.Resources(srv, acct.ID, region, "AWS::S3::Bucket") {
				byName[r.ID] = r
			}
		}
		items, omitted, wantOmitted := 0, 0, 0
		for _, page := range pages {
			omitted += page.Omitted
			for _, ex := range page.OmittedExamples {
				if !strings.Contains(ex, " not configured for bucket ") {
					t.Fatalf("example %q", ex)
				}
			}
			for _, it := range page.Items {
				items++
				pr := awstest.PropsOf(it)
				r := byName[pr["BucketName"].(string)]
				want := s3Want(r)
				for _, key := range []string{"BucketEncryption", "PublicAccessBlockConfiguration", "OwnershipControls"} {
					if w, ok := want[key]; ok {
						configured[key]++
						if !reflect.DeepEqual(pr[key], w) {
							t.Fatalf("bucket %s %s = %#v, want %#v", r.ID, key, pr[key], w)
						}
						continue
					}
					absent[key]++
					wantOmitted++
					if v, ok := pr[key]; ok {
						t.Fatalf("bucket %s has no %s configured, got %v", r.ID, key, v)
					}
				}
				if _, ok := pr["LocationConstraint"]; ok {
					t.Fatalf("LocationConstraint without GetBucketLocationAction: %v", pr)
				}
			}
		}
		if items != len(byName) || omitted != wantOmitted {
			t.Fatalf("account %s: %d items of %d buckets, omitted %d, want %d", acct.ID, items, len(byName), omitted, wantOmitted)
		}
	}
	for _, key := range []string{"BucketEncryption", "PublicAccessBlockConfiguration", "OwnershipControls"} {
		if configured[key] == 0 || absent[key] == 0 {
			t.Fatalf("%s: %d buckets configured, %d not: the org should have both", key, configured[key], absent[key])
		}
	}
}

func TestS3OptionalActionDeniedKeepsTheBucket(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	acct := awstest.OrgAccounts(t, srv, p)[1]
	var want int
	for _, region := range awstest.KindSpec.Regions {
		want += len(awstest.Resources(srv, acct.ID, region, "AWS::S3::Bucket"))
	}
	if want == 0 {
		t.Fatal("no buckets to test with")
	}
	srv.Faults().Add(awsemu.FaultRule{Service: "s3", Operation: "GetBucketEncryption", AccountID: acct.ID, Status: 403, Code: "AccessDenied", Message: "Access Denied"})
	// A throttled optional call is retried, not omitted.
	srv.Faults().Add(awsemu.FaultRule{Service: "s3", Operation: "GetBucketOwnershipControls", AccountID: acct.ID, Status: 503, Code: "SlowDown", Message: "Please reduce your request rate.", Count: 1})
	pages, err := awstest.CollectPages(t, p, "AWS::S3::Bucket", acct, "us-east-1", "GetBucketEncryptionAction", "GetBucketOwnershipControlsAction")
	if err != nil {
		t.Fatalf("a denied optional action fails the page: %v", err)
	}
	notConfigured := 0
	items, omitted, examples := awstest.Tally(pages, func(it map[string]any) {
		pr := awstest.PropsOf(it)
		if _, ok := pr["BucketEncryption"]; ok {
			t.Fatalf("denied, yet BucketEncryption set: %v", pr)
		}
		if _, ok := pr["OwnershipControls"]; !ok {
			notConfigured++
		}
	})
	if items != want || omitted != want+notConfigured {
		t.Fatalf("%d items of %d buckets, omitted %d, want %d denied + %d not configured", items, want, omitted, want, notConfigured)
	}
	var denied bool
	for _, ex := range examples {
		if strings.HasPrefix(ex, "GetBucketEncryptionAction denied for bucket ") && strings.HasSuffix(ex, ": AccessDenied: Access Denied") {
			denied = true
		}
	}
	if !denied {
		t.Fatalf("examples %q name no denial", examples)
	}

	// Any other failure of an optional action fails the page.
	srv.Faults().Add(awsemu.FaultRule{Service: "s3", Operation: "GetPublicAccessBlock", AccountID: acct.ID, Status: 400, Code: "InvalidRequest", Message: "boom"})
	if _, err := awstest.CollectPages(t, p, "AWS::S3::Bucket", acct, "us-east-1", "GetPublicAccessBlockAction"); err == nil || !strings.Contains(err.Error(), "InvalidRequest") {
		t.Fatalf("InvalidRequest on an optional action: %v", err)
	}
}
