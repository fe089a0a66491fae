package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadDefaults(t *testing.T) {
	cfg, err := Load(env(nil), "")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Port.BaseURL != "https://api.getport.io" || !cfg.InitializePortResources ||
		cfg.ScheduledResyncInterval != 60*time.Minute || cfg.MaxConcurrentAccounts != 5 ||
		cfg.MaxPortRequestsPerSecond < 93.3 || cfg.MaxPortRequestsPerSecond > 93.4 || cfg.PortRequestBurst != 7000 ||
		cfg.Temporal.Address != "127.0.0.1:7233" || cfg.Temporal.Namespace != "default" ||
		cfg.Temporal.TaskQueue != "aws-port-sync" || cfg.AWS.Partition != "aws" || cfg.Version != "dev" ||
		!reflect.DeepEqual(cfg.AWS.CredentialProviderPriority, []string{"AssumeRoleWithWebIdentity", "StaticCredential", "AssumeRole"}) ||
		cfg.Mode() != "single" {
		t.Errorf("defaults = %#v", cfg)
	}
}

const fullFile = `
port:
  clientId: file-id
  clientSecret: file-secret
  baseUrl: https://api.us.getport.io/
initializePortResources: false
scheduledResyncInterval: 30
integration:
  identifier: file-integration
  config:
    accountRoleArns: ["arn:aws-us-gov:iam::111111111111:role/R", "arn:aws-us-gov:iam::222222222222:role/R"]
    ouId: ou-abcd-12345678, ou-abcd-87654321
    externalId: file-ext
    credentialProviderPriority: [assumerole, StaticCredential]
    maxConcurrentAccounts: 3
    region: us-gov-west-1
    fallbackRegions: [us-gov-west-1, us-gov-east-1]
    aws_access_key_id: AKIAFILEFILEFILE
  secrets:
    aws_secret_access_key: file-aws-secret
temporal:
  address: temporal.internal:7233
  namespace: prod
  apiKey: file-api-key
  taskQueue: q1
  tls: {cert: /c.pem, key: /k.pem, ca: /ca.pem, serverName: t.example}
portAppConfigFile: /etc/port-app-config.yml
version: 1.2.3
`

func TestLoadFile(t *testing.T) {
	cfg, err := Load(env(nil), writeFile(t, "values.yaml", fullFile))
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		Port:                    Port{ClientID: "file-id", ClientSecret: "file-secret", BaseURL: "https://api.us.getport.io"},
		IntegrationIdentifier:   "file-integration",
		InitializePortResources: false,
		ScheduledResyncInterval: 30 * time.Minute,
		AWS: AWS{
			AccountRoleARNs:            []string{"arn:aws-us-gov:iam::111111111111:role/R", "arn:aws-us-gov:iam::222222222222:role/R"},
			OUIDs:                      []string{"ou-abcd-12345678", "ou-abcd-87654321"},
			ExternalID:                 "file-ext",
			Partition:                  "aws-us-gov",
			CredentialProviderPriority: []string{"AssumeRole", "StaticCredential"},
			AccessKeyID:                "AKIAFILEFILEFILE",
			SecretAccessKey:            "file-aws-secret",
			Region:                     "us-gov-west-1",
			FallbackRegions:            []string{"us-gov-west-1", "us-gov-east-1"},
		},
		MappingFile:              "/etc/port-app-config.yml",
		MaxConcurrentAccounts:    3,
		MaxPortRequestsPerSecond: DefaultMaxPortRequestsPerSecond,
		PortRequestBurst:         DefaultPortRequestBurst,
		Temporal: Temporal{Address: "temporal.internal:7233", Namespace: "prod", APIKey: "file-api-key",
			TLSCertPath: "/c.pem", TLSKeyPath: "/k.pem", TLSCAPath: "/ca.pem", TLSServerName: "t.example", TaskQueue: "q1"},
		Version:          "1.2.3",
		EventListener:    EventListener{Interval: DefaultPollingInterval, ResyncOnStart: true},
		partitionDerived: true,
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("file config:\n got %s\nwant %s", dump(cfg), dump(want))
	}
	if cfg.Mode() != "explicit" {
		t.Errorf("mode = %s", cfg.Mode())
	}
}

