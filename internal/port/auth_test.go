package port_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
	"github.com/aws-port-sync/aws-port-sync/internal/port"
)

const tokenPath = "/v1/auth/access_token"

func TestNewValidatesConfig(t *testing.T) {
	cases := []struct {
		name string
		cfg  port.Config
		want string
	}{
		{"no base url", port.Config{ClientID: "id", ClientSecret: "s3cr3t"}, "BaseURL is required"},
		{"relative base url", port.Config{BaseURL: "api.getport.io", ClientID: "id", ClientSecret: "s3cr3t"}, "absolute http(s) URL"},
		{"no client id", port.Config{BaseURL: "https://api.getport.io", ClientSecret: "s3cr3t"}, "ClientID is required"},
		{"no secret", port.Config{BaseURL: "https://api.getport.io", ClientID: "my-id"}, `ClientSecret is required for client id "my-id"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := port.New(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New error = %v, want it to contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "s3cr3t") {
				t.Fatalf("error leaks the secret: %v", err)
			}
		})
	}
}

func TestTokenIsFetchedOnceAndReused(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	seedBucketBlueprint(emu)
	c := newClient(t, emu)
	ctx := context.Background()
	for range 3 {
		if _, err := c.GetBlueprint(ctx, "s3Bucket"); err != nil {
			t.Fatalf("GetBlueprint: %v", err)
		}
	}
	// A client for another scope shares the token cache.
	other := c.WithUserAgent("aws-port-sync/int1/222222222222/AWS::S3::Bucket/1.0.0/exporter")
	if _, err := other.GetBlueprint(ctx, "account"); err != nil {
		t.Fatalf("GetBlueprint via WithUserAgent: %v", err)
	}
	if n := len(requests(emu, http.MethodPost, tokenPath)); n != 1 {
		t.Fatalf("token requests = %d, want 1", n)
	}
	gets := requests(emu, http.MethodGet, "/v1/blueprints/")
	if len(gets) != 4 {
		t.Fatalf("blueprint GETs = %d, want 4", len(gets))
	}
	for _, r := range gets {
		if auth := r.Header.Get("Authorization"); !strings.HasPrefix(auth, "Bearer ") || len(auth) < 20 {
			t.Fatalf("Authorization header = %q, want a bearer token", auth)
		}
	}
}

func TestReauthenticatesAfterTokensExpire(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	seedBucketBlueprint(emu)
	c := newClient(t, emu)
	ctx := context.Background()
	if _, err := c.GetBlueprint(ctx, "s3Bucket"); err != nil {
		t.Fatalf("first GetBlueprint: %v", err)
	}
	emu.ExpireTokens()
	emu.ResetRequests()
	if _, err := c.GetBlueprint(ctx, "s3Bucket"); err != nil {
		t.Fatalf("GetBlueprint after ExpireTokens: %v", err)
	}
	log := emu.Requests()
	if len(log) != 3 {
		t.Fatalf("requests after expiry = %d, want 3 (401, token, retry): %+v", len(log), summarize(log))
	}
	if log[0].Status != http.StatusUnauthorized || log[1].Path != tokenPath || log[1].Status != http.StatusOK || log[2].Status != http.StatusOK {
		t.Fatalf("unexpected sequence: %v", summarize(log))
	}
	if log[0].Header.Get("Authorization") == log[2].Header.Get("Authorization") {
		t.Fatalf("retry reused the rejected token")
	}

	// PATCH is never retried on errors, but a 401 means nothing happened:
	// it is re-sent with a fresh token.
	emu.SeedIntegration("int1", map[string]any{"identifier": "int1"})
	emu.ExpireTokens()
	emu.ResetRequests()
	if err := c.PatchResyncState(ctx, "int1", port.ResyncState{Status: "running"}); err != nil {
		t.Fatalf("PatchResyncState after ExpireTokens: %v", err)
	}
	patches := requests(emu, http.MethodPatch, "/v1/integration/int1/resync-state")
	if len(patches) != 2 || patches[0].Status != http.StatusUnauthorized || patches[1].Status != http.StatusOK {
		t.Fatalf("resync-state PATCHes = %v, want 401 then 200", summarize(patches))
	}
}

func TestConcurrentCallersShareOneTokenFetch(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	seedBucketBlueprint(emu)
	// Slow the token endpoint so that every caller arrives while it is in flight.
	emu.AddFault(portemu.Fault{Method: http.MethodPost, Path: tokenPath, Delay: 100 * time.Millisecond, Count: 1})
	c := newClient(t, emu)
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for range 10 {
		wg.Go(func() {
			_, err := c.GetBlueprint(context.Background(), "s3Bucket")
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("GetBlueprint: %v", err)
		}
	}
	if n := len(requests(emu, http.MethodPost, tokenPath)); n != 1 {
		t.Fatalf("token requests = %d, want 1 shared fetch", n)
	}
}

func TestBadCredentialsNameClientIDNotSecret(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	var logs syncBuffer
	c := newClient(t, emu, func(cfg *port.Config) {
		cfg.ClientSecret = "wrong-secret-value"
		cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	_, err := c.GetBlueprint(context.Background(), "s3Bucket")
	if err == nil {
		t.Fatal("GetBlueprint with a wrong secret succeeded")
	}
	var ae *port.APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusUnauthorized || ae.Path != tokenPath {
		t.Fatalf("error = %v, want a 401 APIError from the token endpoint", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, testClientID) || !strings.Contains(msg, "authentication failed") {
		t.Fatalf("error %q should say authentication failed for client id %q", msg, testClientID)
	}
	if strings.Contains(msg, "wrong-secret-value") || strings.Contains(logs.String(), "wrong-secret-value") {
		t.Fatalf("secret leaked into error or logs")
	}
	if port.IsRetryable(err) {
		t.Fatalf("bad credentials reported retryable")
	}
	if n := len(requests(emu, http.MethodPost, tokenPath)); n != 1 {
		t.Fatalf("token requests = %d, want 1 (401 is not retried)", n)
	}
	if n := len(requests(emu, http.MethodGet, "/v1/blueprints/")); n != 0 {
		t.Fatalf("API requests without a token = %d, want 0", n)
	}
}

func TestTokenEndpointRetriedOnThrottleAnd5xx(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	seedBucketBlueprint(emu)
	emu.AddFault(portemu.Fault{Method: http.MethodPost, Path: tokenPath, Status: http.StatusTooManyRequests, RetryAfter: "0", Count: 1})
	emu.AddFault(portemu.Fault{Method: http.MethodPost, Path: tokenPath, Status: http.StatusInternalServerError, Count: 1})
	c := newClient(t, emu)
	if _, err := c.GetBlueprint(context.Background(), "s3Bucket"); err != nil {
		t.Fatalf("GetBlueprint: %v", err)
	}
	toks := requests(emu, http.MethodPost, tokenPath)
	if len(toks) != 3 || toks[2].Status != http.StatusOK {
		t.Fatalf("token requests = %v, want 429, 500, 200", summarize(toks))
	}
}

func TestSecretsAndTokensNeverLogged(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	seedBucketBlueprint(emu)
	var logs syncBuffer
	c := newClient(t, emu, func(cfg *port.Config) {
		cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	ctx := context.Background()
	emu.AddFault(portemu.Fault{Path: "/v1/blueprints/s3Bucket", Status: http.StatusServiceUnavailable, Count: 1})
	if _, err := c.GetBlueprint(ctx, "s3Bucket"); err != nil {
		t.Fatalf("GetBlueprint: %v", err)
	}
	emu.ExpireTokens()
	if _, err := c.GetBlueprint(ctx, "s3Bucket"); err != nil {
		t.Fatalf("GetBlueprint: %v", err)
	}
	out := logs.String()
	if !strings.Contains(out, "/v1/blueprints/s3Bucket") {
		t.Fatalf("expected request logs, got %q", out)
	}
	if strings.Contains(out, testClientSecret) {
		t.Fatal("client secret logged")
	}
	for _, r := range emu.Requests() {
		if auth := r.Header.Get("Authorization"); auth != "" {
			tok := strings.TrimPrefix(auth, "Bearer ")
			if strings.Contains(out, tok) {
				t.Fatal("access token logged")
			}
		}
	}
}

// summarize renders a request log compactly for failure messages.
func summarize(reqs []portemu.Request) []string {
	out := make([]string, len(reqs))
	for i, r := range reqs {
		out[i] = r.Method + " " + r.Path + " " + http.StatusText(r.Status)
	}
	return out
}
