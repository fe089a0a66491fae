package deploy

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/aws-port-sync/aws-port-sync/internal/app"
	"github.com/aws-port-sync/aws-port-sync/internal/config"
)

const (
	orgRoleARN     = "arn:aws:iam::111111111111:role/PortOceanReadRole"
	seedSA         = "port-ocean-aws-v3"
	seedNamespace  = "port-ocean"
	irsaAnnotation = "eks.amazonaws.com/role-arn"
)

// result is one successful install: the rendered release, its objects, what
// the worker and the hook Job see, and the configuration the worker loads
// from that (validated by the worker's own code).
type result struct {
	r      *rendered
	o      *objects
	worker container
	job    container
	cfg    *config.Config
}

// installCase is one row of the table: a documented command (by the comment
// above it in deploy/README.md) or arguments, and what must come of it.
type installCase struct {
	name    string
	doc     string      // comment above the command in deploy/README.md
	in      helmInstall // when doc is empty
	wantErr string      // helm must refuse the install with this text
	check   func(t *testing.T, res result)
}

var installCases = []installCase{
	{
		name: "defaults (only the required values)",
		in:   install("aws-port-sync", required...),
		check: func(t *testing.T, res result) {
			want := map[string]string{
				"OCEAN__PORT__CLIENT_ID": "id", "OCEAN__PORT__CLIENT_SECRET": "port-secret-value",
				"OCEAN__PORT__BASE_URL": "https://api.getport.io", "OCEAN__INTEGRATION__IDENTIFIER": "my-aws",
				"OCEAN__INITIALIZE_PORT_RESOURCES": "true", "OCEAN__SCHEDULED_RESYNC_INTERVAL": "60",
				"OCEAN__EVENT_LISTENER": `{"interval":60,"resyncOnStart":true,"type":"POLLING"}`,
				"TEMPORAL_ADDRESS":      "temporal-frontend.temporal:7233", "TEMPORAL_NAMESPACE": "default",
				"TEMPORAL_TASK_QUEUE": "aws-port-sync",
			}
			if !reflect.DeepEqual(res.worker.env, want) {
				t.Errorf("worker env:\n got %v\nwant %v", res.worker.env, want)
			}
			sa := res.o.serviceAccounts["aws-port-sync"]
			if sa == nil || res.o.deployment(t).Spec.Template.Spec.ServiceAccountName != "aws-port-sync" {
				t.Errorf("want the created service account aws-port-sync in use; have %s", describe(res.o))
			}
			if !strings.Contains(res.r.notes, "No IRSA role is set") {
				t.Errorf("NOTES do not warn about the missing IRSA role:\n%s", res.r.notes)
			}
			if got := res.o.deployment(t).Spec.Template.Spec.Containers[0].Image; got != "registry.example.com/aws-port-sync:0.1.0" {
				t.Errorf("image = %s", got)
			}
		},
	},
	{
		name: "the seed's IRSA command: Organizations mode, existing service account",
		doc:  "Port's IRSA command (Organizations mode), chart path swapped, plus the image and Temporal",
		check: func(t *testing.T, res result) {
			checkSeed(t, res)
			if res.cfg.AWS.AccountRoleARN != orgRoleARN || res.cfg.Mode() != "organization" {
				t.Errorf("worker: accountRoleArn %q, mode %s", res.cfg.AWS.AccountRoleARN, res.cfg.Mode())
			}
			if res.cfg.ScheduledResyncInterval != 1440*time.Minute || res.cfg.IntegrationIdentifier != "my-aws-v3-org" {
				t.Errorf("worker: interval %v, identifier %q", res.cfg.ScheduledResyncInterval, res.cfg.IntegrationIdentifier)
			}
			if !strings.Contains(res.r.notes, "temporal schedule trigger -s aws-port-sync/my-aws-v3-org") {
				t.Errorf("NOTES do not show how to trigger a resync:\n%s", res.r.notes)
			}
		},
	},
	{
		name: "Port's IAM-user command: integration.config.awsAccessKeyId / awsSecretAccessKey",
		doc:  "Port's IAM-user command (static keys), chart path swapped, plus the image and Temporal",
		check: func(t *testing.T, res result) {
			if res.cfg.AWS.AccessKeyID != docVars["AWS_ACCESS_KEY_ID"] || res.cfg.AWS.SecretAccessKey != docVars["AWS_SECRET_ACCESS_KEY"] {
				t.Errorf("the worker starts without the static keys: access key %q, secret set %v",
					res.cfg.AWS.AccessKeyID, res.cfg.AWS.SecretAccessKey != "")
			}
			for _, env := range []string{"OCEAN__INTEGRATION__CONFIG__AWS_ACCESS_KEY_ID", "OCEAN__INTEGRATION__CONFIG__AWS_SECRET_ACCESS_KEY"} {
				if res.worker.refs[env] == nil || res.job.refs[env] == nil {
					t.Errorf("%s does not come from the Secret", env)
				}
			}
		},
	},
	{
		name: "the chart creates the service account with the IRSA annotation (Port's single-account form)",
		doc:  "Or let the chart create the service account, annotated (Port's single-account IRSA form)",
		check: func(t *testing.T, res result) {
			sa := res.o.serviceAccounts[seedSA]
			if sa == nil {
				t.Fatalf("no ServiceAccount %s; have %s", seedSA, describe(res.o))
			}
			if sa.Annotations[irsaAnnotation] != docVars["ROLE_ARN"] {
				t.Errorf("IRSA annotation = %q", sa.Annotations[irsaAnnotation])
			}
			if strings.Contains(res.r.notes, "No IRSA role") || !strings.Contains(res.r.notes, docVars["ROLE_ARN"]) {
				t.Errorf("NOTES do not name the IRSA role that came through annotations:\n%s", res.r.notes)
			}
			if !reflect.DeepEqual(res.cfg.AWS.AccountRoleARNs, []string{docVars["ROLE_ARN"]}) {
				t.Errorf("accountRoleArns = %v", res.cfg.AWS.AccountRoleARNs)
			}
		},
	},
	{
		name: "Temporal Cloud with an API key from an existing Secret",
		doc:  "Temporal Cloud, API key",
		check: func(t *testing.T, res result) {
			if res.cfg.Temporal.APIKey != docVars["TEMPORAL_API_KEY"] || !res.cfg.Temporal.TLSEnabled() {
				t.Errorf("worker: API key set %v, TLS %v", res.cfg.Temporal.APIKey != "", res.cfg.Temporal.TLSEnabled())
			}
			if res.cfg.Temporal.Address != "us-east-1.aws.api.temporal.io:7233" || res.cfg.Temporal.Namespace != "my-ns.a1b2c" {
				t.Errorf("worker: Temporal %s / %s", res.cfg.Temporal.Address, res.cfg.Temporal.Namespace)
			}
		},
	},
	{
		name: "Temporal Cloud with mTLS, certificate files given with --set-file",
		doc:  "Temporal Cloud, mTLS",
		check: func(t *testing.T, res result) {
			for env, want := range map[string]string{"TEMPORAL_TLS_CERT": testCert, "TEMPORAL_TLS_KEY": testKey} {
				if got := res.worker.files[res.worker.env[env]]; got != want {
					t.Errorf("%s=%s: mounted %q, want the --set-file content", env, res.worker.env[env], got)
				}
			}
			if res.cfg.Temporal.Address != "my-ns.a1b2c.tmprl.cloud:7233" || res.cfg.Temporal.TLSCertPath == "" {
				t.Errorf("worker: Temporal %s, cert %q", res.cfg.Temporal.Address, res.cfg.Temporal.TLSCertPath)
			}
		},
	},
	{
		name: "traces to an OpenTelemetry collector",
		doc:  "Send traces to your OpenTelemetry collector",
		check: func(t *testing.T, res result) {
			env := res.worker.env
			if env["OTEL_EXPORTER_OTLP_ENDPOINT"] != "http://otel-collector.observability:4318" || env["OTEL_EXPORTER_OTLP_PROTOCOL"] != "http/protobuf" {
				t.Errorf("OTLP env = %s %s", env["OTEL_EXPORTER_OTLP_ENDPOINT"], env["OTEL_EXPORTER_OTLP_PROTOCOL"])
			}
			if !strings.Contains(env["OTEL_RESOURCE_ATTRIBUTES"], "k8s.pod.name=pod-0") || !strings.Contains(env["OTEL_RESOURCE_ATTRIBUTES"], "k8s.namespace.name="+seedNamespace) {
				t.Errorf("OTEL_RESOURCE_ATTRIBUTES = %q", env["OTEL_RESOURCE_ATTRIBUTES"])
			}
		},
	},
	{
		name: "tracing off by default",
		in:   install("aws-port-sync", required...),
		check: func(t *testing.T, res result) {
			for k := range res.worker.env {
				if strings.HasPrefix(k, "OTEL_") {
					t.Errorf("%s set although tracing.otlpEndpoint is empty", k)
				}
			}
		},
	},
	{
		name:    "tracing with an unknown protocol fails",
		in:      install("aws-port-sync", with("tracing.otlpEndpoint=http://c:4318", "tracing.protocol=http/json")...),
		wantErr: `tracing.protocol "http/json": use http/protobuf (port 4318) or grpc (port 4317)`,
	},

	// The seed's event listener reaches the worker and the schedule hook, and
	// the worker reads it as Ocean's POLLING listener.
	{
		name: "the seed's POLLING listener is passed through",
		in:   install("aws-port-sync", with("integration.eventListener.type=POLLING", "integration.eventListener.interval=30")...),
		check: func(t *testing.T, res result) {
			want := `{"interval":30,"resyncOnStart":true,"type":"POLLING"}`
			if got := res.worker.env["OCEAN__EVENT_LISTENER"]; got != want {
				t.Errorf("worker OCEAN__EVENT_LISTENER = %q, want %q", got, want)
			}
			if got := res.job.env["OCEAN__EVENT_LISTENER"]; got != want {
				t.Errorf("`starter ensure` OCEAN__EVENT_LISTENER = %q, want %q", got, want)
			}
			if res.cfg.Listener() != config.ListenerPolling {
				t.Errorf("the worker reads listener %q, want POLLING", res.cfg.Listener())
			}
		},
	},
	{
		name: "no listener: the schedule alone",
		in:   install("aws-port-sync", with("integration.eventListener.type=")...),
		check: func(t *testing.T, res result) {
			if got, ok := res.worker.env["OCEAN__EVENT_LISTENER"]; ok {
				t.Errorf("OCEAN__EVENT_LISTENER = %q, want none", got)
			}
		},
	},
	{
		name:    "ONCE is for a Job, not the Deployment",
		in:      install("aws-port-sync", with("integration.eventListener.type=ONCE")...),
		wantErr: "integration.eventListener.type=ONCE runs one resync and exits: it is for a Kubernetes Job or CronJob",
	},

	// 1. Port's names for static keys, and keys nothing reads.
	{
		name:    "a key nothing reads fails the install, naming it",
		in:      install("aws-port-sync", with("integration.config.liveEventsApiKey=x")...),
		wantErr: "integration.config.liveEventsApiKey: aws-port-sync has no such setting (it would become OCEAN__INTEGRATION__CONFIG__LIVE_EVENTS_API_KEY, which nothing reads)",
	},
	{
		name:    "a misspelt secret key fails the install",
		in:      install("aws-port-sync", with("integration.secrets.awsAccesKeyId=x")...),
		wantErr: "integration.secrets.awsAccesKeyId: aws-port-sync has no such setting",
	},
	{
		name:    "one setting in two spellings fails the install",
		in:      install("aws-port-sync", with("integration.config.awsAccessKeyId=a", "integration.secrets.aws_access_key_id=b")...),
		wantErr: "integration.config.awsAccessKeyId and integration.secrets.aws_access_key_id both set OCEAN__INTEGRATION__CONFIG__AWS_ACCESS_KEY_ID",
	},

	// 2. Long release names.
	longRelease(34), longRelease(40), longRelease(53),

	// 3. The IRSA annotation given twice.
	{
		name: "roleArn and the same annotation: one annotation",
		in: install("aws-port-sync", with("podServiceAccount.create=true", "podServiceAccount.roleArn="+orgRoleARN,
			`podServiceAccount.annotations.eks\.amazonaws\.com/role-arn=`+orgRoleARN)...),
		check: func(t *testing.T, res result) {
			if got := res.o.serviceAccounts["aws-port-sync"].Annotations[irsaAnnotation]; got != orgRoleARN {
				t.Errorf("annotation = %q", got)
			}
		},
	},
	{
		name: "the IRSA role given only as an annotation is named in NOTES",
		in: install("aws-port-sync", with("podServiceAccount.create=true",
			`podServiceAccount.annotations.eks\.amazonaws\.com/role-arn=`+orgRoleARN)...),
		check: func(t *testing.T, res result) {
			if strings.Contains(res.r.notes, "No IRSA role") || !strings.Contains(res.r.notes, orgRoleARN) {
				t.Errorf("NOTES:\n%s", res.r.notes)
			}
		},
	},
	{
		name: "roleArn and a different annotation fail",
		in: install("aws-port-sync", with("podServiceAccount.roleArn="+orgRoleARN,
			`podServiceAccount.annotations.eks\.amazonaws\.com/role-arn=arn:aws:iam::999999999999:role/Other`)...),
		wantErr: "name different IRSA roles: set one of them",
	},

	// 4. Service account forms that cannot work.
	{
		name:    "create=false without a name fails",
		in:      install("aws-port-sync", with("podServiceAccount.create=false")...),
		wantErr: "podServiceAccount.create=false means \"use an existing service account\": name it with podServiceAccount.name",
	},
	{
		name:    "an IRSA role for an existing service account fails (the chart cannot annotate it)",
		in:      install("aws-port-sync", with("podServiceAccount.name=port-ocean-aws-v3", "podServiceAccount.roleArn="+orgRoleARN)...),
		wantErr: "kubectl annotate serviceaccount port-ocean-aws-v3 -n port-ocean eks.amazonaws.com/role-arn=<role ARN>",
	},
	{
		name:    "no image fails, saying how to get one",
		in:      install("aws-port-sync", append(with(), "image.repository=")...),
		wantErr: "image.repository is required: aws-port-sync publishes no image; build deploy/Dockerfile",
	},
}