// dump prints every field, secrets included (test-only).
func dump(c *Config) string {
	return strings.Join([]string{c.Port.ClientID, c.Port.ClientSecret, c.Port.BaseURL, c.IntegrationIdentifier,
		c.ScheduledResyncInterval.String(), strings.Join(c.AWS.AccountRoleARNs, ","), strings.Join(c.AWS.OUIDs, ","),
		c.AWS.ExternalID, c.AWS.Partition, strings.Join(c.AWS.CredentialProviderPriority, ","), c.AWS.AccessKeyID,
		c.AWS.SecretAccessKey, c.AWS.SessionToken, c.AWS.Region, strings.Join(c.AWS.FallbackRegions, ","), c.AWS.WebIdentityTokenFile, c.MappingFile,
		c.Temporal.Address, c.Temporal.Namespace, c.Temporal.APIKey, c.Temporal.TaskQueue, c.Temporal.TLSCertPath,
		c.Temporal.TLSKeyPath, c.Temporal.TLSCAPath, c.Temporal.TLSServerName, c.Version}, "|")
}

func TestEnvOverridesFile(t *testing.T) {
	file := writeFile(t, "values.yaml", fullFile)
	cases := []struct {
		env  map[string]string
		read func(*Config) any
		want any
	}{
		{map[string]string{"OCEAN__PORT__CLIENT_ID": "env-id"}, func(c *Config) any { return c.Port.ClientID }, "env-id"},
		{map[string]string{"OCEAN__PORT__CLIENT_SECRET": "env-secret"}, func(c *Config) any { return c.Port.ClientSecret }, "env-secret"},
		{map[string]string{"OCEAN__PORT__BASE_URL": "https://api.port.io"}, func(c *Config) any { return c.Port.BaseURL }, "https://api.port.io"},
		{map[string]string{"OCEAN__INTEGRATION__IDENTIFIER": "env-int"}, func(c *Config) any { return c.IntegrationIdentifier }, "env-int"},
		{map[string]string{"OCEAN__INITIALIZE_PORT_RESOURCES": "true"}, func(c *Config) any { return c.InitializePortResources }, true},
		{map[string]string{"OCEAN__SCHEDULED_RESYNC_INTERVAL": "120"}, func(c *Config) any { return c.ScheduledResyncInterval }, 2 * time.Hour},
		{map[string]string{"OCEAN__SCHEDULED_RESYNC_INTERVAL": "90m"}, func(c *Config) any { return c.ScheduledResyncInterval }, 90 * time.Minute},
		{map[string]string{"OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN": "arn:aws:iam::123456789012:role/Org"},
			func(c *Config) any { return c.AWS.AccountRoleARN }, "arn:aws:iam::123456789012:role/Org"},
		{map[string]string{"OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARNS": `["arn:aws:iam::333333333333:role/R"]`},
			func(c *Config) any { return c.AWS.AccountRoleARNs }, []string{"arn:aws:iam::333333333333:role/R"}},
		{map[string]string{"OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARNS": "arn:aws:iam::333333333333:role/R, arn:aws:iam::444444444444:role/R,"},
			func(c *Config) any { return c.AWS.AccountRoleARNs }, []string{"arn:aws:iam::333333333333:role/R", "arn:aws:iam::444444444444:role/R"}},
		{map[string]string{"OCEAN__INTEGRATION__CONFIG__OU_ID": "r-abcd"}, func(c *Config) any { return c.AWS.OUIDs }, []string{"r-abcd"}},
		{map[string]string{"OCEAN__INTEGRATION__CONFIG__EXTERNAL_ID": "env-ext"}, func(c *Config) any { return c.AWS.ExternalID }, "env-ext"},
		{map[string]string{"OCEAN__INTEGRATION__CONFIG__AWS_PARTITION": "aws-cn"}, func(c *Config) any { return c.AWS.Partition }, "aws-cn"},
		{map[string]string{"OCEAN__INTEGRATION__CONFIG__CREDENTIAL_PROVIDER_PRIORITY": "StaticCredential"},
			func(c *Config) any { return c.AWS.CredentialProviderPriority }, []string{"StaticCredential"}},
		{map[string]string{"OCEAN__INTEGRATION__CONFIG__AWS_ACCESS_KEY_ID": "AKIAENV"}, func(c *Config) any { return c.AWS.AccessKeyID }, "AKIAENV"},
		{map[string]string{"OCEAN__INTEGRATION__CONFIG__AWS_SECRET_ACCESS_KEY": "env-aws-secret"}, func(c *Config) any { return c.AWS.SecretAccessKey }, "env-aws-secret"},
		{map[string]string{"OCEAN__INTEGRATION__CONFIG__AWS_SESSION_TOKEN": "env-token"}, func(c *Config) any { return c.AWS.SessionToken }, "env-token"},
		{map[string]string{"OCEAN__INTEGRATION__CONFIG__MAX_CONCURRENT_ACCOUNTS": "9"}, func(c *Config) any { return c.MaxConcurrentAccounts }, 9},
		{map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token"}, func(c *Config) any { return c.AWS.WebIdentityTokenFile }, "/var/run/token"},
		{map[string]string{"AWS_DEFAULT_REGION": "eu-west-1"}, func(c *Config) any { return c.AWS.Region }, "eu-west-1"},
		{map[string]string{"AWS_DEFAULT_REGION": "eu-west-1", "AWS_REGION": "eu-central-1"}, func(c *Config) any { return c.AWS.Region }, "eu-central-1"},
		{map[string]string{"OCEAN__INTEGRATION__CONFIG__FALLBACK_REGIONS": `["eu-west-1","us-east-1"]`},
			func(c *Config) any { return c.AWS.FallbackRegions }, []string{"eu-west-1", "us-east-1"}},
		{map[string]string{"OCEAN__INTEGRATION__CONFIG__FALLBACK_REGIONS": "eu-west-1, us-east-1,eu-west-1"},
			func(c *Config) any { return c.AWS.FallbackRegions }, []string{"eu-west-1", "us-east-1"}},
		{map[string]string{"PORT_APP_CONFIG_FILE": "/tmp/m.yml"}, func(c *Config) any { return c.MappingFile }, "/tmp/m.yml"},
		{map[string]string{"AWS_PORT_SYNC_VERSION": "9.9.9"}, func(c *Config) any { return c.Version }, "9.9.9"},
		{map[string]string{"TEMPORAL_ADDRESS": "t:1"}, func(c *Config) any { return c.Temporal.Address }, "t:1"},
		{map[string]string{"TEMPORAL_NAMESPACE": "ns"}, func(c *Config) any { return c.Temporal.Namespace }, "ns"},
		{map[string]string{"TEMPORAL_API_KEY": "env-key"}, func(c *Config) any { return c.Temporal.APIKey }, "env-key"},
		{map[string]string{"TEMPORAL_TLS_CERT": "/e.pem"}, func(c *Config) any { return c.Temporal.TLSCertPath }, "/e.pem"},
		{map[string]string{"TEMPORAL_TLS_KEY": "/ek.pem"}, func(c *Config) any { return c.Temporal.TLSKeyPath }, "/ek.pem"},
		{map[string]string{"TEMPORAL_TLS_CA": "/eca.pem"}, func(c *Config) any { return c.Temporal.TLSCAPath }, "/eca.pem"},
		{map[string]string{"TEMPORAL_TLS_SERVER_NAME": "e.example"}, func(c *Config) any { return c.Temporal.TLSServerName }, "e.example"},
		{map[string]string{"TEMPORAL_TASK_QUEUE": "q2"}, func(c *Config) any { return c.Temporal.TaskQueue }, "q2"},
		// An empty variable does not blank the file's value.
		{map[string]string{"OCEAN__PORT__CLIENT_ID": "  "}, func(c *Config) any { return c.Port.ClientID }, "file-id"},
	}
	for _, c := range cases {
		cfg, err := Load(env(c.env), file)
		if err != nil {
			t.Fatalf("%v: %v", c.env, err)
		}
		if got := c.read(cfg); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%v: got %v, want %v", c.env, got, c.want)
		}
	}
}

