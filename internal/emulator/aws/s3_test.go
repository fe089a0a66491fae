package awsemu_test

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func s3Client(cfg aws.Config) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
}

// s3Buckets lists an account's buckets of every region: name -> region.
func (e *svcEnv) s3Buckets(account string) map[string]string {
	out := map[string]string{}
	e.srv.View(func(o *awsemu.Org) {
		for k, list := range o.Accounts[account].Resources {
			if k.Kind == awsemu.KindS3Bucket {
				for _, r := range list {
					out[r.ID] = k.Region
				}
			}
		}
	})
	return out
}

func (e *svcEnv) addBuckets(t *testing.T) {
	t.Helper()
	created := time.Date(2022, 8, 9, 10, 11, 12, 0, time.UTC)
	for i, region := range []string{"us-east-1", "eu-west-1", "us-west-2", "eu-west-1", "us-east-1"} {
		tags := map[string]string{"team": "t" + fmt.Sprint(i)}
		if i == 1 {
			tags = nil
		}
		e.add(t, e.mgmt, region, awsemu.KindS3Bucket, 1, func(int) *awsemu.Resource {
			return &awsemu.Resource{ID: fmt.Sprintf("zz-test-bucket-%d", i), CreatedAt: created, Tags: tags,
				Attributes: map[string]any{"CreationDate": created}}
		})
	}
}

func TestS3ListBucketsPaginatesEveryRegion(t *testing.T) {
	e := svcStart(t)
	e.addBuckets(t)
	want := e.s3Buckets(e.mgmt)
	client := s3Client(e.cfg("us-east-1"))
	p := s3.NewListBucketsPaginator(client, &s3.ListBucketsInput{MaxBuckets: aws.Int32(2)})
	got := map[string]string{}
	var order []string
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(e.ctx)
		if err != nil {
			t.Fatalf("list buckets: %v", err)
		}
		pages++
		if len(out.Buckets) > 2 {
			t.Errorf("page has %d buckets, max 2", len(out.Buckets))
		}
		if out.Owner == nil || len(aws.ToString(out.Owner.ID)) != 64 {
			t.Errorf("owner = %+v", out.Owner)
		}
		for _, b := range out.Buckets {
			got[aws.ToString(b.Name)] = aws.ToString(b.BucketRegion)
			order = append(order, aws.ToString(b.Name))
			if b.CreationDate == nil || b.CreationDate.IsZero() {
				t.Errorf("bucket %s has no creation date", aws.ToString(b.Name))
			}
			if strings.HasPrefix(aws.ToString(b.Name), "zz-test-bucket-") && !b.CreationDate.Equal(time.Date(2022, 8, 9, 10, 11, 12, 0, time.UTC)) {
				t.Errorf("bucket %s creation date = %v", aws.ToString(b.Name), b.CreationDate)
			}
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("buckets (name -> region) = %v\nwant %v", got, want)
	}
	if pages != (len(want)+1)/2 {
		t.Errorf("pages = %d for %d buckets at 2 per page", pages, len(want))
	}
	if !sort.StringsAreSorted(order) {
		t.Errorf("buckets not sorted by name: %v", order)
	}

	// Without max-buckets everything comes back in one page, without a token.
	out, err := client.ListBuckets(e.ctx, &s3.ListBucketsInput{})
	if err != nil || len(out.Buckets) != len(want) || out.ContinuationToken != nil {
		t.Fatalf("unpaged list: %d buckets, token %v, err %v", len(out.Buckets), out.ContinuationToken, err)
	}
	// bucket-region and prefix filters.
	out, err = client.ListBuckets(e.ctx, &s3.ListBucketsInput{BucketRegion: aws.String("eu-west-1"), Prefix: aws.String("zz-test-")})
	if err != nil {
		t.Fatalf("filtered list: %v", err)
	}
	var names []string
	for _, b := range out.Buckets {
		names = append(names, aws.ToString(b.Name))
	}
	if fmt.Sprint(names) != "[zz-test-bucket-1 zz-test-bucket-3]" || aws.ToString(out.Prefix) != "zz-test-" {
		t.Errorf("eu-west-1 zz-test- buckets = %v (prefix %q)", names, aws.ToString(out.Prefix))
	}
	_, err = client.ListBuckets(e.ctx, &s3.ListBucketsInput{ContinuationToken: aws.String("bogus")})
	svcAPIError(t, err, "InvalidArgument", http.StatusBadRequest)

	// A member account sees its own buckets only.
	mout, err := s3Client(e.memberCfg("us-east-1")).ListBuckets(e.ctx, &s3.ListBucketsInput{})
	if err != nil {
		t.Fatalf("member list: %v", err)
	}
	mwant := e.s3Buckets(e.member)
	if len(mout.Buckets) != len(mwant) {
		t.Errorf("member sees %d buckets, holds %d", len(mout.Buckets), len(mwant))
	}
	for _, b := range mout.Buckets {
		if _, ok := mwant[aws.ToString(b.Name)]; !ok {
			t.Errorf("member sees bucket %s it does not own", aws.ToString(b.Name))
		}
	}
}

