// Package syncdef is the contract between the workflows and the activities:
// activity names, their inputs and outputs. It holds no I/O, so workflow code can
// import it without learning anything about AWS or HTTP. Nothing here carries a
// secret: accounts travel as ids and role ARNs only.
package syncdef

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/aws-port-sync/aws-port-sync/internal/catalog"
)

// Names registered on the worker. Workflows call activities by name so that the
// workflows package never imports the activities package.
const (
	TaskQueueDefault = "aws-port-sync"

	ResyncWorkflowName      = "ResyncWorkflow"
	AccountSyncWorkflowName = "AccountSyncWorkflow"
	// ResyncLeaseWorkflowName is the child a resync holds while it runs: its
	// fixed id makes the server refuse a second resync of the integration,
	// however that one was started.
	ResyncLeaseWorkflowName = "ResyncLease"

	PrepareResyncActivity  = "PrepareResync"
	LeaseHolderActivity    = "LeaseHolder"
	ListAccountsActivity   = "ListAccounts"
	AssumeRoleActivity     = "AssumeRole"
	ListRegionsActivity    = "ListRegions"
	SyncScopeActivity      = "SyncScope"
	UpsertEntitiesActivity = "UpsertEntities"
	PlanSweepActivity      = "PlanSweep"
	DeleteEntitiesActivity = "DeleteEntities"
	FinishResyncActivity   = "FinishResync"

	ProgressQuery = "progress"

	// Search attributes (Keyword) so the Web UI can filter runs by account,
	// integration and outcome (AwsPortSyncStatus="failed").
	SearchAttrAccountID   = "AwsAccountId"
	SearchAttrIntegration = "AwsPortSyncIntegration"
	SearchAttrStatus      = "AwsPortSyncStatus"
)

// SearchAttributes are the Keyword attributes the starter registers.
var SearchAttributes = []string{SearchAttrAccountID, SearchAttrIntegration, SearchAttrStatus}

// LeaseID is the workflow id of the lease child a running resync holds.
func LeaseID(integration string) string { return "aws-port-sync/" + integration + "/running" }

// Error types of non-retryable application errors; the workflows read them to
// report reasons, and the activities set them.
const (
	ErrTypeInvalidConfig = "InvalidConfig" // bad mapping or settings: fix and re-run
	ErrTypeAccessDenied  = "AccessDenied"  // AWS refused: role, trust policy, SCP
	ErrTypeNotFound      = "NotFound"      // e.g. Port blueprint missing
	ErrTypePortRejected  = "PortRejected"  // Port 4xx that a retry cannot fix
	ErrTypeAWSRejected   = "AWSRejected"   // AWS 4xx that a retry cannot fix: unknown operation, validation, not found
	ErrTypeDiscovery     = "DiscoveryFailed"
)

// ResyncInput starts one resync. Everything else comes from the worker's
// configuration, so a schedule created once keeps working when settings change.
type ResyncInput struct {
	Integration string `json:"integration"`
	// UseSearchAttributes is set by the starter when the namespace has the
	// attributes registered; unregistered attributes would fail child starts.
	UseSearchAttributes bool `json:"useSearchAttributes,omitempty"`
	// Tuning overrides (zero = defaults); tests use them to shorten timeouts.
	Tuning Tuning `json:"tuning,omitempty"`
}

// Tuning holds knobs that change timing, never results.
type Tuning struct {
	HeartbeatTimeout    time.Duration `json:"heartbeatTimeout,omitempty"`
	MaxConcurrentUnits  int           `json:"maxConcurrentUnits,omitempty"`
	ContinueAsNewEvents int           `json:"continueAsNewEvents,omitempty"`
	// PagesPerRun bounds the pages one account workflow run collects before it
	// continues as new (history grows by about a dozen events per page).
	PagesPerRun            int   `json:"pagesPerRun,omitempty"`
	MaxConcurrentAccounts  int   `json:"maxConcurrentAccounts,omitempty"`
	ActivityMaximumRetries int32 `json:"activityMaximumRetries,omitempty"`
	// PageSize overrides the worker's AWS page size (items per AWS page).
	PageSize int32 `json:"pageSize,omitempty"`
	// MaxConcurrentRegions bounds the units (regions) one scope activity
	// reads at once; MaxConcurrentUnits bounds the scopes of an account.
	MaxConcurrentRegions int `json:"maxConcurrentRegions,omitempty"`
}

