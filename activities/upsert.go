package activities

import (
	"context"
	"fmt"

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
	client := a.port.WithUserAgent(in.Scope.UserAgent(a.settings.Version))
	var out syncdef.UpsertOutput
	for _, group := range byBlueprint(in.Entities) {
		changed, err := client.ChangedEntities(ctx, group.entities, in.Scope.DatasourcePrefix(), catalog.DatasourceSuffix)
		if err != nil {
			// As Ocean does: when Port's view cannot be read, write everything.
			a.log.Warn("Could not compare with Port; upserting the whole batch", "blueprint", group.blueprint, "error", err)
			changed = group.entities
		}
		out.Unchanged += len(group.entities) - len(changed)
		if len(changed) == 0 {
			continue
		}
		results, err := client.UpsertEntities(ctx, group.blueprint, changed, port.UpsertOptions{
			Merge:                        in.Flags.EnableMergeEntity,
			CreateMissingRelatedEntities: in.Flags.CreateMissingRelatedEntities,
			ResyncID:                     in.ResyncID,
		})
		if err != nil {
			return out, portError(fmt.Sprintf("upsert %d %s entities", len(changed), group.blueprint), err)
		}
		for _, r := range results {
			if r.Failed {
				out.Failed++
				if len(out.Failures) < maxFailureReasons {
					out.Failures = append(out.Failures, fmt.Sprintf("%s/%s: %d %s: %s", group.blueprint, r.Identifier, r.StatusCode, r.Code, r.Message))
				}
				continue
			}
			out.Upserted++
		}
	}
	if out.Failed > 0 {
		a.log.Warn("Some entities were rejected by Port", "scope", in.Scope, "failed", out.Failed, "examples", out.Failures)
	}
	return out, nil
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
