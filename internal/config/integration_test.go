package config

import (
	"reflect"
	"strings"
	"testing"
)

// integrationSample is a valid value for each setting, as YAML and as an
// environment value, and where it lands in Config.
var integrationSample = map[string]struct {
	yaml, env string
	get       func(*Config) any
	want      any
}{
	"ACCOUNT_ROLE_ARN":             {`"arn:aws:iam::111111111111:role/R"`, "arn:aws:iam::111111111111:role/R", func(c *Config) any { return c.AWS.AccountRoleARN }, "arn:aws:iam::111111111111:role/R"},
	"ACCOUNT_ROLE_ARNS":            {`["arn:aws:iam::111111111111:role/R"]`, `["arn:aws:iam::111111111111:role/R"]`, func(c *Config) any { return c.AWS.AccountRoleARNs }, []string{"arn:aws:iam::111111111111:role/R"}},
	"OU_ID":                        {`ou-abcd-12345678,ou-abcd-87654321`, "ou-abcd-12345678,ou-abcd-87654321", func(c *Config) any { return c.AWS.OUIDs }, []string{"ou-abcd-12345678", "ou-abcd-87654321"}},
	"EXTERNAL_ID":                  {`ext-1`, "ext-1", func(c *Config) any { return c.AWS.ExternalID }, "ext-1"},
	"AWS_PARTITION":                {`aws-us-gov`, "aws-us-gov", func(c *Config) any { return c.AWS.Partition }, "aws-us-gov"},
	"CREDENTIAL_PROVIDER_PRIORITY": {`[AssumeRole]`, "AssumeRole", func(c *Config) any { return c.AWS.CredentialProviderPriority }, []string{"AssumeRole"}},
	"AWS_ACCESS_KEY_ID":            {`AKIAEXAMPLE`, "AKIAEXAMPLE", func(c *Config) any { return c.AWS.AccessKeyID }, "AKIAEXAMPLE"},
	"AWS_SECRET_ACCESS_KEY":        {`s3cr3t`, "s3cr3t", func(c *Config) any { return c.AWS.SecretAccessKey }, "s3cr3t"},
	"AWS_SESSION_TOKEN":            {`tok`, "tok", func(c *Config) any { return c.AWS.SessionToken }, "tok"},
	"MAX_CONCURRENT_ACCOUNTS":      {`7`, "7", func(c *Config) any { return c.MaxConcurrentAccounts }, 7},
	"MAX_PORT_REQUESTS_PER_SECOND": {`12.5`, "12.5", func(c *Config) any { return c.MaxPortRequestsPerSecond }, 12.5},
	"PORT_REQUEST_BURST":           {`40`, "40", func(c *Config) any { return c.PortRequestBurst }, 40},
	"REGION":                       {`eu-west-1`, "eu-west-1", func(c *Config) any { return c.AWS.Region }, "eu-west-1"},
	"FALLBACK_REGIONS":             {`[eu-west-1, us-east-1]`, "eu-west-1,us-east-1", func(c *Config) any { return c.AWS.FallbackRegions }, []string{"eu-west-1", "us-east-1"}},
	"EXCLUDED_ACCOUNT_IDS":         {`["111111111111", "222222222222"]`, "111111111111,222222222222", func(c *Config) any { return c.AWS.ExcludedAccountIDs }, []string{"111111111111", "222222222222"}},
	"EXCLUDED_OU_IDS":              {`ou-abcd-12345678`, `["ou-abcd-12345678"]`, func(c *Config) any { return c.AWS.ExcludedOUIDs }, []string{"ou-abcd-12345678"}},
	"INCLUDE_ACCOUNT_TAGS":         {`[env=prod, team=data]`, "env=prod,team=data", func(c *Config) any { return c.AWS.IncludeAccountTags }, []string{"env=prod", "team=data"}},
	"EXCLUDE_ACCOUNT_TAGS":         {`env=sandbox`, `["env=sandbox"]`, func(c *Config) any { return c.AWS.ExcludeAccountTags }, []string{"env=sandbox"}},
	"ACCOUNT_ROLE_OVERRIDES": {`[{accountId: "111111111111", roleName: Legacy}, {ouId: ou-abcd-12345678, roleName: team/Acq, externalId: x}]`,
		`[{"accountId":"111111111111","roleName":"Legacy"},{"ouId":"ou-abcd-12345678","roleName":"team/Acq","externalId":"x"}]`,
		func(c *Config) any { return c.AWS.AccountRoleOverrides },
		[]RoleOverride{{AccountID: "111111111111", RoleName: "Legacy"}, {OUID: "ou-abcd-12345678", RoleName: "team/Acq", ExternalID: "x"}}},
}