// Flags are the port-app-config switches that change how writes and deletes go.
type Flags struct {
	DeleteDependentEntities      bool    `json:"deleteDependentEntities"`
	CreateMissingRelatedEntities bool    `json:"createMissingRelatedEntities"`
	EnableMergeEntity            bool    `json:"enableMergeEntity"`
	EntityDeletionThreshold      float64 `json:"entityDeletionThreshold"`
}

// ResourcePlan is one resources[] entry of the mapping, ready to collect.
type ResourcePlan struct {
	Index int    `json:"index"`
	Kind  string `json:"kind"`
	// Global kinds are collected once per account (S3, account info), the
	// others once per allowed region.
	Global         bool     `json:"global,omitempty"`
	Spec           string   `json:"spec"` // mapping.ResourceSpec as JSON; compiled once per worker
	RegionAllow    []string `json:"regionAllow,omitempty"`
	RegionDeny     []string `json:"regionDeny,omitempty"`
	IncludeActions []string `json:"includeActions,omitempty"`
	// Problem says why this resource cannot be collected at all (a kind
	// that is not a type name, for instance): its scopes fail and keep their
	// entities, and the other resources sync.
	Problem string `json:"problem,omitempty"`
	// Regions, when set, are the only regions AWS serves the kind in
	// (MemoryDB, SES); they narrow the account's enabled regions.
	Regions []string `json:"regions,omitempty"`
	// History kinds read records from Since on (zero: all history), and an
	// entity that ages out of that window is never deleted for it.
	History bool      `json:"history,omitempty"`
	Since   time.Time `json:"since,omitempty"`
	// UseGetResourceAPI: a Cloud Control kind reads each resource with
	// GetResource.
	UseGetResourceAPI bool `json:"useGetResourceAPI,omitempty"`
}

// PrepareInput / PrepareOutput: mapping, blueprints and resync-state.
type PrepareInput struct {
	Integration string    `json:"integration"`
	ResyncID    string    `json:"resyncId"`
	StartedAt   time.Time `json:"startedAt"`
}

type PrepareOutput struct {
	Resources             []ResourcePlan `json:"resources"`
	Flags                 Flags          `json:"flags"`
	Version               string         `json:"version"`
	MaxConcurrentAccounts int            `json:"maxConcurrentAccounts"`
	BlueprintsCreated     []string       `json:"blueprintsCreated,omitempty"`
}

// Account is a discovered account; RoleARN empty means the base credentials.
type Account struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	RoleARN     string `json:"roleArn,omitempty"`
	SessionName string `json:"sessionName,omitempty"`
	// Override is the accountRoleOverrides selector (account or OU id) that
	// chose RoleARN; the worker looks its ExternalId up in its own settings.
	Override string `json:"override,omitempty"`
}

// ExcludedAccount is an ACTIVE account the scoping settings leave out
// (excludedAccountIds, excludedOuIds, include/excludeAccountTags), and why.
type ExcludedAccount struct {
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
	Reason string `json:"reason"`
}

type ListAccountsOutput struct {
	Mode     string    `json:"mode"`
	Accounts []Account `json:"accounts"`
	Warnings []string  `json:"warnings,omitempty"`
	// Complete is false when discovery fell back to fewer accounts than the
	// organization has; then no account is swept as departed.
	Complete bool `json:"complete"`
	// Excluded accounts are not synced; what they had in the catalog is swept
	// like a departed account's (only when Complete).
	Excluded []ExcludedAccount `json:"excluded,omitempty"`
}

// AssumeRoleOutput: identity and expiry only, never credentials.
type AssumeRoleOutput struct {
	AccountID  string    `json:"accountId"`
	ARN        string    `json:"arn"`
	Expiration time.Time `json:"expiration,omitempty"`
}

type ListRegionsInput struct {
	Account Account `json:"account"`
}

// ListRegionsOutput is an account's enabled regions and where they came from.
type ListRegionsOutput struct {
	Regions []string `json:"regions"`
	Source  string   `json:"source,omitempty"` // account:ListRegions, ec2:DescribeRegions, fallbackRegions, partition
	// Fallback says why the preferred sources were not used ("" when
	// account:ListRegions answered).
	Fallback string `json:"fallback,omitempty"`
}

// UnmarshalJSON also reads the bare list ListRegions returned before it named
// its source, so that histories recorded then still replay.
func (o *ListRegionsOutput) UnmarshalJSON(b []byte) error {
	if b = bytes.TrimSpace(b); len(b) > 0 && b[0] == '[' {
		*o = ListRegionsOutput{}
		return json.Unmarshal(b, &o.Regions)
	}
	type plain ListRegionsOutput
	return json.Unmarshal(b, (*plain)(o))
}

