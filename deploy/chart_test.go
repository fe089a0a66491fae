package deploy

import (
	"encoding/base64"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/aws-port-sync/aws-port-sync/internal/app"
)

// portInstallKeys are the value names Port's own install command for Ocean
// aws-v3 passes with --set; the chart must accept every one of them.
var portInstallKeys = []string{
	"port.clientId", "port.clientSecret", "port.baseUrl",
	"initializePortResources", "scheduledResyncInterval",
	"integration.identifier", "integration.type", "integration.eventListener.type",
	"integration.config.accountRoleArn", "integration.config.accountRoleArns",
	"integration.config.ouId", "integration.config.externalId",
	"integration.config.aws_partition", "integration.config.credentialProviderPriority",
	"integration.config.maxConcurrentAccounts",
	"podServiceAccount.name", "sendRawDataExamples",
}

// ourKeys are the chart's own settings.
var ourKeys = []string{
	"temporal.address", "temporal.namespace", "temporal.apiKey", "temporal.existingSecret",
	"temporal.taskQueue", "temporal.tls.cert", "temporal.tls.key", "temporal.tls.ca",
	"temporal.tls.serverName", "image.repository", "image.tag", "image.pullPolicy",
	"replicaCount", "resources", "portAppConfig", "podServiceAccount.roleArn",
	"port.existingSecret", "terminationGracePeriodSeconds",
}

// ignoredKeys are accepted for compatibility and deliberately unused.
var ignoredKeys = []string{"integration.type", "integration.eventListener.type", "sendRawDataExamples"}

// workerEnv is every variable the worker reads that the chart can set.
var workerEnv = []string{
	"OCEAN__PORT__CLIENT_ID", "OCEAN__PORT__CLIENT_SECRET", "OCEAN__PORT__BASE_URL",
	"OCEAN__INTEGRATION__IDENTIFIER", "OCEAN__INITIALIZE_PORT_RESOURCES", "OCEAN__SCHEDULED_RESYNC_INTERVAL",
	"OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN", "OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARNS",
	"OCEAN__INTEGRATION__CONFIG__OU_ID", "OCEAN__INTEGRATION__CONFIG__EXTERNAL_ID",
	"OCEAN__INTEGRATION__CONFIG__AWS_PARTITION", "OCEAN__INTEGRATION__CONFIG__CREDENTIAL_PROVIDER_PRIORITY",
	"OCEAN__INTEGRATION__CONFIG__MAX_CONCURRENT_ACCOUNTS", "PORT_APP_CONFIG_FILE",
	"TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "TEMPORAL_API_KEY", "TEMPORAL_TLS_CERT", "TEMPORAL_TLS_KEY",
	"TEMPORAL_TLS_CA", "TEMPORAL_TLS_SERVER_NAME", "AWS_REGION",
}

// secretEnv must only ever come from a Secret.
var secretEnv = []string{
	"OCEAN__PORT__CLIENT_ID", "OCEAN__PORT__CLIENT_SECRET", "TEMPORAL_API_KEY",
	"OCEAN__INTEGRATION__CONFIG__AWS_ACCESS_KEY_ID", "OCEAN__INTEGRATION__CONFIG__AWS_SECRET_ACCESS_KEY",
	"OCEAN__INTEGRATION__CONFIG__AWS_SESSION_TOKEN",
}

func TestValuesAcceptPortInstallCommandKeys(t *testing.T) {
	vals := loadValues(t)
	for _, key := range append(append([]string{}, portInstallKeys...), ourKeys...) {
		if !hasPath(vals, key) {
			t.Errorf("values.yaml has no %s", key)
		}
	}
}

func hasPath(m map[string]any, dotted string) bool {
	var v any = m
	for _, p := range strings.Split(dotted, ".") {
		mm, ok := v.(map[string]any)
		if !ok {
			return false
		}
		if v, ok = mm[p]; !ok {
			return false
		}
	}
	return true
}

