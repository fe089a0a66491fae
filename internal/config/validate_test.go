package config

import (
	"path/filepath"
	"strings"
	"testing"
)

// validEnv is a complete, valid single-account configuration.
func validEnv() map[string]string {
	return map[string]string{
		"OCEAN__PORT__CLIENT_ID":         "id",
		"OCEAN__PORT__CLIENT_SECRET":     "secret",
		"OCEAN__INTEGRATION__IDENTIFIER": "my-aws-v3-integration",
	}
}

func loadValid(t *testing.T, extra map[string]string) *Config {
	t.Helper()
	e := validEnv()
	for k, v := range extra {
		e[k] = v
	}
	cfg, err := Load(env(e), "")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return cfg
}

func TestValidateAcceptsValidConfigs(t *testing.T) {
	pem := writeFile(t, "c.pem", "x")
	token := writeFile(t, "token", "jwt")
	for _, extra := range []map[string]string{
		{},
		{"OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN": "arn:aws:iam::123456789012:role/port/Reader", "OCEAN__INTEGRATION__CONFIG__OU_ID": "ou-ab12-abcdefgh,r-ab12"},
		{"OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARNS": "arn:aws-cn:iam::123456789012:role/R,arn:aws-cn:iam::210987654321:role/R"},
		{"OCEAN__INTEGRATION__CONFIG__AWS_ACCESS_KEY_ID": "AKIA1", "OCEAN__INTEGRATION__CONFIG__AWS_SECRET_ACCESS_KEY": "s", "OCEAN__INTEGRATION__CONFIG__AWS_SESSION_TOKEN": "t"},
		{"OCEAN__PORT__BASE_URL": "https://api.us.getport.io"},
		{"OCEAN__PORT__BASE_URL": "https://api.us.port.io/"},
		{"OCEAN__PORT__BASE_URL": "http://127.0.0.1:8080"},
		{"TEMPORAL_TLS_CERT": pem, "TEMPORAL_TLS_KEY": pem, "TEMPORAL_TLS_CA": pem, "TEMPORAL_ADDRESS": "ns.acct.tmprl.cloud:7233"},
		{"AWS_WEB_IDENTITY_TOKEN_FILE": token},
		{"OCEAN__SCHEDULED_RESYNC_INTERVAL": "1"},
		{"OCEAN__INTEGRATION__CONFIG__FALLBACK_REGIONS": "us-east-1,eu-central-2,ap-southeast-4,il-central-1"},
		{"OCEAN__INTEGRATION__CONFIG__AWS_PARTITION": "aws-us-gov", "OCEAN__INTEGRATION__CONFIG__FALLBACK_REGIONS": "us-gov-west-1", "AWS_REGION": "us-gov-east-1"},
		{"OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN": "arn:aws-cn:iam::123456789012:role/R", "OCEAN__INTEGRATION__CONFIG__FALLBACK_REGIONS": "cn-northwest-1,cn-north-1"},
	} {
		if err := loadValid(t, extra).Validate(); err != nil {
			t.Errorf("%v: Validate = %v", extra, err)
		}
	}
}

