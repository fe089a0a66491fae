// Package awstest holds what the tests of awscloud and of every kind package
// share: an AWS emulator the real SDK clients talk to, providers built on its
// credentials, and paging through a kind. Only tests import it.
package awstest

import (
	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"

	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
)

// awsEnv lists the variables the SDK's default config reads; tests clear them so
// the developer's own AWS setup can never leak into (or be used by) a test.
var awsEnv = []string{
	"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_REGION", "AWS_DEFAULT_REGION",
	"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL_ECS",
	"AWS_ENDPOINT_URL_LAMBDA", "AWS_ENDPOINT_URL_ORGANIZATIONS", "AWS_ENDPOINT_URL_ACCOUNT",
	"AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
	"AWS_CA_BUNDLE", // the SDK refuses a plain *http.Client when a CA bundle must be added
}

// StartEmu generates an org, serves it on loopback and points the SDK at it.
func StartEmu(t *testing.T, spec awsemu.Spec) *awsemu.Server {
	t.Helper()
	srv := awsemu.NewServer(awsemu.Generate(spec))
	if err := srv.Start(); err != nil {
		t.Fatalf("start emulator: %v", err)
	}
	t.Cleanup(srv.Close)
	for _, k := range awsEnv {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "no-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "no-credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ENDPOINT_URL", srv.URL())
	return srv
}

func Ctx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// StaticProvider uses the management account's admin keys.
func StaticProvider(t *testing.T, srv *awsemu.Server, mod func(*awscloud.Settings)) *awscloud.Provider {
	t.Helper()
	c := srv.ManagementCredentials()
	s := awscloud.Settings{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, HTTPClient: HTTPClient(t)}
	if mod != nil {
		mod(&s)
	}
	p, err := awscloud.NewProvider(Ctx(t), s)
	if err != nil {
		t.Fatalf("NewProvider: %v", err)
	}
	return p
}

// WebIdentityProvider writes a token for the default issuer/subject.
func WebIdentityProvider(t *testing.T, srv *awsemu.Server, mod func(*awscloud.Settings)) (*awscloud.Provider, string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "token")
	tok := srv.MintWebIdentityToken(awsemu.DefaultOIDCIssuer, awsemu.DefaultServiceAccountSubject, "sts.amazonaws.com", time.Hour)
	if err := os.WriteFile(file, []byte(tok), 0o600); err != nil {
		t.Fatal(err)
	}
	s := awscloud.Settings{WebIdentityTokenFile: file, HTTPClient: HTTPClient(t)}
	if mod != nil {
		mod(&s)
	}
	p, err := awscloud.NewProvider(Ctx(t), s)
	if err != nil {
		t.Fatalf("NewProvider: %v", err)
	}
	return p, file
}

// HTTPClient drops its idle connections before the emulator shuts down:
// a dialed but unused keep-alive connection would hold up http.Server.Shutdown
// until its grace period ends.
func HTTPClient(t *testing.T) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

type OrgFacts struct {
	Mgmt     string
	RoleName string
	Accounts []*awsemu.Account // ordered
}

func Facts(srv *awsemu.Server) OrgFacts {
	var f OrgFacts
	srv.View(func(o *awsemu.Org) {
		f.Mgmt = o.ManagementAccountID
		f.Accounts = o.OrderedAccounts()
	})
	f.RoleName = awsemu.DefaultRoleName
	return f
}

func RoleARN(accountID, path, name string) string {
	return "arn:aws:iam::" + accountID + ":role" + path + name
}

// Ops counts request-log records by operation (and optional error code filter).
func Ops(srv *awsemu.Server, op string) []awsemu.RequestRecord {
	var out []awsemu.RequestRecord
	for _, r := range srv.Requests() {
		if r.Operation == op {
			out = append(out, r)
		}
	}
	return out
}

// KindSpec is a small org with resources in two regions.
var KindSpec = awsemu.Spec{Seed: 31, Accounts: 3, OUs: 1, ResourcesPerKind: 6,
	Regions: []string{"us-east-1", "eu-west-1"}}

// CollectAll pages through a kind for one account and region.
func CollectAll(t *testing.T, p *awscloud.Provider, kind string, acct awscloud.Account, region string, size int32, actions ...string) ([]map[string]any, int) {
	t.Helper()
	items, pages, _ := Collect(t, p, kind, awscloud.PageRequest{Account: acct, Region: region, PageSize: size, IncludeActions: actions})
	return items, pages
}

func OrgAccounts(t *testing.T, srv *awsemu.Server, p *awscloud.Provider) []awscloud.Account {
	t.Helper()
	f := Facts(srv)
	d, err := p.Discover(Ctx(t), awscloud.DiscoverySettings{AccountRoleARN: RoleARN(f.Mgmt, "/", f.RoleName)})
	if err != nil {
		t.Fatal(err)
	}
	return d.Accounts
}

func Resources(srv *awsemu.Server, accountID, region, kind string) []*awsemu.Resource {
	var out []*awsemu.Resource
	srv.View(func(o *awsemu.Org) {
		out = append(out, o.Accounts[accountID].Resources[awsemu.ResourceKey{Region: region, Kind: kind}]...)
	})
	return out
}

func PropsOf(it map[string]any) map[string]any { return it["Properties"].(map[string]any) }
func ExtraOf(it map[string]any) map[string]any { return it["__ExtraContext"].(map[string]any) }
func ByKey(items []map[string]any, key string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, it := range items {
		out[PropsOf(it)[key].(string)] = it
	}
	return out
}

