package port_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
	"github.com/aws-port-sync/aws-port-sync/internal/port"
)

// loopbackServer starts an httptest server on 127.0.0.1 with h.
func loopbackServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func clientAt(t *testing.T, baseURL string, mod ...func(*port.Config)) *port.Client {
	t.Helper()
	cfg := port.Config{
		BaseURL: baseURL, ClientID: testClientID, ClientSecret: testClientSecret,
		BaseBackoff: time.Millisecond, MaxWait: 20 * time.Millisecond,
		Logger: slog.New(slog.DiscardHandler),
	}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := port.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A base URL whose token endpoint answers 404 is wrong (missing /v1, wrong
// host, Port's app URL): it must not pass for "integration not found yet".
func TestTokenEndpoint404IsAWrongBaseURL(t *testing.T) {
	srv, calls := loopbackServer(t, http.NotFound)
	c := clientAt(t, srv.URL, func(cfg *port.Config) { cfg.BaseURLSetting = "port.baseUrl (OCEAN__PORT__BASE_URL)" })
	_, err := c.GetIntegration(context.Background(), "int1")
	if err == nil {
		t.Fatal("GetIntegration succeeded against a server that answers 404 everywhere")
	}
	if port.IsNotFound(err) {
		t.Fatalf("IsNotFound(%v) = true: a 404 from the token endpoint reads as \"integration not created yet\"", err)
	}
	var be *port.BaseURLError
	if !errors.As(err, &be) {
		t.Fatalf("error = %v, want a *port.BaseURLError", err)
	}
	want := "Port API not found at " + srv.URL + "/v1/auth/access_token (404): check port.baseUrl (OCEAN__PORT__BASE_URL), e.g. https://api.getport.io or https://api.us.getport.io"
	if be.Error() != want {
		t.Fatalf("error = %q\nwant    %q", be.Error(), want)
	}
	if port.IsRetryable(err) || port.IsAuthFailure(err) {
		t.Fatalf("IsRetryable = %v, IsAuthFailure = %v; want false, false", port.IsRetryable(err), port.IsAuthFailure(err))
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("requests = %d, want the token request only", n)
	}
}

// A web page where the token should be: not Port's API either.
func TestTokenEndpointHTMLIsAWrongBaseURL(t *testing.T) {
	srv, _ := loopbackServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, "<!doctype html><title>Port</title>")
	})
	c := clientAt(t, srv.URL)
	_, err := c.GetBlueprint(context.Background(), "s3Bucket")
	var be *port.BaseURLError
	if !errors.As(err, &be) || be.Status != http.StatusOK {
		t.Fatalf("error = %v, want a *port.BaseURLError with status 200", err)
	}
	if !strings.Contains(err.Error(), "Port API not found at "+srv.URL+"/v1/auth/access_token (200, not a JSON answer): check the Port base URL") {
		t.Fatalf("error = %q", err)
	}
}

// A 404 from the API itself, after a token was issued, still means "not found".
func TestIntegration404IsNotFound(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	_, err := newClient(t, emu).GetIntegration(context.Background(), "never-created")
	var be *port.BaseURLError
	if !port.IsNotFound(err) || errors.As(err, &be) {
		t.Fatalf("GetIntegration of an unknown integration = %v, want a plain not found", err)
	}
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return "http://" + addr
}

func TestUnreachablePortErrorKeepsCauseAndURL(t *testing.T) {
	base := closedPort(t)
	c := clientAt(t, base, func(cfg *port.Config) { cfg.MaxRetries = 2 })
	_, err := c.GetIntegration(context.Background(), "int1")
	for _, want := range []string{
		base + "/v1/auth/access_token", "connect: connection refused", "(3 attempts)",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("error = %v\nwant it to contain %q", err, want)
		}
	}
	if !port.IsUnreachable(err) || !port.IsRetryable(err) {
		t.Fatalf("IsUnreachable = %v, IsRetryable = %v; want true, true", port.IsUnreachable(err), port.IsRetryable(err))
	}
}

