// Package activities does the resync's I/O: AWS reads through the worker-side
// credential cache, JQ mapping, and Port writes. Every activity is idempotent
// (an upsert of the same batch twice leaves the same catalog) and returns only
// ids, counts and mapped entities: raw AWS data and secrets stay in the worker.
package activities

import (
	"log/slog"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	// Every kind registers itself; the collectors look them up by name.
	_ "github.com/aws-port-sync/aws-port-sync/internal/awscloud/kinds"
	"github.com/aws-port-sync/aws-port-sync/internal/port"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// Settings are the worker's configuration that activities need.
type Settings struct {
	// MappingFile is a local port-app-config.yml; empty means the integration's
	// config in Port.
	MappingFile             string
	InitializePortResources bool
	ResyncInterval          time.Duration
	// HomeRegion is where global kinds (S3) and account-level calls are made.
	HomeRegion            string
	Discovery             awscloud.DiscoverySettings
	MaxConcurrentAccounts int
	Version               string
	// PageSize bounds the items of one AWS page, so a mapped batch stays small.
	PageSize int32
}

// Activities holds the worker's long-lived clients.
type Activities struct {
	settings Settings
	port     *port.Client
	aws      *awscloud.Provider
	log      *slog.Logger
	temporal client.Client // optional: see SetTemporalClient
}

// New wires the activities to their clients.
func New(s Settings, portClient *port.Client, aws *awscloud.Provider, logger *slog.Logger) *Activities {
	if s.HomeRegion == "" && aws != nil {
		// The provider's home region is the partition's (us-gov-west-1,
		// cn-north-1) unless one was configured: a global kind read in
		// us-east-1 would call the aws partition with GovCloud or China keys.
		s.HomeRegion = aws.HomeRegion()
	}
	if s.HomeRegion == "" {
		s.HomeRegion = "us-east-1"
	}
	if s.PageSize <= 0 {
		s.PageSize = 100
	}
	if s.MaxConcurrentAccounts <= 0 {
		s.MaxConcurrentAccounts = 5
	}
	if logger == nil {
		logger = slog.Default()
	}
	return &Activities{settings: s, port: portClient, aws: aws, log: logger}
}

// Register registers every activity under the name the workflows call.
func (a *Activities) Register(w worker.ActivityRegistry) {
	reg := func(fn any, name string) { w.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name}) }
	reg(a.PrepareResync, syncdef.PrepareResyncActivity)
	reg(a.LeaseHolder, syncdef.LeaseHolderActivity)
	reg(a.GetResyncRequest, syncdef.GetResyncRequestActivity)
	reg(a.RunningResync, syncdef.RunningResyncActivity)
	reg(a.FinishResync, syncdef.FinishResyncActivity)
	reg(a.ListAccounts, syncdef.ListAccountsActivity)
	reg(a.AssumeRole, syncdef.AssumeRoleActivity)
	reg(a.ListRegions, syncdef.ListRegionsActivity)
	reg(a.SyncScope, syncdef.SyncScopeActivity)
	reg(a.UpsertEntities, syncdef.UpsertEntitiesActivity)
	reg(a.PlanSweep, syncdef.PlanSweepActivity)
	reg(a.DeleteEntities, syncdef.DeleteEntitiesActivity)
}

// target is the account's credentials target; an accountRoleOverrides entry
// (named by acct.Override) may set its own ExternalId.
func (a *Activities) target(acct syncdef.Account) awscloud.Target {
	return awscloud.Target{AccountID: acct.ID, RoleARN: acct.RoleARN, SessionName: acct.SessionName,
		ExternalID: a.settings.Discovery.ExternalIDFor(acct.Override)}
}
