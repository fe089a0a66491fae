package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/aws-port-sync/aws-port-sync/internal/awsarn"
	"github.com/aws-port-sync/aws-port-sync/internal/yamlline"
)

// Load builds the configuration: defaults, then the YAML file (when file is
// not empty), then the environment, which wins. It reports values it cannot
// parse, all at once; it does not check meaning — call Validate before
// starting anything that writes (commands that only talk to Temporal may skip it).
func Load(getenv func(string) string, file string) (*Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	cfg := defaults()
	var errs []error
	if file != "" {
		if err := applyFile(cfg, file); err != nil {
			errs = append(errs, err)
		}
	}
	errs = append(errs, applyEnv(cfg, getenv)...)
	normalize(cfg)
	if len(errs) > 0 {
		return cfg, errors.Join(errs...)
	}
	return cfg, nil
}

// fileConfig mirrors the Helm values names. Pointers tell "absent" from "zero".
type fileConfig struct {
	Port struct {
		ClientID     *string `yaml:"clientId"`
		ClientSecret *string `yaml:"clientSecret"`
		BaseURL      *string `yaml:"baseUrl"`
	} `yaml:"port"`
	InitializePortResources *bool     `yaml:"initializePortResources"`
	ScheduledResyncInterval *interval `yaml:"scheduledResyncInterval"`
	Integration             struct {
		Identifier    *string `yaml:"identifier"`
		EventListener struct {
			Type     *string  `yaml:"type"`
			Interval *seconds `yaml:"interval"`
			// Ocean decamelizes its settings: both spellings work.
			ResyncOnStart      *bool `yaml:"resyncOnStart"`
			ResyncOnStartSnake *bool `yaml:"resync_on_start"`
		} `yaml:"eventListener"`
		// config and secrets (Port's chart keeps sensitive settings under
		// secrets) hold IntegrationSettings, in camelCase or snake_case.
		Config  map[string]yaml.Node `yaml:"config"`
		Secrets map[string]yaml.Node `yaml:"secrets"`
	} `yaml:"integration"`
	Temporal struct {
		Address   *string `yaml:"address"`
		Namespace *string `yaml:"namespace"`
		APIKey    *string `yaml:"apiKey"`
		TaskQueue *string `yaml:"taskQueue"`
		TLS       struct {
			Cert       *string `yaml:"cert"`
			Key        *string `yaml:"key"`
			CA         *string `yaml:"ca"`
			ServerName *string `yaml:"serverName"`
		} `yaml:"tls"`
	} `yaml:"temporal"`
	PortAppConfigFile *string `yaml:"portAppConfigFile"`
	Version           *string `yaml:"version"`
}

// stringList reads a YAML list, a comma-separated string or a JSON array string.
type stringList []string

func (l *stringList) UnmarshalYAML(node *yaml.Node) error {
	switch node.Kind {
	case yaml.SequenceNode:
		var list []string
		if err := node.Decode(&list); err != nil {
			return err
		}
		*l = list
		return nil
	case yaml.ScalarNode:
		list, err := splitList(node.Value)
		if err != nil {
			return typeError(node, err.Error())
		}
		*l = list
		return nil
	}
	return typeError(node, "want a list or a comma-separated string")
}

// roleOverrideList reads accountRoleOverrides: a YAML list of maps, or a JSON
// array string (the environment's spelling).
type roleOverrideList []RoleOverride

func (l *roleOverrideList) UnmarshalYAML(node *yaml.Node) error {
	switch node.Kind {
	case yaml.SequenceNode:
		var list []RoleOverride
		for _, item := range node.Content {
			if item.Kind != yaml.MappingNode {
				return typeError(item, "want a map with accountId or ouId, roleName and externalId")
			}
			for i := 0; i+1 < len(item.Content); i += 2 {
				switch k := item.Content[i].Value; k {
				case "accountId", "ouId", "roleName", "externalId":
				default:
					return typeError(item.Content[i], fmt.Sprintf("unknown key %q: use accountId or ouId, roleName, externalId", k))
				}
			}
			var o RoleOverride
			if err := item.Decode(&o); err != nil {
				return err
			}
			list = append(list, o)
		}
		*l = list
		return nil
	case yaml.ScalarNode:
		list, err := parseRoleOverrides(node.Value)
		if err != nil {
			return typeError(node, err.Error())
		}
		*l = list
		return nil
	}
	return typeError(node, `want a list such as [{"accountId": "123456789012", "roleName": "LegacyReadRole"}]`)
}

