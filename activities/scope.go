package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	"go.temporal.io/sdk/temporal"

	"github.com/aws-port-sync/aws-port-sync/internal/catalog"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
	"github.com/aws-port-sync/aws-port-sync/internal/telemetry"
)

// tracer names each page in a trace, beneath its scope's activity, with the
// AWS and Port calls it made beneath it.
var tracer = otel.Tracer("github.com/aws-port-sync/aws-port-sync/activities")

// SyncScope reads every unit of one (account, kind) scope page by page, writes
// each mapped page to Port (what is unchanged is not written), and, when every
// unit completed, plans the scope's deletions.
//
// Why one activity per scope, not per page: a page used to cost the account
// workflow two activities and their workflow tasks, and that Temporal traffic,
// not AWS or Port, set the pace. And the produced keys the plan needs stay in
// this activity's memory instead of the workflow's state, so a scope of any
// size costs the workflow a few hundred bytes. The price is that a retried
// attempt (a dead worker) reads the scope again from its first page: the plan
// always comes from one complete read, so deletion stays exact, and what the
// dead attempt wrote is found unchanged and not written twice.
func (a *Activities) SyncScope(ctx context.Context, in syncdef.SyncScopeInput) (syncdef.SyncScopeOutput, error) {
	defer keepAlive(ctx)()
	return RunScope(ctx, in, ScopeSteps{Collect: a.collectPage, Upsert: a.upsertEntities, Plan: a.planDeletes})
}

// ScopeSteps are a scope's three kinds of work; RunScope drives them.
type ScopeSteps struct {
	Collect func(context.Context, syncdef.CollectPageInput) (syncdef.CollectPageOutput, error)
	Upsert  func(context.Context, syncdef.UpsertInput) (syncdef.UpsertOutput, error)
	Plan    func(context.Context, syncdef.PlanDeletesInput) (syncdef.PlanDeletesOutput, error)
	// Sleep waits between tries (nil: a timer that ctx cancels).
	Sleep func(context.Context, time.Duration) error
}

const (
	defaultScopeConcurrency = 4
	defaultScopeAttempts    = 10
	// The backoff between tries of one step, as the activity retry policy
	// that used to retry pages: 1 s doubling up to a minute.
	retryInitial = time.Second
	retryMax     = time.Minute
)

// RunScope is SyncScope's logic, with its steps given (the workflow tests run
// it over fakes). A step that fails for good (denied, rejected, bad mapping)
// fails its unit: the scope reports it and keeps its entities, and the other
// units go on. A step that may succeed later is tried again after a backoff,
// up to MaxAttempts; only cancellation ends the activity with an error.
func RunScope(ctx context.Context, in syncdef.SyncScopeInput, steps ScopeSteps) (syncdef.SyncScopeOutput, error) {
	if steps.Sleep == nil {
		steps.Sleep = sleepCtx
	}
	r := &scopeRun{in: in, steps: steps, produced: map[catalog.Key]bool{}, targets: map[string]bool{}}
	limit := in.Concurrency
	if limit <= 0 {
		limit = defaultScopeConcurrency
	}
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for _, u := range in.Units {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			r.runUnit(ctx, u)
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return syncdef.SyncScopeOutput{}, err
	}
	r.plan(ctx)
	if err := ctx.Err(); err != nil {
		return syncdef.SyncScopeOutput{}, err
	}
	r.out.Produced = len(r.produced)
	return r.out, nil
}

type scopeRun struct {
	in    syncdef.SyncScopeInput
	steps ScopeSteps

	mu         sync.Mutex
	out        syncdef.SyncScopeOutput
	produced   map[catalog.Key]bool
	targets    map[string]bool
	retryBytes int
}

func (r *scopeRun) catalogScope() catalog.Scope {
	return catalog.Scope{Integration: r.in.Integration, AccountID: r.in.Account.ID, Kind: r.in.Kind}
}

// runUnit follows one unit's page tokens to the end, or to its first failure.
func (r *scopeRun) runUnit(ctx context.Context, u syncdef.Unit) {
	resource := r.in.Resources[u.Resource]
	where := resource.Kind
	if u.Region != "" {
		where += " in " + u.Region
	}
	attrs := trace.WithAttributes(attribute.String(telemetry.AttrAccountID, r.in.Account.ID),
		attribute.String(telemetry.AttrKind, resource.Kind), attribute.String(telemetry.AttrRegion, u.Region))
	token := ""
	for {
		next, ok := r.runPage(ctx, resource, u.Region, token, where, attrs)
		if !ok || next == "" || ctx.Err() != nil {
			return
		}
		token = next
	}
}

// runPage collects one page and writes it; it returns the next token, and
// false when the unit failed.
func (r *scopeRun) runPage(ctx context.Context, resource syncdef.ResourcePlan, region, token, where string, attrs trace.SpanStartEventOption) (string, bool) {
	ctx, span := tracer.Start(ctx, "Page", attrs)
	defer span.End()
	var page syncdef.CollectPageOutput
	err := r.try(ctx, func() (err error) {
		page, err = r.steps.Collect(ctx, syncdef.CollectPageInput{
			Account: r.in.Account, Resource: resource, Region: region, Token: token, PageSize: r.in.PageSize,
		})
		return err
	})
	if err != nil {
		r.fail(ctx, where, err)
		return "", false
	}
	r.addPage(page)
	if len(page.Entities) > 0 {
		r.write(ctx, page.Entities)
	}
	return page.Next, true
}

