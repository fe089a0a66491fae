package activities

import (
	"strings"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/mapping"
)

func TestValidateMappingReportsKindAndJQErrorsTogether(t *testing.T) {
	cfg, err := mapping.Parse([]byte(`
resources:
  - kind: AWS::EC2::Instanse
    selector: {query: "true"}
    port:
      entity:
        mappings:
          identifier: .Properties.InstanceId
          blueprint: '"ec2Instance"'
          properties:
            state: .Properties | foo(
`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = ValidateMapping(cfg)
	if err == nil {
		t.Fatal("a mapping with an unknown kind and broken JQ was accepted")
	}
	for _, want := range []string{"resources[0].kind", "AWS::EC2::Instance", "resources[0].port.entity.mappings.properties.state"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestValidateMappingAcceptsTheDefaultMapping(t *testing.T) {
	compiled, err := ValidateMapping(mapping.DefaultConfig())
	if err != nil {
		t.Fatalf("default mapping rejected: %v", err)
	}
	if len(compiled.Resources) != 6 {
		t.Fatalf("default mapping compiled %d resources, want 6", len(compiled.Resources))
	}
}

func TestAccountLimitPrefersSelectorsThenTheIntegration(t *testing.T) {
	for _, c := range []struct {
		integration int
		selectors   []int
		want        int
	}{
		{2, []int{0, 0}, 2}, // nothing set on selectors: the integration's 2, not 5
		{5, []int{0, 3}, 3}, // a selector asks for fewer
		{5, []int{8, 3}, 8}, // the largest selector wins
		{5, nil, 5},
	} {
		if got := accountLimit(c.integration, c.selectors); got != c.want {
			t.Errorf("accountLimit(%d, %v) = %d, want %d", c.integration, c.selectors, got, c.want)
		}
	}
}
