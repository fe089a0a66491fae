package deploy

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// docker-compose.yml is loaded with the Compose Specification's own Go
// loader (what `docker compose` uses): schema validation, interpolation,
// merge keys, profiles and consistency checks, as `docker compose config`.

const composeFile = "../docker-compose.yml"

func loadCompose(t *testing.T, profiles []string, env map[string]string) *types.Project {
	t.Helper()
	var envList []string
	for k, v := range env {
		envList = append(envList, k+"="+v)
	}
	opts, err := cli.NewProjectOptions([]string{composeFile},
		cli.WithWorkingDirectory(".."),
		cli.WithProfiles(profiles),
		cli.WithEnv(envList),
		cli.WithConsistency(true),
		cli.WithResolvedPaths(true),
	)
	if err != nil {
		t.Fatal(err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("docker compose would reject docker-compose.yml (profiles %v): %v", profiles, err)
	}
	return p
}

var (
	temporalServices = []string{"postgresql", "temporal", "temporal-create-namespace", "temporal-schema", "temporal-ui"}
	appServices      = map[string][]string{
		"demo": {"demo-emulators", "demo-resync", "demo-worker"},
		"aws":  {"ensure-schedule", "worker"},
		"":     nil,
	}
)

func TestComposeProfiles(t *testing.T) {
	for profile, apps := range appServices {
		var profiles []string
		if profile != "" {
			profiles = []string{profile}
		}
		p := loadCompose(t, profiles, nil)
		want := append(append([]string{}, temporalServices...), apps...)
		sort.Strings(want)
		if got := p.ServiceNames(); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("profile %q runs %v, want %v", profile, got, want)
		}
		checkComposeRules(t, p)
	}
}

// checkComposeRules: maintained images, loopback-only ports, bounded
// restarts, and every dependency waits on health or completion, never on a
// mere start of something that is not ready yet.
func checkComposeRules(t *testing.T, p *types.Project) {
	t.Helper()
	for name, s := range p.Services {
		if strings.Contains(s.Image, "temporalio/auto-setup") {
			t.Errorf("%s uses %s: Temporal stopped building auto-setup images", name, s.Image)
		}
		for _, port := range s.Ports {
			if port.HostIP != "127.0.0.1" {
				t.Errorf("%s publishes %d on %q: publish on 127.0.0.1 only", name, port.Target, port.HostIP)
			}
		}
		if !boundedRestart(s.Restart) {
			t.Errorf("%s: restart %q: use \"no\" or on-failure:N so a broken container stops trying", name, s.Restart)
		}
		for dep, d := range s.DependsOn {
			target, ok := p.Services[dep]
			if !ok {
				t.Errorf("%s depends on %s, which this profile does not run", name, dep)
				continue
			}
			switch d.Condition {
			case types.ServiceConditionHealthy:
				if target.HealthCheck == nil || len(target.HealthCheck.Test) == 0 || target.HealthCheck.Test[0] == "NONE" {
					t.Errorf("%s waits for %s to be healthy, which has no healthcheck", name, dep)
				}
			case types.ServiceConditionCompletedSuccessfully:
			case types.ServiceConditionStarted:
				// Only a shared network namespace needs a mere start.
				if s.NetworkMode != "service:"+dep && !(target.HealthCheck == nil && isLongRunning(target)) {
					t.Errorf("%s waits only for %s to start", name, dep)
				}
			default:
				t.Errorf("%s depends on %s with condition %q", name, dep, d.Condition)
			}
		}
		if strings.HasPrefix(s.NetworkMode, "service:") {
			dep := strings.TrimPrefix(s.NetworkMode, "service:")
			if d, ok := s.DependsOn[dep]; !ok || d.Condition != types.ServiceConditionHealthy {
				t.Errorf("%s shares %s's network but does not wait for it to be healthy", name, dep)
			}
		}
		// Scripts and configuration mounted from the repository exist.
		for _, v := range s.Volumes {
			if v.Type == types.VolumeTypeBind {
				if _, err := os.Stat(v.Source); err != nil {
					t.Errorf("%s mounts %s: %v", name, v.Source, err)
				}
			}
		}
		if s.Build != nil {
			checkBuildTarget(t, name, s.Build)
		}
	}
	// Every app container waits for a healthy Temporal and its namespace.
	for name, s := range p.Services {
		if !strings.HasPrefix(s.Image, "aws-port-sync:") || len(s.Entrypoint) > 0 && s.Entrypoint[0] == "/app/emulators" {
			continue
		}
		if s.DependsOn["temporal"].Condition != types.ServiceConditionHealthy ||
			s.DependsOn["temporal-create-namespace"].Condition != types.ServiceConditionCompletedSuccessfully {
			t.Errorf("%s does not wait for a healthy Temporal and the namespace: %v", name, s.DependsOn)
		}
		if env := s.Environment["TEMPORAL_ADDRESS"]; env == nil || *env != "temporal:7233" {
			t.Errorf("%s: TEMPORAL_ADDRESS = %v, want the compose network's temporal:7233", name, env)
		}
	}
}

