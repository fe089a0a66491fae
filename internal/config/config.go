// Package config loads aws-port-sync's settings from a Helm-values-style YAML
// file and the environment (Ocean aws-v3's variable names, Temporal's standard
// ones), and validates them before anything talks to AWS or Port.
package config

import (
	"fmt"
	"time"
)

// Defaults. Ocean has no default resync interval (no schedule, one resync at
// start); a durable schedule needs one, so it is 60 minutes here.
const (
	DefaultBaseURL                 = "https://api.getport.io" // EU; Ocean's default
	DefaultScheduledResyncInterval = 60 * time.Minute
	DefaultMaxConcurrentAccounts   = 5
	DefaultTemporalAddress         = "127.0.0.1:7233"
	DefaultTemporalNamespace       = "default"
	DefaultTaskQueue               = "aws-port-sync"
	DefaultPartition               = "aws"
	// DefaultPollingInterval is Ocean's POLLING listener interval.
	DefaultPollingInterval = 60 * time.Second
	// DefaultMaxPortRequestsPerSecond is Port's published limit (35,000
	// requests per 5 minutes for bulk upserts, search and entities) with a 20 %
	// margin: 35000 / 300 s × 0.8 ≈ 93.3 requests per second.
	DefaultMaxPortRequestsPerSecond = 35000.0 / 300 * 0.8
	// DefaultPortRequestBurst is the rest of Port's 5-minute budget: a burst
	// of 7,000 plus 300 s at 93.3/s is 35,000, so no 5-minute window can
	// exceed Port's limit, while a resync smaller than the burst is not slowed.
	DefaultPortRequestBurst = 7000
)

// Event listener types (Ocean's integration.eventListener.type) that
// aws-port-sync acts on. Ocean's others (KAFKA, WEBHOOK, WEBHOOKS_ONLY) are
// accepted with a warning and leave the schedule as the only trigger.
const (
	ListenerPolling = "POLLING"
	ListenerOnce    = "ONCE"
)

// EventListener is Ocean's event listener: what, besides the schedule, starts
// a resync.
type EventListener struct {
	// Type is POLLING, ONCE, or "" (none: the schedule alone). An unknown
	// type is kept as given; Listener() then says "" and Warnings() why.
	Type string
	// Interval is how often POLLING asks Port for its resync request.
	Interval time.Duration
	// ResyncOnStart: POLLING resyncs once when its watcher first starts.
	ResyncOnStart bool
}

// Credential provider names, in Ocean's default priority.
const (
	ProviderWebIdentity = "AssumeRoleWithWebIdentity"
	ProviderStatic      = "StaticCredential"
	ProviderAssumeRole  = "AssumeRole"
)

// DefaultCredentialProviderPriority is Ocean's default order.
var DefaultCredentialProviderPriority = []string{ProviderWebIdentity, ProviderStatic, ProviderAssumeRole}

// DefaultVersion is the integration version written into every User-Agent;
// release builds set it with -ldflags "-X .../internal/config.DefaultVersion=1.2.3".
var DefaultVersion = "dev"

// Config is the whole configuration. Secrets are plain strings for the code
// that needs them; String, GoString, LogValue and MarshalJSON redact them.
type Config struct {
	Port                    Port
	IntegrationIdentifier   string
	InitializePortResources bool
	// ScheduledResyncInterval is given in minutes (or as a Go duration like "90m").
	ScheduledResyncInterval time.Duration
	AWS                     AWS
	// MappingFile is a local port-app-config; empty means the integration's config in Port.
	MappingFile           string
	MaxConcurrentAccounts int
	// MaxPortRequestsPerSecond caps the Port API requests of the whole
	// deployment: every worker sends at most its share, this ÷ live workers.
	MaxPortRequestsPerSecond float64
	// PortRequestBurst is how many requests the deployment may send at once
	// above that rate (shared like the rate): 1 spaces requests evenly.
	PortRequestBurst int
	Temporal         Temporal
	Version          string
	EventListener    EventListener

	partitionDerived bool // AWS.Partition was derived from the ARNs, not given
}

