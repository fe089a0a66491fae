package config

import "fmt"

// Field is one setting's two spellings: its YAML (Helm values) path and its
// environment variable. Every message names both, so the user can fix it in
// whichever place they set it.
type Field struct {
	YAML string
	Env  string
}

func (f Field) String() string {
	switch {
	case f.YAML == "":
		return f.Env
	case f.Env == "":
		return f.YAML
	}
	return f.YAML + " (" + f.Env + ")"
}

// item names one element of a list setting.
func (f Field) item(i int) string {
	return fmt.Sprintf("%s[%d] (%s)", f.YAML, i, f.Env)
}

const oceanConfig = "OCEAN__INTEGRATION__CONFIG__"

// The settings, with Ocean's and Temporal's variable names.
var (
	FieldClientID                 = Field{"port.clientId", "OCEAN__PORT__CLIENT_ID"}
	FieldClientSecret             = Field{"port.clientSecret", "OCEAN__PORT__CLIENT_SECRET"}
	FieldBaseURL                  = Field{"port.baseUrl", "OCEAN__PORT__BASE_URL"}
	FieldIntegrationIdentifier    = Field{"integration.identifier", "OCEAN__INTEGRATION__IDENTIFIER"}
	FieldInitializePortResources  = Field{"initializePortResources", "OCEAN__INITIALIZE_PORT_RESOURCES"}
	FieldScheduledResyncInterval  = Field{"scheduledResyncInterval", "OCEAN__SCHEDULED_RESYNC_INTERVAL"}
	FieldAccountRoleARN           = Field{"integration.config.accountRoleArn", oceanConfig + "ACCOUNT_ROLE_ARN"}
	FieldAccountRoleARNs          = Field{"integration.config.accountRoleArns", oceanConfig + "ACCOUNT_ROLE_ARNS"}
	FieldOUID                     = Field{"integration.config.ouId", oceanConfig + "OU_ID"}
	FieldExternalID               = Field{"integration.config.externalId", oceanConfig + "EXTERNAL_ID"}
	FieldPartition                = Field{"integration.config.aws_partition", oceanConfig + "AWS_PARTITION"}
	FieldCredentialProviders      = Field{"integration.config.credentialProviderPriority", oceanConfig + "CREDENTIAL_PROVIDER_PRIORITY"}
	FieldAccessKeyID              = Field{"integration.config.aws_access_key_id", oceanConfig + "AWS_ACCESS_KEY_ID"}
	FieldSecretAccessKey          = Field{"integration.config.aws_secret_access_key", oceanConfig + "AWS_SECRET_ACCESS_KEY"}
	FieldSessionToken             = Field{"integration.config.aws_session_token", oceanConfig + "AWS_SESSION_TOKEN"}
	FieldMaxConcurrentAccounts    = Field{"integration.config.maxConcurrentAccounts", oceanConfig + "MAX_CONCURRENT_ACCOUNTS"}
	FieldMaxPortRequestsPerSecond = Field{"integration.config.maxPortRequestsPerSecond", oceanConfig + "MAX_PORT_REQUESTS_PER_SECOND"}
	FieldPortRequestBurst         = Field{"integration.config.portRequestBurst", oceanConfig + "PORT_REQUEST_BURST"}
	FieldRegion                   = Field{"integration.config.region", "AWS_REGION"}
	FieldFallbackRegions          = Field{"integration.config.fallbackRegions", oceanConfig + "FALLBACK_REGIONS"}
	FieldExcludedAccountIDs       = Field{"integration.config.excludedAccountIds", oceanConfig + "EXCLUDED_ACCOUNT_IDS"}
	FieldExcludedOUIDs            = Field{"integration.config.excludedOuIds", oceanConfig + "EXCLUDED_OU_IDS"}
	FieldIncludeAccountTags       = Field{"integration.config.includeAccountTags", oceanConfig + "INCLUDE_ACCOUNT_TAGS"}
	FieldExcludeAccountTags       = Field{"integration.config.excludeAccountTags", oceanConfig + "EXCLUDE_ACCOUNT_TAGS"}
	FieldAccountRoleOverrides     = Field{"integration.config.accountRoleOverrides", oceanConfig + "ACCOUNT_ROLE_OVERRIDES"}
	FieldWebIdentityTokenFile     = Field{"", "AWS_WEB_IDENTITY_TOKEN_FILE"}
	FieldMappingFile              = Field{"portAppConfigFile", "PORT_APP_CONFIG_FILE"}
	FieldVersion                  = Field{"version", "AWS_PORT_SYNC_VERSION"}
	FieldTemporalAddress          = Field{"temporal.address", "TEMPORAL_ADDRESS"}
	FieldTemporalNamespace        = Field{"temporal.namespace", "TEMPORAL_NAMESPACE"}
	FieldTemporalAPIKey           = Field{"temporal.apiKey", "TEMPORAL_API_KEY"}
	FieldTemporalTLSCert          = Field{"temporal.tls.cert", "TEMPORAL_TLS_CERT"}
	FieldTemporalTLSKey           = Field{"temporal.tls.key", "TEMPORAL_TLS_KEY"}
	FieldTemporalTLSCA            = Field{"temporal.tls.ca", "TEMPORAL_TLS_CA"}
	FieldTemporalTLSServerName    = Field{"temporal.tls.serverName", "TEMPORAL_TLS_SERVER_NAME"}
	FieldTemporalTaskQueue        = Field{"temporal.taskQueue", "TEMPORAL_TASK_QUEUE"}
	// Ocean's event listener: one JSON variable, or pydantic's nested ones.
	FieldEventListener              = Field{"integration.eventListener", "OCEAN__EVENT_LISTENER"}
	FieldEventListenerType          = Field{"integration.eventListener.type", "OCEAN__EVENT_LISTENER__TYPE"}
	FieldEventListenerInterval      = Field{"integration.eventListener.interval", "OCEAN__EVENT_LISTENER__INTERVAL"}
	FieldEventListenerResyncOnStart = Field{"integration.eventListener.resyncOnStart", "OCEAN__EVENT_LISTENER__RESYNC_ON_START"}
)

// Secondary environment names read after the primary one is empty.
const (
	envDefaultRegion = "AWS_DEFAULT_REGION"
	envOceanRegion   = oceanConfig + "REGION"
)
