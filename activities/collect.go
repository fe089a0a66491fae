package activities

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	"github.com/aws-port-sync/aws-port-sync/internal/catalog"
	"github.com/aws-port-sync/aws-port-sync/internal/mapping"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// collectPage reads one AWS page and maps it with the resource's JQ: raw AWS
// data never leaves the activity.
func (a *Activities) collectPage(ctx context.Context, in syncdef.CollectPageInput) (syncdef.CollectPageOutput, error) {
	kind, err := awscloud.ResolveKind(in.Resource.Kind)
	if err != nil {
		return syncdef.CollectPageOutput{}, invalidConfig("resources[%d].kind: %v", in.Resource.Index, err)
	}
	compiled, err := compileSpec(in.Resource.Spec)
	if err != nil {
		return syncdef.CollectPageOutput{}, invalidConfig("resources[%d] (%s): %v", in.Resource.Index, in.Resource.Kind, err)
	}
	region := in.Region
	if region == "" {
		region = a.settings.HomeRegion
	}
	cfg, err := a.aws.Config(ctx, a.target(in.Account), region)
	if err != nil {
		return syncdef.CollectPageOutput{}, awsError(fmt.Sprintf("account %s", in.Account.ID), err)
	}
	pageSize := a.settings.PageSize
	if in.PageSize > 0 {
		pageSize = in.PageSize
	}
	page, err := kind.Collect(ctx, cfg, awscloud.PageRequest{
		Account:        awscloud.Account{ID: in.Account.ID, Name: in.Account.Name, RoleARN: in.Account.RoleARN},
		Region:         in.Region,
		Token:          in.Token,
		IncludeActions: in.Resource.IncludeActions,
		PageSize:       pageSize,
		Since:          in.Resource.Since,
		GetResource:    in.Resource.UseGetResourceAPI,
	})
	if err != nil {
		countPage(ctx, in.Resource.Kind, pageOutcome(err))
		where := "account " + in.Account.ID
		if in.Region != "" {
			where += " region " + in.Region
		}
		return syncdef.CollectPageOutput{}, awsError(fmt.Sprintf("collect %s in %s", in.Resource.Kind, where), err)
	}
	if page.NotApplicable != "" {
		countPage(ctx, in.Resource.Kind, syncdef.OutcomeSkipped)
		return syncdef.CollectPageOutput{Skipped: page.NotApplicable}, nil
	}
	countPage(ctx, in.Resource.Kind, syncdef.OutcomeOK)
	res, err := compiled.MapItems(page.Items)
	if err != nil {
		// A selector that is not boolean is a mapping error of this kind: the
		// scope fails (and keeps its entities) until the mapping is fixed.
		return syncdef.CollectPageOutput{}, invalidConfig("resources[%d] (%s): %v", in.Resource.Index, in.Resource.Kind, err)
	}
	if res.KeyErrors > 0 {
		// Those items' entities cannot be known, so the scope must not look
		// complete: it fails, keeps what it has, and says which expression.
		return syncdef.CollectPageOutput{}, invalidConfig("resources[%d] (%s): %d item(s) could not be mapped, %s; fix the expression (the scope keeps its entities until then)",
			in.Resource.Index, in.Resource.Kind, res.KeyErrors, res.KeyError)
	}
	return syncdef.CollectPageOutput{
		Entities:        res.Entities,
		Next:            page.Next,
		Raw:             len(page.Items),
		Filtered:        res.FilteredOut,
		Dropped:         res.Dropped,
		MappingErrors:   res.PropertyErrors,
		RelationTargets: relationTargets(res.Entities),
		OmittedActions:  page.Omitted,
		OmittedExamples: page.OmittedExamples,
	}, nil
}

// compileSpec decodes a resource spec; mapping caches the compiled JQ per spec,
// so a worker compiles each resource once per resync, not once per page.
func compileSpec(spec string) (*mapping.CompiledResource, error) {
	var rs mapping.ResourceSpec
	if err := json.Unmarshal([]byte(spec), &rs); err != nil {
		return nil, fmt.Errorf("decode resource spec: %w", err)
	}
	return mapping.CompileResource(rs)
}

// relationTargets lists the identifiers the entities relate to; a target Port
// created for us (createMissingRelatedEntities) must not be taken for stale.
func relationTargets(entities []catalog.Entity) []string {
	seen := map[string]bool{}
	var out []string
	add := func(v any) {
		if s, ok := v.(string); ok && s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, e := range entities {
		for _, v := range e.Relations {
			if list, ok := v.([]any); ok {
				for _, item := range list {
					add(item)
				}
				continue
			}
			add(v)
		}
	}
	return out
}
