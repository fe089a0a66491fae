package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// started is one in-process run of the command, serving until stop.
type started struct {
	running
	stop func() (output string, err error)
}

// start runs cfg on the test's behalf and returns once run has written its env
// file and printed its summary (run's ready callback, no polling).
func start(t *testing.T, cfg config) started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	ready := make(chan running, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, cfg, &out, func(r running) { ready <- r }) }()
	var r running
	select {
	case r = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("run ended before serving: %v\n%s", err, out.String())
	}
	stopped := false
	stop := func() (string, error) {
		if stopped {
			return "", nil
		}
		stopped = true
		cancel()
		err := <-done
		return out.String(), err // run no longer writes to out
	}
	t.Cleanup(func() { _, _ = stop() })
	return started{running: r, stop: stop}
}

// testConfig is the command's defaults on free loopback ports in a temp dir.
func testConfig(t *testing.T) config {
	t.Helper()
	cfg, err := parseFlags([]string{"-aws-addr", "127.0.0.1:0", "-port-addr", "127.0.0.1:0", "-state-dir", t.TempDir()}, io.Discard)
	if err != nil {
		t.Fatalf("parse flags: %v", err)
	}
	return cfg
}

// occupied holds a loopback port for the test's lifetime and returns its address.
func occupied(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	return ln.Addr().String()
}

func readEnvFile(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read env file: %v", err)
	}
	env := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("env file line %q is not KEY=VALUE", line)
		}
		env[k] = v
	}
	return env
}

func get(t *testing.T, url string) (int, []byte) {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second}
	res, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read %s: %v", url, err)
	}
	return res.StatusCode, body
}

// awsAnswers checks the AWS emulator at base serves its admin summary.
func awsAnswers(t *testing.T, base string) {
	t.Helper()
	status, body := get(t, base+"/_emulator/summary")
	var summary map[string]any
	if status != http.StatusOK || json.Unmarshal(body, &summary) != nil || len(summary) == 0 {
		t.Fatalf("AWS emulator summary: %d %s", status, body)
	}
}

// portAnswers checks the Port emulator at base issues a token for the demo client.
func portAnswers(t *testing.T, base string) {
	t.Helper()
	res, err := http.Post(base+"/v1/auth/access_token", "application/json",
		strings.NewReader(`{"clientId":"demo-client-id","clientSecret":"demo-client-secret"}`))
	if err != nil {
		t.Fatalf("Port token: %v", err)
	}
	defer res.Body.Close()
	var tok struct {
		AccessToken string `json:"accessToken"`
	}
	if res.StatusCode != http.StatusOK || json.NewDecoder(res.Body).Decode(&tok) != nil || tok.AccessToken == "" {
		t.Fatalf("Port token: status %d", res.StatusCode)
	}
}

// refused checks nothing listens at base any more.
func refused(t *testing.T, base string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), 5*time.Second)
	if err == nil {
		_ = conn.Close()
		t.Fatalf("%s still accepts connections", base)
	}
}

func TestBothEmulatorsEnvFileNamesTheRegionForEveryClient(t *testing.T) {
	cfg := testConfig(t)
	s := start(t, cfg)
	if s.EnvFile != filepath.Join(cfg.stateDir, "emulators.env") {
		t.Errorf("env file %s, want emulators.env (what starter dev reads)", s.EnvFile)
	}
	env := readEnvFile(t, s.EnvFile)
	// AWS CLI v1 and boto3 read only AWS_DEFAULT_REGION; the SDKs AWS_REGION.
	if env["AWS_REGION"] != "us-east-1" || env["AWS_DEFAULT_REGION"] != "us-east-1" {
		t.Errorf("env file regions: AWS_REGION=%q AWS_DEFAULT_REGION=%q, want both us-east-1", env["AWS_REGION"], env["AWS_DEFAULT_REGION"])
	}
	if env["AWS_ENDPOINT_URL"] != s.AWS.URL() || env["OCEAN__PORT__BASE_URL"] != s.Port.URL() {
		t.Errorf("env file addresses %q %q, want %s %s", env["AWS_ENDPOINT_URL"], env["OCEAN__PORT__BASE_URL"], s.AWS.URL(), s.Port.URL())
	}
	awsAnswers(t, s.AWS.URL())
	portAnswers(t, s.Port.URL())

	out, err := s.stop()
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if !strings.Contains(out, "AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1") {
		t.Errorf("printed export line lacks AWS_DEFAULT_REGION:\n%s", out)
	}
	if _, err := os.Stat(s.EnvFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("env file left behind after stop: %v", err)
	}
	refused(t, s.AWS.URL())
	refused(t, s.Port.URL())
}