func TestValidateMessages(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.pem")
	dir := t.TempDir()
	cases := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"missing client id and secret", map[string]string{"OCEAN__PORT__CLIENT_ID": "", "OCEAN__PORT__CLIENT_SECRET": ""}, []string{
			"port.clientId (OCEAN__PORT__CLIENT_ID): required: set the client id of a Port credential",
			"port.clientSecret (OCEAN__PORT__CLIENT_SECRET): required: set the client secret",
		}},
		{"base url scheme", map[string]string{"OCEAN__PORT__BASE_URL": "ftp://api.getport.io"}, []string{
			`port.baseUrl (OCEAN__PORT__BASE_URL): "ftp://api.getport.io" is not an http(s) URL: use https://api.getport.io (EU) or https://api.us.getport.io (US)`}},
		{"base url v1", map[string]string{"OCEAN__PORT__BASE_URL": "https://api.getport.io/v1"}, []string{
			`port.baseUrl (OCEAN__PORT__BASE_URL): "https://api.getport.io/v1" ends in /v1: give the base URL without it`}},
		{"base url path", map[string]string{"OCEAN__PORT__BASE_URL": "https://app.getport.io/settings"}, []string{
			`port.baseUrl (OCEAN__PORT__BASE_URL): "https://app.getport.io/settings" has a path "/settings"`}},
		{"base url no host", map[string]string{"OCEAN__PORT__BASE_URL": "api.getport.io"}, []string{
			`port.baseUrl (OCEAN__PORT__BASE_URL): "api.getport.io" is not an http(s) URL`}},
		{"missing identifier", map[string]string{"OCEAN__INTEGRATION__IDENTIFIER": ""}, []string{
			"integration.identifier (OCEAN__INTEGRATION__IDENTIFIER): required: name this installation"}},
		{"bad identifier", map[string]string{"OCEAN__INTEGRATION__IDENTIFIER": "my/aws"}, []string{
			`integration.identifier (OCEAN__INTEGRATION__IDENTIFIER): "my/aws" may only hold letters, digits, '.', '_' and '-'`}},
		{"short ARN account", map[string]string{"OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN": "arn:aws:iam::123:role/x"}, []string{
			`integration.config.accountRoleArn (OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN): "arn:aws:iam::123:role/x" is not a role ARN: the account id must be 12 digits, e.g. arn:aws:iam::123456789012:role/PortOceanReadRole`}},
		{"bad ARN in list", map[string]string{"OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARNS": "arn:aws:iam::123456789012:role/R,arn:aws:iam::123456789013:user/u"}, []string{
			`integration.config.accountRoleArns[1] (OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARNS): "arn:aws:iam::123456789013:user/u" is not a role ARN: the resource must start with role/`}},
		{"two roles one account", map[string]string{"OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARNS": "arn:aws:iam::123456789012:role/A,arn:aws:iam::123456789012:role/B"}, []string{
			`integration.config.accountRoleArns[1] (OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARNS): account 123456789012 already has a role in integration.config.accountRoleArns[0]`}},
		{"both role settings", map[string]string{
			"OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN":  "arn:aws:iam::123456789012:role/Org",
			"OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARNS": "arn:aws:iam::210987654321:role/R"}, []string{
			"integration.config.accountRoleArn (OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN): set together with integration.config.accountRoleArns (OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARNS): use accountRoleArn for an organization"}},
		{"bad OU", map[string]string{"OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN": "arn:aws:iam::123456789012:role/Org", "OCEAN__INTEGRATION__CONFIG__OU_ID": "ou-12,r-abcd"}, []string{
			`integration.config.ouId[0] (OCEAN__INTEGRATION__CONFIG__OU_ID): "ou-12" is not an OU id: use ou-xxxx-xxxxxxxx`}},
		{"OU without org role", map[string]string{"OCEAN__INTEGRATION__CONFIG__OU_ID": "ou-ab12-abcdefgh"}, []string{
			"integration.config.ouId (OCEAN__INTEGRATION__CONFIG__OU_ID): only applies to organization mode: also set integration.config.accountRoleArn (OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN)"}},
		{"unknown provider", map[string]string{"OCEAN__INTEGRATION__CONFIG__CREDENTIAL_PROVIDER_PRIORITY": "AssumeRole,Irsa"}, []string{
			`integration.config.credentialProviderPriority[1] (OCEAN__INTEGRATION__CONFIG__CREDENTIAL_PROVIDER_PRIORITY): "Irsa" is not a credential provider: use AssumeRoleWithWebIdentity, StaticCredential, AssumeRole`}},
		{"key without secret", map[string]string{"OCEAN__INTEGRATION__CONFIG__AWS_ACCESS_KEY_ID": "AKIA1"}, []string{
			"integration.config.aws_secret_access_key (OCEAN__INTEGRATION__CONFIG__AWS_SECRET_ACCESS_KEY): required when integration.config.aws_access_key_id (OCEAN__INTEGRATION__CONFIG__AWS_ACCESS_KEY_ID) is set"}},
		{"secret without key", map[string]string{"OCEAN__INTEGRATION__CONFIG__AWS_SECRET_ACCESS_KEY": "s"}, []string{
			"integration.config.aws_access_key_id (OCEAN__INTEGRATION__CONFIG__AWS_ACCESS_KEY_ID): required when integration.config.aws_secret_access_key"}},
		{"token without keys", map[string]string{"OCEAN__INTEGRATION__CONFIG__AWS_SESSION_TOKEN": "t"}, []string{
			"integration.config.aws_session_token (OCEAN__INTEGRATION__CONFIG__AWS_SESSION_TOKEN): only works with"}},
		{"interval zero", map[string]string{"OCEAN__SCHEDULED_RESYNC_INTERVAL": "0"}, []string{
			"scheduledResyncInterval (OCEAN__SCHEDULED_RESYNC_INTERVAL): 0s is shorter than 1 minute: give the interval in minutes, e.g. 60"}},
		{"interval seconds", map[string]string{"OCEAN__SCHEDULED_RESYNC_INTERVAL": "30s"}, []string{
			"scheduledResyncInterval (OCEAN__SCHEDULED_RESYNC_INTERVAL): 30s is shorter than 1 minute"}},
		{"bad partition", map[string]string{"OCEAN__INTEGRATION__CONFIG__AWS_PARTITION": "aws-eu"}, []string{
			`integration.config.aws_partition (OCEAN__INTEGRATION__CONFIG__AWS_PARTITION): "aws-eu" is not a partition: use one of aws, aws-us-gov, aws-cn`}},
		{"partition mismatch", map[string]string{"OCEAN__INTEGRATION__CONFIG__AWS_PARTITION": "aws", "OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN": "arn:aws-us-gov:iam::123456789012:role/R"}, []string{
			`integration.config.accountRoleArn (OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN): partition "aws-us-gov" differs from "aws" (integration.config.aws_partition (OCEAN__INTEGRATION__CONFIG__AWS_PARTITION)): all roles must be in one partition; fix the ARN or set integration.config.aws_partition (OCEAN__INTEGRATION__CONFIG__AWS_PARTITION) to "aws-us-gov"`}},
		{"mixed partitions in list", map[string]string{"OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARNS": "arn:aws:iam::123456789012:role/R,arn:aws-cn:iam::210987654321:role/R"}, []string{
			`integration.config.accountRoleArns[1] (OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARNS): partition "aws-cn" differs from "aws" (the first role ARN)`}},
		{"fallback regions", map[string]string{"OCEAN__INTEGRATION__CONFIG__FALLBACK_REGIONS": "us-east-1,us-east1,Eu-West-1"}, []string{
			`integration.config.fallbackRegions[1] (OCEAN__INTEGRATION__CONFIG__FALLBACK_REGIONS): "us-east1" is not a region name: use names such as us-east-1 or eu-central-1`,
			`integration.config.fallbackRegions[2] (OCEAN__INTEGRATION__CONFIG__FALLBACK_REGIONS): "Eu-West-1" is not a region name`}},
		{"max accounts", map[string]string{"OCEAN__INTEGRATION__CONFIG__MAX_CONCURRENT_ACCOUNTS": "0"}, []string{
			"integration.config.maxConcurrentAccounts (OCEAN__INTEGRATION__CONFIG__MAX_CONCURRENT_ACCOUNTS): 0 is less than 1"}},
		{"port rate zero", map[string]string{"OCEAN__INTEGRATION__CONFIG__MAX_PORT_REQUESTS_PER_SECOND": "0"}, []string{
			"integration.config.maxPortRequestsPerSecond (OCEAN__INTEGRATION__CONFIG__MAX_PORT_REQUESTS_PER_SECOND): 0 is not a positive number: set the Port requests per second all workers together may send (default 93.3"}},
		{"port rate negative", map[string]string{"OCEAN__INTEGRATION__CONFIG__MAX_PORT_REQUESTS_PER_SECOND": "-5"}, []string{
			"integration.config.maxPortRequestsPerSecond (OCEAN__INTEGRATION__CONFIG__MAX_PORT_REQUESTS_PER_SECOND): -5 is not a positive number"}},
		{"port rate not finite", map[string]string{"OCEAN__INTEGRATION__CONFIG__MAX_PORT_REQUESTS_PER_SECOND": "NaN"}, []string{
			"integration.config.maxPortRequestsPerSecond (OCEAN__INTEGRATION__CONFIG__MAX_PORT_REQUESTS_PER_SECOND): NaN is not a positive number"}},
		{"port burst zero", map[string]string{"OCEAN__INTEGRATION__CONFIG__PORT_REQUEST_BURST": "0"}, []string{
			"integration.config.portRequestBurst (OCEAN__INTEGRATION__CONFIG__PORT_REQUEST_BURST): 0 is less than 1: set how many Port requests all workers together may send at once above the rate (default 7000"}},
		{"mapping file missing", map[string]string{"PORT_APP_CONFIG_FILE": missing}, []string{
			`portAppConfigFile (PORT_APP_CONFIG_FILE): cannot read "` + missing + `": no such file or directory: point it at a port-app-config YAML file`}},
		{"mapping file is a dir", map[string]string{"PORT_APP_CONFIG_FILE": dir}, []string{
			`portAppConfigFile (PORT_APP_CONFIG_FILE): "` + dir + `" is a directory, not a file`}},
		{"token file missing", map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": missing}, []string{
			`AWS_WEB_IDENTITY_TOKEN_FILE: cannot read "` + missing + `": no such file or directory: mount the service account token`}},
		{"version with slash", map[string]string{"AWS_PORT_SYNC_VERSION": "1/2"}, []string{
			`version (AWS_PORT_SYNC_VERSION): "1/2" must not contain '/' or spaces`}},
		{"temporal address", map[string]string{"TEMPORAL_ADDRESS": "localhost"}, []string{
			`temporal.address (TEMPORAL_ADDRESS): "localhost" is not host:port, e.g. 127.0.0.1:7233`}},
		{"tls cert without key", map[string]string{"TEMPORAL_TLS_CERT": missing}, []string{
			"temporal.tls.key (TEMPORAL_TLS_KEY): required when temporal.tls.cert (TEMPORAL_TLS_CERT) is set",
			`temporal.tls.cert (TEMPORAL_TLS_CERT): cannot read "` + missing + `": no such file or directory: give the path of a PEM file`}},
		{"tls key without cert", map[string]string{"TEMPORAL_TLS_KEY": missing}, []string{
			"temporal.tls.cert (TEMPORAL_TLS_CERT): required when temporal.tls.key (TEMPORAL_TLS_KEY) is set",
			`temporal.tls.key (TEMPORAL_TLS_KEY): cannot read`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := loadValid(t, c.env).Validate()
			if err == nil {
				t.Fatalf("Validate = nil, want %q", c.want)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks\n  %q\ngot\n  %v", w, err)
				}
			}
			if n := strings.Count(err.Error(), "\n") + 1; n != len(c.want) {
				t.Errorf("%d problems reported, want %d:\n%v", n, len(c.want), err)
			}
		})
	}
}

