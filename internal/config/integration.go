package config

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// IntegrationSetting is one setting under integration.config (or, in Port's
// chart, integration.secrets). Port's Helm chart turns every key there into
// OCEAN__INTEGRATION__CONFIG__<key in UPPER_SNAKE>, so the camelCase and the
// snake_case spelling of a name reach the same variable; both are accepted,
// in the YAML file as in the Helm chart (deploy/helm), which keeps its own
// copy of this list (a test compares them).
type IntegrationSetting struct {
	// Name is the UPPER_SNAKE part after OCEAN__INTEGRATION__CONFIG__.
	Name string
	// Keys are the accepted spellings: camelCase first, then snake_case.
	Keys []string
	// Secret settings travel through a Kubernetes Secret, never a ConfigMap or
	// a plain env value.
	Secret bool
}

// Env is the setting's environment variable.
func (s IntegrationSetting) Env() string { return oceanConfig + s.Name }

// IntegrationSettings is every integration.config key the worker reads.
var IntegrationSettings = []IntegrationSetting{
	{Name: "ACCOUNT_ROLE_ARN", Keys: []string{"accountRoleArn", "account_role_arn"}},
	{Name: "ACCOUNT_ROLE_ARNS", Keys: []string{"accountRoleArns", "account_role_arns"}},
	{Name: "OU_ID", Keys: []string{"ouId", "ou_id"}},
	{Name: "EXTERNAL_ID", Keys: []string{"externalId", "external_id"}},
	{Name: "AWS_PARTITION", Keys: []string{"awsPartition", "aws_partition"}},
	{Name: "CREDENTIAL_PROVIDER_PRIORITY", Keys: []string{"credentialProviderPriority", "credential_provider_priority"}},
	{Name: "AWS_ACCESS_KEY_ID", Keys: []string{"awsAccessKeyId", "aws_access_key_id"}, Secret: true},
	{Name: "AWS_SECRET_ACCESS_KEY", Keys: []string{"awsSecretAccessKey", "aws_secret_access_key"}, Secret: true},
	{Name: "AWS_SESSION_TOKEN", Keys: []string{"awsSessionToken", "aws_session_token"}, Secret: true},
	{Name: "MAX_CONCURRENT_ACCOUNTS", Keys: []string{"maxConcurrentAccounts", "max_concurrent_accounts"}},
	{Name: "MAX_PORT_REQUESTS_PER_SECOND", Keys: []string{"maxPortRequestsPerSecond", "max_port_requests_per_second"}},
	{Name: "PORT_REQUEST_BURST", Keys: []string{"portRequestBurst", "port_request_burst"}},
	{Name: "REGION", Keys: []string{"region"}},
	{Name: "FALLBACK_REGIONS", Keys: []string{"fallbackRegions", "fallback_regions"}},
	{Name: "EXCLUDED_ACCOUNT_IDS", Keys: []string{"excludedAccountIds", "excluded_account_ids"}},
	{Name: "EXCLUDED_OU_IDS", Keys: []string{"excludedOuIds", "excluded_ou_ids"}},
	{Name: "INCLUDE_ACCOUNT_TAGS", Keys: []string{"includeAccountTags", "include_account_tags"}},
	{Name: "EXCLUDE_ACCOUNT_TAGS", Keys: []string{"excludeAccountTags", "exclude_account_tags"}},
	{Name: "ACCOUNT_ROLE_OVERRIDES", Keys: []string{"accountRoleOverrides", "account_role_overrides"}},
}

// integrationSettingByKey finds a setting by any accepted spelling.
func integrationSettingByKey(key string) (IntegrationSetting, bool) {
	for _, s := range IntegrationSettings {
		for _, k := range s.Keys {
			if k == key {
				return s, true
			}
		}
	}
	return IntegrationSetting{}, false
}

// knownIntegrationKeys lists the spellings for error messages.
func knownIntegrationKeys() string {
	var keys []string
	for _, s := range IntegrationSettings {
		keys = append(keys, strings.Join(s.Keys, "/"))
	}
	return strings.Join(keys, ", ")
}

