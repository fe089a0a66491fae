package e2e

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws-port-sync/aws-port-sync/examples"
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
	"github.com/aws-port-sync/aws-port-sync/internal/mapping"
	"github.com/aws-port-sync/aws-port-sync/internal/port"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// unknownType is a well-formed type name AWS does not know: it must fail its
// own resource only.
const unknownType = "AWS::Nope::Thing"

// expectedCount is how many entities a kind's example yields for one account
// the resync can read: by default the emulator's resources of that kind in
// the account's enabled regions (every region for global kinds). Kinds whose
// records are derived or windowed say so here.
var expectedCount = map[string]func(o *awsemu.Org, a *awsemu.Account, since time.Time) int{
	"AWS::Account::Info": func(*awsemu.Org, *awsemu.Account, time.Time) int { return 1 },
	"AWS::Organizations::Account": func(o *awsemu.Org, a *awsemu.Account, _ time.Time) int {
		if a.ID == o.ManagementAccountID {
			return len(o.Accounts)
		}
		return 0
	},
	// Only ACTIVE revisions are listed; the emulator also holds INACTIVE ones.
	"AWS::ECS::TaskDefinition": func(_ *awsemu.Org, a *awsemu.Account, _ time.Time) int {
		return countEnabled(a, awsemu.KindECSTaskDefinition, func(r *awsemu.Resource) int {
			if r.AttrString("Status") == "ACTIVE" {
				return 1
			}
			return 0
		})
	},
	// Read only in the regions Ocean lists for MemoryDB.
	"AWS::MemoryDB::User": func(_ *awsemu.Org, a *awsemu.Account, _ time.Time) int {
		k, _ := awscloud.LookupKind("AWS::MemoryDB::User")
		rr, restricted := k.(awscloud.RegionRestricted)
		n := 0
		for key, list := range a.Resources {
			if key.Kind == awsemu.KindMemoryDBUser && enabled(a, key.Region) && (!restricted || slices.Contains(rr.SupportedRegions(), key.Region)) {
				n += len(list)
			}
		}
		return n
	},
	// Stages and actions are parts of each pipeline's declaration.
	"AWS::CodePipeline::Stage": func(_ *awsemu.Org, a *awsemu.Account, _ time.Time) int {
		return countEnabled(a, awsemu.KindCodePipelinePipeline, func(r *awsemu.Resource) int {
			stages := map[string]bool{}
			for _, act := range r.AttrStrings("Actions") {
				stages[strings.SplitN(act, "/", 2)[0]] = true
			}
			return len(stages)
		})
	},
	"AWS::CodePipeline::Action": func(_ *awsemu.Org, a *awsemu.Account, _ time.Time) int {
		return countEnabled(a, awsemu.KindCodePipelinePipeline, func(r *awsemu.Resource) int { return len(r.AttrStrings("Actions")) })
	},
	// History: only records started within the window.
	"AWS::CodeDeploy::Deployment": func(_ *awsemu.Org, a *awsemu.Account, since time.Time) int {
		return countEnabled(a, awsemu.KindCodeDeployDeployment, inWindow(since))
	},
	"AWS::CodeDeploy::DeploymentTarget": func(_ *awsemu.Org, a *awsemu.Account, since time.Time) int {
		recent := map[string]bool{}
		countEnabled(a, awsemu.KindCodeDeployDeployment, func(r *awsemu.Resource) int {
			recent[r.ID] = !r.CreatedAt.Before(since)
			return 0
		})
		return countEnabled(a, awsemu.KindCodeDeployDeploymentTarget, func(r *awsemu.Resource) int {
			if recent[r.Parent] {
				return 1
			}
			return 0
		})
	},
	"AWS::CodePipeline::PipelineExecution": func(_ *awsemu.Org, a *awsemu.Account, since time.Time) int {
		return countEnabled(a, awsemu.KindCodePipelinePipelineExecution, inWindow(since))
	},
	"AWS::CodeBuild::BuildRun": func(_ *awsemu.Org, a *awsemu.Account, since time.Time) int {
		return countEnabled(a, awsemu.KindCodeBuildBuildRun, inWindow(since))
	},
	"AWS::CodePipeline::ActionExecution": func(_ *awsemu.Org, a *awsemu.Account, since time.Time) int {
		return countEnabled(a, awsemu.KindCodePipelineActionExecution, inWindow(since))
	},
}

// countEnabled adds up count over the account's resources of kind in its enabled regions.
func countEnabled(a *awsemu.Account, kind string, count func(r *awsemu.Resource) int) int {
	n := 0
	for key, list := range a.Resources {
		if key.Kind == kind && enabled(a, key.Region) {
			for _, r := range list {
				n += count(r)
			}
		}
	}
	return n
}

// inWindow counts a history record that started at or after since.
func inWindow(since time.Time) func(r *awsemu.Resource) int {
	return func(r *awsemu.Resource) int {
		if r.CreatedAt.Before(since) {
			return 0
		}
		return 1
	}
}

