package workflows

import (
	"fmt"
	"slices"
	"sort"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/aws-port-sync/aws-port-sync/internal/catalog"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// AccountSyncWorkflow syncs every scope (kind) of one account, each in one
// activity that reads its (resource, region) units page by page, writes each
// mapped page and plans the scope's deletions when it completed. A failure of the role or of a scope is reported in the result, never
// as a workflow error, so the resync goes on with the other accounts and the
// failed scopes keep their entities.
func AccountSyncWorkflow(ctx workflow.Context, in syncdef.AccountSyncInput) (syncdef.AccountResult, error) {
	s := &accountSync{in: in, result: syncdef.AccountResult{AccountID: in.Account.ID, Name: in.Account.Name}}
	if err := workflow.SetQueryHandler(ctx, syncdef.ProgressQuery, func() (syncdef.AccountSyncProgress, error) {
		p := s.progress
		p.Counts = s.carry.Counts
		return p, nil
	}); err != nil {
		return s.result, fmt.Errorf("register progress query: %w", err)
	}

	if in.Carry != nil {
		s.carry = *in.Carry
	} else if reason := s.start(ctx); reason != "" {
		s.result.Status = syncdef.AccountFailed
		s.result.Reason = reason
		s.setStatus(ctx)
		return s.result, nil
	}
	s.progress = syncdef.AccountSyncProgress{AccountID: in.Account.ID, UnitsTotal: len(s.carry.Pending)}

	s.runScopes(ctx)
	if len(s.drained) > 0 {
		next := in
		carry := s.carry
		carry.Pending = s.drained
		carry.Runs++
		next.Carry = &carry
		return s.result, workflow.NewContinueAsNewError(ctx, syncdef.AccountSyncWorkflowName, next)
	}
	s.retryMissingTargets(ctx)
	s.scopeResults()
	s.finish()
	s.setStatus(ctx)
	return s.result, nil
}

// setStatus records the account's outcome as AwsPortSyncStatus, so that
// `AwsPortSyncStatus="failed"` lists failed accounts in the Web UI.
func (s *accountSync) setStatus(ctx workflow.Context) {
	if !s.in.UseSearchAttributes {
		return
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx,
		temporal.NewSearchAttributeKeyKeyword(syncdef.SearchAttrStatus).ValueSet(s.result.Status)); err != nil {
		workflow.GetLogger(ctx).Warn("Could not set the account's status search attribute", "error", err)
	}
}

type accountSync struct {
	in       syncdef.AccountSyncInput
	carry    syncdef.AccountCarry
	result   syncdef.AccountResult
	progress syncdef.AccountSyncProgress // Counts filled from carry at query time
	// drained are units not started so that the workflow can continue as new.
	drained  []syncdef.Unit
	draining bool
}

// start verifies access, looks up regions once, and lays out the units. It
// returns a reason when the account cannot be synced at all. When no region
// can be listed, the global kinds still run and every regional scope fails
// with the reason (so it keeps its entities).
func (s *accountSync) start(ctx workflow.Context) string {
	short := shortActivity(ctx, s.in.Tuning)
	if err := workflow.ExecuteActivity(short, syncdef.AssumeRoleActivity, s.in.Account).Get(ctx, &s.carry.Identity); err != nil {
		return syncdef.ErrorReason(err)
	}
	regionsErr := ""
	if needsRegions(s.in.Resources) {
		var regions syncdef.ListRegionsOutput
		if err := workflow.ExecuteActivity(short, syncdef.ListRegionsActivity, syncdef.ListRegionsInput{Account: s.in.Account}).Get(ctx, &regions); err != nil {
			regionsErr = syncdef.ErrorReason(err) // "account …: list regions of …: why"
		}
		s.carry.Regions = regions.Regions
		if regions.Fallback != "" {
			s.carry.RegionsNote = fmt.Sprintf("regions from %s (%s)", regions.Source, regions.Fallback)
		}
	}
	for i, r := range s.in.Resources {
		sc := s.scope(r.Kind) // every configured kind has a scope, even with no unit
		switch {
		case r.Problem != "":
			sc.Errors = append(sc.Errors, r.Problem)
		case r.Global:
			s.carry.Pending = append(s.carry.Pending, syncdef.Unit{Resource: i})
			sc.Units++
		case regionsErr != "":
			sc.Errors = append(sc.Errors, r.Kind+": "+regionsErr)
		default:
			for _, region := range s.carry.Regions {
				if regionAllowed(r, region) {
					s.carry.Pending = append(s.carry.Pending, syncdef.Unit{Resource: i, Region: region})
					sc.Units++
				}
			}
		}
	}
	for _, sc := range s.carry.Scopes {
		if sc.Units == 0 && len(sc.Errors) == 0 {
			// Nothing was read, so nothing can be known to be gone: a
			// regionPolicy that matches no enabled region (a typo, often)
			// must not wipe the kind.
			if r := s.resourceOf(sc.Kind); r != nil && len(r.Regions) > 0 {
				sc.Skipped = fmt.Sprintf("no region to collect %s in: AWS serves it in %v only, and with regionPolicy none of them is among the account's enabled regions %v",
					sc.Kind, r.Regions, s.carry.Regions)
			} else {
				sc.Skipped = fmt.Sprintf("no region to collect %s in: regionPolicy allows none of the account's enabled regions %v", sc.Kind, s.carry.Regions)
			}
		}
	}
	return ""
}

func needsRegions(resources []syncdef.ResourcePlan) bool {
	for _, r := range resources {
		if !r.Global {
			return true
		}
	}
	return false
}

// resourceOf is the first resource of a kind (scopes are per kind).
func (s *accountSync) resourceOf(kind string) *syncdef.ResourcePlan {
	for i := range s.in.Resources {
		if s.in.Resources[i].Kind == kind {
			return &s.in.Resources[i]
		}
	}
	return nil
}

// regionAllowed is Ocean's regionPolicy (deny wins, then an allow list, if
// any, must name the region), within the regions AWS serves the kind in.
func regionAllowed(r syncdef.ResourcePlan, region string) bool {
	if slices.Contains(r.RegionDeny, region) {
		return false
	}
	if len(r.Regions) > 0 && !slices.Contains(r.Regions, region) {
		return false
	}
	return len(r.RegionAllow) == 0 || slices.Contains(r.RegionAllow, region)
}

func (s *accountSync) scope(kind string) *syncdef.ScopeState {
	for _, sc := range s.carry.Scopes {
		if sc.Kind == kind {
			return sc
		}
	}
	sc := &syncdef.ScopeState{Kind: kind}
	s.carry.Scopes = append(s.carry.Scopes, sc)
	return sc
}

// runScopes drives the pending units, one activity per scope (kind), a
// bounded number of scopes at a time; a scope's activity reads its regions.
func (s *accountSync) runScopes(ctx workflow.Context) {
	limit := s.in.Tuning.MaxConcurrentUnits
	if limit <= 0 {
		limit = defaultMaxConcurrentUnits
	}
	groups := s.pendingScopes()
	s.carry.Pending = nil
	wg := workflow.NewWaitGroup(ctx)
	sem := workflow.NewSemaphore(ctx, int64(limit))
	for _, g := range groups {
		if err := sem.Acquire(ctx, 1); err != nil {
			break // only on cancellation
		}
		if s.shouldDrain(ctx) {
			sem.Release(1)
			s.drained = append(s.drained, g.units...)
			continue
		}
		wg.Add(1)
		workflow.Go(ctx, func(ctx workflow.Context) {
			defer wg.Done()
			defer sem.Release(1)
			s.runScope(ctx, g)
		})
	}
	wg.Wait(ctx)
}

// scopeUnits are the pending units of one kind, in the order laid out.
type scopeUnits struct {
	kind  string
	units []syncdef.Unit
}

func (s *accountSync) pendingScopes() []scopeUnits {
	var groups []scopeUnits
	for _, u := range s.carry.Pending {
		kind := s.in.Resources[u.Resource].Kind
		i := slices.IndexFunc(groups, func(g scopeUnits) bool { return g.kind == kind })
		if i < 0 {
			i = len(groups)
			groups = append(groups, scopeUnits{kind: kind})
		}
		groups[i].units = append(groups[i].units, u)
	}
	return groups
}

// shouldDrain asks for continue-as-new well before the history limits.
func (s *accountSync) shouldDrain(ctx workflow.Context) bool {
	if s.draining {
		return true
	}
	info := workflow.GetInfo(ctx)
	events := s.in.Tuning.ContinueAsNewEvents
	if events <= 0 {
		events = defaultContinueAsNewEvents
	}
	pages := s.in.Tuning.PagesPerRun
	if pages <= 0 {
		pages = defaultPagesPerRun
	}
	if info.GetContinueAsNewSuggested() || info.GetCurrentHistoryLength() >= events ||
		info.GetCurrentHistorySize() >= continueAsNewHistoryBytes || s.progress.PagesFetched >= pages {
		s.draining = true
	}
	return s.draining
}

// runScope syncs one scope in one activity: its pages, its writes and its
// deletion plan. A scope that fails keeps its entities (nothing is planned).
func (s *accountSync) runScope(ctx workflow.Context, g scopeUnits) {
	scope := s.scope(g.kind)
	in := syncdef.SyncScopeInput{
		Integration: s.in.Integration, ResyncID: s.in.ResyncID, StartedAt: s.in.StartedAt,
		Account: s.in.Account, Kind: g.kind, Flags: s.in.Flags,
		PageSize: s.in.Tuning.PageSize, Concurrency: s.in.Tuning.MaxConcurrentRegions,
		MaxAttempts: s.in.Tuning.ActivityMaximumRetries,
	}
	// The activity gets only this kind's resources, renumbered.
	index := map[int]int{}
	for _, u := range g.units {
		i, ok := index[u.Resource]
		if !ok {
			i = len(in.Resources)
			index[u.Resource] = i
			in.Resources = append(in.Resources, s.in.Resources[u.Resource])
		}
		in.Units = append(in.Units, syncdef.Unit{Resource: i, Region: u.Region})
	}
	var out syncdef.SyncScopeOutput
	err := workflow.ExecuteActivity(scopeActivity(ctx, s.in.Tuning), syncdef.SyncScopeActivity, in).Get(ctx, &out)
	s.progress.UnitsDone += len(g.units)
	if err != nil {
		scope.Errors = append(scope.Errors, g.kind+": "+syncdef.ErrorReason(err))
		return
	}
	s.progress.PagesFetched += out.Pages
	if out.Skipped != "" {
		scope.Skipped = out.Skipped
	}
	scope.Errors = append(scope.Errors, out.Errors...)
	scope.Produced += out.Produced
	scope.Retry = append(scope.Retry, out.Retry...)
	scope.Planned, scope.Owned, scope.Stale, scope.Stubs = out.Planned, out.Owned, out.Stale, out.Stubs
	s.addCounts(out.Counts)
	s.addWriteFailures(out.WriteFailures)
	s.carry.OmittedActions = syncdef.AppendExamples(s.carry.OmittedActions, out.OmittedExamples, syncdef.MaxOmittedActionExamples)
}

// addWriteFailures keeps the first few rejections as examples; the count of
// all of them is Counts.Failed.
func (s *accountSync) addWriteFailures(failures []string) {
	s.carry.WriteFailures = syncdef.AppendExamples(s.carry.WriteFailures, failures, syncdef.MaxWriteFailureExamples)
}

func (s *accountSync) addCounts(c syncdef.Counts) {
	s.carry.Counts.Add(c)
}

// retryMissingTargets writes again, scope by scope and relation targets first,
// the entities Port rejected because a target did not exist yet
// (createMissingRelatedEntities off); by now the account's pages have written
// their targets. What still fails counts as failed; it stays produced, so it is
// never deleted for having failed.
func (s *accountSync) retryMissingTargets(ctx workflow.Context) {
	pageCtx := pageActivity(ctx, s.in.Tuning)
	for _, sc := range s.carry.Scopes {
		if len(sc.Retry) == 0 {
			continue
		}
		var up syncdef.UpsertOutput
		err := workflow.ExecuteActivity(pageCtx, syncdef.UpsertEntitiesActivity, syncdef.UpsertInput{
			Scope:    catalog.Scope{Integration: s.in.Integration, AccountID: s.in.Account.ID, Kind: sc.Kind},
			Entities: sc.Retry, Flags: s.in.Flags, ResyncID: s.in.ResyncID, Ordered: true,
		}).Get(ctx, &up)
		if err != nil {
			up = syncdef.UpsertOutput{Failed: len(sc.Retry), Failures: []string{
				fmt.Sprintf("%d %s entities (retried for missing relation targets): %s", len(sc.Retry), sc.Kind, syncdef.ErrorReason(err))}}
		}
		s.addWriteFailures(up.Failures)
		s.addCounts(syncdef.Counts{Upserted: up.Upserted, Failed: up.Failed})
		sc.Retry = nil
	}
}

// scopeResults reports every scope, in kind order. Only a scope whose
// activity completed and planned may carry stale keys.
func (s *accountSync) scopeResults() {
	scopes := append([]*syncdef.ScopeState(nil), s.carry.Scopes...)
	sort.Slice(scopes, func(i, j int) bool { return scopes[i].Kind < scopes[j].Kind })
	for _, sc := range scopes {
		r := syncdef.ScopeResult{Kind: sc.Kind, Produced: sc.Produced, Skipped: sc.Skipped}
		switch {
		case sc.Skipped != "":
			// Not applicable to this account: its entities are kept as they are.
		case len(sc.Errors) > 0:
			r.Error = sc.Errors[0]
			if len(sc.Errors) > 1 {
				r.Error = fmt.Sprintf("%s (and %d more)", sc.Errors[0], len(sc.Errors)-1)
			}
		case sc.Planned:
			r.Complete, r.Owned, r.Stale, r.Stubs = true, sc.Owned, sc.Stale, sc.Stubs
		}
		s.result.Scopes = append(s.result.Scopes, r)
	}
}

func (s *accountSync) finish() {
	s.result.Counts = s.carry.Counts
	s.result.Runs = s.carry.Runs + 1
	s.result.WriteFailures = s.carry.WriteFailures
	// Omitted optional actions leave the status alone: what was written is
	// right, the field is just absent (as in Ocean); the report names them.
	s.result.OmittedActions = s.carry.OmittedActions
	s.result.Status = syncdef.AccountSynced
	var failed []string
	for _, sc := range s.result.Scopes {
		if sc.Error != "" {
			failed = append(failed, sc.Error)
		}
	}
	if len(failed) > 0 {
		s.result.Status = syncdef.AccountPartial
		if len(failed) == len(s.result.Scopes) {
			s.result.Status = syncdef.AccountFailed
		}
		s.result.Reason = failed[0]
		if len(failed) > 1 {
			s.result.Reason = fmt.Sprintf("%s (and %d more scopes failed)", failed[0], len(failed)-1)
		}
	}
	if n := s.carry.Counts.Failed; n > 0 {
		// Entities Port rejected are kept (never deleted for it), but the
		// catalog is not what AWS holds: the account is not synced.
		if s.result.Status == syncdef.AccountSynced {
			s.result.Status = syncdef.AccountPartial
		}
		note := fmt.Sprintf("Port rejected %d entities", n)
		if len(s.carry.WriteFailures) > 0 {
			note += ", e.g. " + s.carry.WriteFailures[0]
		}
		if s.result.Reason == "" {
			s.result.Reason = note
		} else {
			s.result.Reason += "; " + note
		}
	}
	if s.result.Reason == "" {
		s.result.Reason = s.carry.RegionsNote
	}
}