func TestS3GetBucketTaggingAndLocation(t *testing.T) {
	e := svcStart(t)
	e.addBuckets(t)
	east := s3Client(e.cfg("us-east-1"))
	euw := s3Client(e.cfg("eu-west-1"))

	out, err := east.GetBucketTagging(e.ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("zz-test-bucket-0")})
	if err != nil {
		t.Fatalf("get tagging: %v", err)
	}
	if len(out.TagSet) != 1 || aws.ToString(out.TagSet[0].Key) != "team" || aws.ToString(out.TagSet[0].Value) != "t0" {
		t.Errorf("tags = %+v", out.TagSet)
	}
	_, err = euw.GetBucketTagging(e.ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("zz-test-bucket-1")})
	svcAPIError(t, err, "NoSuchTagSet", http.StatusNotFound)
	_, err = east.GetBucketTagging(e.ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("zz-no-such-bucket")})
	svcAPIError(t, err, "NoSuchBucket", http.StatusNotFound)
	// A bucket is read in its own region; elsewhere AWS redirects (the SDK does not follow).
	_, err = east.GetBucketTagging(e.ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("zz-test-bucket-3")})
	svcAPIError(t, err, "PermanentRedirect", http.StatusMovedPermanently)
	// Another account's bucket is access denied, not missing.
	_, err = s3Client(e.memberCfg("us-east-1")).GetBucketTagging(e.ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("zz-test-bucket-0")})
	svcAPIError(t, err, "AccessDenied", http.StatusForbidden)

	for name, want := range map[string]s3types.BucketLocationConstraint{
		"zz-test-bucket-0": "", "zz-test-bucket-1": "eu-west-1", "zz-test-bucket-2": "us-west-2",
	} {
		loc, err := east.GetBucketLocation(e.ctx, &s3.GetBucketLocationInput{Bucket: aws.String(name)})
		if err != nil {
			t.Fatalf("location of %s: %v", name, err)
		}
		if loc.LocationConstraint != want {
			t.Errorf("location of %s = %q, want %q", name, loc.LocationConstraint, want)
		}
	}
	_, err = east.GetBucketLocation(e.ctx, &s3.GetBucketLocationInput{Bucket: aws.String("zz-no-such-bucket")})
	svcAPIError(t, err, "NoSuchBucket", http.StatusNotFound)

	svcCheckThrottle(t, e.srv, "s3", "SlowDown", http.StatusServiceUnavailable, func() error {
		_, err := east.ListBuckets(e.ctx, &s3.ListBucketsInput{})
		return err
	})
}

// Buckets are found by name through an index; a bucket added or removed after
// it was built is seen at once.
func TestS3BucketsAddedOrRemovedAreSeenAtOnce(t *testing.T) {
	e := svcStart(t)
	e.addBuckets(t)
	east := s3Client(e.cfg("us-east-1"))
	if _, err := east.GetBucketTagging(e.ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("zz-test-bucket-0")}); err != nil {
		t.Fatalf("get tagging: %v", err)
	}
	key := awsemu.ResourceKey{Region: "us-east-1", Kind: awsemu.KindS3Bucket}
	e.srv.Update(func(o *awsemu.Org) {
		a := o.Accounts[e.mgmt]
		var kept []*awsemu.Resource
		for _, r := range a.Resources[key] {
			if r.ID != "zz-test-bucket-0" {
				kept = append(kept, r)
			}
		}
		a.Resources[key] = append(kept, &awsemu.Resource{ID: "zz-late-bucket", Tags: map[string]string{"late": "yes"}})
	})
	_, err := east.GetBucketTagging(e.ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("zz-test-bucket-0")})
	svcAPIError(t, err, "NoSuchBucket", http.StatusNotFound)
	out, err := east.GetBucketTagging(e.ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("zz-late-bucket")})
	if err != nil || len(out.TagSet) != 1 || aws.ToString(out.TagSet[0].Key) != "late" {
		t.Fatalf("late bucket: %+v, %v", out, err)
	}
}
