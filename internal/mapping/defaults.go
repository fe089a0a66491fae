package mapping

import (
	"embed"
	"encoding/json"
	"fmt"
)

//go:embed defaults/blueprints.json defaults/port-app-config.yml
var defaultsFS embed.FS

// DefaultKinds are the kinds the default mapping covers, in its order.
var DefaultKinds = []string{
	"AWS::Account::Info",
	"AWS::Organizations::Account",
	"AWS::S3::Bucket",
	"AWS::EC2::Instance",
	"AWS::ECS::Cluster",
	"AWS::Lambda::Function",
}

// DefaultConfigYAML returns the shipped port-app-config (a fresh copy).
func DefaultConfigYAML() []byte {
	return mustRead("defaults/port-app-config.yml")
}

// DefaultConfig parses the shipped port-app-config.
func DefaultConfig() *Config {
	cfg, err := Parse(DefaultConfigYAML())
	if err != nil {
		panic(fmt.Sprintf("mapping: embedded default port-app-config: %v", err)) // guarded by tests
	}
	return cfg
}

// DefaultBlueprints returns the shipped blueprints, freshly decoded so
// callers may change them.
func DefaultBlueprints() []map[string]any {
	var out []map[string]any
	if err := json.Unmarshal(mustRead("defaults/blueprints.json"), &out); err != nil {
		panic(fmt.Sprintf("mapping: embedded default blueprints: %v", err)) // guarded by tests
	}
	return out
}

func mustRead(name string) []byte {
	data, err := defaultsFS.ReadFile(name)
	if err != nil {
		panic(fmt.Sprintf("mapping: embedded %s: %v", name, err))
	}
	return data
}