// Every spelling of every setting, under integration.config and under
// integration.secrets, lands where its environment variable does; Port's
// chart rule (snakecase, upper) maps every spelling to that variable.
func TestIntegrationSettingsEverySpelling(t *testing.T) {
	if len(integrationSample) != len(IntegrationSettings) {
		t.Fatalf("the test covers %d settings, IntegrationSettings has %d", len(integrationSample), len(IntegrationSettings))
	}
	for _, s := range IntegrationSettings {
		sample, ok := integrationSample[s.Name]
		if !ok {
			t.Fatalf("no sample for %s", s.Name)
		}
		cfg, err := Load(env(map[string]string{s.Env(): sample.env}), "")
		if err != nil {
			t.Fatalf("%s=%s: %v", s.Env(), sample.env, err)
		}
		if got := sample.get(cfg); !reflect.DeepEqual(got, sample.want) {
			t.Errorf("%s=%s gives %#v, want %#v", s.Env(), sample.env, got, sample.want)
		}
		for _, key := range s.Keys {
			if got := upperSnake(key); got != s.Name {
				t.Errorf("Port's chart turns %s into %s%s, not %s", key, oceanConfig, got, s.Env())
			}
			for _, section := range []string{"config", "secrets"} {
				file := writeFile(t, "values.yaml", "integration:\n  "+section+":\n    "+key+": "+sample.yaml+"\n")
				cfg, err := Load(env(nil), file)
				if err != nil {
					t.Errorf("integration.%s.%s: %v", section, key, err)
					continue
				}
				if got := sample.get(cfg); !reflect.DeepEqual(got, sample.want) {
					t.Errorf("integration.%s.%s: %s gives %#v, want %#v", section, key, sample.yaml, got, sample.want)
				}
			}
		}
	}
}

func TestIntegrationUnknownOrRepeatedKey(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"integration:\n  config:\n    liveEventsApiKey: x\n", "integration.config.liveEventsApiKey: no setting reads this key (it would become OCEAN__INTEGRATION__CONFIG__LIVE_EVENTS_API_KEY)"},
		{"integration:\n  secrets:\n    awsAccesKeyId: x\n", "integration.secrets.awsAccesKeyId: no setting reads this key"},
		{"integration:\n  config:\n    awsAccessKeyId: a\n    aws_access_key_id: b\n", "integration.config.aws_access_key_id: integration.config.awsAccessKeyId already sets OCEAN__INTEGRATION__CONFIG__AWS_ACCESS_KEY_ID"},
		{"integration:\n  config:\n    awsSecretAccessKey: a\n  secrets:\n    aws_secret_access_key: b\n", "integration.secrets.aws_secret_access_key: integration.config.awsSecretAccessKey already sets"},
	} {
		_, err := Load(env(nil), writeFile(t, "values.yaml", tc.file))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want one containing %q", tc.file, err, tc.want)
		}
	}
	// Blank values (what Helm values files leave behind) are not settings.
	if _, err := Load(env(nil), writeFile(t, "values.yaml", "integration:\n  config:\n    accountRoleArn: \"\"\n    account_role_arn: arn:aws:iam::111111111111:role/R\n    accountRoleArns: []\n")); err != nil {
		t.Errorf("blank keys beside a set one: %v", err)
	}
}