// longRelease is an install under a release name of n characters (Helm allows 53).
func longRelease(n int) installCase {
	name := strings.Repeat("r", n-len("-prod")) + "-prod"
	return installCase{
		name: fmt.Sprintf("a %d-character release name", n),
		in:   install(name, required...),
		check: func(t *testing.T, res result) {
			job := res.o.scheduleJob(t)
			if len(job.Name) > 63 || !strings.HasSuffix(job.Name, "-ensure-schedule") {
				t.Errorf("Job name %q (%d characters)", job.Name, len(job.Name))
			}
		},
	}
}

// checkSeed: the existing service account of the seed's flow is used, exists
// per the documented kubectl commands, and nothing else is created for it.
func checkSeed(t *testing.T, res result) {
	t.Helper()
	for _, spec := range res.o.podSpecs() {
		if spec.ServiceAccountName != seedSA {
			t.Errorf("serviceAccountName = %q, want the existing %s", spec.ServiceAccountName, seedSA)
		}
	}
	if len(res.o.serviceAccounts) != 0 {
		t.Errorf("the chart created a service account although podServiceAccount.name names an existing one: %s", describe(res.o))
	}
	if !strings.Contains(res.r.notes, "existing service account "+seedSA) {
		t.Errorf("NOTES do not say the service account must exist:\n%s", res.r.notes)
	}
}

