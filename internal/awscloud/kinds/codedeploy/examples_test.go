package codedeploy_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"
	"github.com/aws-port-sync/aws-port-sync/internal/mapping"
)

// checkExamples maps everything the emulator's org holds of each example's
// kind with the example's mapping: every item becomes an entity of the
// example's blueprint, with a unique identifier and only properties the
// blueprint declares, and no JQ expression fails.
func checkExamples(t *testing.T, dirs map[string]string) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	accts := awstest.OrgAccounts(t, srv, p)
	for dir, kind := range dirs {
		t.Run(dir, func(t *testing.T) {
			root := filepath.Join("..", "..", "..", "..", "examples", dir)
			raw, err := os.ReadFile(filepath.Join(root, "blueprint.json"))
			if err != nil {
				t.Fatal(err)
			}
			var bp struct {
				Identifier string `json:"identifier"`
				Schema     struct {
					Properties map[string]any `json:"properties"`
				} `json:"schema"`
				Relations map[string]any `json:"relations"`
			}
			if err := json.Unmarshal(raw, &bp); err != nil {
				t.Fatalf("blueprint: %v", err)
			}
			raw, err = os.ReadFile(filepath.Join(root, "mapping.yml"))
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := mapping.Parse(raw)
			if err != nil {
				t.Fatalf("mapping: %v", err)
			}
			compiled, err := mapping.Compile(cfg)
			if err != nil {
				t.Fatalf("compile: %v", err)
			}
			res := compiled.ForKind(kind)
			if len(res) != 1 {
				t.Fatalf("%d resources for %s", len(res), kind)
			}
			seen := map[string]bool{}
			for _, acct := range accts {
				for _, region := range awstest.KindSpec.Regions {
					items, _, _ := collect(t, p, kind, acct, region, 100, time.Time{}, res[0].Resource().Selector.IncludeActions...)
					out, err := res[0].MapItems(items)
					if err != nil {
						t.Fatal(err)
					}
					if out.Dropped+out.KeyErrors+out.PropertyErrors+out.FilteredOut != 0 || len(out.Entities) != len(items) {
						t.Fatalf("%d items → %+v", len(items), out)
					}
					for _, e := range out.Entities {
						if e.Blueprint != bp.Identifier || seen[e.Identifier] || e.Title == nil || *e.Title == "" {
							t.Fatalf("entity %+v", e)
						}
						seen[e.Identifier] = true
						for k := range e.Properties {
							if _, ok := bp.Schema.Properties[k]; !ok {
								t.Fatalf("property %s not in the blueprint", k)
							}
						}
						for k := range e.Relations {
							if _, ok := bp.Relations[k]; !ok {
								t.Fatalf("relation %s not in the blueprint", k)
							}
						}
					}
				}
			}
			if len(seen) == 0 {
				t.Fatalf("no %s in the org", kind)
			}
		})
	}
}

func TestExamples(t *testing.T) {
	checkExamples(t, map[string]string{
		"CodeDeploy-Application":      "AWS::CodeDeploy::Application",
		"CodeDeploy-DeploymentGroup":  "AWS::CodeDeploy::DeploymentGroup",
		"CodeDeploy-Deployment":       "AWS::CodeDeploy::Deployment",
		"CodeDeploy-DeploymentTarget": "AWS::CodeDeploy::DeploymentTarget",
	})
}
