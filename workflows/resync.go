package workflows

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/aws-port-sync/aws-port-sync/internal/catalog"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// accountTimeout bounds one account's sync, continue-as-new chain included.
const accountTimeout = 12 * time.Hour

// deleteChunk bounds the keys one DeleteEntities activity takes, so its input
// stays far below the payload limit whatever the organization's size.
const deleteChunk = 2000

// ResyncWorkflow is one full resync: prepare, discover, one child per account,
// then a resync-wide deletion decision. Its history grows with the number of
// accounts, never with the number of resources: pages and batches live in the
// children.
func ResyncWorkflow(ctx workflow.Context, in syncdef.ResyncInput) (syncdef.Progress, error) {
	logger := workflow.GetLogger(ctx)
	info := workflow.GetInfo(ctx)
	resyncID := info.WorkflowExecution.ID
	startedAt := workflow.Now(ctx).UTC()

	progress := syncdef.Progress{Phase: "discovering", StartedAt: startedAt}
	if err := workflow.SetQueryHandler(ctx, syncdef.ProgressQuery, func() (syncdef.Progress, error) {
		return progress, nil
	}); err != nil {
		return progress, fmt.Errorf("register progress query: %w", err)
	}
	// setStatus records the outcome as AwsPortSyncStatus; the progress itself
	// derives it (Progress.ResyncStatus).
	setStatus := func(status string) {
		if !in.UseSearchAttributes {
			return
		}
		if err := workflow.UpsertTypedSearchAttributes(ctx,
			temporal.NewSearchAttributeKeyKeyword(syncdef.SearchAttrIntegration).ValueSet(in.Integration),
			temporal.NewSearchAttributeKeyKeyword(syncdef.SearchAttrStatus).ValueSet(status),
		); err != nil {
			logger.Warn("Could not set the resync's search attributes", "error", err)
		}
	}
	setStatus(syncdef.StatusRunning)

	short := shortActivity(ctx, in.Tuning)
	prepared := false
	fail := func(phase string, err error) (syncdef.Progress, error) {
		progress.Phase = "failed"
		progress.Error = phase + ": " + syncdef.ErrorReason(err)
		progress.FinishedAt = workflow.Now(ctx).UTC()
		if prepared {
			// Port's resync-state is only touched once credentials and the
			// mapping have been checked.
			finishResync(ctx, in, startedAt, "failed")
		}
		setStatus(progress.ResyncStatus())
		return progress, temporal.NewNonRetryableApplicationError(progress.Error, "ResyncFailed", err)
	}

	// One resync per integration at a time, however it was started.
	held, ok, err := acquireLease(ctx, in, resyncID)
	if err != nil {
		return fail("lease", err)
	}
	if !ok {
		return refuse(ctx, in, short, &progress, setStatus), nil
	}
	defer held.release(ctx)

	// Discovery first: a missing role or a bad web identity token fails here,
	// before anything is written to Port.
	var disc syncdef.ListAccountsOutput
	if err := workflow.ExecuteActivity(short, syncdef.ListAccountsActivity, in.Integration).Get(ctx, &disc); err != nil {
		return fail("discover accounts", err)
	}
	progress.Mode = disc.Mode
	progress.Warnings = disc.Warnings
	progress.Excluded = disc.Excluded
	progress.AccountsTotal = len(disc.Accounts)
	for _, a := range disc.Accounts {
		progress.Accounts = append(progress.Accounts, syncdef.AccountProgress{AccountID: a.ID, Name: a.Name, Status: "pending"})
	}

	progress.Phase = "preparing"
	var prep syncdef.PrepareOutput
	if err := workflow.ExecuteActivity(short, syncdef.PrepareResyncActivity, syncdef.PrepareInput{
		Integration: in.Integration, ResyncID: resyncID, StartedAt: startedAt,
	}).Get(ctx, &prep); err != nil {
		prepared = true // it may have marked the resync running in Port
		return fail("prepare", err)
	}
	prepared = true

	progress.Phase = "syncing"
	results := syncAccounts(ctx, in, resyncID, startedAt, prep, disc.Accounts, &progress)
	if progress.Counts.Raw == 0 && progress.AccountsFailed < progress.AccountsTotal {
		progress.Warnings = append(progress.Warnings, noResourcesWarning)
	}

	progress.Phase = "deleting"
	status := "completed"
	for _, r := range results {
		if r.Status != syncdef.AccountSynced {
			status = "failed"
		}
	}
	if err := deleteStale(ctx, in, startedAt, prep, disc, results, &progress); err != nil {
		logger.Error("Deletion phase failed; the catalog keeps its entities", "error", err)
		progress.DeletionNote = "deletion failed: " + syncdef.ErrorReason(err)
		progress.DeletionFailed = true
		status = "failed"
	}

	finishResync(ctx, in, startedAt, status)
	progress.Phase = "done"
	progress.FinishedAt = workflow.Now(ctx).UTC()
	setStatus(progress.ResyncStatus())
	return progress, nil
}

