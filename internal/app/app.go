// Package app turns the validated configuration into the worker's parts: the
// Port client, the AWS credential provider, the activities and the Temporal
// client. The worker, the starter and the tests share it so that they cannot
// drift apart.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/aws-port-sync/aws-port-sync/activities"
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	"github.com/aws-port-sync/aws-port-sync/internal/config"
	"github.com/aws-port-sync/aws-port-sync/internal/mapping"
	"github.com/aws-port-sync/aws-port-sync/internal/port"
	"github.com/aws-port-sync/aws-port-sync/internal/schedule"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// AWSSettings are the credential provider's settings of cfg.
func AWSSettings(cfg *config.Config, logger *slog.Logger) awscloud.Settings {
	a := cfg.AWS
	return awscloud.Settings{
		CredentialProviderPriority: a.CredentialProviderPriority,
		WebIdentityTokenFile:       a.WebIdentityTokenFile,
		AccessKeyID:                a.AccessKeyID,
		SecretAccessKey:            a.SecretAccessKey,
		SessionToken:               a.SessionToken,
		ExternalID:                 a.ExternalID,
		Partition:                  a.Partition,
		Region:                     a.Region,
		FallbackRegions:            a.FallbackRegions,
		Logger:                     logger,
	}
}

// ActivitySettings are the activities' settings of cfg.
func ActivitySettings(cfg *config.Config) activities.Settings {
	return activities.Settings{
		MappingFile:             cfg.MappingFile,
		InitializePortResources: cfg.InitializePortResources,
		ResyncInterval:          cfg.ScheduledResyncInterval,
		HomeRegion:              cfg.AWS.Region,
		Discovery: awscloud.DiscoverySettings{
			AccountRoleARN:  cfg.AWS.AccountRoleARN,
			AccountRoleARNs: cfg.AWS.AccountRoleARNs,
			OUIDs:           cfg.AWS.OUIDs,

			ExcludedAccountIDs: cfg.AWS.ExcludedAccountIDs,
			ExcludedOUIDs:      cfg.AWS.ExcludedOUIDs,
			IncludeAccountTags: cfg.AWS.IncludeAccountTags,
			ExcludeAccountTags: cfg.AWS.ExcludeAccountTags,
			RoleOverrides:      roleOverrides(cfg.AWS.AccountRoleOverrides),
		},
		MaxConcurrentAccounts: cfg.MaxConcurrentAccounts,
		Version:               cfg.Version,
	}
}

func roleOverrides(list []config.RoleOverride) []awscloud.RoleOverride {
	out := make([]awscloud.RoleOverride, 0, len(list))
	for _, o := range list {
		out = append(out, awscloud.RoleOverride{AccountID: o.AccountID, OUID: o.OUID, RoleName: o.RoleName, ExternalID: o.ExternalID})
	}
	return out
}

// LoadConfig reads the configuration (file, then environment) and validates
// all of it, so that a bad setting stops the process before any write.
func LoadConfig(file string) (*config.Config, error) {
	cfg, err := config.Load(os.Getenv, file)
	if err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// NewActivities builds the activities and checks what can be checked before the
// first resync: the local mapping compiles against known kinds, Port accepts the
// credentials, the AWS credential provider can be set up.
func NewActivities(ctx context.Context, cfg *config.Config, logger *slog.Logger) (*activities.Activities, error) {
	acts, _, err := NewWorkerActivities(ctx, cfg, logger)
	return acts, err
}

// NewWorkerActivities is NewActivities that also returns the Port rate limit
// its requests obey (cfg.MaxPortRequestsPerSecond, this worker alone until
// SharePortCap counts the others).
func NewWorkerActivities(ctx context.Context, cfg *config.Config, logger *slog.Logger) (*activities.Activities, *port.RateLimit, error) {
	if cfg.MappingFile != "" {
		if err := CheckMappingFile(cfg.MappingFile); err != nil {
			return nil, nil, err
		}
	}
	limit := port.NewRateLimit(cfg.MaxPortRequestsPerSecond, cfg.PortRequestBurst)
	pc, err := port.New(port.Config{
		BaseURL: cfg.Port.BaseURL, ClientID: cfg.Port.ClientID, ClientSecret: cfg.Port.ClientSecret, Logger: logger,
		BaseURLSetting: config.FieldBaseURL.String(),
		RateLimit:      limit,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("port: %w", err)
	}
	if err := CheckPort(ctx, pc, cfg); err != nil {
		return nil, nil, err
	}
	provider, err := awscloud.NewProvider(ctx, AWSSettings(cfg, logger))
	if err != nil {
		return nil, nil, fmt.Errorf("aws credentials: %w", err)
	}
	return activities.New(ActivitySettings(cfg), pc, provider, logger), limit, nil
}

// CheckPort reads the integration once: Port is reachable at the base URL and
// accepts the credentials. An integration that does not exist yet is fine (the
// first resync creates it); a 404 from the token endpoint is not (the base URL
// is wrong). The message says which setting to fix and keeps Port's answer or
// the network error.
func CheckPort(ctx context.Context, pc *port.Client, cfg *config.Config) error {
	_, err := pc.GetIntegration(ctx, cfg.IntegrationIdentifier)
	var wrongURL *port.BaseURLError
	switch {
	case err == nil, port.IsNotFound(err):
		return nil
	case errors.As(err, &wrongURL):
		return wrongURL
	case port.IsUnreachable(err):
		return fmt.Errorf("cannot reach Port at %s: %w: check %s and that this worker can reach it", cfg.Port.BaseURL, err, config.FieldBaseURL)
	case port.IsAuthFailure(err):
		return fmt.Errorf("port rejected the credentials: %w: check %s and %s", err, config.FieldClientID, config.FieldClientSecret)
	default:
		return fmt.Errorf("port check at %s failed: %w", cfg.Port.BaseURL, err)
	}
}

// CheckMappingFile parses and compiles a port-app-config file: every JQ and kind.
func CheckMappingFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("mapping file (PORT_APP_CONFIG_FILE): %w", err)
	}
	m, err := mapping.Parse(data)
	if err != nil {
		return fmt.Errorf("mapping file %s: %w", path, err)
	}
	if _, err := activities.ValidateMapping(m); err != nil {
		return fmt.Errorf("mapping file %s: %w", path, err)
	}
	return nil
}