// parseRoleOverrides reads a JSON array of {accountId|ouId, roleName, externalId}.
func parseRoleOverrides(v string) ([]RoleOverride, error) {
	dec := json.NewDecoder(strings.NewReader(v))
	dec.DisallowUnknownFields()
	var list []RoleOverride
	if err := dec.Decode(&list); err != nil {
		return nil, fmt.Errorf(`not a JSON list of overrides (%v): use e.g. [{"accountId": "123456789012", "roleName": "LegacyReadRole", "externalId": "…"}, {"ouId": "ou-ab12-cdefghij", "roleName": "AcquiredReadRole"}]`, err)
	}
	return list, nil
}

// typeError lets yaml.v3 keep decoding and report every problem in the file.
func typeError(node *yaml.Node, msg string) error {
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %s", node.Line, msg)}}
}

// interval reads whole minutes (Ocean's unit) or a Go duration such as "90m".
type interval time.Duration

func (iv *interval) UnmarshalYAML(node *yaml.Node) error {
	if node.Kind != yaml.ScalarNode {
		return typeError(node, "want a number of minutes")
	}
	d, err := parseInterval(node.Value)
	if err != nil {
		return typeError(node, err.Error())
	}
	*iv = interval(d)
	return nil
}

// seconds reads a number of seconds (Ocean's unit for the listener's
// interval) or a Go duration such as "2m".
type seconds time.Duration

func (sec *seconds) UnmarshalYAML(node *yaml.Node) error {
	if node.Kind != yaml.ScalarNode {
		return typeError(node, "want a number of seconds")
	}
	d, err := parseSeconds(node.Value)
	if err != nil {
		return typeError(node, err.Error())
	}
	*sec = seconds(d)
	return nil
}

// parseSeconds reads whole seconds ("60") or a Go duration ("2m").
func parseSeconds(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if n, err := strconv.ParseFloat(v, 64); err == nil {
		if n != math.Trunc(n) || math.IsInf(n, 0) || n > math.MaxInt32 {
			return 0, fmt.Errorf("%q is not a whole number of seconds", v)
		}
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%q is neither a number of seconds nor a duration like 2m", v)
	}
	return d, nil
}