// write upserts one page. Entities Port rejects stay produced: a failed write
// never turns into a deletion.
func (r *scopeRun) write(ctx context.Context, entities []catalog.Entity) {
	var up syncdef.UpsertOutput
	err := r.try(ctx, func() (err error) {
		up, err = r.steps.Upsert(ctx, syncdef.UpsertInput{
			Scope: r.catalogScope(), Entities: entities, Flags: r.in.Flags, ResyncID: r.in.ResyncID,
		})
		return err
	})
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		up = syncdef.UpsertOutput{Failed: len(entities), Failures: []string{
			fmt.Sprintf("%d %s entities: %s", len(entities), r.in.Kind, syncdef.ErrorReason(err))}}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.out.Counts.Add(syncdef.Counts{Upserted: up.Upserted, Unchanged: up.Unchanged, Failed: up.Failed})
	r.addFailures(up.Failures)
	for _, e := range up.MissingTargets {
		size := entitySize(e)
		if r.retryBytes+size > syncdef.MaxRetryBytes {
			r.out.Counts.Failed++
			r.addFailures([]string{fmt.Sprintf("%s/%s: a relation target is missing, and too many entities of %s wait for theirs to retry them all this resync",
				e.Blueprint, e.Identifier, r.in.Kind)})
			continue
		}
		r.retryBytes += size
		r.out.Retry = append(r.out.Retry, e)
	}
}

func entitySize(e catalog.Entity) int {
	b, err := json.Marshal(e)
	if err != nil {
		return syncdef.MaxRetryBytes
	}
	return len(b)
}

func (r *scopeRun) addFailures(failures []string) {
	r.out.WriteFailures = syncdef.AppendExamples(r.out.WriteFailures, failures, syncdef.MaxWriteFailureExamples)
}

func (r *scopeRun) addPage(page syncdef.CollectPageOutput) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.out.Pages++
	if page.Skipped != "" {
		r.out.Skipped = page.Skipped
	}
	for _, e := range page.Entities {
		r.produced[e.Key()] = true
	}
	for _, t := range page.RelationTargets {
		r.targets[t] = true
	}
	r.out.Counts.Add(syncdef.Counts{Raw: page.Raw, Filtered: page.Filtered, Dropped: page.Dropped,
		MappingErrors: page.MappingErrors, OmittedActions: page.OmittedActions})
	r.out.OmittedExamples = syncdef.AppendExamples(r.out.OmittedExamples, page.OmittedExamples, syncdef.MaxOmittedActionExamples)
}

func (r *scopeRun) fail(ctx context.Context, where string, err error) {
	if ctx.Err() != nil {
		return // cancelled: the activity ends with the context's error
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.out.Errors = append(r.out.Errors, where+": "+syncdef.ErrorReason(err))
}

// plan lists the scope's entities in Port and keeps as stale those this read
// did not produce. Only a scope whose every unit completed plans: anything
// less could take a resource that was merely not read for one that is gone.
func (r *scopeRun) plan(ctx context.Context) {
	if len(r.out.Errors) > 0 || r.out.Skipped != "" {
		return
	}
	in := syncdef.PlanDeletesInput{Scope: r.catalogScope(), StartedAt: r.in.StartedAt, Flags: r.in.Flags,
		Produced: make([]catalog.Key, 0, len(r.produced))}
	for k := range r.produced {
		in.Produced = append(in.Produced, k)
	}
	for t := range r.targets {
		in.RelationTargets = append(in.RelationTargets, t)
	}
	slices.SortFunc(in.Produced, catalog.Key.Compare)
	slices.Sort(in.RelationTargets)
	var plan syncdef.PlanDeletesOutput
	err := r.try(ctx, func() (err error) {
		plan, err = r.steps.Plan(ctx, in)
		return err
	})
	if err != nil {
		// Without Port's view of the scope nothing in it may be deleted.
		r.fail(ctx, "plan deletes", err)
		return
	}
	r.out.Planned = true
	r.out.Owned = plan.Owned
	r.out.Stale = plan.Stale
	r.out.Stubs = plan.Stubs
	if r.history() {
		// A history record missing from this read has most likely aged out
		// of the window, not gone from AWS: history is never deleted.
		r.out.Stale = nil
	}
}

func (r *scopeRun) history() bool {
	for _, res := range r.in.Resources {
		if res.History {
			return true
		}
	}
	return false
}

// try runs step until it succeeds, fails for good, or has been tried
// MaxAttempts times, waiting between tries as the error asks (Retry-After,
// throttling) or with an exponential backoff.
func (r *scopeRun) try(ctx context.Context, step func() error) error {
	attempts := int(r.in.MaxAttempts)
	if attempts <= 0 {
		attempts = defaultScopeAttempts
	}
	wait := retryInitial
	for attempt := 1; ; attempt++ {
		err := step()
		if err == nil || permanent(err) || attempt >= attempts || ctx.Err() != nil {
			return err
		}
		delay := wait
		var app *temporal.ApplicationError
		if errors.As(err, &app) && app.NextRetryDelay() > 0 {
			delay = app.NextRetryDelay()
		}
		if err := r.steps.Sleep(ctx, delay); err != nil {
			return err
		}
		wait = min(2*wait, retryMax)
	}
}

// permanent tells an error no retry fixes: the activities mark those
// non-retryable (denied, rejected, invalid configuration).
func permanent(err error) bool {
	var app *temporal.ApplicationError
	return errors.As(err, &app) && app.NonRetryable()
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