// noResourcesWarning is Ocean's troubleshooting for a resync that read nothing.
const noResourcesWarning = "No resources discovered: no AWS resource was read in any account. Check that " +
	"(1) the member roles have ReadOnlyAccess (or the permissions of deploy/iam/member-role.yaml), " +
	"(2) each kind's regionPolicy allows the regions the resources are in, and " +
	"(3) the worker has network access to AWS's endpoints (proxy, VPC endpoints, firewall)"

// refuse ends a resync that found another one of its integration running: it
// read and wrote nothing, and says which resync holds the integration.
func refuse(ctx workflow.Context, in syncdef.ResyncInput, short workflow.Context, progress *syncdef.Progress, setStatus func(string)) syncdef.Progress {
	var holder string
	if err := workflow.ExecuteActivity(short, syncdef.LeaseHolderActivity, in.Integration).Get(ctx, &holder); err != nil {
		workflow.GetLogger(ctx).Warn("Could not tell which resync holds the lease", "error", err)
	}
	progress.Phase = syncdef.StatusRefused
	progress.RunningResync = holder
	running := "another resync"
	if holder != "" {
		running = "resync " + holder
	}
	progress.Error = fmt.Sprintf("not started: %s of integration %s is running; one resync at a time (follow it with `starter status`)", running, in.Integration)
	progress.FinishedAt = workflow.Now(ctx).UTC()
	workflow.GetLogger(ctx).Warn(progress.Error)
	setStatus(syncdef.StatusRefused)
	return *progress
}

// syncAccounts runs one child per account, at most maxConcurrentAccounts at a
// time, and folds each result into progress as it arrives.
func syncAccounts(ctx workflow.Context, in syncdef.ResyncInput, resyncID string, startedAt time.Time,
	prep syncdef.PrepareOutput, accounts []syncdef.Account, progress *syncdef.Progress) []syncdef.AccountResult {
	limit := prep.MaxConcurrentAccounts
	if in.Tuning.MaxConcurrentAccounts > 0 {
		limit = in.Tuning.MaxConcurrentAccounts
	}
	if limit < 1 {
		limit = 1
	}
	results := make([]syncdef.AccountResult, len(accounts))
	selector := workflow.NewSelector(ctx)
	running := 0
	for i, account := range accounts {
		for running >= limit {
			selector.Select(ctx)
		}
		running++
		progress.Accounts[i].Status = "running"
		child := workflow.ExecuteChildWorkflow(childContext(ctx, in, resyncID, account), syncdef.AccountSyncWorkflowName, syncdef.AccountSyncInput{
			ResyncID:    resyncID,
			Integration: in.Integration,
			StartedAt:   startedAt,
			Account:     account,
			Resources:   prep.Resources,
			Flags:       prep.Flags,
			Version:     prep.Version,
			Tuning:      in.Tuning,

			UseSearchAttributes: in.UseSearchAttributes,
		})
		i, account := i, account
		selector.AddFuture(child, func(f workflow.Future) {
			running--
			var r syncdef.AccountResult
			if err := f.Get(ctx, &r); err != nil {
				r = syncdef.AccountResult{AccountID: account.ID, Name: account.Name, Status: syncdef.AccountFailed, Reason: syncdef.ErrorReason(err)}
			}
			results[i] = r
			recordAccount(progress, i, r)
			estimate(progress, workflow.Now(ctx).UTC())
			workflow.GetMetricsHandler(ctx).WithTags(map[string]string{syncdef.TagStatus: r.Status}).Counter(syncdef.AccountsMetric).Inc(1)
		})
	}
	for running > 0 {
		selector.Select(ctx)
	}
	return results
}

