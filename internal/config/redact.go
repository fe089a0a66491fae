package config

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

const redacted = "[REDACTED]"

func mask(s string) string {
	if s == "" {
		return ""
	}
	return redacted
}

// maskKeyID keeps an access key id's last 4 characters, which is how AWS's
// own console shows keys: enough to tell keys apart, not enough to use one.
func maskKeyID(s string) string {
	if len(s) <= 4 {
		return mask(s)
	}
	return strings.Repeat("*", len(s)-4) + s[len(s)-4:]
}

// Redacted returns a copy whose secrets (Port client secret, AWS secret key and
// session token, Temporal API key) are replaced, safe to print or log.
func (c Config) Redacted() Config {
	c.Port = c.Port.Redacted()
	c.AWS = c.AWS.Redacted()
	c.Temporal = c.Temporal.Redacted()
	return c
}

// Redacted returns a copy without the client secret.
func (p Port) Redacted() Port {
	p.ClientSecret = mask(p.ClientSecret)
	return p
}

// Redacted returns a copy without the secret key and session token.
func (a AWS) Redacted() AWS {
	a.AccessKeyID = maskKeyID(a.AccessKeyID)
	a.SecretAccessKey = mask(a.SecretAccessKey)
	a.SessionToken = mask(a.SessionToken)
	a.AccountRoleARNs = append([]string(nil), a.AccountRoleARNs...)
	a.OUIDs = append([]string(nil), a.OUIDs...)
	a.FallbackRegions = append([]string(nil), a.FallbackRegions...)
	a.CredentialProviderPriority = append([]string(nil), a.CredentialProviderPriority...)
	return a
}

// Redacted returns a copy without the API key.
func (t Temporal) Redacted() Temporal {
	t.APIKey = mask(t.APIKey)
	return t
}

// String is the redacted configuration; %v and %s never print secrets.
func (c Config) String() string {
	r := c.Redacted()
	return fmt.Sprintf("{Port:%s Integration:%s InitializePortResources:%t ScheduledResyncInterval:%s AWS:%s MappingFile:%q MaxConcurrentAccounts:%d MaxPortRequestsPerSecond:%g PortRequestBurst:%d Temporal:%s Version:%q}",
		r.Port, r.IntegrationIdentifier, r.InitializePortResources, r.ScheduledResyncInterval, r.AWS, r.MappingFile, r.MaxConcurrentAccounts, r.MaxPortRequestsPerSecond, r.PortRequestBurst, r.Temporal, r.Version)
}

// GoString keeps %#v redacted too.
func (c Config) GoString() string { return "config.Config" + c.String() }

func (p Port) String() string {
	r := p.Redacted()
	return fmt.Sprintf("{ClientID:%q ClientSecret:%q BaseURL:%q}", r.ClientID, r.ClientSecret, r.BaseURL)
}

// GoString keeps %#v redacted too.
func (p Port) GoString() string { return "config.Port" + p.String() }

func (a AWS) String() string {
	r := a.Redacted()
	return fmt.Sprintf("{AccountRoleARN:%q AccountRoleARNs:%q OUIDs:%q ExternalID:%q Partition:%q CredentialProviderPriority:%q AccessKeyID:%q SecretAccessKey:%q SessionToken:%q WebIdentityTokenFile:%q Region:%q}",
		r.AccountRoleARN, r.AccountRoleARNs, r.OUIDs, r.ExternalID, r.Partition, r.CredentialProviderPriority,
		r.AccessKeyID, r.SecretAccessKey, r.SessionToken, r.WebIdentityTokenFile, r.Region)
}

// GoString keeps %#v redacted too.
func (a AWS) GoString() string { return "config.AWS" + a.String() }

func (t Temporal) String() string {
	r := t.Redacted()
	return fmt.Sprintf("{Address:%q Namespace:%q APIKey:%q TLSCertPath:%q TLSKeyPath:%q TLSCAPath:%q TLSServerName:%q TaskQueue:%q}",
		r.Address, r.Namespace, r.APIKey, r.TLSCertPath, r.TLSKeyPath, r.TLSCAPath, r.TLSServerName, r.TaskQueue)
}

// GoString keeps %#v redacted too.
func (t Temporal) GoString() string { return "config.Temporal" + t.String() }

// LogValue makes slog print the redacted configuration as a group.
func (c Config) LogValue() slog.Value {
	r := c.Redacted()
	return slog.GroupValue(
		slog.Group("port", "clientId", r.Port.ClientID, "clientSecret", r.Port.ClientSecret, "baseUrl", r.Port.BaseURL),
		slog.String("integration", r.IntegrationIdentifier),
		slog.Bool("initializePortResources", r.InitializePortResources),
		slog.Duration("scheduledResyncInterval", r.ScheduledResyncInterval),
		slog.String("mode", c.Mode()),
		slog.Any("aws", r.AWS),
		slog.String("mappingFile", r.MappingFile),
		slog.Int("maxConcurrentAccounts", r.MaxConcurrentAccounts),
		slog.Float64("maxPortRequestsPerSecond", r.MaxPortRequestsPerSecond),
		slog.Int("portRequestBurst", r.PortRequestBurst),
		slog.Any("temporal", r.Temporal),
		slog.String("version", r.Version),
	)
}