// applyListenerJSON reads OCEAN__EVENT_LISTENER, Ocean's JSON spelling:
// {"type":"POLLING","interval":60,"resyncOnStart":true} (resync_on_start too).
func applyListenerJSON(cfg *Config, v string) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(v), &raw); err != nil {
		return fmt.Errorf("%s: %q is not a JSON object such as {\"type\":\"POLLING\",\"interval\":60}: %v", FieldEventListener, v, err)
	}
	var errs []error
	for _, k := range sortedKeys(raw) {
		val := raw[k]
		switch k {
		case "type":
			var t string
			if err := json.Unmarshal(val, &t); err != nil {
				errs = append(errs, fmt.Errorf("%s: type %s is not a string", FieldEventListener, val))
				continue
			}
			cfg.EventListener.Type = t
		case "interval":
			d, err := parseSeconds(strings.Trim(string(val), `"`))
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: interval: %w", FieldEventListener, err))
				continue
			}
			cfg.EventListener.Interval = d
		case "resyncOnStart", "resync_on_start":
			// Helm's --set-string gives "false": a quoted bool is one too.
			b, err := strconv.ParseBool(strings.Trim(string(val), `"`))
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %s %s is not true or false", FieldEventListener, k, val))
				continue
			}
			cfg.EventListener.ResyncOnStart = b
		}
		// Other keys (should_resync, Kafka and webhook settings) belong to
		// listeners aws-port-sync does not serve.
	}
	return errors.Join(errs...)
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func applyFile(cfg *Config, file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	var fc fileConfig
	if err := yamlline.Unmarshal(data, &fc); err != nil {
		return fmt.Errorf("config file %s: %w", file, err)
	}
	setStr(&cfg.Port.ClientID, fc.Port.ClientID)
	setStr(&cfg.Port.ClientSecret, fc.Port.ClientSecret)
	setStr(&cfg.Port.BaseURL, fc.Port.BaseURL)
	if fc.InitializePortResources != nil {
		cfg.InitializePortResources = *fc.InitializePortResources
	}
	if fc.ScheduledResyncInterval != nil {
		cfg.ScheduledResyncInterval = time.Duration(*fc.ScheduledResyncInterval)
	}
	ic, errs := decodeIntegration(map[string]map[string]yaml.Node{"config": fc.Integration.Config, "secrets": fc.Integration.Secrets})
	if len(errs) > 0 {
		return fmt.Errorf("config file %s: %w", file, errors.Join(errs...))
	}
	setStr(&cfg.IntegrationIdentifier, fc.Integration.Identifier)
	el := fc.Integration.EventListener
	setStr(&cfg.EventListener.Type, el.Type)
	if el.Interval != nil {
		cfg.EventListener.Interval = time.Duration(*el.Interval)
	}
	for _, b := range []*bool{el.ResyncOnStartSnake, el.ResyncOnStart} {
		if b != nil {
			cfg.EventListener.ResyncOnStart = *b
		}
	}
	setStr(&cfg.AWS.AccountRoleARN, ic.AccountRoleARN)
	setList(&cfg.AWS.AccountRoleARNs, ic.AccountRoleARNs)
	setList(&cfg.AWS.OUIDs, ic.OUID)
	setStr(&cfg.AWS.ExternalID, ic.ExternalID)
	setStr(&cfg.AWS.Partition, ic.Partition)
	setList(&cfg.AWS.CredentialProviderPriority, ic.CredentialProviderPriority)
	setStr(&cfg.AWS.AccessKeyID, ic.AccessKeyID)
	setStr(&cfg.AWS.SecretAccessKey, ic.SecretAccessKey)
	setStr(&cfg.AWS.SessionToken, ic.SessionToken)
	if ic.MaxConcurrentAccounts != nil {
		cfg.MaxConcurrentAccounts = *ic.MaxConcurrentAccounts
	}
	if ic.MaxPortRequestsPerSecond != nil {
		cfg.MaxPortRequestsPerSecond = *ic.MaxPortRequestsPerSecond
	}
	if ic.PortRequestBurst != nil {
		cfg.PortRequestBurst = *ic.PortRequestBurst
	}
	setStr(&cfg.AWS.Region, ic.Region)
	setList(&cfg.AWS.FallbackRegions, ic.FallbackRegions)
	setList(&cfg.AWS.ExcludedAccountIDs, ic.ExcludedAccountIDs)
	setList(&cfg.AWS.ExcludedOUIDs, ic.ExcludedOUIDs)
	setList(&cfg.AWS.IncludeAccountTags, ic.IncludeAccountTags)
	setList(&cfg.AWS.ExcludeAccountTags, ic.ExcludeAccountTags)
	if ic.AccountRoleOverrides != nil {
		cfg.AWS.AccountRoleOverrides = []RoleOverride(*ic.AccountRoleOverrides)
	}
	t := fc.Temporal
	setStr(&cfg.Temporal.Address, t.Address)
	setStr(&cfg.Temporal.Namespace, t.Namespace)
	setStr(&cfg.Temporal.APIKey, t.APIKey)
	setStr(&cfg.Temporal.TaskQueue, t.TaskQueue)
	setStr(&cfg.Temporal.TLSCertPath, t.TLS.Cert)
	setStr(&cfg.Temporal.TLSKeyPath, t.TLS.Key)
	setStr(&cfg.Temporal.TLSCAPath, t.TLS.CA)
	setStr(&cfg.Temporal.TLSServerName, t.TLS.ServerName)
	setStr(&cfg.MappingFile, fc.PortAppConfigFile)
	setStr(&cfg.Version, fc.Version)
	return nil
}

func setStr(dst *string, v *string) {
	if v != nil && strings.TrimSpace(*v) != "" {
		*dst = strings.TrimSpace(*v)
	}
}

func setList(dst *[]string, v *stringList) {
	if v != nil {
		*dst = []string(*v)
	}
}