// Unit is one (resource, region) stream of pages.
type Unit struct {
	Resource int    `json:"resource"` // index into AccountSyncInput.Resources
	Region   string `json:"region"`
}

type CollectPageInput struct {
	Account  Account      `json:"account"`
	Resource ResourcePlan `json:"resource"`
	Region   string       `json:"region"`
	Token    string       `json:"token,omitempty"`
	PageSize int32        `json:"pageSize,omitempty"` // 0 = the worker's default
}

// CollectPageOutput carries mapped entities only; raw AWS data stays in the activity.
type CollectPageOutput struct {
	Entities []catalog.Entity `json:"entities,omitempty"`
	Next     string           `json:"next,omitempty"`
	Raw      int              `json:"raw"`
	Filtered int              `json:"filtered,omitempty"`
	Dropped  int              `json:"dropped,omitempty"`
	// MappingErrors counts property expressions that failed and yielded null.
	MappingErrors int `json:"mappingErrors,omitempty"`
	// Skipped says why the kind does not apply to this account; its scope
	// then keeps every entity it has (no deletion planned).
	Skipped string `json:"skipped,omitempty"`
	// RelationTargets are identifiers this page's entities point at; with
	// createMissingRelatedEntities Port may have created them under this scope.
	RelationTargets []string `json:"relationTargets,omitempty"`
	// OmittedActions counts optional actions (includeActions) that were
	// denied or found nothing configured: the item is kept without that
	// field, as in Ocean. OmittedExamples names a few of them.
	OmittedActions  int      `json:"omittedActions,omitempty"`
	OmittedExamples []string `json:"omittedExamples,omitempty"`
}

type UpsertInput struct {
	Scope    catalog.Scope    `json:"scope"`
	Entities []catalog.Entity `json:"entities"`
	Flags    Flags            `json:"flags"`
	ResyncID string           `json:"resyncId"`
	// Ordered writes one entity at a time, relation targets first: the retry of
	// entities Port rejected because a target did not exist yet.
	Ordered bool `json:"ordered,omitempty"`
}

type UpsertOutput struct {
	Upserted  int      `json:"upserted"`
	Unchanged int      `json:"unchanged"`
	Failed    int      `json:"failed"`
	Failures  []string `json:"failures,omitempty"` // first few reasons
	// MissingTargets are entities Port rejected (404 not_found) because a
	// relation target did not exist yet, with createMissingRelatedEntities off;
	// the account workflow retries them in dependency order at its end.
	MissingTargets []catalog.Entity `json:"missingTargets,omitempty"`
}

type PlanDeletesInput struct {
	Scope           catalog.Scope `json:"scope"`
	StartedAt       time.Time     `json:"startedAt"`
	Produced        []catalog.Key `json:"produced"`
	RelationTargets []string      `json:"relationTargets,omitempty"`
	Flags           Flags         `json:"flags"`
}

type PlanDeletesOutput struct {
	Stale []catalog.Key `json:"stale,omitempty"`
	Owned int           `json:"owned"`
	// Stubs counts, per blueprint, the scope's entities that exist only as
	// relation targets Port created (createMissingRelatedEntities): bare
	// identifiers, not resources.
	Stubs BlueprintCounts `json:"stubs,omitempty"`
}

// SyncScopeInput is one (account, kind) scope: every unit of the kind in the
// account, read, mapped and written by one activity, which then plans the
// scope's deletions from the keys it produced.
type SyncScopeInput struct {
	Integration string    `json:"integration"`
	ResyncID    string    `json:"resyncId"`
	StartedAt   time.Time `json:"startedAt"`
	Account     Account   `json:"account"`
	Kind        string    `json:"kind"`
	// Resources are the mapping's entries of this kind; Units index them.
	Resources []ResourcePlan `json:"resources"`
	Units     []Unit         `json:"units"`
	Flags     Flags          `json:"flags"`
	PageSize  int32          `json:"pageSize,omitempty"`
	// Concurrency bounds the units read at once (0 = 4).
	Concurrency int `json:"concurrency,omitempty"`
	// MaxAttempts bounds the tries of one page, one write and the plan
	// before the scope fails (0 = 10).
	MaxAttempts int32 `json:"maxAttempts,omitempty"`
}