// CollectPages pages through a kind and returns the pages.
func CollectPages(t *testing.T, p *awscloud.Provider, kind string, acct awscloud.Account, region string, actions ...string) ([]awscloud.Page, error) {
	t.Helper()
	return CollectRequest(t, p, kind, awscloud.PageRequest{Account: acct, Region: region, PageSize: 4, IncludeActions: actions})
}

// CollectRequest pages through a kind from req (its Account, Region, page
// size and options) and returns the pages read until the first error.
func CollectRequest(t *testing.T, p *awscloud.Provider, kind string, req awscloud.PageRequest) ([]awscloud.Page, error) {
	t.Helper()
	k, err := awscloud.ResolveKind(kind)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := p.Config(Ctx(t), req.Account.Target(), req.Region)
	if err != nil {
		t.Fatal(err)
	}
	var pages []awscloud.Page
	for {
		page, err := k.Collect(Ctx(t), cfg, req)
		if err != nil {
			return pages, err
		}
		pages = append(pages, page)
		if page.Next == "" || len(pages) > 100 {
			return pages, nil
		}
		req.Token = page.Next
	}
}

// Collect pages through kind from req (its Account, Region, page size, Since
// and options) to the last page and returns the items, the pages read and
// the sum of the pages' Omitted counts.
func Collect(t *testing.T, p *awscloud.Provider, kind string, req awscloud.PageRequest) ([]map[string]any, int, int) {
	t.Helper()
	k, err := awscloud.ResolveKind(kind)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := p.Config(Ctx(t), req.Account.Target(), req.Region)
	if err != nil {
		t.Fatalf("config for %s: %v", req.Account.ID, err)
	}
	var items []map[string]any
	pages, omitted := 0, 0
	for {
		page, err := k.Collect(Ctx(t), cfg, req)
		if err != nil {
			t.Fatalf("%s %s %s page %d: %v", kind, req.Account.ID, req.Region, pages+1, err)
		}
		pages++
		omitted += page.Omitted
		items = append(items, page.Items...)
		if page.Next == "" {
			return items, pages, omitted
		}
		if pages > 1000 {
			t.Fatal("pagination does not end")
		}
		req.Token = page.Next
	}
}

// CheckTagList checks an item's Properties.TagList against r's tags: absent
// without the tags action (withAction false); with it, one entry a tag of r,
// and the item's extra context names region and accountID. It reports
// whether the item came with the action and no tags.
func CheckTagList(t *testing.T, it map[string]any, r *awsemu.Resource, accountID, region string, withAction bool) (untagged bool) {
	t.Helper()
	tl, has := PropsOf(it)["TagList"]
	if !withAction {
		if has {
			t.Fatal("TagList without the action")
		}
		return false
	}
	tags := map[string]any{}
	for _, tg := range tl.([]any) {
		m := tg.(map[string]any)
		tags[m["Key"].(string)] = m["Value"]
	}
	if len(tags) != len(r.Tags) {
		t.Fatalf("TagList %v, want %v", tl, r.Tags)
	}
	if ex := ExtraOf(it); ex["Region"] != region || ex["AccountId"] != accountID {
		t.Fatalf("extra %v", ex)
	}
	return len(tags) == 0
}

// Tally sums pages read with an optional action: their items (each is
// called on every one, in order), their Omitted counts and their
// OmittedExamples, in order.
func Tally(pages []awscloud.Page, each func(it map[string]any)) (items, omitted int, examples []string) {
	for _, page := range pages {
		omitted += page.Omitted
		examples = append(examples, page.OmittedExamples...)
		for _, it := range page.Items {
			items++
			each(it)
		}
	}
	return items, omitted, examples
}

// CheckDenied checks pages read while an optional action was denied for
// every item: no item has field, every page's first omission example starts
// with prefix, and want items were kept and as many omitted.
func CheckDenied(t *testing.T, pages []awscloud.Page, field, prefix string, want int) {
	t.Helper()
	kept, omitted := 0, 0
	for _, pg := range pages {
		kept += len(pg.Items)
		omitted += pg.Omitted
		for _, it := range pg.Items {
			if _, has := PropsOf(it)[field]; has {
				t.Fatal("denied, yet " + field)
			}
		}
		if len(pg.OmittedExamples) == 0 || !strings.HasPrefix(pg.OmittedExamples[0], prefix) {
			t.Fatalf("examples %q", pg.OmittedExamples)
		}
	}
	if kept != want || omitted != want {
		t.Fatalf("%d kept, %d omitted, want %d", kept, omitted, want)
	}
}

// DefaultWindowSince is the start of the default history window (30 days)
// ending at the generated history's end: the Since history kind tests read.
var DefaultWindowSince = awsemu.DefaultHistoryEnd.Add(-30 * 24 * time.Hour)

// CheckWindow compares items read from since with res, the kind's resources
// in one account and region, by key: a resource older than since must be
// absent, and each other one is passed to check with its item (ok false
// when it is missing). It returns how many were in the window and how many
// older; noun names a resource in the failure.
func CheckWindow(t *testing.T, res []*awsemu.Resource, items []map[string]any, key, noun string, since time.Time,
	check func(r *awsemu.Resource, it map[string]any, ok bool)) (inWindow, older int) {
	t.Helper()
	got := ByKey(items, key)
	for _, r := range res {
		it, ok := got[r.ID]
		if r.CreatedAt.Before(since) {
			older++
			if ok {
				t.Fatalf("%s %s of %v is older than the window", noun, r.ID, r.CreatedAt)
			}
			continue
		}
		inWindow++
		check(r, it, ok)
	}
	return inWindow, older
}
