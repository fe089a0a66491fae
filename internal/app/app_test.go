package app_test

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws-port-sync/aws-port-sync/internal/app"
	"github.com/aws-port-sync/aws-port-sync/internal/config"
	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// testConfig is a configuration for Port at baseURL with static AWS keys, so
// that building the credential provider needs no network and no environment.
func testConfig(t *testing.T, baseURL, secret string) *config.Config {
	t.Helper()
	t.Setenv("AWS_WEB_IDENTITY_TOKEN_FILE", "")
	env := map[string]string{
		"OCEAN__PORT__CLIENT_ID":                            "test-client-id",
		"OCEAN__PORT__CLIENT_SECRET":                        secret,
		"OCEAN__PORT__BASE_URL":                             baseURL,
		"OCEAN__INTEGRATION__IDENTIFIER":                    "int1",
		"OCEAN__INTEGRATION__CONFIG__AWS_ACCESS_KEY_ID":     "AKIDEXAMPLE",
		"OCEAN__INTEGRATION__CONFIG__AWS_SECRET_ACCESS_KEY": "secret-example",
	}
	cfg, err := config.Load(func(k string) string { return env[k] }, "")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func startEmu(t *testing.T) *portemu.Server {
	t.Helper()
	emu := portemu.New(portemu.Options{})
	if err := emu.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	return emu
}

var quiet = slog.New(slog.DiscardHandler)

func TestStartupCheckAcceptsAnIntegrationNotCreatedYet(t *testing.T) {
	emu := startEmu(t)
	if _, err := app.NewActivities(context.Background(), testConfig(t, emu.URL(), "test-client-secret"), quiet); err != nil {
		t.Fatalf("NewActivities against a Port without the integration: %v", err)
	}
}

// A base URL whose token endpoint answers 404 leads nowhere: the start-up
// check must say so instead of reading it as "integration not found yet".
func TestStartupCheckRefusesABaseURLWithoutPortsAPI(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	_, err := app.NewActivities(context.Background(), testConfig(t, srv.URL, "test-client-secret"), quiet)
	want := "Port API not found at " + srv.URL + "/v1/auth/access_token (404): check port.baseUrl (OCEAN__PORT__BASE_URL), e.g. https://api.getport.io or https://api.us.getport.io"
	if err == nil || err.Error() != want {
		t.Fatalf("NewActivities error = %v\nwant %s", err, want)
	}
}

func TestStartupCheckNamesTheCredentialSettings(t *testing.T) {
	emu := startEmu(t)
	_, err := app.NewActivities(context.Background(), testConfig(t, emu.URL(), "wrong-secret"), quiet)
	for _, want := range []string{"status 401", "check port.clientId (OCEAN__PORT__CLIENT_ID) and port.clientSecret (OCEAN__PORT__CLIENT_SECRET)"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("NewActivities error = %v\nwant it to contain %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "wrong-secret") {
		t.Fatal("the secret is in the error")
	}
}

// closedPort returns a loopback base URL nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return "http://" + addr
}

// When Port is unreachable, the start-up check and the activities both end
// before their deadline with the network error and the URL, not with
// "context deadline exceeded".
func TestUnreachablePortIsReportedWithTheCause(t *testing.T) {
	t.Run("start-up check", func(t *testing.T) {
		base := closedPort(t)
		ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
		defer cancel()
		_, err := app.NewActivities(ctx, testConfig(t, base, "test-client-secret"), quiet)
		for _, want := range []string{"cannot reach Port at " + base, base + "/v1/auth/access_token: dial tcp", "connect: connection refused", "check port.baseUrl (OCEAN__PORT__BASE_URL)"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("NewActivities error = %v\nwant it to contain %q", err, want)
			}
		}
	})
	t.Run("activity", func(t *testing.T) {
		emu := startEmu(t)
		acts, err := app.NewActivities(context.Background(), testConfig(t, emu.URL(), "test-client-secret"), quiet)
		if err != nil {
			t.Fatal(err)
		}
		emu.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
		defer cancel()
		_, err = acts.PrepareResync(ctx, syncdef.PrepareInput{Integration: "int1", ResyncID: "r1", StartedAt: time.Now()})
		for _, want := range []string{"read integration int1", emu.URL() + "/v1/integration/int1: dial tcp", "connect: connection refused"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("PrepareResync error = %v\nwant it to contain %q", err, want)
			}
		}
	})
}

// The configured fallback regions reach the credential provider, which is
// where region discovery reads them.
func TestAWSSettingsCarryFallbackRegions(t *testing.T) {
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"OCEAN__INTEGRATION__CONFIG__FALLBACK_REGIONS": "eu-west-1,us-east-1"}[k]
	}, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := app.AWSSettings(cfg, nil).FallbackRegions; !reflect.DeepEqual(got, []string{"eu-west-1", "us-east-1"}) {
		t.Fatalf("FallbackRegions = %v", got)
	}
}