// mayStayEmpty are example properties AWS does not fill on a listing.
var mayStayEmpty = map[string]string{
	"Lambda-Function.state": "ListFunctions leaves State out (only GetFunction has it); the default mapping maps it anyway",
	// Only failed runs carry an error; the window may hold none.
	"CodeDeploy-Deployment.errorCode":              "only failed deployments have errorInformation",
	"CodePipeline-PipelineExecution.statusSummary": "only failed executions have a statusSummary",
	"CodePipeline-ActionExecution.error":           "only failed action executions have errorDetails",
}

// One resync of every example at once (every native kind with its
// includeActions, and Cloud Control types) plus a type AWS does not know: the
// catalog holds exactly what the organization implies, every property of
// every example blueprint is filled somewhere, and only the unknown type's
// resource fails.
func TestEveryExampleInOneResync(t *testing.T) {
	s := newStack(t, demoSpec(61))
	cfg, blueprints, err := examples.Demo()
	if err != nil {
		t.Fatal(err)
	}
	all, err := examples.All()
	if err != nil {
		t.Fatal(err)
	}
	s.writeMapping(string(cfg) + "  - kind: " + unknownType + `
    selector: {query: 'true'}
    port:
      entity:
        mappings:
          identifier: .Identifier
          blueprint: '"logGroup"'
`)
	pc, err := port.New(port.Config{BaseURL: s.port.URL(), ClientID: portClientID, ClientSecret: portClientSecret, MaxWait: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := pc.EnsureBlueprints(ctx, blueprints); err != nil {
		t.Fatal(err)
	}
	s.startWorker()
	started := time.Now()
	p, _ := s.resync()

	// Per example blueprint: the entity count the organization implies.
	want := map[string]int{}
	blueprintOf := map[string]string{}
	for _, ex := range all {
		blueprintOf[ex.Kind] = ex.Blueprint["identifier"].(string)
		want[blueprintOf[ex.Kind]] = 0
	}
	window := mapping.DefaultHistoryWindowDays * 24 * time.Hour
	s.aws.View(func(o *awsemu.Org) {
		for _, a := range o.OrderedAccounts() {
			role, ok := a.Roles[roleName]
			if a.State != "ACTIVE" || !ok || role.Denied {
				continue
			}
			for _, ex := range all {
				bp := blueprintOf[ex.Kind]
				if count, ok := expectedCount[ex.Kind]; ok {
					want[bp] += count(o, a, started.Add(-window))
					continue
				}
				global := false
				if k, ok := awscloud.LookupKind(ex.Kind); ok {
					global = k.Global()
				}
				for key, list := range a.Resources {
					if key.Kind == ex.Kind && (global || enabled(a, key.Region)) {
						want[bp] += len(list)
					}
				}
			}
		}
	})
	got := map[string]int{}
	filled := map[string]map[string]bool{}
	for _, e := range s.catalogKeys() {
		got[e.Blueprint]++
		if filled[e.Blueprint] == nil {
			filled[e.Blueprint] = map[string]bool{}
		}
		for k, v := range e.Properties {
			if v != nil {
				filled[e.Blueprint][k] = true
			}
		}
	}
	var diffs []string
	for bp, n := range want {
		if got[bp] != n {
			diffs = append(diffs, bp)
		}
		if n == 0 {
			t.Errorf("blueprint %s: the demo organization implies no entity; generate some", bp)
		}
	}
	sort.Strings(diffs)
	for _, bp := range diffs {
		t.Errorf("blueprint %s: %d entities in Port, the organization implies %d", bp, got[bp], want[bp])
	}
	for _, ex := range all {
		bp := blueprintOf[ex.Kind]
		for prop := range ex.Blueprint["schema"].(map[string]any)["properties"].(map[string]any) {
			if _, ok := mayStayEmpty[ex.Dir+"."+prop]; !ok && !filled[bp][prop] {
				t.Errorf("examples/%s: property %s is empty on every entity", ex.Dir, prop)
			}
		}
	}

	// The unknown type failed its own resource in every account, and nothing else.
	partial := 0
	for _, a := range p.Accounts {
		if a.Status == syncdef.AccountFailed {
			continue // the account without a role, as in every demo organization
		}
		partial++
		if a.Status != syncdef.AccountPartial || !strings.Contains(a.Reason, "Cloud Control does not know the type "+unknownType) {
			t.Errorf("account %s: %s %q, want partial because of %s only", a.AccountID, a.Status, a.Reason, unknownType)
		}
		for _, other := range all {
			if strings.Contains(a.Reason, other.Kind+":") {
				t.Errorf("account %s: %s failed too: %s", a.AccountID, other.Kind, a.Reason)
			}
		}
	}
	if partial == 0 {
		t.Errorf("no account was read (%d accounts in the progress): the checks above held vacuously", len(p.Accounts))
	}
}
