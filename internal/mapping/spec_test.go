package mapping

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCompileResourceCachesBySpecHash(t *testing.T) {
	cfg := DefaultConfig()
	spec := cfg.ResourceSpec(3)
	a, err := CompileResource(spec)
	if err != nil {
		t.Fatal(err)
	}
	// What an activity receives: the spec after a JSON round trip through Temporal.
	data, _ := json.Marshal(spec)
	var decoded ResourceSpec
	if err := json.Unmarshal(data, &decoded); err != nil {
		t.Fatal(err)
	}
	b, err := CompileResource(decoded)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Error("the same spec compiled twice")
	}
	if a.Kind() != "AWS::EC2::Instance" || a.Index() != 3 {
		t.Errorf("kind %s index %d", a.Kind(), a.Index())
	}
	changed := decoded
	changed.EntityDeletionThreshold = 0.5
	c, err := CompileResource(changed)
	if err != nil {
		t.Fatal(err)
	}
	if c == a || c.Spec.EntityDeletionThreshold != 0.5 {
		t.Error("a different spec shared the cache entry")
	}
}

func TestCompileResourceReportsErrorsAndDoesNotCacheThem(t *testing.T) {
	spec := DefaultConfig().ResourceSpec(0)
	spec.Index = 7
	spec.Resource.Selector.Query = ".x |"
	for range 2 {
		_, err := CompileResource(spec)
		if err == nil || !strings.Contains(err.Error(), `resources[7].selector.query: JQ ".x |" does not parse`) {
			t.Fatalf("err = %v", err)
		}
	}
}

func TestSpecRoundTripKeepsExplicitFalseAndDefaults(t *testing.T) {
	spec := DefaultConfig().ResourceSpec(0)
	spec.Resource.Port.ItemsToParseTopLevelTransform = false
	spec.Resource.Selector.MaxConcurrentAccounts = 1
	data, _ := json.Marshal(spec)
	var back ResourceSpec
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.Resource.Port.ItemsToParseTopLevelTransform || back.Resource.Selector.MaxConcurrentAccounts != 1 {
		t.Errorf("round trip lost explicit values: %+v", back.Resource)
	}
	h1, _ := spec.Hash()
	h2, _ := back.Hash()
	if h1 != h2 {
		t.Error("hash changed across a round trip")
	}
}
