// Package port is the Port (getport.io) REST API client used by the sync
// activities: authentication, bulk upserts, search, datasource listing,
// deletion, blueprints and the integration record.
//
// A Client is safe for concurrent use and holds no global state. Every write
// carries the Client's User-Agent, which Port records as the entity's
// $datasource; WithUserAgent derives a Client for another scope that shares the
// token cache and the HTTP connection pool.
//
// Secrets never reach logs or errors: requests are logged with method, path,
// status and Port's x-trace-id only.
package port

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"go.opentelemetry.io/otel/trace"
)

const (
	defaultMaxRetries  = 10
	defaultMaxWait     = 300 * time.Second
	defaultBaseBackoff = 300 * time.Millisecond
	// defaultTimeout is Ocean's per-request timeout.
	defaultTimeout = 60 * time.Second
	// maxResponseBytes bounds what we read from one response; a datasource page
	// of 5000 entities is well below it.
	maxResponseBytes = 256 << 20
	// defaultUserAgent is sent when Config.UserAgent is empty. Catalog writes
	// should use a scope's User-Agent (catalog.Scope.UserAgent) instead.
	defaultUserAgent = "aws-port-sync"
)

// Config configures a Client. BaseURL, ClientID and ClientSecret are required.
type Config struct {
	// BaseURL is Port's API root without /v1, e.g. https://api.getport.io or
	// https://api.us.getport.io.
	BaseURL      string
	ClientID     string
	ClientSecret string
	// HTTPClient is optional; the default has Ocean's 60 s timeout and pool size.
	HTTPClient *http.Client
	// MaxRetries is the number of retries after the first attempt (default 10;
	// negative disables retries).
	MaxRetries int
	// MaxWait caps a single wait between attempts (default and maximum 300 s).
	MaxWait time.Duration
	// BaseBackoff is the first exponential wait (default 300 ms).
	BaseBackoff time.Duration
	// Logger receives request logs (default slog.Default()).
	Logger *slog.Logger
	// UserAgent is sent on every request (default "aws-port-sync").
	UserAgent string
	// BaseURLSetting names where the user sets BaseURL, for the message of a
	// *BaseURLError (default "the Port base URL").
	BaseURLSetting string
	// TracerProvider receives a client span per HTTP request, retries
	// included (nil = the global provider, a no-op unless tracing is on).
	TracerProvider trace.TracerProvider
	// RateLimit, when set, paces every authenticated request (retries
	// included) to this worker's share of the deployment-wide cap.
	RateLimit *RateLimit
}

// Client talks to one Port organization. Create it with New.
type Client struct {
	shared    *shared
	userAgent string
}

// shared is what every Client derived by WithUserAgent has in common.
type shared struct {
	baseURL     string
	httpClient  *http.Client
	maxRetries  int
	maxWait     time.Duration
	baseBackoff time.Duration
	log         *slog.Logger
	auth        *tokenSource
	limit       *RateLimit // nil = unpaced
	// baseURLSetting names the setting behind baseURL, for *BaseURLError.
	baseURLSetting string
}

