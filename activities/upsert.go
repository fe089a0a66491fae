package activities

import (
	"context"
	"fmt"
	"net/http"

	"github.com/aws-port-sync/aws-port-sync/internal/catalog"
	"github.com/aws-port-sync/aws-port-sync/internal/port"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// maxFailureReasons bounds the reasons returned per batch (history stays small).
const maxFailureReasons = 3

// UpsertEntities writes one mapped page under the scope's User-Agent, which Port
// records as $datasource. Entities identical in Port are not written, so a
// resync with nothing changed writes nothing.
func (a *Activities) UpsertEntities(ctx context.Context, in syncdef.UpsertInput) (syncdef.UpsertOutput, error) {
	defer keepAlive(ctx)()
	return a.upsertEntities(ctx, in)
}

func (a *Activities) upsertEntities(ctx context.Context, in syncdef.UpsertInput) (syncdef.UpsertOutput, error) {
	client := a.port.WithUserAgent(in.Scope.UserAgent(a.settings.Version))
	opts := port.UpsertOptions{
		Merge:                        in.Flags.EnableMergeEntity,
		CreateMissingRelatedEntities: in.Flags.CreateMissingRelatedEntities,
		ResyncID:                     in.ResyncID,
	}
	if in.Ordered {
		return a.upsertInOrder(ctx, client, in.Entities, opts)
	}
	var out syncdef.UpsertOutput
	for _, group := range byBlueprint(in.Entities) {
		changed, err := client.ChangedEntities(ctx, group.entities, in.Scope.DatasourcePrefix(), catalog.DatasourceSuffix)
		if err != nil {
			// As Ocean does: when Port's view cannot be read, write everything.
			a.log.Warn("Could not compare with Port; upserting the whole batch", "blueprint", group.blueprint, "error", err)
			changed = group.entities
		}
		out.Unchanged += len(group.entities) - len(changed)
		countEntities(ctx, group.blueprint, syncdef.OutcomeUnchanged, len(group.entities)-len(changed))
		if len(changed) == 0 {
			continue
		}
		results, err := client.UpsertEntities(ctx, group.blueprint, changed, opts)
		if err != nil {
			return out, portError(fmt.Sprintf("upsert %d %s entities", len(changed), group.blueprint), err)
		}
		upserted, failed := out.Upserted, out.Failed
		for _, r := range results {
			if r.Failed && missingTarget(r, opts) {
				out.MissingTargets = append(out.MissingTargets, changed[r.Index])
				continue
			}
			if r.Failed {
				out.Failed++
				if len(out.Failures) < maxFailureReasons {
					out.Failures = append(out.Failures, fmt.Sprintf("%s/%s: %d %s: %s", group.blueprint, r.Identifier, r.StatusCode, r.Code, r.Message))
				}
				continue
			}
			out.Upserted++
		}
		countEntities(ctx, group.blueprint, syncdef.OutcomeUpserted, out.Upserted-upserted)
		countEntities(ctx, group.blueprint, syncdef.OutcomeFailed, out.Failed-failed)
	}
	if out.Failed > 0 {
		a.log.Warn("Some entities were rejected by Port", "scope", in.Scope, "failed", out.Failed, "examples", out.Failures)
	}
	return out, nil
}

// missingTarget tells a rejection that a later write can fix: a relation
// target that another page (often another kind) has not written yet.
func missingTarget(r port.UpsertResult, opts port.UpsertOptions) bool {
	return !opts.CreateMissingRelatedEntities && r.StatusCode == http.StatusNotFound && r.Code == "not_found"
}

// upsertInOrder writes entities one by one, relation targets first (Ocean's
// end-of-resync retry); whatever still fails is counted as failed and kept.
func (a *Activities) upsertInOrder(ctx context.Context, client *port.Client, entities []catalog.Entity, opts port.UpsertOptions) (syncdef.UpsertOutput, error) {
	var out syncdef.UpsertOutput
	for _, e := range dependencyOrder(entities) {
		if err := client.UpsertEntity(ctx, e, opts); err != nil {
			if ctx.Err() != nil {
				return out, portError("retry upserts", err)
			}
			countEntities(ctx, e.Blueprint, syncdef.OutcomeFailed, 1)
			out.Failed++
			if len(out.Failures) < maxFailureReasons {
				out.Failures = append(out.Failures, fmt.Sprintf("%s/%s: %v", e.Blueprint, e.Identifier, err))
			}
			continue
		}
		countEntities(ctx, e.Blueprint, syncdef.OutcomeUpserted, 1)
		out.Upserted++
	}
	return out, nil
}

// dependencyOrder sorts entities so that relation targets come before the
// entities that point at them (matched by identifier, as Ocean does); a cycle
// keeps the remaining entities in their original order.
func dependencyOrder(entities []catalog.Entity) []catalog.Entity {
	index := map[string]int{}
	for i, e := range entities {
		index[e.Identifier] = i
	}
	done := make([]bool, len(entities))
	var out []catalog.Entity
	var visit func(i int, path map[int]bool)
	visit = func(i int, path map[int]bool) {
		if done[i] || path[i] {
			return
		}
		path[i] = true
		for _, t := range relationTargets(entities[i : i+1]) {
			if j, ok := index[t]; ok {
				visit(j, path)
			}
		}
		delete(path, i)
		if !done[i] {
			done[i] = true
			out = append(out, entities[i])
		}
	}
	for i := range entities {
		visit(i, map[int]bool{})
	}
	return out
}

type blueprintGroup struct {
	blueprint string
	entities  []catalog.Entity
}

// byBlueprint groups entities by blueprint, keeping first-seen order.
func byBlueprint(entities []catalog.Entity) []blueprintGroup {
	index := map[string]int{}
	var groups []blueprintGroup
	for _, e := range entities {
		i, ok := index[e.Blueprint]
		if !ok {
			i = len(groups)
			index[e.Blueprint] = i
			groups = append(groups, blueprintGroup{blueprint: e.Blueprint})
		}
		groups[i].entities = append(groups[i].entities, e)
	}
	return groups
}
