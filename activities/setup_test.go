package activities

import (
	"strings"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/mapping"
)

// A kind is checked at the resync, where a bad one fails only its resource;
// the file's own errors (here a JQ that does not parse) still stop at start.
func TestValidateMappingStopsForJQButNotForOneKind(t *testing.T) {
	cfg, err := mapping.Parse([]byte(`
resources:
  - kind: not a kind
    selector: {query: "true"}
    port:
      entity:
        mappings:
          identifier: .Identifier
          blueprint: '"thing"'
  - kind: AWS::EC2::Instance
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
	if err == nil || !strings.Contains(err.Error(), "resources[1].port.entity.mappings.properties.state") {
		t.Fatalf("broken JQ: %v", err)
	}
	if strings.Contains(err.Error(), "resources[0]") {
		t.Fatalf("the bad kind stopped the whole file: %v", err)
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

// An includeActions name the kind does not have is refused at start with the
// kind's valid names (Ocean ignores it silently); a valid one passes.
func TestValidateMappingRefusesUnknownIncludeActions(t *testing.T) {
	cfg, err := mapping.Parse([]byte(`
resources:
  - kind: AWS::S3::Bucket
    selector:
      query: "true"
      includeActions: [GetBucketEncryptionAction, GetBucketEncryption]
    port:
      entity:
        mappings:
          identifier: .Properties.Arn
          blueprint: '"s3Bucket"'
  - kind: AWS::ECS::Cluster
    selector:
      query: "true"
      includeActions: [ListTagsAction]
    port:
      entity:
        mappings:
          identifier: .Properties.clusterArn
          blueprint: '"ecsCluster"'
`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = ValidateMapping(cfg)
	if err == nil {
		t.Fatal("unknown includeActions accepted")
	}
	for _, want := range []string{
		`resources[0].selector.includeActions: "GetBucketEncryption" is not an action of AWS::S3::Bucket; valid: GetPublicAccessBlockAction, GetBucketOwnershipControlsAction, GetBucketEncryptionAction, GetBucketLocationAction`,
		`resources[1].selector.includeActions: "ListTagsAction" is not an action of AWS::ECS::Cluster; it has none`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if strings.Contains(err.Error(), `"GetBucketEncryptionAction"`) {
		t.Errorf("a valid action was refused: %v", err)
	}
}
