package port_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
	"github.com/aws-port-sync/aws-port-sync/internal/port"
)

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