// SyncScopeOutput is a finished scope: counts, the reasons it failed, and,
// when every unit completed, its deletion plan. Produced keys never leave the
// activity, so a scope of any size costs the workflow a few hundred bytes.
type SyncScopeOutput struct {
	Counts          Counts   `json:"counts"`
	Pages           int      `json:"pages"`
	Skipped         string   `json:"skipped,omitempty"`
	Errors          []string `json:"errors,omitempty"`
	OmittedExamples []string `json:"omittedExamples,omitempty"`
	WriteFailures   []string `json:"writeFailures,omitempty"`
	// Retry holds entities Port rejected for a missing relation target, for
	// the account to write again once its other scopes are done (bounded:
	// beyond MaxRetryBytes they count as failed, and are kept).
	Retry    []catalog.Entity `json:"retry,omitempty"`
	Produced int              `json:"produced"`
	// Planned is set when the scope completed and Port's view was read:
	// only then do Owned, Stale and Stubs mean anything.
	Planned bool            `json:"planned,omitempty"`
	Owned   int             `json:"owned,omitempty"`
	Stale   []catalog.Key   `json:"stale,omitempty"`
	Stubs   BlueprintCounts `json:"stubs,omitempty"`
}

// MaxRetryBytes bounds the entities one scope hands back for the
// missing-relation-target retry, keeping every payload far below Temporal's.
const MaxRetryBytes = 256 << 10

// PlanSweepInput counts what the integration owns and, when discovery was
// complete, finds the scopes nobody collects any more (departed accounts,
// kinds removed from the mapping).
type PlanSweepInput struct {
	Integration   string    `json:"integration"`
	StartedAt     time.Time `json:"startedAt"`
	SweepDeparted bool      `json:"sweepDeparted"`
	Accounts      []string  `json:"accounts"` // discovered this resync
	Kinds         []string  `json:"kinds"`    // configured this resync
}

type PlanSweepOutput struct {
	Owned int           `json:"owned"`
	Stale []catalog.Key `json:"stale,omitempty"`
	// Swept names the scopes behind Stale, so the report can say which
	// accounts departed.
	Swept []SweptScope `json:"swept,omitempty"`
}

type DeleteInput struct {
	Integration string        `json:"integration"`
	Keys        []catalog.Key `json:"keys"`
	Flags       Flags         `json:"flags"`
}

type DeleteOutput struct {
	Deleted int      `json:"deleted"`
	Failed  int      `json:"failed"`
	Errors  []string `json:"errors,omitempty"`
}

type FinishInput struct {
	Integration string    `json:"integration"`
	StartedAt   time.Time `json:"startedAt"`
	Status      string    `json:"status"` // completed | failed
}

// Counts are entity totals; they add up across pages, scopes and accounts.
type Counts struct {
	Raw           int `json:"raw"`
	Upserted      int `json:"upserted"`
	Unchanged     int `json:"unchanged"`
	Failed        int `json:"failed"`
	Filtered      int `json:"filtered"`
	Dropped       int `json:"dropped"`
	MappingErrors int `json:"mappingErrors"`
	Stale         int `json:"stale"`
	Deleted       int `json:"deleted"`
	// OmittedActions: items left without an optional action's field (denied
	// or not configured). Not a failure: the account stays synced.
	OmittedActions int `json:"omittedActions,omitempty"`
}

// Add sums b into c.
func (c *Counts) Add(b Counts) {
	c.Raw += b.Raw
	c.Upserted += b.Upserted
	c.Unchanged += b.Unchanged
	c.Failed += b.Failed
	c.Filtered += b.Filtered
	c.Dropped += b.Dropped
	c.MappingErrors += b.MappingErrors
	c.Stale += b.Stale
	c.Deleted += b.Deleted
	c.OmittedActions += b.OmittedActions
}

// AccountSyncInput starts (or continues) one account's child workflow.
type AccountSyncInput struct {
	ResyncID    string         `json:"resyncId"`
	Integration string         `json:"integration"`
	StartedAt   time.Time      `json:"startedAt"`
	Account     Account        `json:"account"`
	Resources   []ResourcePlan `json:"resources"`
	Flags       Flags          `json:"flags"`
	Version     string         `json:"version"`
	Tuning      Tuning         `json:"tuning,omitempty"`
	// UseSearchAttributes: set AwsPortSyncStatus to the account's outcome.
	UseSearchAttributes bool `json:"useSearchAttributes,omitempty"`
	// Carry is the state handed over by continue-as-new; nil on the first run.
	Carry *AccountCarry `json:"carry,omitempty"`
}