// applyEnv overrides the file with every environment variable that is set
// (an empty variable counts as unset, as in Ocean's settings).
func applyEnv(cfg *Config, getenv func(string) string) []error {
	var errs []error
	str := func(dst *string, names ...string) {
		for _, n := range names {
			if v := strings.TrimSpace(getenv(n)); v != "" {
				*dst = v
				return
			}
		}
	}
	list := func(dst *[]string, f Field) {
		v := strings.TrimSpace(getenv(f.Env))
		if v == "" {
			return
		}
		l, err := splitList(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f, err))
			return
		}
		*dst = l
	}
	str(&cfg.Port.ClientID, FieldClientID.Env)
	str(&cfg.Port.ClientSecret, FieldClientSecret.Env)
	str(&cfg.Port.BaseURL, FieldBaseURL.Env)
	str(&cfg.IntegrationIdentifier, FieldIntegrationIdentifier.Env)
	if v := strings.TrimSpace(getenv(FieldInitializePortResources.Env)); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %q is not true or false", FieldInitializePortResources, v))
		} else {
			cfg.InitializePortResources = b
		}
	}
	if v := strings.TrimSpace(getenv(FieldScheduledResyncInterval.Env)); v != "" {
		d, err := parseInterval(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", FieldScheduledResyncInterval, err))
		} else {
			cfg.ScheduledResyncInterval = d
		}
	}
	str(&cfg.AWS.AccountRoleARN, FieldAccountRoleARN.Env)
	list(&cfg.AWS.AccountRoleARNs, FieldAccountRoleARNs)
	list(&cfg.AWS.OUIDs, FieldOUID)
	str(&cfg.AWS.ExternalID, FieldExternalID.Env)
	str(&cfg.AWS.Partition, FieldPartition.Env)
	list(&cfg.AWS.CredentialProviderPriority, FieldCredentialProviders)
	str(&cfg.AWS.AccessKeyID, FieldAccessKeyID.Env)
	str(&cfg.AWS.SecretAccessKey, FieldSecretAccessKey.Env)
	str(&cfg.AWS.SessionToken, FieldSessionToken.Env)
	if v := strings.TrimSpace(getenv(FieldMaxConcurrentAccounts.Env)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %q is not a whole number", FieldMaxConcurrentAccounts, v))
		} else {
			cfg.MaxConcurrentAccounts = n
		}
	}
	if v := strings.TrimSpace(getenv(FieldMaxPortRequestsPerSecond.Env)); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %q is not a number of requests per second (e.g. 50 or 93.3)", FieldMaxPortRequestsPerSecond, v))
		} else {
			cfg.MaxPortRequestsPerSecond = f
		}
	}
	if v := strings.TrimSpace(getenv(FieldPortRequestBurst.Env)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %q is not a whole number of requests (e.g. 7000)", FieldPortRequestBurst, v))
		} else {
			cfg.PortRequestBurst = n
		}
	}
	str(&cfg.AWS.WebIdentityTokenFile, FieldWebIdentityTokenFile.Env)
	str(&cfg.AWS.Region, envOceanRegion, FieldRegion.Env, envDefaultRegion)
	list(&cfg.AWS.FallbackRegions, FieldFallbackRegions)
	list(&cfg.AWS.ExcludedAccountIDs, FieldExcludedAccountIDs)
	list(&cfg.AWS.ExcludedOUIDs, FieldExcludedOUIDs)
	list(&cfg.AWS.IncludeAccountTags, FieldIncludeAccountTags)
	list(&cfg.AWS.ExcludeAccountTags, FieldExcludeAccountTags)
	if v := strings.TrimSpace(getenv(FieldAccountRoleOverrides.Env)); v != "" {
		l, err := parseRoleOverrides(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", FieldAccountRoleOverrides, err))
		} else {
			cfg.AWS.AccountRoleOverrides = l
		}
	}
	str(&cfg.MappingFile, FieldMappingFile.Env)
	str(&cfg.Version, FieldVersion.Env)
	str(&cfg.Temporal.Address, FieldTemporalAddress.Env)
	str(&cfg.Temporal.Namespace, FieldTemporalNamespace.Env)
	str(&cfg.Temporal.APIKey, FieldTemporalAPIKey.Env)
	str(&cfg.Temporal.TLSCertPath, FieldTemporalTLSCert.Env)
	str(&cfg.Temporal.TLSKeyPath, FieldTemporalTLSKey.Env)
	str(&cfg.Temporal.TLSCAPath, FieldTemporalTLSCA.Env)
	str(&cfg.Temporal.TLSServerName, FieldTemporalTLSServerName.Env)
	str(&cfg.Temporal.TaskQueue, FieldTemporalTaskQueue.Env)
	if v := strings.TrimSpace(getenv(FieldEventListener.Env)); v != "" {
		if err := applyListenerJSON(cfg, v); err != nil {
			errs = append(errs, err)
		}
	}
	str(&cfg.EventListener.Type, FieldEventListenerType.Env)
	if v := strings.TrimSpace(getenv(FieldEventListenerInterval.Env)); v != "" {
		d, err := parseSeconds(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", FieldEventListenerInterval, err))
		} else {
			cfg.EventListener.Interval = d
		}
	}
	if v := strings.TrimSpace(getenv(FieldEventListenerResyncOnStart.Env)); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %q is not true or false", FieldEventListenerResyncOnStart, v))
		} else {
			cfg.EventListener.ResyncOnStart = b
		}
	}
	return errs
}