func TestOnlyAWSServesAWSAlone(t *testing.T) {
	cfg := testConfig(t)
	cfg.only = "aws"
	// The Port address is taken: starting the Port emulator there would fail
	// run, so serving proves it was never started.
	cfg.portAddr = occupied(t)
	s := start(t, cfg)
	if s.Port != nil {
		t.Fatal("-only aws started the Port emulator")
	}
	awsAnswers(t, s.AWS.URL())

	if s.EnvFile != filepath.Join(cfg.stateDir, "emulators-aws.env") {
		t.Errorf("env file %s, want emulators-aws.env", s.EnvFile)
	}
	env := readEnvFile(t, s.EnvFile)
	if env["AWS_ENDPOINT_URL"] != s.AWS.URL() || env["AWS_DEFAULT_REGION"] != "us-east-1" || env["AWS_ACCESS_KEY_ID"] == "" {
		t.Errorf("AWS variables missing from %v", env)
	}
	for k := range env {
		if strings.HasPrefix(k, "OCEAN__PORT__") {
			t.Errorf("-only aws env file has Port variable %s", k)
		}
	}
	for _, name := range []string{"emulators.env", "port-state.json"} {
		if _, err := os.Stat(filepath.Join(cfg.stateDir, name)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("-only aws wrote %s (%v)", name, err)
		}
	}

	if _, err := s.stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
	refused(t, s.AWS.URL())
}

func TestOnlyPortServesPortAlone(t *testing.T) {
	cfg := testConfig(t)
	cfg.only = "port"
	cfg.awsAddr = occupied(t)
	s := start(t, cfg)
	if s.AWS != nil {
		t.Fatal("-only port started the AWS emulator")
	}
	portAnswers(t, s.Port.URL())

	if s.EnvFile != filepath.Join(cfg.stateDir, "emulators-port.env") {
		t.Errorf("env file %s, want emulators-port.env", s.EnvFile)
	}
	env := readEnvFile(t, s.EnvFile)
	if env["OCEAN__PORT__BASE_URL"] != s.Port.URL() || env["OCEAN__PORT__CLIENT_ID"] != "demo-client-id" {
		t.Errorf("Port variables missing from %v", env)
	}
	for k := range env {
		if strings.HasPrefix(k, "AWS_") {
			t.Errorf("-only port env file has AWS variable %s", k)
		}
	}
	if _, err := os.Stat(filepath.Join(cfg.stateDir, "web-identity-token")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("-only port wrote the web identity token (%v)", err)
	}

	// Restarting the Port emulator alone keeps its catalog (port-state.json).
	if _, err := s.stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
	refused(t, s.Port.URL())
	if _, err := os.Stat(filepath.Join(cfg.stateDir, "port-state.json")); err != nil {
		t.Errorf("Port state not saved on stop: %v", err)
	}
}

func TestParseFlags(t *testing.T) {
	var help bytes.Buffer
	if _, err := parseFlags([]string{"-h"}, &help); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
	for _, want := range []string{"-only name", "aws or port", "emulators-aws.env", "-port-feature-flags"} {
		if !strings.Contains(help.String(), want) {
			t.Errorf("help lacks %q:\n%s", want, help.String())
		}
	}

	var errOut bytes.Buffer
	if _, err := parseFlags([]string{"-only", "both"}, &errOut); err == nil || !strings.Contains(errOut.String(), `-only "both": want aws or port`) {
		t.Errorf("-only both: err %v, output %q", err, errOut.String())
	}
	if _, err := parseFlags([]string{"aws"}, io.Discard); err == nil {
		t.Error("a stray argument was accepted")
	}

	cfg, err := parseFlags([]string{"-only", "port", "-port-feature-flags", " A, ,B "}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.runsAWS() || !cfg.runsPort() || strings.Join(cfg.featureFlags, "|") != "A|B" {
		t.Errorf("parsed %+v", cfg)
	}
	if both, _ := parseFlags(nil, io.Discard); !both.runsAWS() || !both.runsPort() || both.awsAddr != "127.0.0.1:4566" || both.portAddr != "127.0.0.1:5555" {
		t.Errorf("defaults %+v", both)
	}
}

func TestRunRefusesANonLoopbackAddressOnlyForWhatItRuns(t *testing.T) {
	cfg := testConfig(t)
	cfg.only = "port"
	cfg.awsAddr = "0.0.0.0:4566" // not used with -only port
	s := start(t, cfg)
	portAnswers(t, s.Port.URL())
	if _, err := s.stop(); err != nil {
		t.Fatal(err)
	}

	cfg = testConfig(t)
	cfg.portAddr = "0.0.0.0:5555"
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // should the check not stop it, run returns at once instead of serving
	err := run(ctx, cfg, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "not loopback") {
		t.Fatalf("run with a public Port address: %v", err)
	}
}

// -partition aws-us-gov serves the demo organization in GovCloud: the env
// file names GovCloud's home region and a GovCloud role, and an unknown
// partition is refused.
func TestPartitionFlagServesAGovCloudOrganization(t *testing.T) {
	cfg := testConfig(t)
	cfg.partition = "aws-us-gov"
	s := start(t, cfg)
	env := readEnvFile(t, s.EnvFile)
	if env["AWS_REGION"] != "us-gov-west-1" || env["AWS_DEFAULT_REGION"] != "us-gov-west-1" {
		t.Errorf("AWS_REGION=%q AWS_DEFAULT_REGION=%q, want us-gov-west-1", env["AWS_REGION"], env["AWS_DEFAULT_REGION"])
	}
	for k, v := range env {
		if strings.HasPrefix(v, "arn:") && !strings.HasPrefix(v, "arn:aws-us-gov:") {
			t.Errorf("%s=%s is not a GovCloud ARN", k, v)
		}
	}
	if _, err := parseFlags([]string{"-partition", "aws-eu"}, io.Discard); err == nil || !strings.Contains(err.Error(), `-partition "aws-eu"`) {
		t.Errorf("unknown partition: %v", err)
	}
}