// An activity's deadline ends the retries: the error must still say why the
// calls failed, not only "context deadline exceeded".
func TestUnreachablePortBeforeTheDeadlineKeepsTheCause(t *testing.T) {
	base := closedPort(t)
	c := clientAt(t, base, func(cfg *port.Config) {
		cfg.BaseBackoff = 200 * time.Millisecond
		cfg.MaxWait = time.Minute
	})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := c.GetBlueprint(ctx, "s3Bucket")
	if err == nil || !strings.Contains(err.Error(), "connect: connection refused") || !strings.Contains(err.Error(), base) {
		t.Fatalf("error = %v\nwant the cause (connection refused) and the URL %s", err, base)
	}
	if ctx.Err() != nil {
		t.Fatalf("returned after the deadline (%v): it should stop when the next wait would outlive it", err)
	}
}

// cancelOnWarn cancels a context when the client logs that it will retry,
// so a test can end the wait deterministically.
type cancelOnWarn struct {
	slog.Handler
	cancel context.CancelFunc
}

func (h cancelOnWarn) Enabled(context.Context, slog.Level) bool { return true }

func (h cancelOnWarn) Handle(_ context.Context, r slog.Record) error {
	if r.Level == slog.LevelWarn && strings.Contains(r.Message, "retrying") {
		h.cancel()
	}
	return nil
}

func (h cancelOnWarn) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h cancelOnWarn) WithGroup(string) slog.Handler      { return h }

func TestCancelWhileWaitingKeepsTheCause(t *testing.T) {
	t.Run("transport", func(t *testing.T) {
		base := closedPort(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		c := clientAt(t, base, func(cfg *port.Config) {
			cfg.BaseBackoff, cfg.MaxWait = time.Minute, time.Minute
			cfg.Logger = slog.New(cancelOnWarn{cancel: cancel})
		})
		_, err := c.GetBlueprint(ctx, "s3Bucket")
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "connect: connection refused") {
			t.Fatalf("error = %v, want context.Canceled and the refused connection", err)
		}
		if port.IsRetryable(err) {
			t.Fatal("a cancelled call reported retryable")
		}
	})
	t.Run("status", func(t *testing.T) {
		emu := startEmu(t, portemu.Options{})
		seedBucketBlueprint(emu)
		emu.AddFault(portemu.Fault{Method: http.MethodGet, Path: "/v1/blueprints/s3Bucket", Status: http.StatusServiceUnavailable})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		c := newClient(t, emu, func(cfg *port.Config) {
			cfg.BaseBackoff, cfg.MaxWait = time.Minute, time.Minute
			cfg.Logger = slog.New(cancelOnWarn{cancel: cancel})
		})
		_, err := c.GetBlueprint(ctx, "s3Bucket")
		var ae *port.APIError
		if !errors.Is(err, context.Canceled) || !errors.As(err, &ae) || ae.Status != http.StatusServiceUnavailable {
			t.Fatalf("error = %v, want context.Canceled and the 503", err)
		}
	})
}

// A token that cannot be had fails the whole bulk call with its reason; it
// must not turn into one "Not Found" per entity.
func TestTokenFailureDuringUpsertFailsTheCall(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	seedBucketBlueprint(emu)
	c := newClient(t, emu)
	ctx := context.Background()
	if _, err := c.UpsertEntities(ctx, "s3Bucket", buckets(2), port.UpsertOptions{}); err != nil {
		t.Fatal(err)
	}
	emu.ExpireTokens()
	emu.AddFault(portemu.Fault{Method: http.MethodPost, Path: tokenPath, Status: http.StatusNotFound})
	res, err := c.UpsertEntities(ctx, "s3Bucket", buckets(2), port.UpsertOptions{})
	var be *port.BaseURLError
	if !errors.As(err, &be) {
		t.Fatalf("UpsertEntities = %+v, %v; want the call to fail with a *port.BaseURLError", res, err)
	}
}
