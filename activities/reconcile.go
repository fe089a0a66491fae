package activities

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aws-port-sync/aws-port-sync/internal/catalog"
	"github.com/aws-port-sync/aws-port-sync/internal/port"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// planDeletes finds the scope's stale entities: owned by the scope in Port, not
// written since the resync started, and not produced by this run. It only runs
// for scopes whose collection completed.
func (a *Activities) planDeletes(ctx context.Context, in syncdef.PlanDeletesInput) (syncdef.PlanDeletesOutput, error) {
	owned, err := a.port.ListDatasourceEntities(ctx, in.Scope.DatasourcePrefix(), catalog.DatasourceSuffix, in.StartedAt)
	if err != nil {
		return syncdef.PlanDeletesOutput{}, portError("list the scope's entities in Port", err)
	}
	produced := make(map[catalog.Key]bool, len(in.Produced))
	for _, k := range in.Produced {
		produced[k] = true
	}
	targets := map[string]bool{}
	if in.Flags.CreateMissingRelatedEntities {
		for _, t := range in.RelationTargets {
			targets[t] = true
		}
	}
	out := syncdef.PlanDeletesOutput{Owned: len(owned)}
	for _, ref := range owned {
		k := catalog.Key{Blueprint: ref.Blueprint, Identifier: ref.Identifier}
		if produced[k] {
			continue
		}
		if targets[ref.Identifier] {
			// Owned by this scope yet not produced by it: Port created it as
			// a bare relation target of this scope's entities.
			out.Stubs = out.Stubs.Add(ref.Blueprint, 1)
			continue
		}
		out.Stale = append(out.Stale, k)
	}
	slices.SortFunc(out.Stale, catalog.Key.Compare)
	return out, nil
}

// PlanSweep counts everything the integration owns (the threshold's base) and,
// after a complete discovery, marks as stale the scopes no account or kind of
// this resync covers: accounts that left the organization, kinds removed from
// the mapping.
func (a *Activities) PlanSweep(ctx context.Context, in syncdef.PlanSweepInput) (syncdef.PlanSweepOutput, error) {
	defer keepAlive(ctx)()
	// The whole integration is listed: counted and sifted page by page, never
	// held (a 1,000-account catalog is 250k entities).
	var out syncdef.PlanSweepOutput
	accounts := setOf(in.Accounts)
	kinds := setOf(in.Kinds)
	swept := map[syncdef.SweptScope]int{}
	err := a.port.EachDatasourceEntity(ctx, catalog.IntegrationDatasourcePrefix(in.Integration), catalog.DatasourceSuffix, time.Time{}, func(ref port.EntityRef) {
		out.Owned++
		if !in.SweepDeparted {
			return
		}
		scope, ok := catalog.ParseDatasource(in.Integration, ref.Datasource)
		if !ok || !ref.UpdatedAt.Before(in.StartedAt) {
			return
		}
		switch {
		case !accounts[scope.AccountID]:
			swept[syncdef.SweptScope{AccountID: scope.AccountID}]++
		case !kinds[scope.Kind]:
			swept[syncdef.SweptScope{AccountID: scope.AccountID, Kind: scope.Kind}]++
		default:
			return
		}
		out.Stale = append(out.Stale, catalog.Key{Blueprint: ref.Blueprint, Identifier: ref.Identifier})
	})
	if err != nil {
		return syncdef.PlanSweepOutput{}, portError("list the integration's entities in Port", err)
	}
	for sc, n := range swept {
		sc.Entities = n
		out.Swept = append(out.Swept, sc)
	}
	slices.SortFunc(out.Swept, func(a, b syncdef.SweptScope) int {
		if c := strings.Compare(a.AccountID, b.AccountID); c != 0 {
			return c
		}
		return strings.Compare(a.Kind, b.Kind)
	})
	slices.SortFunc(out.Stale, catalog.Key.Compare)
	return out, nil
}

// DeleteEntities deletes stale entities. With deleteDependentEntities Port
// cascades in bulk; without it entities go one by one, and those still having
// dependents are retried after the others, which deletes dependents first.
func (a *Activities) DeleteEntities(ctx context.Context, in syncdef.DeleteInput) (syncdef.DeleteOutput, error) {
	defer keepAlive(ctx)()
	client := a.port.WithUserAgent(catalog.IntegrationDatasourcePrefix(in.Integration) + "reconcile/" + a.settings.Version + catalog.DatasourceSuffix)
	var out syncdef.DeleteOutput
	groups := map[string][]string{}
	var blueprints []string
	for _, k := range in.Keys {
		if _, ok := groups[k.Blueprint]; !ok {
			blueprints = append(blueprints, k.Blueprint)
		}
		groups[k.Blueprint] = append(groups[k.Blueprint], k.Identifier)
	}
	if in.Flags.DeleteDependentEntities {
		for _, bp := range blueprints {
			deleted, err := client.DeleteEntities(ctx, bp, groups[bp], true)
			if err != nil {
				out.Deleted += len(deleted)
				return out, portError(fmt.Sprintf("delete %d %s entities", len(groups[bp]), bp), err)
			}
			// Port lists only what this call removed; ids an earlier cascade
			// (an account's dependents) already took are gone all the same.
			out.Deleted += len(groups[bp])
			countEntities(ctx, bp, syncdef.OutcomeDeleted, len(groups[bp]))
		}
		return out, nil
	}
	pending := append([]catalog.Key(nil), in.Keys...)
	for len(pending) > 0 {
		var retry []catalog.Key
		var lastErr error
		for _, k := range pending {
			err := client.DeleteEntity(ctx, k.Blueprint, k.Identifier, false)
			switch {
			case err == nil:
				out.Deleted++
				countEntities(ctx, k.Blueprint, syncdef.OutcomeDeleted, 1)
			case hasDependents(err):
				// Its dependents may be among the stale ones: try again after them.
				retry = append(retry, k)
				lastErr = err
			default:
				// Anything else (rate limit, outage) is Temporal's to retry; what
				// was deleted stays deleted and 404 counts as done next time.
				return out, portError(fmt.Sprintf("delete %s/%s", k.Blueprint, k.Identifier), err)
			}
		}
		if len(retry) == len(pending) { // no progress: they have dependents we keep
			out.Failed = len(retry)
			out.Errors = append(out.Errors, lastErr.Error())
			break
		}
		pending = retry
	}
	return out, nil
}

// hasDependents tells Port's refusal to delete an entity other entities still
// relate to (without delete_dependents).
func hasDependents(err error) bool {
	var apiErr *port.APIError
	return errors.As(err, &apiErr) && (apiErr.Status == http.StatusConflict || apiErr.Status == http.StatusUnprocessableEntity)
}

func setOf(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, s := range list {
		m[s] = true
	}
	return m
}
