package awscloud

import (
	"context"
	"errors"
	"fmt"
	"github.com/aws-port-sync/aws-port-sync/internal/awsarn"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"go.opentelemetry.io/otel/trace"
)

// Credential provider names, as in Ocean's credentialProviderPriority.
const (
	ProviderWebIdentity = "AssumeRoleWithWebIdentity"
	ProviderStatic      = "StaticCredential"
	ProviderAssumeRole  = "AssumeRole"
)

// Session names Ocean uses; customers' CloudTrail queries and IAM conditions key
// on them, so callers pass them in Target.SessionName.
const (
	SessionOrg      = "OceanOrgAssumeRoleSession"
	SessionMember   = "OceanMemberAssumeRoleSession"
	SessionExplicit = "OceanRoleSession"
)

// DefaultProviderPriority is Ocean's default credentialProviderPriority.
var DefaultProviderPriority = []string{ProviderWebIdentity, ProviderStatic, ProviderAssumeRole}

// Settings configure a Provider. Zero values take the documented defaults.
type Settings struct {
	// CredentialProviderPriority: first applicable provider wins (default
	// AssumeRoleWithWebIdentity, StaticCredential, AssumeRole).
	CredentialProviderPriority []string
	// WebIdentityTokenFile; when empty, AWS_WEB_IDENTITY_TOKEN_FILE is used (Ocean decides on the env var).
	WebIdentityTokenFile                       string
	AccessKeyID, SecretAccessKey, SessionToken string
	ExternalID                                 string
	// Partition is "" to take it from the role ARNs.
	Partition string
	// Region is the home region for STS, Organizations and Account calls
	// (default us-east-1, or the partition's main region).
	Region string
	// SessionDuration of assumed sessions (default 1h, Ocean's DurationSeconds 3600).
	SessionDuration time.Duration
	// HTTPClient replaces the SDK's client (tests). With AWS_CA_BUNDLE set the
	// SDK cannot add the bundle to a plain *http.Client: leave it nil then.
	HTTPClient *http.Client

	// ExpiryWindow: cached credentials are refreshed this long before they
	// expire (default 5m), so a long page never runs on credentials about to lapse.
	ExpiryWindow time.Duration
	// FallbackRegions are used as a target's enabled regions when neither
	// account:ListRegions nor ec2:DescribeRegions can list them.
	FallbackRegions []string
	// RetryMaxAttempts and RetryMaxBackoff tune the SDK's standard retryer
	// (default 8 attempts, 20s) so throttles are absorbed instead of failing pages.
	RetryMaxAttempts int
	RetryMaxBackoff  time.Duration
	Logger           *slog.Logger
	// TracerProvider receives a span per AWS call (nil = the global provider,
	// a no-op unless tracing is on).
	TracerProvider trace.TracerProvider
}

// Target names the credentials to use: a role in an account, or (RoleARN empty)
// the base credentials themselves.
type Target struct {
	AccountID, RoleARN, SessionName string
	// ExternalID replaces Settings.ExternalID for this role ("" = the
	// configured one): accountRoleOverrides.
	ExternalID string
}

// Identity is what Verify learned about a target's credentials; never secrets.
type Identity struct {
	AccountID, ARN string
	Expiration     time.Time // zero for credentials that do not expire
}

// cacheKey includes the session name: the management account's role is assumed
// once for discovery (OceanOrgAssumeRoleSession) and once for its own sync
// (OceanMemberAssumeRoleSession), and CloudTrail must show which is which.
// The ExternalId is part of it too: an override's session is not the default's.
type cacheKey struct{ accountID, roleARN, sessionName, externalID string }

// Provider hands out aws.Config values per (account, role). Credentials live in a
// per-target aws.CredentialsCache, refreshed ExpiryWindow before they expire;
// nothing secret leaves this type except inside aws.Config.Credentials.
//
// Unlike Ocean, StaticCredential still assumes the target roles (using the
// static keys as the caller) when a Target has a RoleARN: Ocean's static
// provider silently ignored the role, so every "member account" was really the
// key owner's account.
type Provider struct {
	s       Settings
	mode    string
	log     *slog.Logger
	base    aws.Config
	sts     *sts.Client // signed with the base credentials
	webSTS  *sts.Client // unsigned, for AssumeRoleWithWebIdentity
	baseWeb string      // web identity mode: AWS_ROLE_ARN used as "base" credentials
	baseSrc *translatingProvider

	mu    sync.Mutex
	cache map[cacheKey]cached

	// limiters adapt the attempt rate per (account, region, service) across
	// every client of this worker (adaptive.go); nil = no adaptive limits.
	limiters *adaptiveLimiters
}