// Port is the Port API client's settings.
type Port struct {
	ClientID     string
	ClientSecret string
	BaseURL      string // without /v1
}

// AWS is how accounts are found and reached.
type AWS struct {
	AccountRoleARN             string   // organization mode
	AccountRoleARNs            []string // explicit multi-account mode
	OUIDs                      []string // limits organization mode to these OUs (recursive)
	ExternalID                 string
	Partition                  string // given, or derived from the ARNs, else "aws"
	CredentialProviderPriority []string
	AccessKeyID                string
	SecretAccessKey            string
	SessionToken               string
	WebIdentityTokenFile       string // AWS_WEB_IDENTITY_TOKEN_FILE
	Region                     string // home region for STS/Organizations; empty = the SDK's default
	// FallbackRegions are an account's regions when neither
	// account:ListRegions nor ec2:DescribeRegions can list them.
	FallbackRegions []string

	// Organization-mode scoping: exclusions win over inclusions.
	ExcludedAccountIDs []string // never synced
	ExcludedOUIDs      []string // no account under them (recursively) is synced
	IncludeAccountTags []string // "key=value": when set, only accounts carrying one of them
	ExcludeAccountTags []string // "key=value": accounts carrying any of them are not synced
	// AccountRoleOverrides name another member role (and ExternalId) for
	// some accounts or OUs.
	AccountRoleOverrides []RoleOverride
}

// RoleOverride is one accountRoleOverrides entry: AccountID or OUID (one of
// them), RoleName as after "role/" in an ARN (path included, e.g.
// "team/PortReadRole"), and an optional ExternalID.
type RoleOverride struct {
	AccountID  string `yaml:"accountId" json:"accountId"`
	OUID       string `yaml:"ouId" json:"ouId"`
	RoleName   string `yaml:"roleName" json:"roleName"`
	ExternalID string `yaml:"externalId" json:"externalId"`
}

// Temporal is the connection to the Temporal service.
type Temporal struct {
	Address       string
	Namespace     string
	APIKey        string
	TLSCertPath   string
	TLSKeyPath    string
	TLSCAPath     string
	TLSServerName string
	TaskQueue     string
}

// Mode is the account discovery mode the settings select, in Ocean's order.
func (c *Config) Mode() string {
	switch {
	case c.AWS.AccountRoleARN != "":
		return "organization"
	case len(c.AWS.AccountRoleARNs) > 0:
		return "explicit"
	default:
		return "single"
	}
}

// defaults returns a Config holding every default.
func defaults() *Config {
	return &Config{
		Port:                     Port{BaseURL: DefaultBaseURL},
		InitializePortResources:  true,
		ScheduledResyncInterval:  DefaultScheduledResyncInterval,
		AWS:                      AWS{CredentialProviderPriority: append([]string(nil), DefaultCredentialProviderPriority...)},
		MaxConcurrentAccounts:    DefaultMaxConcurrentAccounts,
		MaxPortRequestsPerSecond: DefaultMaxPortRequestsPerSecond,
		PortRequestBurst:         DefaultPortRequestBurst,
		Temporal: Temporal{
			Address:   DefaultTemporalAddress,
			Namespace: DefaultTemporalNamespace,
			TaskQueue: DefaultTaskQueue,
		},
		Version:       DefaultVersion,
		EventListener: EventListener{Interval: DefaultPollingInterval, ResyncOnStart: true},
	}
}

// Listener is the event listener type aws-port-sync acts on: ListenerPolling,
// ListenerOnce, or "" (none, or a type it does not serve).
func (c *Config) Listener() string {
	switch t := c.EventListener.Type; t {
	case ListenerPolling, ListenerOnce:
		return t
	}
	return ""
}

// Warnings are settings that are accepted but do not do what they might be
// expected to; the worker and the starter log them.
func (c *Config) Warnings() []string {
	var out []string
	if t := c.EventListener.Type; t != "" && c.Listener() == "" {
		out = append(out, fmt.Sprintf("%s: %q is not an event listener aws-port-sync serves (valid: %s, %s, or none); resyncs run on the schedule only",
			FieldEventListenerType, t, ListenerPolling, ListenerOnce))
	}
	return out
}