func TestValidateReportsAllProblemsAtOnce(t *testing.T) {
	cfg := &Config{ScheduledResyncInterval: 0, AWS: AWS{Partition: "aws"}}
	err := cfg.Validate()
	if err == nil {
		t.Fatal("want errors")
	}
	for _, field := range []string{"OCEAN__PORT__CLIENT_ID", "OCEAN__PORT__CLIENT_SECRET", "OCEAN__PORT__BASE_URL",
		"OCEAN__INTEGRATION__IDENTIFIER", "OCEAN__SCHEDULED_RESYNC_INTERVAL", "MAX_CONCURRENT_ACCOUNTS",
		"CREDENTIAL_PROVIDER_PRIORITY", "AWS_PORT_SYNC_VERSION", "TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "TEMPORAL_TASK_QUEUE"} {
		if !strings.Contains(err.Error(), field) {
			t.Errorf("no problem reported for %s:\n%v", field, err)
		}
	}
}

func TestTLSEnabled(t *testing.T) {
	if (Temporal{}).TLSEnabled() || !(Temporal{APIKey: "k"}).TLSEnabled() || !(Temporal{TLSCAPath: "/ca"}).TLSEnabled() {
		t.Error("TLSEnabled wrong")
	}
}

// Organization scoping: well-formed settings pass; malformed ids, tags and
// overrides, and scoping outside organization mode, are refused at start,
// each naming the entry in both spellings.
func TestValidateScoping(t *testing.T) {
	org := map[string]string{"OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN": "arn:aws:iam::123456789012:role/R"}
	with := func(kv ...string) map[string]string {
		out := map[string]string{}
		for k, v := range org {
			out[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			out["OCEAN__INTEGRATION__CONFIG__"+kv[i]] = kv[i+1]
		}
		return out
	}
	ok := with("EXCLUDED_ACCOUNT_IDS", "111111111111,222222222222", "EXCLUDED_OU_IDS", "ou-ab12-abcdefgh",
		"INCLUDE_ACCOUNT_TAGS", `["env=prod","team=a b"]`, "EXCLUDE_ACCOUNT_TAGS", "env=sandbox,empty=",
		"ACCOUNT_ROLE_OVERRIDES", `[{"accountId":"333333333333","roleName":"Legacy"},{"ouId":"ou-ab12-zzzzzzzz","roleName":"acq/Reader","externalId":"x"},{"accountId":"444444444444","externalId":"y"}]`)
	if err := loadValid(t, ok).Validate(); err != nil {
		t.Fatalf("valid scoping refused: %v", err)
	}
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{with("EXCLUDED_ACCOUNT_IDS", "12345"), `integration.config.excludedAccountIds[0] (OCEAN__INTEGRATION__CONFIG__EXCLUDED_ACCOUNT_IDS): "12345" is not an account id`},
		{with("EXCLUDED_OU_IDS", "ou-bad"), `integration.config.excludedOuIds[0] (OCEAN__INTEGRATION__CONFIG__EXCLUDED_OU_IDS): "ou-bad" is not an OU id`},
		{with("EXCLUDED_OU_IDS", "r-ab12"), `"r-ab12" is not an OU id: use ou-xxxx-xxxxxxxx (Organizations → AWS accounts); excluding the root would exclude everything`},
		{with("EXCLUDED_OU_IDS", "ou-ab12-abcdefgh", "OU_ID", "ou-ab12-abcdefgh"), "ou-ab12-abcdefgh is also in integration.config.ouId"},
		{with("INCLUDE_ACCOUNT_TAGS", "env"), `integration.config.includeAccountTags[0] (OCEAN__INTEGRATION__CONFIG__INCLUDE_ACCOUNT_TAGS): "env" is not a tag: give key=value`},
		{with("EXCLUDE_ACCOUNT_TAGS", "=x"), `integration.config.excludeAccountTags[0] (OCEAN__INTEGRATION__CONFIG__EXCLUDE_ACCOUNT_TAGS): "=x" is not a tag`},
		{with("ACCOUNT_ROLE_OVERRIDES", `[{"roleName":"R"}]`), "integration.config.accountRoleOverrides[0] (OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_OVERRIDES): give exactly one of accountId and ouId"},
		{with("ACCOUNT_ROLE_OVERRIDES", `[{"accountId":"1","roleName":"R"}]`), `accountId "1" is not an account id`},
		{with("ACCOUNT_ROLE_OVERRIDES", `[{"accountId":"111111111111"}]`), "sets nothing: give roleName, externalId or both"},
		{with("ACCOUNT_ROLE_OVERRIDES", `[{"accountId":"111111111111","roleName":"a b"}]`), `roleName "a b" is not a role name`},
		{with("ACCOUNT_ROLE_OVERRIDES", `[{"accountId":"111111111111","roleName":"A"},{"accountId":"111111111111","roleName":"B"}]`), "111111111111 already has an override in integration.config.accountRoleOverrides[0]"},
		{map[string]string{"OCEAN__INTEGRATION__CONFIG__EXCLUDED_ACCOUNT_IDS": "111111111111"}, "integration.config.excludedAccountIds (OCEAN__INTEGRATION__CONFIG__EXCLUDED_ACCOUNT_IDS): only applies to organization mode"},
	} {
		err := loadValid(t, tc.env).Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want one containing %q", tc.env, err, tc.want)
		}
	}
	if _, err := Load(env(with("ACCOUNT_ROLE_OVERRIDES", `[{"account":"111111111111"}]`)), ""); err == nil ||
		!strings.Contains(err.Error(), `unknown field "account"`) {
		t.Errorf("unknown override key: err = %v", err)
	}
}