func childContext(ctx workflow.Context, in syncdef.ResyncInput, resyncID string, account syncdef.Account) workflow.Context {
	opts := workflow.ChildWorkflowOptions{
		WorkflowID: resyncID + "/account/" + account.ID,
		// One account never holds up the resync for good: past this the account
		// is reported failed and keeps its entities.
		WorkflowExecutionTimeout: accountTimeout,
		// A child outliving its resync would write after the deletion decision.
		ParentClosePolicy: enums.PARENT_CLOSE_POLICY_TERMINATE,
		// The Web UI's list shows it, so the children read without opening each.
		StaticSummary: accountSummary(account),
	}
	if in.UseSearchAttributes {
		opts.TypedSearchAttributes = temporal.NewSearchAttributes(
			temporal.NewSearchAttributeKeyKeyword(syncdef.SearchAttrAccountID).ValueSet(account.ID),
			temporal.NewSearchAttributeKeyKeyword(syncdef.SearchAttrIntegration).ValueSet(in.Integration),
			temporal.NewSearchAttributeKeyKeyword(syncdef.SearchAttrStatus).ValueSet(syncdef.StatusRunning),
		)
	}
	return workflow.WithChildOptions(ctx, opts)
}

// accountSummary names the account in the Web UI's list of children.
func accountSummary(a syncdef.Account) string {
	if a.Name == "" || a.Name == "Account "+a.ID {
		return "account " + a.ID
	}
	return fmt.Sprintf("account %s (%s)", a.ID, a.Name)
}

func recordAccount(progress *syncdef.Progress, i int, r syncdef.AccountResult) {
	p := &progress.Accounts[i]
	p.Status = r.Status
	p.Reason = r.Reason
	p.Counts = r.Counts
	p.Runs = r.Runs
	p.WriteFailures = r.WriteFailures
	p.OmittedActions = r.OmittedActions
	for _, sc := range r.Scopes {
		for _, bc := range sc.Stubs {
			progress.Stubs = progress.Stubs.Add(bc.Blueprint, bc.Count)
		}
	}
	progress.AccountsDone++
	if r.Status == syncdef.AccountFailed {
		progress.AccountsFailed++
	}
	progress.Counts.Add(r.Counts)
}

// estimate updates the rate and the time left as accounts finish: entities
// written or compared per second so far, and the remaining accounts at the
// pace of those done (accounts differ in size, so it is a guide, not a
// promise). Counts arrive per finished account, so both move in steps.
func estimate(progress *syncdef.Progress, now time.Time) {
	elapsed := now.Sub(progress.StartedAt)
	if elapsed <= 0 || progress.AccountsDone == 0 {
		return
	}
	progress.EntitiesPerSecond = float64(progress.Counts.Upserted+progress.Counts.Unchanged) / elapsed.Seconds()
	left := progress.AccountsTotal - progress.AccountsDone
	progress.EstimatedTimeLeft = time.Duration(float64(elapsed) * float64(left) / float64(progress.AccountsDone)).Round(time.Second)
}