type cached struct {
	creds *aws.CredentialsCache
	src   *translatingProvider
}

// NewProvider picks the credential provider by priority and loads the SDK's
// default config (which honours AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>).
func NewProvider(ctx context.Context, s Settings) (*Provider, error) {
	s = withDefaults(s)
	mode, err := chooseProvider(s)
	if err != nil {
		return nil, err
	}
	p := &Provider{s: s, mode: mode, log: s.Logger, cache: map[cacheKey]cached{}, limiters: newAdaptiveLimiters()}

	opts := []func(*config.LoadOptions) error{
		config.WithRegion(s.Region),
		config.WithRetryer(p.newRetryer),
		config.WithAppID("aws-port-sync"),
		config.WithServiceOptions(pathStyleWithCustomEndpoint),
	}
	if s.HTTPClient != nil {
		opts = append(opts, config.WithHTTPClient(s.HTTPClient))
	}
	switch mode {
	case ProviderStatic:
		opts = append(opts, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(s.AccessKeyID, s.SecretAccessKey, s.SessionToken)))
	case ProviderWebIdentity:
		// Every role is assumed directly from the token; the default chain is not
		// consulted (it would fail on a token file without AWS_ROLE_ARN).
		opts = append(opts, config.WithCredentialsProvider(aws.AnonymousCredentials{}))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("load AWS config: %w", err)
	}
	instrument(&cfg, s.TracerProvider)
	// Wrapped after loading, so that AWS_CA_BUNDLE still reaches the SDK's
	// own client underneath.
	cfg.HTTPClient = newReadOnlyBodies(cfg.HTTPClient)
	p.base = cfg
	if mode == ProviderWebIdentity {
		p.base.Credentials = nil
		p.baseWeb = os.Getenv("AWS_ROLE_ARN")
	} else {
		p.baseSrc = &translatingProvider{inner: cfg.Credentials, p: p}
		p.base.Credentials = p.baseSrc
	}
	p.sts = sts.NewFromConfig(p.base)
	p.webSTS = sts.NewFromConfig(p.base, func(o *sts.Options) { o.Credentials = aws.AnonymousCredentials{} })
	p.log.Info("aws credentials", "provider", mode, "region", s.Region, "partition", s.Partition,
		"customEndpoint", cfg.BaseEndpoint != nil)
	return p, nil
}

func withDefaults(s Settings) Settings {
	if len(s.CredentialProviderPriority) == 0 {
		s.CredentialProviderPriority = DefaultProviderPriority
	}
	if s.WebIdentityTokenFile == "" {
		s.WebIdentityTokenFile = os.Getenv("AWS_WEB_IDENTITY_TOKEN_FILE")
	}
	if s.Region == "" {
		switch s.Partition {
		case "aws-us-gov":
			s.Region = "us-gov-west-1"
		case "aws-cn":
			s.Region = "cn-north-1"
		default:
			s.Region = "us-east-1"
		}
	}
	if s.SessionDuration <= 0 {
		s.SessionDuration = time.Hour
	}
	if s.ExpiryWindow <= 0 {
		s.ExpiryWindow = 5 * time.Minute
	}
	if s.RetryMaxAttempts <= 0 {
		s.RetryMaxAttempts = 8
	}
	if s.RetryMaxBackoff <= 0 {
		s.RetryMaxBackoff = 20 * time.Second
	}
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	return s
}

// chooseProvider applies Ocean's rules: the first provider in priority order
// that applies wins; with none applicable it falls back to AssumeRole.
func chooseProvider(s Settings) (string, error) {
	for _, name := range s.CredentialProviderPriority {
		switch strings.TrimSpace(name) {
		case ProviderWebIdentity:
			if s.WebIdentityTokenFile != "" {
				return ProviderWebIdentity, nil
			}
		case ProviderStatic:
			if s.AccessKeyID != "" && s.SecretAccessKey != "" {
				return ProviderStatic, nil
			}
		case ProviderAssumeRole:
			// Applies whenever a role ARN is configured, and is the fallback anyway.
			return ProviderAssumeRole, nil
		case "":
		default:
			return "", fmt.Errorf("credentialProviderPriority: unknown provider %q (valid: %s)",
				name, strings.Join(DefaultProviderPriority, ", "))
		}
	}
	return ProviderAssumeRole, nil
}

// newRetryer is the retryer of calls signed with the base credentials.
func (p *Provider) newRetryer() aws.Retryer {
	return p.retryer("", func() bool { return refresh(p.base.Credentials, p.baseSrc) })
}