func isLongRunning(s types.ServiceConfig) bool { return s.Restart != "no" }

var onFailure = regexp.MustCompile(`^on-failure:(\d+)$`)

func boundedRestart(policy string) bool {
	if policy == "" || policy == "no" {
		return true
	}
	m := onFailure.FindStringSubmatch(policy)
	if m == nil {
		return false
	}
	n, _ := strconv.Atoi(m[1])
	return n > 0 && n <= 10
}

// checkBuildTarget: the Dockerfile has the stage a service builds, and the
// production image (the last stage) carries no emulator.
func checkBuildTarget(t *testing.T, service string, b *types.BuildConfig) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(b.Context, b.Dockerfile))
	if err != nil {
		t.Errorf("%s builds %s: %v", service, b.Dockerfile, err)
		return
	}
	stages := regexp.MustCompile(`(?mi)^FROM\s+\S+(?:\s+AS\s+(\S+))?`).FindAllStringSubmatchIndex(string(data), -1)
	if b.Target != "" {
		found := false
		for _, st := range stages {
			if st[2] >= 0 && string(data[st[2]:st[3]]) == b.Target {
				found = true
			}
		}
		if !found {
			t.Errorf("%s builds target %q, which %s does not have", service, b.Target, b.Dockerfile)
		}
	}
	last := string(data[stages[len(stages)-1][0]:])
	if strings.Contains(last, "emulators") {
		t.Errorf("the production image (the Dockerfile's last stage) contains the emulators")
	}
}

// The demo needs no AWS or Port account: nothing reads .env, the worker gets
// the emulators' credentials, and Temporal is the compose network's.
func TestComposeDemoNeedsNoAccounts(t *testing.T) {
	p := loadCompose(t, []string{"demo"}, nil)
	for _, name := range appServices["demo"] {
		s := p.Services[name]
		if len(s.EnvFiles) != 0 {
			t.Errorf("%s reads %v: the demo must work without a filled-in .env", name, s.EnvFiles)
		}
	}
	worker := p.Services["demo-worker"]
	if worker.NetworkMode != "service:demo-emulators" {
		t.Errorf("demo-worker network_mode = %q: the emulators listen on loopback only", worker.NetworkMode)
	}
	if !strings.Contains(strings.Join(worker.Entrypoint, " "), "emulators.env") || !strings.Contains(strings.Join(worker.Entrypoint, " "), "/app/worker") {
		t.Errorf("demo-worker entrypoint %v does not run the worker with the emulators' credentials", worker.Entrypoint)
	}
	if !strings.Contains(strings.Join(p.Services["demo-resync"].Entrypoint, " "), "starter trigger --wait") {
		t.Errorf("demo-resync does not run a first resync")
	}
	// The real profile's .env is optional at load time too.
	if _, err := os.Stat("../.env"); err == nil {
		t.Skip("a .env exists here; the optional-.env check needs none")
	}
	aws := loadCompose(t, []string{"aws"}, nil)
	for _, f := range aws.Services["worker"].EnvFiles {
		if f.Required {
			t.Errorf("worker: env file %s is required; docker compose --profile demo would fail without it", f.Path)
		}
	}
}

// The standard OpenTelemetry variables reach every app container.
func TestComposeTracingVariables(t *testing.T) {
	env := map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://otel-collector:4318", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf"}
	for _, profile := range []string{"demo", "aws"} {
		p := loadCompose(t, []string{profile}, env)
		for _, name := range appServices[profile] {
			if name == "demo-emulators" {
				continue
			}
			for k, want := range env {
				if got := p.Services[name].Environment[k]; got == nil || *got != want {
					t.Errorf("%s: %s = %v, want %s", name, k, got, want)
				}
			}
		}
	}
}

// The compose commands of the docs are valid for this file.
func TestDocumentedComposeCommands(t *testing.T) {
	seen := 0
	for _, file := range []string{docFile, "../README.md"} {
		for _, c := range docCommands(t, file) {
			w := c.words
			if len(w) < 2 || w[0] != "docker" || w[1] != "compose" {
				continue
			}
			seen++
			var profiles []string
			for i := 2; i < len(w); i++ {
				switch {
				case w[i] == "--profile" && i+1 < len(w):
					profiles = append(profiles, w[i+1])
					i++
				case w[i] == "-f" || w[i] == "--file":
					t.Errorf("%s: the tests load ../docker-compose.yml only", c)
				}
			}
			for _, pr := range profiles {
				if _, ok := appServices[pr]; !ok {
					t.Errorf("%s: profile %q is not in docker-compose.yml", c, pr)
				}
			}
			loadCompose(t, profiles, nil)
		}
	}
	if seen == 0 {
		t.Error("the docs show no docker compose command")
	}
}