func TestPartitionDerivation(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, "aws"},
		{map[string]string{"OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN": "arn:aws-cn:iam::123456789012:role/R"}, "aws-cn"},
		{map[string]string{"OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARNS": "arn:aws-us-gov:iam::123456789012:role/R,arn:aws:iam::123456789013:role/R"}, "aws-us-gov"},
		{map[string]string{"OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN": "not-an-arn"}, "aws"},
		{map[string]string{"OCEAN__INTEGRATION__CONFIG__AWS_PARTITION": "aws", "OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN": "arn:aws-cn:iam::123456789012:role/R"}, "aws"},
	}
	for _, c := range cases {
		cfg, err := Load(env(c.env), "")
		if err != nil {
			t.Fatal(err)
		}
		if cfg.AWS.Partition != c.want {
			t.Errorf("%v: partition %q, want %q", c.env, cfg.AWS.Partition, c.want)
		}
	}
}

func TestLoadReportsUnparseableValues(t *testing.T) {
	_, err := Load(env(map[string]string{
		"OCEAN__INITIALIZE_PORT_RESOURCES":                         "yes please",
		"OCEAN__SCHEDULED_RESYNC_INTERVAL":                         "soon",
		"OCEAN__INTEGRATION__CONFIG__MAX_CONCURRENT_ACCOUNTS":      "five",
		"OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARNS":            `["unterminated`,
		"OCEAN__INTEGRATION__CONFIG__MAX_PORT_REQUESTS_PER_SECOND": "fast",
		"OCEAN__INTEGRATION__CONFIG__PORT_REQUEST_BURST":           "lots",
	}), "")
	if err == nil {
		t.Fatal("want errors")
	}
	for _, want := range []string{
		`initializePortResources (OCEAN__INITIALIZE_PORT_RESOURCES): "yes please" is not true or false`,
		`scheduledResyncInterval (OCEAN__SCHEDULED_RESYNC_INTERVAL): "soon" is neither a number of minutes nor a duration like 90m`,
		`integration.config.maxConcurrentAccounts (OCEAN__INTEGRATION__CONFIG__MAX_CONCURRENT_ACCOUNTS): "five" is not a whole number`,
		`integration.config.accountRoleArns (OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARNS): "[\"unterminated" is not a JSON array of strings`,
		`integration.config.maxPortRequestsPerSecond (OCEAN__INTEGRATION__CONFIG__MAX_PORT_REQUESTS_PER_SECOND): "fast" is not a number of requests per second`,
		`integration.config.portRequestBurst (OCEAN__INTEGRATION__CONFIG__PORT_REQUEST_BURST): "lots" is not a whole number of requests`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	file := writeFile(t, "values.yaml", "integration:\n  config:\n    maxPortRequestsPerSecond: fast\n")
	if _, err := Load(env(nil), file); err == nil ||
		!strings.Contains(err.Error(), "integration.config.maxPortRequestsPerSecond (OCEAN__INTEGRATION__CONFIG__MAX_PORT_REQUESTS_PER_SECOND)") {
		t.Errorf("garbage rate in the file: %v", err)
	}
	if _, err := Load(env(map[string]string{"OCEAN__SCHEDULED_RESYNC_INTERVAL": "1.5"}), ""); err == nil ||
		!strings.Contains(err.Error(), `"1.5" is not a whole number of minutes`) {
		t.Errorf("fractional minutes: %v", err)
	}
}

func TestLoadFileErrors(t *testing.T) {
	if _, err := Load(env(nil), filepath.Join(t.TempDir(), "missing.yaml")); err == nil || !strings.Contains(err.Error(), "config file") {
		t.Errorf("missing file: %v", err)
	}
	bad := writeFile(t, "bad.yaml", "port:\n  clientId: [a, b]\nscheduledResyncInterval: later\n")
	_, err := Load(env(nil), bad)
	if err == nil || !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), `"later" is neither a number of minutes`) {
		t.Errorf("bad file: %v", err)
	}
}