// The PEM files the mTLS command passes with --set-file.
const (
	testCert = "-----BEGIN CERTIFICATE-----\nMIIBdoc\n-----END CERTIFICATE-----\n"
	testKey  = "-----BEGIN PRIVATE KEY-----\nMIIEdockeyxyz\n-----END PRIVATE KEY-----\n"
)

func TestInstallCases(t *testing.T) {
	docs := docHelmCommands(t)
	claimed := map[string]bool{}
	for _, tc := range installCases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			if tc.doc != "" {
				cmd, ok := docs[tc.doc]
				if !ok {
					t.Fatalf("deploy/README.md has no helm command under the comment %q; it has %v", tc.doc, sortedKeys(docs))
				}
				claimed[tc.doc] = true
				in = cmd.install
			}
			r, err := helmRender(t, in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("helm install: err = %v\nwant one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("helm would refuse the install: %v", err)
			}
			o := decodeStrict(t, r)
			for name, s := range docs[tc.doc].existingSecrets {
				o.secrets[name] = s
			}
			res := result{r: r, o: o}
			dep, job := o.deployment(t), o.scheduleJob(t)
			res.worker = o.container(t, dep.Spec.Template.Spec, "pod-0")
			res.job = o.container(t, job.Spec.Template.Spec, "pod-0")
			// The hook runs `starter ensure` with the worker's environment, after install and upgrade.
			if !reflect.DeepEqual(job.Spec.Template.Spec.Containers[0].Env, dep.Spec.Template.Spec.Containers[0].Env) {
				t.Errorf("the schedule Job's env differs from the worker's")
			}
			if got := job.Spec.Template.Spec.Containers[0].Command; !reflect.DeepEqual(got, []string{"/app/starter", "ensure"}) {
				t.Errorf("Job command = %v", got)
			}
			if got := dep.Spec.Template.Spec.Containers[0].Command; !reflect.DeepEqual(got, []string{"/app/worker"}) {
				t.Errorf("worker command = %v", got)
			}
			if !o.hooks["Job/"+job.Name] {
				t.Errorf("the schedule Job is not a hook")
			}
			for key, events := range r.hookKinds {
				if !reflect.DeepEqual(events, []string{"post-install", "post-upgrade"}) {
					t.Errorf("hook %s runs on %v, want post-install, post-upgrade", key, events)
				}
			}
			checkSecretsOnlyInSecrets(t, r, o, append(append([]string{}, docSecrets...), "port-secret-value", testKey))
			cfg, err := res.worker.workerConfig(t)
			if err != nil {
				t.Fatalf("the worker would not start with what the chart gives it:\n%v", err)
			}
			res.cfg = cfg
			if _, err := res.job.workerConfig(t); err != nil {
				t.Fatalf("`starter ensure` would not start with what the chart gives it:\n%v", err)
			}
			if tc.check != nil {
				tc.check(t, res)
			}
		})
	}
	for comment, cmd := range docs {
		if !claimed[comment] {
			t.Errorf("%s: a documented helm command no test runs", cmd.where)
		}
	}
}