// AccountCarry is what an account workflow needs to resume after continue-as-new.
type AccountCarry struct {
	Regions []string `json:"regions"`
	// RegionsNote says where the regions came from, and why, when
	// account:ListRegions could not list them; the account's report shows it.
	RegionsNote string           `json:"regionsNote,omitempty"`
	Pending     []Unit           `json:"pending"`
	Scopes      []*ScopeState    `json:"scopes"`
	Counts      Counts           `json:"counts"`
	Identity    AssumeRoleOutput `json:"identity"`
	Runs        int              `json:"runs"`
	// WriteFailures: the first few entities Port rejected, with its answer.
	WriteFailures []string `json:"writeFailures,omitempty"`
	// OmittedActions: the first few optional actions left out, with why.
	OmittedActions []string `json:"omittedActions,omitempty"`
}

// ScopeState tracks one (account, kind) scope through the run.
type ScopeState struct {
	Kind     string   `json:"kind"`
	Produced int      `json:"produced,omitempty"`
	Errors   []string `json:"errors,omitempty"`
	Skipped  string   `json:"skipped,omitempty"`
	// Retry holds entities to write again once the account's units are done.
	Retry []catalog.Entity `json:"retry,omitempty"`
	// Units counts the units laid out for the scope; a scope with none was
	// not read at all and must not plan deletions.
	Units int `json:"units"`
	// Planned, Owned, Stale and Stubs are the scope activity's deletion plan.
	Planned bool            `json:"planned,omitempty"`
	Owned   int             `json:"owned,omitempty"`
	Stale   []catalog.Key   `json:"stale,omitempty"`
	Stubs   BlueprintCounts `json:"stubs,omitempty"`
}

// ScopeResult is a finished scope: complete scopes may carry stale keys.
type ScopeResult struct {
	Kind     string          `json:"kind"`
	Complete bool            `json:"complete"`
	Error    string          `json:"error,omitempty"`
	Skipped  string          `json:"skipped,omitempty"` // not applicable here; entities kept
	Produced int             `json:"produced"`
	Owned    int             `json:"owned"`
	Stale    []catalog.Key   `json:"stale,omitempty"`
	Stubs    BlueprintCounts `json:"stubs,omitempty"`
}

// Account statuses in results and progress; a resync's status
// (Progress.Status, the AwsPortSyncStatus search attribute) uses the same words.
const (
	AccountSynced  = "synced"
	AccountPartial = "partial" // some scopes or writes failed; their entities are kept
	AccountFailed  = "failed"  // nothing collected (role, regions); entities kept
	// StatusRunning marks a resync or account in flight (search attribute only).
	StatusRunning = "running"
	// StatusRefused is a resync that did not start because another resync of
	// the integration was running; it read and wrote nothing.
	StatusRefused = "refused"
)

// MaxWriteFailureExamples bounds the rejected entities an account names; the
// rest are counted (Counts.Failed).
const MaxWriteFailureExamples = 5

// MaxOmittedActionExamples bounds the omitted optional actions an account
// names; the rest are counted (Counts.OmittedActions).
const MaxOmittedActionExamples = 5

// AppendExamples appends items to list until it holds max: reports name a
// few examples, their counts say how many there were.
func AppendExamples(list, items []string, max int) []string {
	for _, it := range items {
		if len(list) >= max {
			break
		}
		list = append(list, it)
	}
	return list
}

type AccountResult struct {
	AccountID string        `json:"accountId"`
	Name      string        `json:"name"`
	Status    string        `json:"status"`
	Reason    string        `json:"reason,omitempty"`
	Counts    Counts        `json:"counts"`
	Scopes    []ScopeResult `json:"scopes,omitempty"`
	// Runs counts the workflow runs the account took (continue-as-new chain).
	Runs int `json:"runs"`
	// WriteFailures names a few entities Port rejected ("blueprint/identifier:
	// Port's answer"); Counts.Failed has the total.
	WriteFailures []string `json:"writeFailures,omitempty"`
	// OmittedActions names a few optional actions left out ("GetBucket…Action
	// denied for bucket b1: AccessDenied: …"); Counts.OmittedActions has the
	// total. They do not make the account partial.
	OmittedActions []string `json:"omittedActions,omitempty"`
}

// AccountProgress is the live state of one account in the resync's progress.
type AccountProgress struct {
	AccountID string `json:"accountId"`
	Name      string `json:"name"`
	Status    string `json:"status"` // pending | running | synced | partial | failed
	Reason    string `json:"reason,omitempty"`
	Counts    Counts `json:"counts"`
	Runs      int    `json:"runs,omitempty"`
	// WriteFailures: a few entities Port rejected, with Port's answer.
	WriteFailures []string `json:"writeFailures,omitempty"`
	// OmittedActions: a few optional actions left out, with why.
	OmittedActions []string `json:"omittedActions,omitempty"`
}