// TestTemplatesSource checks the template text itself: every variable is
// there, secret ones only through secretKeyRef, and no secret value is ever
// written into an env `value:`.
func TestTemplatesSource(t *testing.T) {
	c := loadChart(t)
	var all strings.Builder
	for _, src := range c.files {
		all.WriteString(src)
		all.WriteString("\n")
	}
	text := all.String()
	for _, env := range workerEnv {
		if !strings.Contains(text, "- name: "+env+"\n") {
			t.Errorf("no template sets %s", env)
		}
	}
	for _, env := range secretEnv {
		blocks := envBlocks(text, env)
		if len(blocks) == 0 {
			t.Errorf("no template sets %s", env)
		}
		for _, b := range blocks {
			if !strings.Contains(b, "secretKeyRef:") || strings.Contains(b, "value:") {
				t.Errorf("%s must come from a secretKeyRef only:\n%s", env, b)
			}
		}
	}
	forbidden := regexp.MustCompile(`\.Values\.(port\.clientSecret|port\.clientId|temporal\.apiKey|integration\.secrets)`)
	for name, src := range c.files {
		for i, line := range strings.Split(src, "\n") {
			if strings.Contains(line, "value:") && forbidden.MatchString(line) {
				t.Errorf("%s:%d puts a secret into an env value: %s", name, i+1, strings.TrimSpace(line))
			}
		}
	}
	// Every setting is used by some template, except the ones accepted and ignored.
	for _, key := range append(append([]string{}, portInstallKeys...), ourKeys...) {
		ignored := false
		for _, ig := range ignoredKeys {
			ignored = ignored || ig == key
		}
		if !ignored && !strings.Contains(text, ".Values."+key) {
			t.Errorf("values key %s is not used by any template", key)
		}
	}
}

// envBlocks returns, for each `- name: ENV` in text, the lines up to the next list item.
func envBlocks(text, env string) []string {
	var out []string
	for _, part := range strings.Split(text, "- name: "+env+"\n")[1:] {
		if i := strings.Index(part, "- name:"); i >= 0 {
			part = part[:i]
		}
		if i := strings.Index(part, "{{- end"); i >= 0 {
			part = part[:i]
		}
		out = append(out, part)
	}
	return out
}

// TestPortInstallCommand renders the chart with the flags of Port's own
// install command for aws-v3 plus temporal.address, and checks what the
// worker and the schedule Job receive.
func TestPortInstallCommand(t *testing.T) {
	c := loadChart(t)
	const secret = "s3cr3t-client-secret-value"
	vals := withSets(t, c.defaults, map[string]any{
		"port.clientId":                     "my-client-id",
		"port.clientSecret":                 secret,
		"port.baseUrl":                      "https://api.us.getport.io",
		"initializePortResources":           true,
		"sendRawDataExamples":               false,
		"scheduledResyncInterval":           int64(120),
		"integration.identifier":            "my-aws-v3",
		"integration.type":                  "aws-v3",
		"integration.eventListener.type":    "POLLING",
		"integration.config.accountRoleArn": "arn:aws:iam::111111111111:role/PortOceanReadRole",
		"podServiceAccount.name":            "port-ocean-aws-v3",
		"temporal.address":                  "temporal-frontend.temporal:7233",
	})
	out := c.mustRender(t, vals)
	objs := out.objects(t)
	dep := object(t, objs, "Deployment/demo-aws-port-sync")
	pod := dig(dep, "spec", "template", "spec")
	env := envOf(t, pod)
	want := map[string]string{
		"OCEAN__PORT__CLIENT_ID":                              "my-client-id",
		"OCEAN__PORT__CLIENT_SECRET":                          secret,
		"OCEAN__PORT__BASE_URL":                               "https://api.us.getport.io",
		"OCEAN__INTEGRATION__IDENTIFIER":                      "my-aws-v3",
		"OCEAN__INITIALIZE_PORT_RESOURCES":                    "true",
		"OCEAN__SCHEDULED_RESYNC_INTERVAL":                    "120",
		"OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN":        "arn:aws:iam::111111111111:role/PortOceanReadRole",
		"OCEAN__INTEGRATION__CONFIG__MAX_CONCURRENT_ACCOUNTS": "5",
		"TEMPORAL_ADDRESS":                                    "temporal-frontend.temporal:7233",
		"TEMPORAL_NAMESPACE":                                  "default",
		"TEMPORAL_TASK_QUEUE":                                 "aws-port-sync",
	}
	if got := resolveEnv(t, objs, env); !reflect.DeepEqual(got, want) {
		t.Errorf("worker env:\n got %v\nwant %v", got, want)
	}
	checkSecretEnv(t, env)
	if strings.Contains(out.all(), secret) {
		t.Errorf("the Port client secret appears in plain text in the rendered chart")
	}

	// Port's command names an existing (eksctl-created) service account: use it, create none.
	if got := dig(pod, "serviceAccountName"); got != "port-ocean-aws-v3" {
		t.Errorf("serviceAccountName = %v, want port-ocean-aws-v3", got)
	}
	for key := range objs {
		if strings.HasPrefix(key, "ServiceAccount/") {
			t.Errorf("chart created %s although podServiceAccount.name names an existing one", key)
		}
	}

	// The schedule Job: a post-install/post-upgrade hook running `starter ensure` with the same env.
	job := object(t, objs, "Job/demo-aws-port-sync-ensure-schedule")
	hooks, _ := dig(job, "metadata", "annotations", "helm.sh/hook").(string)
	if !strings.Contains(hooks, "post-install") || !strings.Contains(hooks, "post-upgrade") {
		t.Errorf("Job hook = %q, want post-install and post-upgrade", hooks)
	}
	jobPod := dig(job, "spec", "template", "spec")
	if got := dig(jobPod, "containers", 0, "command"); !reflect.DeepEqual(got, []any{"/app/starter", "ensure"}) {
		t.Errorf("Job command = %v, want [/app/starter ensure]", got)
	}
	if !reflect.DeepEqual(dig(jobPod, "containers", 0, "env"), dig(pod, "containers", 0, "env")) {
		t.Errorf("the Job's env differs from the worker's")
	}
	if got := dig(pod, "containers", 0, "command"); !reflect.DeepEqual(got, []any{"/app/worker"}) {
		t.Errorf("worker command = %v, want [/app/worker]", got)
	}
	notes := out["NOTES.txt"]
	if !strings.Contains(notes, "temporal schedule trigger -s aws-port-sync/my-aws-v3") {
		t.Errorf("NOTES.txt does not show how to trigger a resync:\n%s", notes)
	}
}