func TestLoadDedupesAndCanonicalizes(t *testing.T) {
	cfg, err := Load(env(map[string]string{
		"OCEAN__INTEGRATION__CONFIG__OU_ID":                        "ou-abcd-12345678,ou-abcd-12345678 , r-abcd",
		"OCEAN__INTEGRATION__CONFIG__CREDENTIAL_PROVIDER_PRIORITY": "staticcredential, ASSUMEROLE,StaticCredential",
	}), "")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cfg.AWS.OUIDs, []string{"ou-abcd-12345678", "r-abcd"}) ||
		!reflect.DeepEqual(cfg.AWS.CredentialProviderPriority, []string{"StaticCredential", "AssumeRole"}) {
		t.Errorf("ou %v providers %v", cfg.AWS.OUIDs, cfg.AWS.CredentialProviderPriority)
	}
}

// A syntax error deep in the file names the offending line, not the line
// before the mapping that holds it (yaml.v3 reports the parser's context).
func TestFileSyntaxErrorNamesTheOffendingLine(t *testing.T) {
	file := writeFile(t, "values.yaml", `# aws-port-sync values
port:
  clientId: abc
  baseUrl: https://api.getport.io
integration:
  identifier: my-aws
  config:
    accountRoleArn: arn:aws:iam::123456789012:role/PortOceanReadRole
    externalId: x
   region: eu-west-1
temporal:
  address: 127.0.0.1:7233
`)
	_, err := Load(env(nil), file)
	want := "config file " + file + ": yaml: line 10: did not find expected key"
	if err == nil || err.Error() != want {
		t.Fatalf("Load error = %v\nwant %s", err, want)
	}
	// Type errors already name the value's line; they stay as they are.
	file = writeFile(t, "values.yaml", "\n\nintegration:\n  config:\n    ouId:\n      a: b\n    maxConcurrentAccounts: many\n")
	_, err = Load(env(nil), file)
	for _, want := range []string{"line 6: want a list or a comma-separated string", "line 7: cannot unmarshal !!str `many` into int"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("Load error = %v\nwant it to contain %q", err, want)
		}
	}
}