// retryer: standard mode with more attempts and a longer backoff than the
// SDK default, and no client-side retry quota, so sustained throttling slows a
// page down instead of failing it (Ocean pain point #1). On top of the SDK's
// rules, Classify decides: expired credentials are retried once refresh has
// dropped the cached session AWS just refused, and what AWS rejected (unknown
// operation, validation, not found) is never retried. Every attempt first
// passes the adaptive limiter of its (account, region, service), so throttles
// slow down the later calls of that scope on this worker, whichever client
// makes them ("" = the base credentials' account).
func (p *Provider) retryer(account string, refresh func() bool) aws.Retryer {
	std := p.standardRetryer(refresh)
	if p.limiters == nil {
		return std
	}
	return &scopedRetryer{RetryerV2: std, limiters: p.limiters, account: account}
}

func (p *Provider) standardRetryer(refresh func() bool) *retry.Standard {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = p.s.RetryMaxAttempts
		o.MaxBackoff = p.s.RetryMaxBackoff
		o.RateLimiter = ratelimit.None
		o.Retryables = append([]retry.IsErrorRetryable{retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
			// The SDK's own verdicts on errors it marked (clock skew, canceled) stand.
			var marked interface{ RetryableError() bool }
			if errors.As(err, &marked) {
				return aws.UnknownTernary
			}
			switch Classify(err) {
			case ErrExpired:
				if refresh() {
					return aws.TrueTernary
				}
			case ErrRejected, ErrNotFound:
				return aws.FalseTernary
			}
			return aws.UnknownTernary
		})}, o.Retryables...)
	})
}

// refresh drops the cached credentials of creds so that the next signature
// fetches new ones. It reports false for keys that never expire (static
// keys): fetching them again gives the same keys.
func refresh(creds aws.CredentialsProvider, src *translatingProvider) bool {
	if src == nil || src.expiration().IsZero() {
		return false
	}
	for {
		switch c := creds.(type) {
		case *aws.CredentialsCache:
			c.Invalidate()
			return true
		case *translatingProvider:
			creds = c.inner
		default:
			return false
		}
	}
}

// pathStyleWithCustomEndpoint: emulators and S3-compatible endpoints cannot
// serve virtual-hosted bucket names, so path style is used whenever an endpoint
// is configured (BaseEndpoint is resolved from AWS_ENDPOINT_URL[_S3] by now).
func pathStyleWithCustomEndpoint(serviceID string, o any) {
	if so, ok := o.(*s3.Options); ok && so.BaseEndpoint != nil {
		so.UsePathStyle = true
	}
}

// Mode is the credential provider in use (one of the Provider* names).
func (p *Provider) Mode() string { return p.mode }

// HomeRegion is the region for STS, Organizations and Account calls.
func (p *Provider) HomeRegion() string { return p.s.Region }

// Config returns an aws.Config for the target in region ("" = home region). It
// makes sure the credentials can be obtained, so an unusable role fails here
// with an *AccessError rather than deep inside a service call.
func (p *Provider) Config(ctx context.Context, t Target, region string) (aws.Config, error) {
	creds, src, err := p.credentials(t)
	if err != nil {
		return aws.Config{}, err
	}
	if _, err := creds.Retrieve(ctx); err != nil {
		return aws.Config{}, err
	}
	cfg := p.base.Copy()
	if region != "" {
		cfg.Region = region
	}
	cfg.Credentials = creds
	account := t.AccountID
	if account == "" && t.RoleARN != "" {
		if arn, err := awsarn.ParseRoleARN(t.RoleARN); err == nil {
			account = arn.AccountID
		}
	}
	cfg.Retryer = func() aws.Retryer { return p.retryer(account, func() bool { return refresh(creds, src) }) }
	return cfg, nil
}

// Verify assumes the target's role afresh and asks STS who it is. It drops any
// cached session first: a session issued before the role's trust policy changed
// stays valid until it expires, and verification must answer for now. Each
// resync verifies each account once, so this costs one STS call per account.
func (p *Provider) Verify(ctx context.Context, t Target) (Identity, error) {
	if cached, _, err := p.credentials(t); err == nil {
		if c, ok := cached.(*aws.CredentialsCache); ok && t.RoleARN != "" {
			c.Invalidate()
		}
	}
	cfg, err := p.Config(ctx, t, "")
	if err != nil {
		return Identity{}, err
	}
	_, src, err := p.credentials(t)
	if err != nil {
		return Identity{}, err
	}
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return Identity{}, fmt.Errorf("get caller identity for %s: %w", describeTarget(t), err)
	}
	id := Identity{AccountID: aws.ToString(out.Account), ARN: aws.ToString(out.Arn)}
	// The session's real expiry (the cache reports it minus the expiry window).
	id.Expiration = src.expiration()
	if t.AccountID != "" && id.AccountID != t.AccountID {
		return id, fmt.Errorf("%s: credentials belong to account %s, not %s", describeTarget(t), id.AccountID, t.AccountID)
	}
	return id, nil
}