// New validates cfg and returns a Client. No request is made until first use.
func New(cfg Config) (*Client, error) {
	base := strings.TrimRight(strings.TrimSpace(cfg.BaseURL), "/")
	if base == "" {
		return nil, errors.New("port: BaseURL is required (e.g. https://api.getport.io)")
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("port: BaseURL %q must be an absolute http(s) URL such as https://api.getport.io", cfg.BaseURL)
	}
	if strings.HasSuffix(u.Path, "/v1") {
		// Ocean's setting is the host only; accept the common mistake instead of
		// sending /v1/v1/... everywhere.
		base = strings.TrimSuffix(base, "/v1")
	}
	if strings.TrimSpace(cfg.ClientID) == "" {
		return nil, errors.New("port: ClientID is required (Port client id of a service account or user)")
	}
	if cfg.ClientSecret == "" {
		return nil, fmt.Errorf("port: ClientSecret is required for client id %q", cfg.ClientID)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxConnsPerHost = 100
		tr.MaxIdleConnsPerHost = 50
		hc = &http.Client{Timeout: defaultTimeout, Transport: tr}
	}
	hc = traced(hc, cfg.TracerProvider)
	maxRetries := cfg.MaxRetries
	switch {
	case maxRetries == 0:
		maxRetries = defaultMaxRetries
	case maxRetries < 0:
		maxRetries = 0
	}
	maxWait := cfg.MaxWait
	if maxWait <= 0 || maxWait > defaultMaxWait {
		maxWait = defaultMaxWait
	}
	backoff := cfg.BaseBackoff
	if backoff <= 0 {
		backoff = defaultBaseBackoff
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	ua := cfg.UserAgent
	if ua == "" {
		ua = defaultUserAgent
	}
	s := &shared{
		baseURL:     base,
		httpClient:  hc,
		maxRetries:  maxRetries,
		maxWait:     maxWait,
		baseBackoff: backoff,
		log:         logger.With("component", "port"),
		limit:       cfg.RateLimit,
	}
	s.baseURLSetting = cfg.BaseURLSetting
	if s.baseURLSetting == "" {
		s.baseURLSetting = "the Port base URL"
	}
	s.auth = &tokenSource{s: s, clientID: cfg.ClientID, clientSecret: cfg.ClientSecret, userAgent: ua}
	return &Client{shared: s, userAgent: ua}, nil
}

// WithUserAgent returns a Client that sends ua and shares this Client's token
// cache and HTTP client, so per-scope clients cost nothing.
func (c *Client) WithUserAgent(ua string) *Client {
	if ua == "" {
		ua = defaultUserAgent
	}
	return &Client{shared: c.shared, userAgent: ua}
}

// request is one logical API call, possibly sent several times.
type request struct {
	method string
	path   string // already escaped, starting with /v1/
	query  url.Values
	body   any
	// retry marks the call safe to repeat on 429/408/502/503/504 and transport
	// errors (Ocean's list: GET/PUT/DELETE and the idempotent POSTs).
	retry bool
	// retryAny5xx extends retry to 500 and every other 5xx, for calls that are
	// idempotent by nature (the token endpoint).
	retryAny5xx bool
	// noAuth is set for the token endpoint itself.
	noAuth bool
	// okStatus, when set, lists extra statuses handled by the caller instead of
	// being turned into an *APIError (e.g. 404 on delete, 413 on bulk).
	okStatus []int
}

// response is a completed exchange.
type response struct {
	status int
	header http.Header
	body   []byte
}

// boolParam renders a query flag as Ocean does: lower-case "true"/"false".
func boolParam(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// escapeSegment escapes one path segment. url.PathEscape leaves '+' alone,
// which Port would read as a space, so it is escaped explicitly (Ocean uses
// quote_plus: '/' -> %2F, '+' -> %2B).
func escapeSegment(s string) string {
	return strings.ReplaceAll(url.PathEscape(s), "+", "%2B")
}

// do sends req with authentication and the retry policy, decodes a 2xx JSON
// body into out (when non-nil) and returns the final response. Non-2xx
// statuses not listed in req.okStatus become *APIError.
func (c *Client) do(ctx context.Context, req request, out any) (*response, error) {
	var payload []byte
	if req.body != nil {
		b, err := json.Marshal(req.body)
		if err != nil {
			return nil, &permanentError{fmt.Errorf("port: encode %s %s body: %w", req.method, req.path, err)}
		}
		payload = b
	}
	s := c.shared
	authRetries := 0
	// last is the most recent failure that was retried. When the caller's
	// context ends while waiting to retry, it is the cause worth reporting: a
	// bare "context deadline exceeded" hides "connection refused".
	var last error
	for attempt := 0; ; attempt++ {
		var token string
		if !req.noAuth {
			t, err := s.auth.token(ctx)
			if err != nil {
				return nil, err
			}
			token = t
			if err := s.limit.Wait(ctx); err != nil {
				return nil, interrupted(req, err, last)
			}
		}
		resp, err := c.send(ctx, req, payload, token)
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return nil, interrupted(req, ctxErr, last)
			}
			terr := &transportError{method: req.method, url: s.baseURL + req.path, err: err, attempts: attempt + 1}
			if req.retry && attempt < s.maxRetries {
				wait := s.backoff(attempt + 1)
				if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
					// Waiting would outlive the caller: report the failure now,
					// while it can still be reported.
					return nil, terr
				}
				s.log.WarnContext(ctx, "port request failed, retrying",
					"method", req.method, "path", req.path, "attempt", attempt+1, "wait", wait, "error", err.Error())
				last = terr
				if werr := sleep(ctx, wait); werr != nil {
					return nil, interrupted(req, werr, last)
				}
				continue
			}
			return nil, terr
		}

		if resp.status == http.StatusUnauthorized && !req.noAuth && authRetries < maxAuthRetries {
			// The token expired or was revoked early: nothing was processed, so a
			// retry with a fresh token is safe for every method, PATCH included.
			authRetries++
			s.auth.invalidate(token)
			s.log.InfoContext(ctx, "port token rejected, re-authenticating",
				"method", req.method, "path", req.path, "trace_id", resp.header.Get("x-trace-id"))
			continue
		}
		if resp.status >= 200 && resp.status < 300 {
			if out != nil && len(bytes.TrimSpace(resp.body)) > 0 {
				if err := json.Unmarshal(resp.body, out); err != nil {
					return resp, fmt.Errorf("port: decode %s %s response (status %d): %w", req.method, req.path, resp.status, err)
				}
			}
			return resp, nil
		}
		for _, st := range req.okStatus {
			if resp.status == st {
				return resp, nil
			}
		}
		if req.retry && attempt < s.maxRetries &&
			(retryableStatus(resp.status) || (req.retryAny5xx && resp.status >= 500)) {
			wait, fromHeader := s.waitFor(resp, attempt+1)
			if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
				// Waiting would outlive the caller (an activity's timeout): hand
				// the error and Port's delay back, so the caller's retry honours it.
				return resp, newAPIError(req.method, req.path, resp, s.maxWait)
			}
			s.log.WarnContext(ctx, "port request throttled or unavailable, retrying",
				"method", req.method, "path", req.path, "status", resp.status,
				"trace_id", resp.header.Get("x-trace-id"), "attempt", attempt+1, "wait", wait, "from_header", fromHeader)
			last = newAPIError(req.method, req.path, resp, s.maxWait)
			if werr := sleep(ctx, wait); werr != nil {
				return nil, interrupted(req, werr, last)
			}
			continue
		}
		return resp, newAPIError(req.method, req.path, resp, s.maxWait)
	}
}

