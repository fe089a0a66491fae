package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"
	"gopkg.in/yaml.v3"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	"github.com/aws-port-sync/aws-port-sync/internal/mapping"
	"github.com/aws-port-sync/aws-port-sync/internal/port"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// PrepareResync loads and compiles the mapping (every JQ, before any write),
// registers the integration in Port when missing, creates the default
// blueprints when asked to, and marks the resync as running.
func (a *Activities) PrepareResync(ctx context.Context, in syncdef.PrepareInput) (syncdef.PrepareOutput, error) {
	defer keepAlive(ctx)()
	integration, err := a.ensureIntegration(ctx, in.Integration)
	if err != nil {
		return syncdef.PrepareOutput{}, err
	}
	cfg, source, err := a.loadMapping(integration, in.Integration)
	if err != nil {
		return syncdef.PrepareOutput{}, err
	}
	compiled, err := ValidateMapping(cfg)
	if err != nil {
		return syncdef.PrepareOutput{}, invalidConfig("port-app-config (%s): %v", source, err)
	}

	out := syncdef.PrepareOutput{
		Flags: syncdef.Flags{
			DeleteDependentEntities:      cfg.DeleteDependentEntities,
			CreateMissingRelatedEntities: cfg.CreateMissingRelatedEntities,
			EnableMergeEntity:            cfg.EnableMergeEntity,
			EntityDeletionThreshold:      cfg.EntityDeletionThreshold,
		},
		Version:               a.settings.Version,
		MaxConcurrentAccounts: a.settings.MaxConcurrentAccounts,
	}
	var selectorLimits []int
	for _, r := range compiled.Resources {
		spec, err := json.Marshal(r.Spec)
		if err != nil {
			return out, fmt.Errorf("encode resources[%d]: %w", r.Index(), err)
		}
		res := r.Resource()
		plan := syncdef.ResourcePlan{
			Index:             r.Index(),
			Kind:              r.Kind(),
			Spec:              string(spec),
			RegionAllow:       res.Selector.RegionPolicy.Allow,
			RegionDeny:        res.Selector.RegionPolicy.Deny,
			IncludeActions:    res.Selector.IncludeActions,
			UseGetResourceAPI: res.Selector.UseGetResourceAPI,
		}
		kind, err := awscloud.ResolveKind(r.Kind())
		if err != nil {
			// One bad resource must not stop the others: its scopes fail
			// (keeping their entities) and the reason is reported.
			plan.Problem = fmt.Sprintf("resources[%d].kind: %v", r.Index(), err)
			activity.GetLogger(ctx).Warn("A resource cannot be collected; the others sync", "problem", plan.Problem)
		} else {
			plan.Global = kind.Global()
			if rr, ok := kind.(awscloud.RegionRestricted); ok {
				plan.Regions = rr.SupportedRegions()
			}
			if awscloud.IsHistory(kind) {
				plan.History = true
				if w := res.Selector.HistoryWindow(); w > 0 {
					plan.Since = in.StartedAt.Add(-w)
				}
			}
		}
		out.Resources = append(out.Resources, plan)
		selectorLimits = append(selectorLimits, res.Selector.MaxConcurrentAccounts)
	}
	out.MaxConcurrentAccounts = accountLimit(a.settings.MaxConcurrentAccounts, selectorLimits)

	if a.settings.InitializePortResources && !truthy(integration["arePortResourcesInitialized"]) {
		created, err := a.port.EnsureBlueprints(ctx, mapping.DefaultBlueprints())
		if err != nil {
			return out, portError("create default blueprints", err)
		}
		out.BlueprintsCreated = created
		if _, err := a.port.PatchIntegration(ctx, in.Integration, map[string]any{"arePortResourcesInitialized": true}); err != nil {
			return out, portError("mark Port resources initialized", err)
		}
	}

	start := in.StartedAt
	if err := a.port.PatchResyncState(ctx, in.Integration, a.resyncState("running", &start, nil)); err != nil {
		// Progress reporting in Port is informative; the resync goes on.
		activity.GetLogger(ctx).Warn("Could not mark the resync as running in Port", "error", err)
	}
	return out, nil
}

// accountLimit is how many accounts sync at once. Ocean's maxConcurrentAccounts
// is per kind; one fan-out serves all kinds here, so the largest value a
// selector sets wins, else the integration's setting (0 = unset).
func accountLimit(integration int, selectors []int) int {
	limit := 0
	for _, v := range selectors {
		limit = max(limit, v)
	}
	if limit > 0 {
		return limit
	}
	return integration
}