// splitList reads "a,b" or a JSON array such as ["a","b"]; blanks are dropped.
func splitList(v string) ([]string, error) {
	v = strings.TrimSpace(v)
	var raw []string
	if strings.HasPrefix(v, "[") {
		if err := json.Unmarshal([]byte(v), &raw); err != nil {
			return nil, fmt.Errorf("%q is not a JSON array of strings (or use a comma-separated list): %v", v, err)
		}
	} else {
		raw = strings.Split(v, ",")
	}
	out := make([]string, 0, len(raw))
	for _, s := range raw {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out, nil
}

// parseInterval reads whole minutes ("60") or a Go duration ("90m", "1h30m").
func parseInterval(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if n, err := strconv.ParseFloat(v, 64); err == nil {
		if n != math.Trunc(n) || math.IsInf(n, 0) || n > math.MaxInt32 {
			return 0, fmt.Errorf("%q is not a whole number of minutes", v)
		}
		return time.Duration(n) * time.Minute, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%q is neither a number of minutes nor a duration like 90m", v)
	}
	return d, nil
}

// normalize tidies parsed values: trims the base URL's trailing slash, removes
// duplicate ARNs and OU ids, spells provider names canonically, and derives
// the partition from the ARNs when aws_partition is not given.
func normalize(cfg *Config) {
	cfg.Port.BaseURL = strings.TrimRight(cfg.Port.BaseURL, "/")
	cfg.EventListener.Type = strings.ToUpper(strings.TrimSpace(cfg.EventListener.Type))
	cfg.AWS.AccountRoleARNs = dedupe(cfg.AWS.AccountRoleARNs)
	cfg.AWS.OUIDs = dedupe(cfg.AWS.OUIDs)
	cfg.AWS.FallbackRegions = dedupe(cfg.AWS.FallbackRegions)
	cfg.AWS.ExcludedAccountIDs = dedupe(cfg.AWS.ExcludedAccountIDs)
	cfg.AWS.ExcludedOUIDs = dedupe(cfg.AWS.ExcludedOUIDs)
	cfg.AWS.IncludeAccountTags = dedupe(cfg.AWS.IncludeAccountTags)
	cfg.AWS.ExcludeAccountTags = dedupe(cfg.AWS.ExcludeAccountTags)
	for i, p := range cfg.AWS.CredentialProviderPriority {
		for _, known := range DefaultCredentialProviderPriority {
			if strings.EqualFold(p, known) {
				cfg.AWS.CredentialProviderPriority[i] = known
			}
		}
	}
	cfg.AWS.CredentialProviderPriority = dedupe(cfg.AWS.CredentialProviderPriority)
	if cfg.AWS.Partition == "" {
		cfg.AWS.Partition = derivePartition(cfg.AWS)
		cfg.partitionDerived = true
	}
}

// derivePartition follows Ocean: accountRoleArn, then the first accountRoleArns, else aws.
func derivePartition(a AWS) string {
	candidates := []string{a.AccountRoleARN}
	if len(a.AccountRoleARNs) > 0 {
		candidates = append(candidates, a.AccountRoleARNs[0])
	}
	for _, c := range candidates {
		if r, err := awsarn.ParseRoleARN(c); err == nil {
			return r.Partition
		}
	}
	return DefaultPartition
}

func dedupe(list []string) []string {
	if list == nil {
		return nil
	}
	seen := make(map[string]bool, len(list))
	out := list[:0:0]
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