// The partition is never mixed: a home region or fallback region of another
// partition than the roles' (or aws_partition) is refused at start.
func TestValidateRegionsOfThePartition(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN": "arn:aws-us-gov:iam::123456789012:role/R", "AWS_REGION": "us-east-1"},
			"integration.config.region (AWS_REGION): us-east-1 is a region of partition aws, not of aws-us-gov (the first role ARN): set a region of aws-us-gov (e.g. us-gov-west-1) or leave it unset"},
		{map[string]string{"OCEAN__INTEGRATION__CONFIG__AWS_PARTITION": "aws-cn", "OCEAN__INTEGRATION__CONFIG__FALLBACK_REGIONS": "cn-north-1,eu-west-1"},
			"integration.config.fallbackRegions[1] (OCEAN__INTEGRATION__CONFIG__FALLBACK_REGIONS): eu-west-1 is a region of partition aws, not of aws-cn (integration.config.aws_partition (OCEAN__INTEGRATION__CONFIG__AWS_PARTITION))"},
		{map[string]string{"OCEAN__INTEGRATION__CONFIG__FALLBACK_REGIONS": "us-gov-west-1"},
			"us-gov-west-1 is a region of partition aws-us-gov, not of aws (the default, without role ARNs)"},
	} {
		err := loadValid(t, tc.env).Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want one containing %q", tc.env, err, tc.want)
		}
	}
}