// interrupted is the error of a call whose context ended: the context's error,
// and the failure that was being retried when there was one.
func interrupted(req request, ctxErr, last error) error {
	if last == nil {
		return fmt.Errorf("port: %s %s: %w", req.method, req.path, ctxErr)
	}
	return fmt.Errorf("%w (stopped retrying: %w)", last, ctxErr)
}

// send performs one HTTP exchange and reads the whole body.
func (c *Client) send(ctx context.Context, req request, payload []byte, token string) (*response, error) {
	s := c.shared
	target := s.baseURL + req.path
	if len(req.query) > 0 {
		target += "?" + req.query.Encode()
	}
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	hreq, err := http.NewRequestWithContext(ctx, req.method, target, body)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	hreq.Header.Set("Accept", "application/json")
	if payload != nil {
		hreq.Header.Set("Content-Type", "application/json")
	}
	hreq.Header.Set("User-Agent", c.userAgent)
	if token != "" {
		hreq.Header.Set("Authorization", token)
	}
	start := time.Now()
	hresp, err := s.httpClient.Do(hreq)
	if err != nil {
		return nil, err
	}
	defer hresp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(hresp.Body, maxResponseBytes))
	if err != nil {
		return nil, fmt.Errorf("read response: %w", err)
	}
	s.log.DebugContext(ctx, "port request",
		"method", req.method, "path", req.path, "status", hresp.StatusCode,
		"trace_id", hresp.Header.Get("x-trace-id"), "duration", time.Since(start))
	return &response{status: hresp.StatusCode, header: hresp.Header, body: data}, nil
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