// TestEverySetting sets everything at once and checks each variable's value.
func TestEverySetting(t *testing.T) {
	c := loadChart(t)
	mapping := map[string]any{
		"deleteDependentEntities": true,
		"resources": []any{map[string]any{
			"kind":     "AWS::S3::Bucket",
			"selector": map[string]any{"query": "true"},
		}},
	}
	vals := withSets(t, c.defaults, map[string]any{
		"port.clientId":                                 "id",
		"port.clientSecret":                             "port-secret-xyz",
		"integration.identifier":                        "aws",
		"integration.config.accountRoleArn":             "arn:aws:iam::111111111111:role/PortOceanReadRole",
		"integration.config.accountRoleArns":            []any{"arn:aws:iam::111111111111:role/R", "arn:aws:iam::222222222222:role/R"},
		"integration.config.ouId":                       "ou-aaaa-11111111,ou-aaaa-22222222",
		"integration.config.externalId":                 "ext-123",
		"integration.config.aws_partition":              "aws-us-gov",
		"integration.config.credentialProviderPriority": []any{"AssumeRole", "StaticCredential"},
		"integration.config.maxConcurrentAccounts":      int64(3),
		"integration.config.region":                     "eu-west-1",
		"integration.secrets.aws_access_key_id":         "AKIAEXAMPLE",
		"integration.secrets.aws_secret_access_key":     "aws-secret-xyz",
		"temporal.address":                              "ns.acct.tmprl.cloud:7233",
		"temporal.namespace":                            "ns.acct",
		"temporal.taskQueue":                            "q",
		"temporal.apiKey":                               "temporal-key-xyz",
		"temporal.tls.cert":                             "CERT-PEM",
		"temporal.tls.key":                              "KEY-PEM-xyz",
		"temporal.tls.ca":                               "CA-PEM",
		"temporal.tls.serverName":                       "ns.acct.tmprl.cloud",
		"portAppConfig":                                 mapping,
		"podServiceAccount.roleArn":                     "arn:aws:iam::111111111111:role/PortOceanReadRole",
	})
	out := c.mustRender(t, vals)
	objs := out.objects(t)
	pod := dig(object(t, objs, "Deployment/demo-aws-port-sync"), "spec", "template", "spec")
	env := envOf(t, pod)
	for _, name := range workerEnv {
		if _, ok := env[name]; !ok {
			t.Errorf("%s is not set with every setting given", name)
		}
	}
	checkSecretEnv(t, env)
	got := resolveEnv(t, objs, env)
	want := map[string]string{
		"OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARNS":            "arn:aws:iam::111111111111:role/R,arn:aws:iam::222222222222:role/R",
		"OCEAN__INTEGRATION__CONFIG__OU_ID":                        "ou-aaaa-11111111,ou-aaaa-22222222",
		"OCEAN__INTEGRATION__CONFIG__EXTERNAL_ID":                  "ext-123",
		"OCEAN__INTEGRATION__CONFIG__AWS_PARTITION":                "aws-us-gov",
		"OCEAN__INTEGRATION__CONFIG__CREDENTIAL_PROVIDER_PRIORITY": "AssumeRole,StaticCredential",
		"OCEAN__INTEGRATION__CONFIG__MAX_CONCURRENT_ACCOUNTS":      "3",
		"OCEAN__INTEGRATION__CONFIG__AWS_ACCESS_KEY_ID":            "AKIAEXAMPLE",
		"OCEAN__INTEGRATION__CONFIG__AWS_SECRET_ACCESS_KEY":        "aws-secret-xyz",
		"AWS_REGION":                 "eu-west-1",
		"TEMPORAL_NAMESPACE":         "ns.acct",
		"TEMPORAL_TASK_QUEUE":        "q",
		"TEMPORAL_API_KEY":           "temporal-key-xyz",
		"TEMPORAL_TLS_SERVER_NAME":   "ns.acct.tmprl.cloud",
		"OCEAN__PORT__CLIENT_SECRET": "port-secret-xyz",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	for _, s := range []string{"port-secret-xyz", "aws-secret-xyz", "temporal-key-xyz", "KEY-PEM-xyz"} {
		if strings.Contains(out.all(), s) {
			t.Errorf("secret %q appears in plain text in the rendered chart", s)
		}
	}

	// The TLS files and the mapping are mounted where the env says.
	files := mountedFiles(t, objs, pod)
	for envName, wantContent := range map[string]string{
		"TEMPORAL_TLS_CERT": "CERT-PEM", "TEMPORAL_TLS_KEY": "KEY-PEM-xyz", "TEMPORAL_TLS_CA": "CA-PEM",
	} {
		if content, ok := files[got[envName]]; !ok || content != wantContent {
			t.Errorf("%s=%s: mounted content %q (present %v), want %q", envName, got[envName], content, ok, wantContent)
		}
	}
	mappingText, ok := files[got["PORT_APP_CONFIG_FILE"]]
	if !ok {
		t.Fatalf("PORT_APP_CONFIG_FILE=%s is not a mounted file; mounted: %v", got["PORT_APP_CONFIG_FILE"], keys(files))
	}
	var back map[string]any
	if err := yaml.Unmarshal([]byte(mappingText), &back); err != nil {
		t.Fatalf("mounted port-app-config.yml is not YAML: %v\n%s", err, mappingText)
	}
	if !reflect.DeepEqual(jsonRoundTrip(t, back), jsonRoundTrip(t, mapping)) {
		t.Errorf("mounted port-app-config.yml = %v, want %v", back, mapping)
	}

	// A created service account carries the IRSA annotation.
	sa := object(t, objs, "ServiceAccount/demo-aws-port-sync")
	if got := dig(sa, "metadata", "annotations", "eks.amazonaws.com/role-arn"); got != "arn:aws:iam::111111111111:role/PortOceanReadRole" {
		t.Errorf("IRSA annotation = %v", got)
	}
	if got := dig(pod, "serviceAccountName"); got != "demo-aws-port-sync" {
		t.Errorf("serviceAccountName = %v, want the created demo-aws-port-sync", got)
	}
}

// TestExistingSecrets: with existing Secrets the chart stores no credentials.
func TestExistingSecrets(t *testing.T) {
	c := loadChart(t)
	vals := withSets(t, c.defaults, map[string]any{
		"port.existingSecret":         "port-credentials",
		"temporal.existingSecret":     "temporal-credentials",
		"temporal.tls.existingSecret": "temporal-mtls",
		"temporal.tls.caKey":          "",
		"integration.identifier":      "aws",
		"temporal.address":            "t:7233",
	})
	objs := c.mustRender(t, vals).objects(t)
	for key := range objs {
		if strings.HasPrefix(key, "Secret/") {
			t.Errorf("chart created %s although existing Secrets were given", key)
		}
	}
	pod := dig(object(t, objs, "Deployment/demo-aws-port-sync"), "spec", "template", "spec")
	env := envOf(t, pod)
	checkSecretEnv(t, env)
	for name, wantSecret := range map[string]string{
		"OCEAN__PORT__CLIENT_ID": "port-credentials", "OCEAN__PORT__CLIENT_SECRET": "port-credentials",
		"TEMPORAL_API_KEY": "temporal-credentials",
	} {
		if got := dig(env[name], "valueFrom", "secretKeyRef", "name"); got != wantSecret {
			t.Errorf("%s from Secret %v, want %s", name, got, wantSecret)
		}
	}
	if _, ok := env["TEMPORAL_TLS_CA"]; ok {
		t.Errorf("TEMPORAL_TLS_CA set although temporal.tls.caKey is blank")
	}
	for _, name := range []string{"TEMPORAL_TLS_CERT", "TEMPORAL_TLS_KEY"} {
		if _, ok := env[name]; !ok {
			t.Errorf("%s not set with temporal.tls.existingSecret", name)
		}
	}
	var tlsVolume any
	for _, v := range dig(pod, "volumes").([]any) {
		if dig(v, "name") == "temporal-tls" {
			tlsVolume = v
		}
	}
	if dig(tlsVolume, "secret", "secretName") != "temporal-mtls" {
		t.Errorf("TLS volume = %v, want Secret temporal-mtls", tlsVolume)
	}
}

// TestRequiredValues: a missing required value fails the install with its name.
func TestRequiredValues(t *testing.T) {
	c := loadChart(t)
	base := map[string]any{
		"port.clientId": "id", "port.clientSecret": "secret",
		"integration.identifier": "aws", "temporal.address": "t:7233",
	}
	if _, err := c.render(withSets(t, c.defaults, base)); err != nil {
		t.Fatalf("complete values do not render: %v", err)
	}
	for _, missing := range []string{"integration.identifier", "temporal.address", "port.clientSecret", "port.clientId"} {
		sets := map[string]any{}
		for k, v := range base {
			sets[k] = v
		}
		sets[missing] = ""
		_, err := c.render(withSets(t, c.defaults, sets))
		if err == nil || !strings.Contains(err.Error(), missing) {
			t.Errorf("without %s: err = %v, want one naming %s", missing, err, missing)
		}
	}
}

// TestGracefulStop: the pod's grace period outlasts the worker's own stop
// timeout (read from the options the worker really uses), so SIGTERM lets
// in-flight activities finish before the kubelet's SIGKILL.
func TestGracefulStop(t *testing.T) {
	stop := app.WorkerOptions().WorkerStopTimeout
	if stop <= 0 {
		t.Fatalf("worker has no WorkerStopTimeout; the chart's grace period assumes one")
	}
	c := loadChart(t)
	vals := withSets(t, c.defaults, map[string]any{
		"port.clientId": "id", "port.clientSecret": "secret",
		"integration.identifier": "aws", "temporal.address": "t:7233",
	})
	pod := dig(object(t, c.mustRender(t, vals).objects(t), "Deployment/demo-aws-port-sync"), "spec", "template", "spec")
	grace, _ := dig(pod, "terminationGracePeriodSeconds").(int)
	if time.Duration(grace)*time.Second < stop+30*time.Second {
		t.Errorf("terminationGracePeriodSeconds = %d, want at least the worker's %v stop timeout + 30s", grace, stop)
	}
}

func object(t *testing.T, objs map[string]map[string]any, key string) map[string]any {
	t.Helper()
	o, ok := objs[key]
	if !ok {
		t.Fatalf("rendered chart has no %s; it has %v", key, keys(objs))
	}
	return o
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// envOf returns the first container's env by name.
func envOf(t *testing.T, pod any) map[string]map[string]any {
	t.Helper()
	list, _ := dig(pod, "containers", 0, "env").([]any)
	env := map[string]map[string]any{}
	for _, e := range list {
		m, _ := e.(map[string]any)
		name, _ := m["name"].(string)
		if _, dup := env[name]; dup {
			t.Errorf("env %s set twice", name)
		}
		env[name] = m
	}
	return env
}

// checkSecretEnv: secret variables come from a secretKeyRef and never a value.
func checkSecretEnv(t *testing.T, env map[string]map[string]any) {
	t.Helper()
	for _, name := range secretEnv {
		e, ok := env[name]
		if !ok {
			continue
		}
		if _, plain := e["value"]; plain || dig(e, "valueFrom", "secretKeyRef", "key") == nil {
			t.Errorf("%s must come from a secretKeyRef: %v", name, e)
		}
	}
}

// resolveEnv gives each variable's value, reading secretKeyRefs from the rendered Secrets.
func resolveEnv(t *testing.T, objs map[string]map[string]any, env map[string]map[string]any) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name, e := range env {
		if v, ok := e["value"].(string); ok {
			out[name] = v
			continue
		}
		ref := dig(e, "valueFrom", "secretKeyRef")
		secret := object(t, objs, "Secret/"+dig(ref, "name").(string))
		encoded, ok := dig(secret, "data", dig(ref, "key").(string)).(string)
		if !ok {
			t.Fatalf("%s: Secret %v has no key %v", name, dig(ref, "name"), dig(ref, "key"))
		}
		plain, err := base64.StdEncoding.DecodeString(encoded)
		if err != nil {
			t.Fatalf("%s: not base64: %v", name, err)
		}
		out[name] = string(plain)
	}
	return out
}

// mountedFiles maps each file path the container sees to its content, for
// volumes backed by rendered Secrets and ConfigMaps.
func mountedFiles(t *testing.T, objs map[string]map[string]any, pod any) map[string]string {
	t.Helper()
	volumes := map[string]any{}
	for _, v := range dig(pod, "volumes").([]any) {
		volumes[dig(v, "name").(string)] = v
	}
	files := map[string]string{}
	for _, m := range dig(pod, "containers", 0, "volumeMounts").([]any) {
		dir := dig(m, "mountPath").(string)
		v := volumes[dig(m, "name").(string)]
		var data map[string]string
		var items []any
		switch {
		case dig(v, "secret") != nil:
			data = map[string]string{}
			for k, enc := range dig(object(t, objs, "Secret/"+dig(v, "secret", "secretName").(string)), "data").(map[string]any) {
				plain, err := base64.StdEncoding.DecodeString(enc.(string))
				if err != nil {
					t.Fatalf("Secret key %s is not base64: %v", k, err)
				}
				data[k] = string(plain)
			}
			items, _ = dig(v, "secret", "items").([]any)
		case dig(v, "configMap") != nil:
			data = map[string]string{}
			for k, s := range dig(object(t, objs, "ConfigMap/"+dig(v, "configMap", "name").(string)), "data").(map[string]any) {
				data[k] = s.(string)
			}
			items, _ = dig(v, "configMap", "items").([]any)
		default:
			continue
		}
		if items == nil {
			for k, s := range data {
				files[dir+"/"+k] = s
			}
			continue
		}
		for _, it := range items {
			key := dig(it, "key").(string)
			content, ok := data[key]
			if !ok {
				t.Errorf("volume item key %s is not in its source", key)
			}
			files[dir+"/"+dig(it, "path").(string)] = content
		}
	}
	return files
}

func TestMetricsSwitch(t *testing.T) {
	c := loadChart(t)
	base := map[string]any{
		"port.clientId": "id", "port.clientSecret": "secret", "integration.identifier": "aws",
		"temporal.address": "temporal:7233",
	}
	off := c.mustRender(t, withSets(t, c.defaults, base)).objects(t)
	if env := resolveEnv(t, off, envOf(t, dig(object(t, off, "Deployment/demo-aws-port-sync"), "spec", "template", "spec"))); env["AWS_PORT_SYNC_METRICS_ADDR"] != "" {
		t.Errorf("metrics on by default: %v", env["AWS_PORT_SYNC_METRICS_ADDR"])
	}
	base["metrics.enabled"] = true
	on := c.mustRender(t, withSets(t, c.defaults, base)).objects(t)
	dep := object(t, on, "Deployment/demo-aws-port-sync")
	pod := dig(dep, "spec", "template", "spec")
	if env := resolveEnv(t, on, envOf(t, pod)); env["AWS_PORT_SYNC_METRICS_ADDR"] != ":9464" {
		t.Errorf("AWS_PORT_SYNC_METRICS_ADDR = %q, want :9464", env["AWS_PORT_SYNC_METRICS_ADDR"])
	}
	if port := dig(pod, "containers", 0, "ports", 0, "containerPort"); strval(port) != "9464" {
		t.Errorf("containerPort = %v, want 9464", port)
	}
	if ann := dig(dep, "spec", "template", "metadata", "annotations", "prometheus.io/scrape"); ann != "true" {
		t.Errorf("prometheus.io/scrape = %v", ann)
	}
}