// Progress answers the resync's progress query and is also its result.
// Its outcome (synced | partial | failed | refused) is ResyncStatus().
type Progress struct {
	Phase          string            `json:"phase"` // discovering | preparing | syncing | deleting | done | failed | refused
	StartedAt      time.Time         `json:"startedAt"`
	FinishedAt     time.Time         `json:"finishedAt,omitempty"`
	Mode           string            `json:"mode,omitempty"`
	Warnings       []string          `json:"warnings,omitempty"`
	AccountsTotal  int               `json:"accountsTotal"`
	AccountsDone   int               `json:"accountsDone"`
	AccountsFailed int               `json:"accountsFailed"`
	Accounts       []AccountProgress `json:"accounts"`
	Counts         Counts            `json:"counts"`
	Owned          int               `json:"owned"`
	// Stubs counts, per blueprint, entities Port created only as relation
	// targets (createMissingRelatedEntities), as opposed to real resources.
	Stubs BlueprintCounts `json:"stubs,omitempty"`
	// EntitiesPerSecond (upserted + unchanged) and EstimatedTimeLeft, updated
	// as accounts finish; the time left assumes the remaining accounts take
	// as long as the finished ones did.
	EntitiesPerSecond float64       `json:"entitiesPerSecond,omitempty"`
	EstimatedTimeLeft time.Duration `json:"estimatedTimeLeft,omitempty"`
	// DeletionFailed: planned deletions could not (all) be carried out.
	DeletionFailed bool   `json:"deletionFailed,omitempty"`
	DeletionNote   string `json:"deletionNote,omitempty"`
	Error          string `json:"error,omitempty"`
	// Departed are the scopes swept because their account left the
	// organization (or their kind left the mapping), with entity counts.
	Departed []SweptScope `json:"departed,omitempty"`
	// Excluded are the accounts the scoping settings leave out; a Departed
	// account listed here was excluded, not removed from the organization.
	Excluded []ExcludedAccount `json:"excluded,omitempty"`
	// RunningResync names the resync that made this one refuse to start.
	RunningResync string `json:"runningResync,omitempty"`
}

// BlueprintCount is a count of entities of one blueprint.
type BlueprintCount struct {
	Blueprint string `json:"blueprint"`
	Count     int    `json:"count"`
}

// BlueprintCounts are kept sorted by blueprint: a slice, not a map, so that
// workflow code can fold them deterministically.
type BlueprintCounts []BlueprintCount

// Add adds n to blueprint's count, keeping the order.
func (c BlueprintCounts) Add(blueprint string, n int) BlueprintCounts {
	i, found := slices.BinarySearchFunc(c, blueprint, func(e BlueprintCount, bp string) int { return strings.Compare(e.Blueprint, bp) })
	if found {
		c[i].Count += n
		return c
	}
	return slices.Insert(c, i, BlueprintCount{Blueprint: blueprint, Count: n})
}

// SweptScope is an account (or kind) nobody collects any more, swept whole.
type SweptScope struct {
	AccountID string `json:"accountId"`
	Kind      string `json:"kind,omitempty"` // set when only the kind left the mapping
	Entities  int    `json:"entities"`
}

// ResyncStatus is the outcome of a finished resync: failed when it could not
// run or no account synced, partial when some account, scope, write or
// deletion failed, else synced.
func (p Progress) ResyncStatus() string {
	switch {
	case p.Phase == StatusRefused:
		return StatusRefused
	case p.Phase == "failed" || p.Error != "":
		return AccountFailed
	case p.AccountsTotal > 0 && p.AccountsFailed == p.AccountsTotal:
		return AccountFailed
	}
	for _, a := range p.Accounts {
		if a.Status != AccountSynced {
			return AccountPartial
		}
	}
	if p.Counts.Failed > 0 || p.DeletionFailed {
		return AccountPartial
	}
	return AccountSynced
}

// AccountSyncProgress answers an account workflow's progress query.
type AccountSyncProgress struct {
	AccountID    string `json:"accountId"`
	UnitsTotal   int    `json:"unitsTotal"`
	UnitsDone    int    `json:"unitsDone"`
	PagesFetched int    `json:"pagesFetched"`
	Counts       Counts `json:"counts"`
}