// WorkerOptions are the worker's options. More pollers than the SDK's default
// of two: an account's units complete in bursts, and each completion needs a
// workflow task before the next page is scheduled.
func WorkerOptions() worker.Options {
	return worker.Options{
		MaxConcurrentWorkflowTaskPollers: 8,
		MaxConcurrentActivityTaskPollers: 8,
		// Give in-flight scopes time to finish on SIGTERM; what does not
		// finish is read again by another worker.
		WorkerStopTimeout: 30 * time.Second,
		// The SDK batches heartbeats up to 80% of the timeout by default;
		// sending them within 2 s keeps a short heartbeat timeout safe.
		MaxHeartbeatThrottleInterval:     2 * time.Second,
		DefaultHeartbeatThrottleInterval: 2 * time.Second,
	}
}

// ResyncInput is what every resync of this configuration starts with.
func ResyncInput(cfg *config.Config, useSearchAttributes bool) syncdef.ResyncInput {
	return syncdef.ResyncInput{Integration: cfg.IntegrationIdentifier, UseSearchAttributes: useSearchAttributes}
}

// WatcherSpec is the resync watcher of cfg's POLLING listener.
func WatcherSpec(cfg *config.Config, useSearchAttributes bool) schedule.WatcherSpec {
	return schedule.WatcherSpec{
		Integration:      cfg.IntegrationIdentifier,
		TaskQueue:        cfg.Temporal.TaskQueue,
		Interval:         cfg.EventListener.Interval,
		ResyncOnStart:    cfg.EventListener.ResyncOnStart,
		ScheduleInterval: cfg.ScheduledResyncInterval,
		Input:            ResyncInput(cfg, useSearchAttributes),
	}
}

// EnsureListener makes the integration's event listener what cfg says: with
// POLLING its resync watcher runs with cfg's settings; with no listener (or
// one aws-port-sync does not serve) none runs; ONCE leaves a watcher alone
// (a one-off Job next to a polling Deployment). It returns what it did.
func EnsureListener(ctx context.Context, c client.Client, cfg *config.Config, useSearchAttributes bool) (string, error) {
	id := syncdef.WatcherID(cfg.IntegrationIdentifier)
	switch cfg.Listener() {
	case config.ListenerPolling:
		if err := schedule.EnsureWatcher(ctx, c, WatcherSpec(cfg, useSearchAttributes)); err != nil {
			return "", err
		}
		return fmt.Sprintf("resync watcher %s polls Port's resync request every %s (resyncOnStart %v)",
			id, cfg.EventListener.Interval, cfg.EventListener.ResyncOnStart), nil
	case config.ListenerOnce:
		return "", nil
	}
	stopped, err := schedule.StopWatcher(ctx, c, cfg.IntegrationIdentifier)
	if err != nil {
		return "", err
	}
	if stopped {
		return fmt.Sprintf("resync watcher %s stopped: the event listener is not POLLING", id), nil
	}
	return "", nil
}