// LogValue makes slog print the redacted Port settings.
func (p Port) LogValue() slog.Value {
	r := p.Redacted()
	return slog.GroupValue(slog.String("clientId", r.ClientID), slog.String("clientSecret", r.ClientSecret), slog.String("baseUrl", r.BaseURL))
}

// LogValue makes slog print the redacted AWS settings.
func (a AWS) LogValue() slog.Value {
	r := a.Redacted()
	return slog.GroupValue(
		slog.String("accountRoleArn", r.AccountRoleARN),
		slog.Any("accountRoleArns", r.AccountRoleARNs),
		slog.Any("ouId", r.OUIDs),
		slog.String("externalId", r.ExternalID),
		slog.String("partition", r.Partition),
		slog.Any("credentialProviderPriority", r.CredentialProviderPriority),
		slog.String("accessKeyId", r.AccessKeyID),
		slog.String("secretAccessKey", r.SecretAccessKey),
		slog.String("sessionToken", r.SessionToken),
		slog.String("webIdentityTokenFile", r.WebIdentityTokenFile),
		slog.String("region", r.Region),
	)
}

// LogValue makes slog print the redacted Temporal settings.
func (t Temporal) LogValue() slog.Value {
	r := t.Redacted()
	return slog.GroupValue(
		slog.String("address", r.Address), slog.String("namespace", r.Namespace), slog.String("apiKey", r.APIKey),
		slog.String("tlsCert", r.TLSCertPath), slog.String("tlsKey", r.TLSKeyPath), slog.String("tlsCa", r.TLSCAPath),
		slog.String("tlsServerName", r.TLSServerName), slog.String("taskQueue", r.TaskQueue),
	)
}

// redactedJSON is the JSON shape of a redacted Config; a Config that ends up in
// JSON (a workflow input, a debug dump) must not carry secrets either.
type redactedJSON struct {
	Port                     map[string]string `json:"port"`
	IntegrationIdentifier    string            `json:"integrationIdentifier"`
	InitializePortResources  bool              `json:"initializePortResources"`
	ScheduledResyncInterval  string            `json:"scheduledResyncInterval"`
	AWS                      map[string]any    `json:"aws"`
	MappingFile              string            `json:"mappingFile,omitempty"`
	MaxConcurrentAccounts    int               `json:"maxConcurrentAccounts"`
	MaxPortRequestsPerSecond float64           `json:"maxPortRequestsPerSecond"`
	PortRequestBurst         int               `json:"portRequestBurst"`
	Temporal                 map[string]string `json:"temporal"`
	Version                  string            `json:"version"`
}

// MarshalJSON writes the redacted configuration.
func (c Config) MarshalJSON() ([]byte, error) {
	r := c.Redacted()
	return json.Marshal(redactedJSON{
		Port:                    map[string]string{"clientId": r.Port.ClientID, "clientSecret": r.Port.ClientSecret, "baseUrl": r.Port.BaseURL},
		IntegrationIdentifier:   r.IntegrationIdentifier,
		InitializePortResources: r.InitializePortResources,
		ScheduledResyncInterval: r.ScheduledResyncInterval.Round(time.Second).String(),
		AWS: map[string]any{
			"accountRoleArn": r.AWS.AccountRoleARN, "accountRoleArns": r.AWS.AccountRoleARNs, "ouId": r.AWS.OUIDs,
			"externalId": r.AWS.ExternalID, "partition": r.AWS.Partition, "credentialProviderPriority": r.AWS.CredentialProviderPriority,
			"accessKeyId": r.AWS.AccessKeyID, "secretAccessKey": r.AWS.SecretAccessKey, "sessionToken": r.AWS.SessionToken,
			"webIdentityTokenFile": r.AWS.WebIdentityTokenFile, "region": r.AWS.Region,
		},
		MappingFile:              r.MappingFile,
		MaxConcurrentAccounts:    r.MaxConcurrentAccounts,
		MaxPortRequestsPerSecond: r.MaxPortRequestsPerSecond,
		PortRequestBurst:         r.PortRequestBurst,
		Temporal: map[string]string{
			"address": r.Temporal.Address, "namespace": r.Temporal.Namespace, "apiKey": r.Temporal.APIKey,
			"tlsCert": r.Temporal.TLSCertPath, "tlsKey": r.Temporal.TLSKeyPath, "tlsCa": r.Temporal.TLSCAPath,
			"tlsServerName": r.Temporal.TLSServerName, "taskQueue": r.Temporal.TaskQueue,
		},
		Version: r.Version,
	})
}

// MarshalJSON writes the redacted Port settings.
func (p Port) MarshalJSON() ([]byte, error) {
	r := p.Redacted()
	return json.Marshal(map[string]string{"clientId": r.ClientID, "clientSecret": r.ClientSecret, "baseUrl": r.BaseURL})
}

// MarshalJSON writes the redacted AWS settings.
func (a AWS) MarshalJSON() ([]byte, error) {
	type plain AWS // no methods: no recursion
	return json.Marshal(plain(a.Redacted()))
}

// MarshalJSON writes the redacted Temporal settings.
func (t Temporal) MarshalJSON() ([]byte, error) {
	type plain Temporal
	return json.Marshal(plain(t.Redacted()))
}
