package app

import (
	"reflect"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/config"
)

// The configured fallback regions reach the credential provider, which is
// where region discovery reads them.
func TestAWSSettingsCarryFallbackRegions(t *testing.T) {
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"OCEAN__INTEGRATION__CONFIG__FALLBACK_REGIONS": "eu-west-1,us-east-1"}[k]
	}, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := AWSSettings(cfg, nil).FallbackRegions; !reflect.DeepEqual(got, []string{"eu-west-1", "us-east-1"}) {
		t.Fatalf("FallbackRegions = %v", got)
	}
}
