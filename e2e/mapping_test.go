package e2e

import (
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/mapping"
)

func defaultMapping(t *testing.T) string {
	t.Helper()
	return string(mapping.DefaultConfigYAML())
}
