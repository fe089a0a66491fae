package port

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

const tokenPath = "/v1/auth/access_token"

// defaultTokenLifetime is assumed when Port omits expiresIn (Port's tokens live
// 3 hours); a 401 still triggers re-authentication either way.
const defaultTokenLifetime = 3 * time.Hour

// tokenSource caches the access token shared by every Client derived from one
// New. Port hands out the same token until it expires, so one fetch serves all
// concurrent callers.
type tokenSource struct {
	s            *shared
	clientID     string
	clientSecret string
	userAgent    string

	mu       sync.Mutex
	header   string // "Bearer <token>"; empty when none is cached
	expires  time.Time
	inflight *tokenFetch
}

// tokenFetch is one in-progress token request that other callers wait on.
type tokenFetch struct {
	done   chan struct{}
	header string
	err    error
}

// token returns the Authorization header value, fetching a token when none is
// cached or the cached one has expired. Like Ocean it keeps no safety margin:
// the token counts as expired once fetchedAt + expiresIn <= now, and a 401
// covers the rest.
func (ts *tokenSource) token(ctx context.Context) (string, error) {
	for {
		ts.mu.Lock()
		if ts.header != "" && time.Now().Before(ts.expires) {
			h := ts.header
			ts.mu.Unlock()
			return h, nil
		}
		if f := ts.inflight; f != nil {
			ts.mu.Unlock()
			select {
			case <-f.done:
			case <-ctx.Done():
				return "", fmt.Errorf("port: wait for access token: %w", ctx.Err())
			}
			if f.err == nil {
				return f.header, nil
			}
			// The fetching caller's own context ended; ours is alive, so fetch.
			if isContextErr(f.err) && ctx.Err() == nil {
				continue
			}
			return "", f.err
		}
		f := &tokenFetch{done: make(chan struct{})}
		ts.inflight = f
		ts.mu.Unlock()

		header, expires, err := ts.fetch(ctx)

		ts.mu.Lock()
		if err == nil {
			ts.header, ts.expires = header, expires
		}
		ts.inflight = nil
		ts.mu.Unlock()
		f.header, f.err = header, err
		close(f.done)
		return header, err
	}
}

// invalidate drops the cached token if it is still the one that Port just
// rejected; a newer token fetched meanwhile by another caller is kept.
func (ts *tokenSource) invalidate(header string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.header == header {
		ts.header = ""
	}
}

// fetch asks Port for a token. The endpoint is idempotent (Port returns the
// same token until it expires), so it is retried on 429, 408 and any 5xx —
// but never on 401: bad credentials do not get better.
func (ts *tokenSource) fetch(ctx context.Context) (string, time.Time, error) {
	c := &Client{shared: ts.s, userAgent: ts.userAgent}
	var out struct {
		AccessToken string  `json:"accessToken"`
		ExpiresIn   float64 `json:"expiresIn"`
		TokenType   string  `json:"tokenType"`
	}
	body := map[string]string{"clientId": ts.clientID, "clientSecret": ts.clientSecret}
	resp, err := c.do(ctx, request{method: http.MethodPost, path: tokenPath, body: body, retry: true, noAuth: true, retryAny5xx: true}, &out)
	if err != nil {
		var ae *APIError
		isAPI := errors.As(err, &ae)
		// A 404 here is not "no such thing": the base URL does not lead to
		// Port's API. Nor is a 2xx that is not JSON (a web page).
		if (isAPI && ae.Status == http.StatusNotFound) ||
			(!isAPI && resp != nil && resp.status >= 200 && resp.status < 300) {
			return "", time.Time{}, &BaseURLError{URL: ts.s.baseURL + tokenPath, Status: resp.status, Setting: ts.s.baseURLSetting, Err: err}
		}
		if IsAuthFailure(err) {
			return "", time.Time{}, fmt.Errorf("port: authentication failed for client id %q (check the Port client id and secret): %w", ts.clientID, err)
		}
		return "", time.Time{}, fmt.Errorf("port: get access token for client id %q: %w", ts.clientID, err)
	}
	if out.AccessToken == "" {
		return "", time.Time{}, fmt.Errorf("port: get access token for client id %q: response has no accessToken", ts.clientID)
	}
	typ := out.TokenType
	if typ == "" {
		typ = "Bearer"
	}
	lifetime := time.Duration(out.ExpiresIn * float64(time.Second))
	if lifetime <= 0 {
		lifetime = defaultTokenLifetime
	}
	ts.s.log.DebugContext(ctx, "port access token obtained", "client_id", ts.clientID, "expires_in", lifetime)
	return typ + " " + out.AccessToken, time.Now().Add(lifetime), nil
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