// deleteStale gathers the stale keys of every completed scope and of departed
// scopes, then deletes them only if, over the whole resync, they stay within
// entityDeletionThreshold of what the integration owns.
func deleteStale(ctx workflow.Context, in syncdef.ResyncInput, startedAt time.Time, prep syncdef.PrepareOutput,
	disc syncdef.ListAccountsOutput, results []syncdef.AccountResult, progress *syncdef.Progress) error {
	short := shortActivity(ctx, in.Tuning)

	accountIDs := make([]string, 0, len(disc.Accounts))
	for _, a := range disc.Accounts {
		accountIDs = append(accountIDs, a.ID)
	}
	kinds := configuredKinds(prep.Resources)
	var sweep syncdef.PlanSweepOutput
	if err := workflow.ExecuteActivity(short, syncdef.PlanSweepActivity, syncdef.PlanSweepInput{
		Integration:   in.Integration,
		StartedAt:     startedAt,
		SweepDeparted: disc.Complete,
		Accounts:      accountIDs,
		Kinds:         kinds,
	}).Get(ctx, &sweep); err != nil {
		return fmt.Errorf("plan sweep: %w", err)
	}
	progress.Owned = sweep.Owned
	progress.Departed = sweep.Swept

	stale := dedupeKeys(append(collectStale(results), sweep.Stale...))
	progress.Counts.Stale = len(stale)
	if len(stale) == 0 {
		return nil
	}
	threshold := prep.Flags.EntityDeletionThreshold
	ratio := 1.0
	if sweep.Owned > 0 {
		ratio = float64(len(stale)) / float64(sweep.Owned)
	}
	if ratio > threshold {
		progress.DeletionNote = fmt.Sprintf(
			"nothing deleted: %d of %d owned entities are stale (%.0f%%), above entityDeletionThreshold %.2f; raise the threshold or check why the entities disappeared",
			len(stale), sweep.Owned, ratio*100, threshold)
		workflow.GetLogger(ctx).Warn(progress.DeletionNote)
		workflow.GetMetricsHandler(ctx).Counter(syncdef.DeletionsBlockedMetric).Inc(1)
		return nil
	}

	// Port's cascade (deleteDependentEntities) would also remove dependents
	// that live in a scope whose read failed this time; then delete without it,
	// dependents first, and keep what still has live dependents.
	flags := prep.Flags
	if flags.DeleteDependentEntities && !allSynced(results) {
		flags.DeleteDependentEntities = false
		progress.DeletionNote = "deleted without cascade (deleteDependentEntities) because some accounts or scopes failed: entities that still have dependents are kept"
	}
	// Deleting one by one (without cascade) under rate limits takes a while:
	// the heartbeated profile notices a dead worker without cutting it short.
	deleteCtx := pageActivity(ctx, in.Tuning)
	for start := 0; start < len(stale); start += deleteChunk {
		end := min(start+deleteChunk, len(stale))
		var out syncdef.DeleteOutput
		if err := workflow.ExecuteActivity(deleteCtx, syncdef.DeleteEntitiesActivity, syncdef.DeleteInput{
			Integration: in.Integration,
			Keys:        stale[start:end],
			Flags:       flags,
		}).Get(ctx, &out); err != nil {
			return fmt.Errorf("delete entities: %w", err)
		}
		progress.Counts.Deleted += out.Deleted
		if out.Failed > 0 {
			progress.DeletionFailed = true
			progress.DeletionNote = strings.TrimPrefix(progress.DeletionNote+"; ", "; ") +
				fmt.Sprintf("%d entities could not be deleted: %v", out.Failed, out.Errors)
		}
	}
	return nil
}

func allSynced(results []syncdef.AccountResult) bool {
	for _, r := range results {
		if r.Status != syncdef.AccountSynced {
			return false
		}
	}
	return true
}

func collectStale(results []syncdef.AccountResult) []catalog.Key {
	var keys []catalog.Key
	for _, r := range results {
		for _, s := range r.Scopes {
			if s.Complete {
				keys = append(keys, s.Stale...)
			}
		}
	}
	return keys
}

func dedupeKeys(keys []catalog.Key) []catalog.Key {
	slices.SortFunc(keys, catalog.Key.Compare)
	return slices.Compact(keys)
}

func configuredKinds(resources []syncdef.ResourcePlan) []string {
	var kinds []string
	for _, r := range resources {
		if !slices.Contains(kinds, r.Kind) {
			kinds = append(kinds, r.Kind)
		}
	}
	sort.Strings(kinds)
	return kinds
}

// finishResync reports the outcome to Port; a failure there must not fail the
// resync, whose catalog work is already done.
func finishResync(ctx workflow.Context, in syncdef.ResyncInput, startedAt time.Time, status string) {
	ao := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 3},
	})
	if err := workflow.ExecuteActivity(ao, syncdef.FinishResyncActivity, syncdef.FinishInput{
		Integration: in.Integration, StartedAt: startedAt, Status: status,
	}).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("Could not report resync state to Port", "error", err)
	}
}
