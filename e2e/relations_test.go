package e2e

import (
	"strings"
	"testing"
)

// With createMissingRelatedEntities off, Port rejects an entity whose relation
// target does not exist yet. Here every resource page is written before the
// account entity it relates to (account info mapped last, one unit at a time),
// so the first writes fail with 404; the account workflow retries them in
// dependency order at its end, and the catalog comes out complete.
func TestMissingRelationTargetsAreRetriedInDependencyOrder(t *testing.T) {
	s := newStack(t, demoSpec(10))
	mapping := defaultMapping(t)
	mapping = strings.Replace(mapping, "createMissingRelatedEntities: true", "createMissingRelatedEntities: false", 1)
	// Move the AWS::Account::Info resource to the end of the list.
	start := strings.Index(mapping, "  - kind: AWS::Account::Info")
	end := strings.Index(mapping, "  - kind: AWS::Organizations::Account")
	if start < 0 || end < start {
		t.Fatal("default mapping layout changed; adjust the test")
	}
	mapping = mapping[:start] + mapping[end:] + mapping[start:end]
	s.writeMapping(mapping)
	s.tuning.MaxConcurrentUnits = 1
	s.startWorker()

	p, _ := s.resync()
	s.assertCatalog(s.expectedKeys())
	if p.Counts.Failed != 0 {
		t.Fatalf("%d entities failed after the dependency-ordered retry", p.Counts.Failed)
	}
	partial := 0
	for _, r := range s.port.Requests() {
		if r.Status == 207 && strings.HasSuffix(r.Path, "/entities/bulk") {
			partial++
		}
	}
	if partial == 0 {
		t.Fatal("no bulk write was rejected for a missing target; the test did not exercise the retry")
	}
	s.recordHistories("missing-targets")
}