func describeTarget(t Target) string {
	if t.RoleARN == "" {
		return "base credentials"
	}
	return "role " + t.RoleARN
}

// credentials returns the cached provider for a target, creating it once, and
// the provider under the cache (which knows the real expiry).
func (p *Provider) credentials(t Target) (aws.CredentialsProvider, *translatingProvider, error) {
	if t.RoleARN == "" {
		if p.mode != ProviderWebIdentity {
			return p.base.Credentials, p.baseSrc, nil
		}
		if p.baseWeb == "" {
			return nil, nil, fmt.Errorf("web identity credentials need a role to assume: set accountRoleArn, accountRoleArns or AWS_ROLE_ARN")
		}
		t = Target{RoleARN: p.baseWeb, SessionName: SessionExplicit}
	}
	arn, err := awsarn.ParseRoleARN(t.RoleARN)
	if err != nil {
		return nil, nil, err
	}
	if t.AccountID == "" {
		t.AccountID = arn.AccountID
	}
	if t.SessionName == "" {
		t.SessionName = SessionExplicit
	}
	externalID := t.ExternalID
	if externalID == "" {
		externalID = p.s.ExternalID
	}
	key := cacheKey{t.AccountID, t.RoleARN, t.SessionName, externalID}

	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.cache[key]; ok {
		return c.creds, c.src, nil
	}
	var inner aws.CredentialsProvider
	if p.mode == ProviderWebIdentity {
		inner = stscreds.NewWebIdentityRoleProvider(webIdentityClient{p}, t.RoleARN,
			stscreds.IdentityTokenFile(p.s.WebIdentityTokenFile), func(o *stscreds.WebIdentityRoleOptions) {
				o.RoleSessionName = t.SessionName
				o.Duration = p.s.SessionDuration
			})
	} else {
		inner = stscreds.NewAssumeRoleProvider(p.sts, t.RoleARN, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = t.SessionName
			o.Duration = p.s.SessionDuration
			if externalID != "" {
				o.ExternalID = aws.String(externalID)
			}
		})
	}
	src := &translatingProvider{inner: inner, p: p, target: t}
	c := aws.NewCredentialsCache(src, func(o *aws.CredentialsCacheOptions) { o.ExpiryWindow = p.s.ExpiryWindow })
	p.cache[key] = cached{creds: c, src: src}
	return c, src, nil
}

// webIdentityClient calls AssumeRoleWithWebIdentity with our own retryer. The
// SDK's provider makes InvalidIdentityToken retryable (it can be transient right
// after an OIDC provider is created); with 8 attempts and long backoff that turns
// a missing OIDC provider into a minute of silence, so the activity's retry
// policy decides instead.
type webIdentityClient struct{ p *Provider }

func (c webIdentityClient) AssumeRoleWithWebIdentity(ctx context.Context, in *sts.AssumeRoleWithWebIdentityInput, fns ...func(*sts.Options)) (*sts.AssumeRoleWithWebIdentityOutput, error) {
	fns = append(fns, func(o *sts.Options) { o.Retryer = c.p.newRetryer() })
	return c.p.webSTS.AssumeRoleWithWebIdentity(ctx, in, fns...)
}

// translatingProvider turns credential failures into *AccessError with a hint.
// It also remembers the expiry of the last credentials it produced.
type translatingProvider struct {
	inner  aws.CredentialsProvider
	p      *Provider
	target Target

	mu      sync.Mutex
	expires time.Time
}

func (t *translatingProvider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	c, err := t.inner.Retrieve(ctx)
	if err != nil {
		ae := t.p.accessError(t.target, err)
		t.p.log.Warn("aws credentials failed", "account", t.target.AccountID, "role", t.target.RoleARN,
			"session", t.target.SessionName, "code", ae.Code)
		return aws.Credentials{}, ae
	}
	t.mu.Lock()
	t.expires = time.Time{}
	if c.CanExpire {
		t.expires = c.Expires
	}
	t.mu.Unlock()
	return c, nil
}

func (t *translatingProvider) expiration() time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.expires
}
