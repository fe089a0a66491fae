package activities

import (
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/catalog"
)

func TestDependencyOrderPutsRelationTargetsFirst(t *testing.T) {
	in := []catalog.Entity{
		{Identifier: "svc", Blueprint: "ecsService", Relations: map[string]any{"cluster": "cluster", "account": "123"}},
		{Identifier: "cluster", Blueprint: "ecsCluster", Relations: map[string]any{"account": "123"}},
		{Identifier: "other", Blueprint: "s3Bucket", Relations: map[string]any{"account": "999-not-in-batch"}},
		{Identifier: "123", Blueprint: "awsAccount"},
		{Identifier: "a", Blueprint: "x", Relations: map[string]any{"peer": []any{"b"}}},
		{Identifier: "b", Blueprint: "x", Relations: map[string]any{"peer": "a"}}, // a cycle keeps going
	}
	out := dependencyOrder(in)
	if len(out) != len(in) {
		t.Fatalf("got %d entities, want %d", len(out), len(in))
	}
	pos := map[string]int{}
	for i, e := range out {
		pos[e.Identifier] = i
	}
	for _, c := range [][2]string{{"123", "cluster"}, {"cluster", "svc"}, {"123", "svc"}} {
		if pos[c[0]] > pos[c[1]] {
			t.Errorf("%s must come before %s: %v", c[0], c[1], pos)
		}
	}
}