// documented is a helm command of the docs, with the Secrets the kubectl
// commands of the same section create beforehand.
type documented struct {
	where           string
	install         helmInstall
	existingSecrets map[string]*corev1.Secret
}

// docHelmCommands finds every `helm upgrade --install` in deploy/README.md by
// the comment above it. The commands run from the repository root; --set-file
// reads the test's PEM files.
func docHelmCommands(t *testing.T) map[string]documented {
	t.Helper()
	pemDir := t.TempDir()
	for name, content := range map[string]string{"client.pem": testCert, "client.key": testKey} {
		if err := os.WriteFile(filepath.Join(pemDir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cmds := append(docCommands(t, docFile), docCommands(t, "../README.md")...)
	secrets := docSecretsCreated(t, cmds)
	out := map[string]documented{}
	for _, c := range cmds {
		if len(c.words) == 0 || c.words[0] != "helm" || len(c.words) < 2 || c.words[1] == "repo" || c.words[1] == "uninstall" {
			continue
		}
		if c.err != nil {
			t.Fatalf("%s: %v", c, c.err)
		}
		in, err := parseHelmArgs(c.words[1:], "..")
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		if in.chart != filepath.Join("..", "deploy", chartDir) {
			t.Errorf("%s: chart %s, want ./deploy/%s", c, in.chart, chartDir)
		}
		in.chart = chartDir
		in.dir = pemDir
		if _, dup := out[c.comment]; dup || c.comment == "" {
			t.Fatalf("%s: each helm command needs a comment of its own above it", c)
		}
		out[c.comment] = documented{where: fmt.Sprintf("%s:%d", c.file, c.line), install: in, existingSecrets: secrets}
	}
	return out
}

// TestDocumentedServiceAccount: the seed's flow creates the service account
// before the install, in the namespace the install uses, under the name it
// passes, annotated with the role the AWS roles trust.
func TestDocumentedServiceAccount(t *testing.T) {
	docs := docHelmCommands(t)
	seed := docs[installCases[1].doc].install
	var sa string
	for _, v := range seed.values {
		if k, val, _ := strings.Cut(v, "="); k == "podServiceAccount.name" {
			sa = val
		}
	}
	var created, annotated bool
	for _, c := range docCommands(t, docFile) {
		w := c.words
		if len(w) < 4 || w[0] != "kubectl" {
			continue
		}
		ns := flagValue(w, "-n", "--namespace")
		switch {
		case w[1] == "create" && w[2] == "serviceaccount":
			created = created || (w[3] == sa && ns == seed.namespace)
		case w[1] == "annotate" && w[2] == "serviceaccount" && w[3] == sa && ns == seed.namespace:
			for _, a := range w[4:] {
				if strings.HasPrefix(a, irsaAnnotation+"=arn:aws:iam::") {
					annotated = true
				}
			}
		}
	}
	if sa == "" || !created || !annotated {
		t.Errorf("deploy/README.md must create (kubectl create serviceaccount %s -n %s) and annotate (%s=…) the service account the seed's install uses before it: created %v, annotated %v",
			sa, seed.namespace, irsaAnnotation, created, annotated)
	}
	// The step comes before the install.
	text, _ := os.ReadFile(docFile)
	if i, j := strings.Index(string(text), "kubectl create serviceaccount"), strings.Index(string(text), "# "+installCases[1].doc); i < 0 || i > j {
		t.Errorf("the service account step must come before the install in deploy/README.md")
	}
}

func flagValue(words []string, names ...string) string {
	for i, w := range words {
		for _, n := range names {
			if w == n && i+1 < len(words) {
				return words[i+1]
			}
			if v, ok := strings.CutPrefix(w, n+"="); ok {
				return v
			}
		}
	}
	return ""
}

// Every spelling of every setting the worker reads, under integration.config
// and integration.secrets, reaches the worker through the variable Port's
// chart rule names; credentials and everything under secrets only through
// the chart's Secret.
func TestIntegrationKeysEverySpelling(t *testing.T) {
	samples := map[string]string{
		"ACCOUNT_ROLE_ARN": orgRoleARN, "ACCOUNT_ROLE_ARNS": `["` + orgRoleARN + `"]`, "OU_ID": "ou-abcd-12345678",
		"EXTERNAL_ID": "ext-1", "AWS_PARTITION": "aws", "CREDENTIAL_PROVIDER_PRIORITY": "AssumeRole",
		"AWS_ACCESS_KEY_ID": "AKIAEXAMPLEEXAMPLE01", "AWS_SECRET_ACCESS_KEY": "aws-secret-xyz",
		"AWS_SESSION_TOKEN": "session-token-xyz", "MAX_CONCURRENT_ACCOUNTS": "3", "MAX_PORT_REQUESTS_PER_SECOND": "12.5", "PORT_REQUEST_BURST": "40", "REGION": "eu-west-1",
		"FALLBACK_REGIONS": "eu-west-1", "EXCLUDED_ACCOUNT_IDS": "111111111111", "EXCLUDED_OU_IDS": "ou-abcd-87654321",
		"INCLUDE_ACCOUNT_TAGS": "env=prod", "EXCLUDE_ACCOUNT_TAGS": "env=sandbox",
		"ACCOUNT_ROLE_OVERRIDES": `[{"accountId":"222222222222"\,"roleName":"LegacyReadRole"}]`,
	}
	for _, s := range config.IntegrationSettings {
		for _, key := range s.Keys {
			for _, section := range []string{"config", "secrets"} {
				value := samples[s.Name]
				sets := with(fmt.Sprintf("integration.%s.%s=%s", section, key, value))
				switch s.Name { // settings that only make sense with another
				case "OU_ID", "EXCLUDED_ACCOUNT_IDS", "EXCLUDED_OU_IDS", "INCLUDE_ACCOUNT_TAGS", "EXCLUDE_ACCOUNT_TAGS", "ACCOUNT_ROLE_OVERRIDES":
					sets = append(sets, "integration.config.accountRoleArn="+orgRoleARN)
				case "AWS_ACCESS_KEY_ID":
					sets = append(sets, "integration.secrets.awsSecretAccessKey=aws-secret-xyz")
				case "AWS_SECRET_ACCESS_KEY":
					sets = append(sets, "integration.secrets.awsAccessKeyId=AKIAEXAMPLEEXAMPLE01")
				case "AWS_SESSION_TOKEN":
					sets = append(sets, "integration.secrets.awsAccessKeyId=AKIAEXAMPLEEXAMPLE01", "integration.secrets.awsSecretAccessKey=aws-secret-xyz")
				}
				in := install("aws-port-sync", sets...)
				in.values = sets
				r, o := mustRender(t, in)
				w := o.container(t, o.deployment(t).Spec.Template.Spec, "pod-0")
				where := fmt.Sprintf("--set integration.%s.%s", section, key)
				got, ok := w.env[s.Env()]
				if !ok {
					t.Errorf("%s: the worker gets no %s", where, s.Env())
					continue
				}
				value = strings.ReplaceAll(value, `\,`, ",") // --set's escaped comma
				if want := strings.Trim(value, `[]"`); got != value && got != want {
					t.Errorf("%s: %s = %q, want %q", where, s.Env(), got, value)
				}
				if (s.Secret || section == "secrets") && w.refs[s.Env()] == nil {
					t.Errorf("%s: %s must come from the Secret", where, s.Env())
				}
				if s.Secret {
					checkSecretsOnlyInSecrets(t, r, o, []string{value})
				}
				if _, err := w.workerConfig(t); err != nil {
					t.Errorf("%s: the worker rejects it: %v", where, err)
				}
			}
		}
	}
}

// The chart's list of integration settings is the worker's (internal/config).
func TestChartKnowsTheWorkersSettings(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(chartDir, "templates", "_helpers.tpl"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?s)\{\{- define "aws-port-sync.integrationSettings" -\}\}\n(.*?)\{\{- end -\}\}`).FindSubmatch(src)
	if m == nil {
		t.Fatal("no aws-port-sync.integrationSettings in _helpers.tpl")
	}
	var chart map[string]struct {
		Keys   []string `json:"keys"`
		Secret bool     `json:"secret"`
	}
	if err := yaml.UnmarshalStrict(m[1], &chart); err != nil {
		t.Fatal(err)
	}
	if len(chart) != len(config.IntegrationSettings) {
		t.Errorf("the chart knows %d settings, the worker %d", len(chart), len(config.IntegrationSettings))
	}
	for _, s := range config.IntegrationSettings {
		c, ok := chart[s.Name]
		if !ok || !reflect.DeepEqual(c.Keys, s.Keys) || c.Secret != s.Secret {
			t.Errorf("%s: chart has %+v, the worker %+v", s.Name, c, s)
		}
	}
}

// TestEverySetting sets everything at once: each variable's value, the TLS
// files and the mapping mounted where the variables point.
func TestEverySetting(t *testing.T) {
	mapping := "deleteDependentEntities: true\nresources:\n- kind: AWS::S3::Bucket\n  selector:\n    query: \"true\"\n  port:\n    entity:\n      mappings:\n        identifier: .Properties.Arn\n        blueprint: '\"s3Bucket\"'\n"
	dir := t.TempDir()
	mappingFile := filepath.Join(dir, "mapping.yaml")
	if err := os.WriteFile(mappingFile, []byte("portAppConfig:\n"+indent(mapping, "  ")), 0o600); err != nil {
		t.Fatal(err)
	}
	in := install("demo", with(
		"integration.config.accountRoleArns={arn:aws:iam::111111111111:role/R,arn:aws:iam::222222222222:role/R}",
		"integration.config.externalId=ext-123",
		"integration.config.aws_partition=aws",
		"integration.config.credentialProviderPriority={AssumeRole,StaticCredential}",
		"integration.config.maxConcurrentAccounts=3",
		"integration.config.region=eu-west-1",
		"integration.secrets.aws_access_key_id=AKIAEXAMPLE",
		"integration.secrets.aws_secret_access_key=aws-secret-xyz",
		"temporal.namespace=ns.acct", "temporal.taskQueue=q", "temporal.apiKey=temporal-key-xyz",
		"temporal.tls.cert=CERT-PEM", "temporal.tls.key=KEY-PEM-xyz", "temporal.tls.ca=CA-PEM",
		"temporal.tls.serverName=ns.acct.tmprl.cloud",
		"podServiceAccount.roleArn="+orgRoleARN,
	)...)
	in.valueFiles = []string{mappingFile}
	r, o := mustRender(t, in)
	w := o.container(t, o.deployment(t).Spec.Template.Spec, "pod-0")
	checkSecretsOnlyInSecrets(t, r, o, []string{"port-secret-value", "aws-secret-xyz", "temporal-key-xyz", "KEY-PEM-xyz", "AKIAEXAMPLE"})
	cfg, err := w.workerConfig(t)
	if err != nil {
		t.Fatalf("the worker rejects it: %v", err)
	}
	if !reflect.DeepEqual(cfg.AWS.AccountRoleARNs, []string{"arn:aws:iam::111111111111:role/R", "arn:aws:iam::222222222222:role/R"}) ||
		cfg.AWS.ExternalID != "ext-123" || cfg.AWS.Partition != "aws" || cfg.MaxConcurrentAccounts != 3 || cfg.AWS.Region != "eu-west-1" ||
		!reflect.DeepEqual(cfg.AWS.CredentialProviderPriority, []string{"AssumeRole", "StaticCredential"}) ||
		cfg.AWS.AccessKeyID != "AKIAEXAMPLE" || cfg.AWS.SecretAccessKey != "aws-secret-xyz" ||
		cfg.Temporal.Namespace != "ns.acct" || cfg.Temporal.TaskQueue != "q" || cfg.Temporal.APIKey != "temporal-key-xyz" ||
		cfg.Temporal.TLSServerName != "ns.acct.tmprl.cloud" {
		t.Errorf("worker config = %+v", cfg)
	}
	for env, want := range map[string]string{"TEMPORAL_TLS_CERT": "CERT-PEM", "TEMPORAL_TLS_KEY": "KEY-PEM-xyz", "TEMPORAL_TLS_CA": "CA-PEM"} {
		if got := w.files[w.env[env]]; got != want {
			t.Errorf("%s=%s holds %q, want %q", env, w.env[env], got, want)
		}
	}
	var back, wantMapping map[string]any
	if err := yaml.Unmarshal([]byte(w.files[w.env["PORT_APP_CONFIG_FILE"]]), &back); err != nil {
		t.Fatalf("mounted port-app-config.yml (%s): %v", w.env["PORT_APP_CONFIG_FILE"], err)
	}
	_ = yaml.Unmarshal([]byte(mapping), &wantMapping)
	if !reflect.DeepEqual(back, wantMapping) {
		t.Errorf("mounted mapping = %v, want %v", back, wantMapping)
	}
	if err := app.CheckMappingFile(mustWrite(t, w.files[w.env["PORT_APP_CONFIG_FILE"]])); err != nil {
		t.Errorf("the worker rejects the mounted mapping: %v", err)
	}
	sa := o.serviceAccounts["demo-aws-port-sync"]
	if sa == nil || sa.Annotations[irsaAnnotation] != orgRoleARN {
		t.Errorf("created service account with the IRSA annotation: %v", sa)
	}
}

func indent(s, pad string) string {
	return pad + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n"+pad) + "\n"
}

func mustWrite(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Numbers in a values file (JSON numbers to Helm) reach the worker as written.
func TestNumbersFromValuesFile(t *testing.T) {
	file := mustWrite(t, "integration:\n  config:\n    externalId: 123456789012\n    maxConcurrentAccounts: 7\n")
	in := install("aws-port-sync", required...)
	in.valueFiles = []string{file}
	_, o := mustRender(t, in)
	w := o.container(t, o.deployment(t).Spec.Template.Spec, "pod-0")
	if got := w.env["OCEAN__INTEGRATION__CONFIG__EXTERNAL_ID"]; got != "123456789012" {
		t.Errorf("externalId = %q", got)
	}
	if got := w.env["OCEAN__INTEGRATION__CONFIG__MAX_CONCURRENT_ACCOUNTS"]; got != "7" {
		t.Errorf("maxConcurrentAccounts = %q", got)
	}
}

// Scoping from a values file: lists become commas, accountRoleOverrides (a
// list of maps) JSON, and the worker reads them back as written.
func TestScopingFromValuesFile(t *testing.T) {
	file := mustWrite(t, `integration:
  config:
    accountRoleArn: `+orgRoleARN+`
    excludedAccountIds: ["111111111111", "222222222222"]
    excludedOuIds: [ou-abcd-12345678]
    includeAccountTags: [env=prod, team=data]
    excludeAccountTags: [env=sandbox]
    accountRoleOverrides:
      - {accountId: "333333333333", roleName: LegacyReadRole, externalId: legacy}
      - {ouId: ou-abcd-87654321, roleName: acquired/PortReadRole}
`)
	in := install("aws-port-sync", required...)
	in.valueFiles = []string{file}
	_, o := mustRender(t, in)
	w := o.container(t, o.deployment(t).Spec.Template.Spec, "pod-0")
	if got := w.env["OCEAN__INTEGRATION__CONFIG__EXCLUDED_ACCOUNT_IDS"]; got != "111111111111,222222222222" {
		t.Errorf("excludedAccountIds = %q", got)
	}
	cfg, err := w.workerConfig(t)
	if err != nil {
		t.Fatalf("the worker rejects it: %v", err)
	}
	want := []config.RoleOverride{{AccountID: "333333333333", RoleName: "LegacyReadRole", ExternalID: "legacy"}, {OUID: "ou-abcd-87654321", RoleName: "acquired/PortReadRole"}}
	if !reflect.DeepEqual(cfg.AWS.AccountRoleOverrides, want) || !reflect.DeepEqual(cfg.AWS.IncludeAccountTags, []string{"env=prod", "team=data"}) ||
		!reflect.DeepEqual(cfg.AWS.ExcludedOUIDs, []string{"ou-abcd-12345678"}) || !reflect.DeepEqual(cfg.AWS.ExcludeAccountTags, []string{"env=sandbox"}) {
		t.Errorf("worker reads overrides %+v, include %v, OUs %v, exclude %v", cfg.AWS.AccountRoleOverrides, cfg.AWS.IncludeAccountTags, cfg.AWS.ExcludedOUIDs, cfg.AWS.ExcludeAccountTags)
	}
}

// TestExistingSecrets: with existing Secrets the chart stores no credentials.
func TestExistingSecrets(t *testing.T) {
	_, o := mustRender(t, install("demo",
		"image.repository=r/aws-port-sync", "integration.identifier=aws", "temporal.address=t:7233",
		"port.existingSecret=port-credentials", "temporal.existingSecret=temporal-credentials",
		"temporal.tls.existingSecret=temporal-mtls", "temporal.tls.caKey="))
	if len(o.secrets) != 0 {
		t.Errorf("the chart created Secrets although existing ones were given: %s", describe(o))
	}
	spec := o.deployment(t).Spec.Template.Spec
	w := o.container(t, spec, "pod-0")
	for name, secret := range map[string]string{
		"OCEAN__PORT__CLIENT_ID": "port-credentials", "OCEAN__PORT__CLIENT_SECRET": "port-credentials", "TEMPORAL_API_KEY": "temporal-credentials",
	} {
		if ref := w.refs[name]; ref == nil || ref.SecretKeyRef.Name != secret {
			t.Errorf("%s from %v, want Secret %s", name, ref, secret)
		}
	}
	if _, ok := w.env["TEMPORAL_TLS_CA"]; ok {
		t.Errorf("TEMPORAL_TLS_CA set although temporal.tls.caKey is blank")
	}
	for _, name := range []string{"TEMPORAL_TLS_CERT", "TEMPORAL_TLS_KEY"} {
		if _, ok := w.env[name]; !ok {
			t.Errorf("%s not set with temporal.tls.existingSecret", name)
		}
	}
	found := false
	for _, v := range spec.Volumes {
		found = found || (v.Name == "temporal-tls" && v.Secret != nil && v.Secret.SecretName == "temporal-mtls")
	}
	if !found {
		t.Errorf("no temporal-tls volume from Secret temporal-mtls: %v", spec.Volumes)
	}
}

// TestRequiredValues: a missing required value fails the install with its name.
func TestRequiredValues(t *testing.T) {
	for _, missing := range []string{"integration.identifier", "temporal.address", "port.clientSecret", "port.clientId", "image.repository"} {
		_, err := helmRender(t, install("aws-port-sync", append(with(), missing+"=")...))
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
	_, o := mustRender(t, install("aws-port-sync", required...))
	grace := o.deployment(t).Spec.Template.Spec.TerminationGracePeriodSeconds
	if grace == nil || time.Duration(*grace)*time.Second < stop+30*time.Second {
		t.Errorf("terminationGracePeriodSeconds = %v, want at least the worker's %v stop timeout + 30s", grace, stop)
	}
}

func TestMetricsSwitch(t *testing.T) {
	_, off := mustRender(t, install("aws-port-sync", required...))
	if env := off.container(t, off.deployment(t).Spec.Template.Spec, "p").env; env["AWS_PORT_SYNC_METRICS_ADDR"] != "" {
		t.Errorf("metrics on by default: %v", env["AWS_PORT_SYNC_METRICS_ADDR"])
	}
	_, on := mustRender(t, install("aws-port-sync", with("metrics.enabled=true")...))
	dep := on.deployment(t)
	if env := on.container(t, dep.Spec.Template.Spec, "p").env; env["AWS_PORT_SYNC_METRICS_ADDR"] != ":9464" {
		t.Errorf("AWS_PORT_SYNC_METRICS_ADDR = %q, want :9464", env["AWS_PORT_SYNC_METRICS_ADDR"])
	}
	if ports := dep.Spec.Template.Spec.Containers[0].Ports; len(ports) != 1 || ports[0].ContainerPort != 9464 {
		t.Errorf("container ports = %v, want 9464", ports)
	}
	if dep.Spec.Template.Annotations["prometheus.io/scrape"] != "true" {
		t.Errorf("prometheus.io/scrape = %v", dep.Spec.Template.Annotations["prometheus.io/scrape"])
	}
}