// integrationValues are the file's integration.config and integration.secrets
// settings, by setting name. Pointers tell "absent" from "zero".
type integrationValues struct {
	AccountRoleARN             *string
	AccountRoleARNs            *stringList
	OUID                       *stringList
	ExternalID                 *string
	Partition                  *string
	CredentialProviderPriority *stringList
	AccessKeyID                *string
	SecretAccessKey            *string
	SessionToken               *string
	MaxConcurrentAccounts      *int
	MaxPortRequestsPerSecond   *float64
	PortRequestBurst           *int
	Region                     *string
	FallbackRegions            *stringList
	ExcludedAccountIDs         *stringList
	ExcludedOUIDs              *stringList
	IncludeAccountTags         *stringList
	ExcludeAccountTags         *stringList
	AccountRoleOverrides       *roleOverrideList
}

func (iv *integrationValues) target(name string) any {
	switch name {
	case "ACCOUNT_ROLE_ARN":
		return &iv.AccountRoleARN
	case "ACCOUNT_ROLE_ARNS":
		return &iv.AccountRoleARNs
	case "OU_ID":
		return &iv.OUID
	case "EXTERNAL_ID":
		return &iv.ExternalID
	case "AWS_PARTITION":
		return &iv.Partition
	case "CREDENTIAL_PROVIDER_PRIORITY":
		return &iv.CredentialProviderPriority
	case "AWS_ACCESS_KEY_ID":
		return &iv.AccessKeyID
	case "AWS_SECRET_ACCESS_KEY":
		return &iv.SecretAccessKey
	case "AWS_SESSION_TOKEN":
		return &iv.SessionToken
	case "MAX_CONCURRENT_ACCOUNTS":
		return &iv.MaxConcurrentAccounts
	case "MAX_PORT_REQUESTS_PER_SECOND":
		return &iv.MaxPortRequestsPerSecond
	case "PORT_REQUEST_BURST":
		return &iv.PortRequestBurst
	case "REGION":
		return &iv.Region
	case "FALLBACK_REGIONS":
		return &iv.FallbackRegions
	case "EXCLUDED_ACCOUNT_IDS":
		return &iv.ExcludedAccountIDs
	case "EXCLUDED_OU_IDS":
		return &iv.ExcludedOUIDs
	case "INCLUDE_ACCOUNT_TAGS":
		return &iv.IncludeAccountTags
	case "EXCLUDE_ACCOUNT_TAGS":
		return &iv.ExcludeAccountTags
	case "ACCOUNT_ROLE_OVERRIDES":
		return &iv.AccountRoleOverrides
	}
	panic("config: no field for integration setting " + name)
}

// decodeIntegration reads integration.config and integration.secrets in
// either spelling. A key nothing reads, or one setting given twice, is an
// error naming the key: a silently ignored key is how static keys got lost.
func decodeIntegration(sections map[string]map[string]yaml.Node) (integrationValues, []error) {
	var iv integrationValues
	var errs []error
	seen := map[string]string{} // setting name → where it was given
	for _, section := range []string{"config", "secrets"} {
		keys := make([]string, 0, len(sections[section]))
		for k := range sections[section] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, key := range keys {
			node := sections[section][key]
			path := "integration." + section + "." + key
			s, ok := integrationSettingByKey(key)
			if !ok {
				errs = append(errs, fmt.Errorf("%s: no setting reads this key (it would become %s%s); known keys: %s",
					path, oceanConfig, upperSnake(key), knownIntegrationKeys()))
				continue
			}
			if isBlank(&node) {
				continue
			}
			if first, dup := seen[s.Name]; dup {
				errs = append(errs, fmt.Errorf("%s: %s already sets %s: give it once", path, first, s.Env()))
				continue
			}
			seen[s.Name] = path
			if err := node.Decode(iv.target(s.Name)); err != nil {
				errs = append(errs, fmt.Errorf("%s (%s): %w", path, s.Env(), err))
			}
		}
	}
	return iv, errs
}

// isBlank is an absent value: null, "" or an empty list, as Helm leaves them.
func isBlank(n *yaml.Node) bool {
	switch n.Kind {
	case 0:
		return true
	case yaml.ScalarNode:
		return n.Tag == "!!null" || (n.Tag == "!!str" && strings.TrimSpace(n.Value) == "")
	case yaml.SequenceNode:
		return len(n.Content) == 0
	}
	return false
}

// upperSnake is Port's chart rule (sprig's snakecase, then upper) for the
// names used here: a capital starts a new word.
func upperSnake(key string) string {
	var b strings.Builder
	for i, r := range key {
		if r >= 'A' && r <= 'Z' && i > 0 && key[i-1] != '_' {
			b.WriteByte('_')
		}
		b.WriteRune(r)
	}
	return strings.ToUpper(b.String())
}