// ValidateMapping checks kinds and compiles every JQ expression; the worker
// also calls it at start for a local mapping file, to fail before any write.
func ValidateMapping(cfg *mapping.Config) (*mapping.Compiled, error) {
	// Report every problem at once: a wrong kind and a broken JQ in the same
	// file should not take two rounds to find.
	// Kinds are not checked here: a kind no collector can read fails only its
	// own resource, at the resync (see PrepareResync).
	verr := cfg.Validate(nil)
	compiled, cerr := mapping.Compile(cfg)
	if err := errors.Join(verr, includeActionsError(cfg), cerr); err != nil {
		return nil, err
	}
	return compiled, nil
}

// includeActionsError names every includeActions entry its kind does not
// have, with the kind's valid names. Ocean ignores such a name silently, so a
// typo would leave a field missing with nothing said.
func includeActionsError(cfg *mapping.Config) error {
	var errs []error
	for i, r := range cfg.Resources {
		kind, err := awscloud.ResolveKind(r.Kind)
		if err != nil {
			continue // that resource fails alone at the resync
		}
		valid := kind.Actions()
		for _, a := range r.Selector.IncludeActions {
			if slices.Contains(valid, a) {
				continue
			}
			names := "it has none"
			if len(valid) > 0 {
				names = "valid: " + strings.Join(valid, ", ")
			}
			errs = append(errs, fmt.Errorf("resources[%d].selector.includeActions: %q is not an action of %s; %s (names are case-sensitive)",
				i, a, r.Kind, names))
		}
	}
	return errors.Join(errs...)
}

// ensureIntegration returns the integration, creating it (with the default
// mapping when no local file is used) the first time, as Ocean does.
func (a *Activities) ensureIntegration(ctx context.Context, id string) (map[string]any, error) {
	integration, err := a.port.GetIntegration(ctx, id)
	if err == nil {
		return integration, nil
	}
	if !port.IsNotFound(err) {
		return nil, portError("read integration "+id, err)
	}
	var defaults map[string]any
	if err := yaml.Unmarshal(mapping.DefaultConfigYAML(), &defaults); err != nil {
		return nil, fmt.Errorf("decode default mapping: %w", err)
	}
	created, err := a.port.CreateIntegration(ctx, map[string]any{
		"installationId":            id,
		"installationAppType":       "aws-port-sync",
		"version":                   a.settings.Version,
		"changelogDestination":      map[string]any{},
		"config":                    defaults,
		"createPortResourcesOrigin": "Port",
	})
	if err != nil {
		return nil, portError("register integration "+id, err)
	}
	return created, nil
}

// loadMapping reads the local port-app-config file when set, else the
// integration's config in Port.
func (a *Activities) loadMapping(integration map[string]any, id string) (*mapping.Config, string, error) {
	if path := a.settings.MappingFile; path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, path, invalidConfig("read mapping file %s: %v", path, err)
		}
		cfg, err := mapping.Parse(data)
		if err != nil {
			return nil, path, invalidConfig("mapping file %s: %v", path, err)
		}
		return cfg, path, nil
	}
	source := "integration " + id + " in Port"
	raw, _ := integration["config"].(map[string]any)
	if len(raw) == 0 {
		return nil, source, invalidConfig("%s has no mapping: set it in Port's data sources page, or point PORT_APP_CONFIG_FILE at a port-app-config.yml", source)
	}
	cfg, err := mapping.FromMap(raw)
	if err != nil {
		return nil, source, invalidConfig("%s: %v", source, err)
	}
	return cfg, source, nil
}

// FinishResync records the outcome in Port's resync-state.
func (a *Activities) FinishResync(ctx context.Context, in syncdef.FinishInput) error {
	start := in.StartedAt
	end := time.Now().UTC()
	if err := a.port.PatchResyncState(ctx, in.Integration, a.resyncState(in.Status, &start, &end)); err != nil {
		return portError("report resync state", err)
	}
	return nil
}

func (a *Activities) resyncState(status string, start, end *time.Time) port.ResyncState {
	st := port.ResyncState{Status: status, LastResyncStart: start, LastResyncEnd: end}
	if iv := a.settings.ResyncInterval; iv > 0 {
		minutes := int(iv / time.Minute)
		st.IntervalInMinutes = &minutes
		if start != nil {
			next := start.Add(iv)
			st.NextResync = &next
		}
	}
	return st
}

func truthy(v any) bool { b, _ := v.(bool); return b }
