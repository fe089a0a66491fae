// Package mapping reads Ocean-compatible port-app-config (the mapping from raw
// AWS items to Port entities), validates it, compiles every JQ expression once
// with gojq and evaluates the compiled form over pages of raw items.
package mapping

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/aws-port-sync/aws-port-sync/internal/yamlline"
)

// Ocean's coded defaults (port_ocean/core/handlers/port_app_config/models.py);
// the Ocean docs still say false for the booleans, the code says true.
const (
	DefaultDeleteDependentEntities      = true
	DefaultCreateMissingRelatedEntities = true
	DefaultEnableMergeEntity            = true
	DefaultEntityDeletionThreshold      = 0.9
	DefaultMaxConcurrentAccounts        = 5
	DefaultItemsToParseName             = "item"
	MaxIncludeActions                   = 3
)

// Config is a whole port-app-config.
type Config struct {
	DeleteDependentEntities      bool       `json:"deleteDependentEntities" yaml:"deleteDependentEntities"`
	CreateMissingRelatedEntities bool       `json:"createMissingRelatedEntities" yaml:"createMissingRelatedEntities"`
	EnableMergeEntity            bool       `json:"enableMergeEntity" yaml:"enableMergeEntity"`
	EntityDeletionThreshold      float64    `json:"entityDeletionThreshold" yaml:"entityDeletionThreshold"`
	Resources                    []Resource `json:"resources" yaml:"resources"`
}

// Resource is one `resources[]` entry: a kind, the items it keeps and how they map.
// The same kind may appear several times.
type Resource struct {
	Kind     string   `json:"kind" yaml:"kind"`
	Selector Selector `json:"selector" yaml:"selector"`
	Port     PortSpec `json:"port" yaml:"port"`
}

// Selector is Ocean's selector plus the aws-v3 additions.
type Selector struct {
	Query                 string       `json:"query" yaml:"query"`
	RegionPolicy          RegionPolicy `json:"regionPolicy" yaml:"regionPolicy"`
	IncludeActions        []string     `json:"includeActions,omitempty" yaml:"includeActions,omitempty"`
	MaxConcurrentAccounts int          `json:"maxConcurrentAccounts,omitempty" yaml:"maxConcurrentAccounts,omitempty"` // 0 = not set
	// HistoryWindowDays bounds the history kinds (builds, deployments,
	// executions) to the records of the last N days; nil = the default
	// (DefaultHistoryWindowDays), 0 = all history, as Ocean reads it.
	HistoryWindowDays *int `json:"historyWindowDays,omitempty" yaml:"historyWindowDays,omitempty"`
	// UseGetResourceAPI makes a Cloud Control kind read each resource with
	// GetResource (for types whose ListResources returns identifiers only),
	// as Port's Cloud Control-based integration did.
	UseGetResourceAPI bool `json:"useGetResourceAPI,omitempty" yaml:"useGetResourceAPI,omitempty"`
}

// DefaultHistoryWindowDays is how far back history kinds read when the
// selector does not say: long enough for a month of builds and deployments,
// short enough that a resync's cost does not grow forever.
const DefaultHistoryWindowDays = 30

// HistoryWindow is the selector's history window; 0 means all history.
func (s Selector) HistoryWindow() time.Duration {
	days := DefaultHistoryWindowDays
	if s.HistoryWindowDays != nil {
		days = *s.HistoryWindowDays
	}
	return time.Duration(days) * 24 * time.Hour
}

// RegionPolicy limits the regions a kind is collected in; deny wins over allow.
type RegionPolicy struct {
	Allow []string `json:"allow,omitempty" yaml:"allow,omitempty"`
	Deny  []string `json:"deny,omitempty" yaml:"deny,omitempty"`
}

// PortSpec is the `port` block of a resource.
type PortSpec struct {
	Entity                        EntitySpec `json:"entity" yaml:"entity"`
	ItemsToParse                  string     `json:"itemsToParse,omitempty" yaml:"itemsToParse,omitempty"`
	ItemsToParseName              string     `json:"itemsToParseName" yaml:"itemsToParseName"`
	ItemsToParseTopLevelTransform bool       `json:"itemsToParseTopLevelTransform" yaml:"itemsToParseTopLevelTransform"`
}

// EntitySpec holds the entity mappings. Port's schema accepts `mappings` as one
// object or as an array; every mapping in the array yields its own entity.
type EntitySpec struct {
	Mappings Mappings `json:"mappings" yaml:"mappings"`
}

// Mappings is one or more entity mappings. It reads an object or an array and
// writes an array (so a spec round-trips through JSON unchanged).
type Mappings []EntityMapping

// EntityMapping is one entity template; every string is a JQ expression evaluated
// against the raw item. Relations values are a JQ string or a search-query object
// whose string leaves are JQ.
type EntityMapping struct {
	Identifier string            `json:"identifier" yaml:"identifier"`
	Title      string            `json:"title,omitempty" yaml:"title,omitempty"`
	Blueprint  string            `json:"blueprint" yaml:"blueprint"`
	Icon       string            `json:"icon,omitempty" yaml:"icon,omitempty"`
	Team       string            `json:"team,omitempty" yaml:"team,omitempty"`
	Properties map[string]string `json:"properties,omitempty" yaml:"properties,omitempty"`
	Relations  map[string]any    `json:"relations,omitempty" yaml:"relations,omitempty"`
}

// UnmarshalJSON applies Ocean's defaults for absent keys and names the field
// path of any problem.
func (c *Config) UnmarshalJSON(data []byte) error {
	generic, err := jsonToGeneric(data)
	if err != nil {
		return err
	}
	out, err := decodeConfig(generic)
	if err != nil {
		return err
	}
	*c = *out
	return nil
}

// UnmarshalJSON decodes one resource with the same defaults as in a whole config.
func (r *Resource) UnmarshalJSON(data []byte) error {
	generic, err := jsonToGeneric(data)
	if err != nil {
		return err
	}
	d := &decoder{}
	out := d.resource(generic, "resource")
	if err := d.err(); err != nil {
		return err
	}
	*r = out
	return nil
}

// UnmarshalYAML decodes through the generic form so YAML and JSON share the defaults.
func (c *Config) UnmarshalYAML(node *yaml.Node) error {
	var generic any
	if err := node.Decode(&generic); err != nil {
		return err
	}
	out, err := decodeConfig(generic)
	if err != nil {
		return err
	}
	*c = *out
	return nil
}

// UnmarshalYAML decodes one resource with the same defaults as in a whole config.
func (r *Resource) UnmarshalYAML(node *yaml.Node) error {
	var generic any
	if err := node.Decode(&generic); err != nil {
		return err
	}
	d := &decoder{}
	out := d.resource(generic, "resource")
	if err := d.err(); err != nil {
		return err
	}
	*r = out
	return nil
}

// MarshalJSON always writes the array form, so a decoded spec round-trips.
func (m Mappings) MarshalJSON() ([]byte, error) {
	return json.Marshal([]EntityMapping(m))
}

// Parse reads a port-app-config in YAML or JSON. A document that starts with
// '{' is decoded as JSON directly (exact numbers). Syntax errors name the line
// in data, which is parsed as given: trimming it would shift every line.
func Parse(data []byte) (*Config, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, errors.New("port-app-config is empty: it needs at least a `resources:` list")
	}
	var generic any
	if trimmed[0] == '{' {
		g, err := jsonToGeneric(data)
		if err != nil {
			return nil, fmt.Errorf("parse port-app-config (JSON): %w", jsonPosition(data, err))
		}
		generic = g
	} else if err := yamlline.Unmarshal(data, &generic); err != nil {
		return nil, fmt.Errorf("parse port-app-config (YAML): %w", err)
	}
	cfg, err := decodeConfig(generic)
	if err != nil {
		return nil, fmt.Errorf("parse port-app-config: %w", err)
	}
	return cfg, nil
}

// FromMap reads the port-app-config held in the integration's `config` in Port.
func FromMap(m map[string]any) (*Config, error) {
	if len(m) == 0 {
		return nil, errors.New("the integration's config in Port is empty: set a port-app-config on the integration in Port, or point PORT_APP_CONFIG_FILE at a local file")
	}
	cfg, err := decodeConfig(m)
	if err != nil {
		return nil, fmt.Errorf("integration config: %w", err)
	}
	return cfg, nil
}

// jsonPosition adds the line and column to a JSON syntax error, which knows
// only its byte offset and does not say it.
func jsonPosition(data []byte, err error) error {
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return err
	}
	// Offset counts the bytes read, the offending one included.
	before := data[:max(min(int(se.Offset), len(data))-1, 0)]
	line := bytes.Count(before, []byte("\n")) + 1
	col := len(before) - bytes.LastIndexByte(before, '\n')
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}

func jsonToGeneric(data []byte) (any, error) {
	var generic any
	if err := json.Unmarshal(data, &generic); err != nil {
		return nil, err
	}
	return generic, nil
}

// Clone returns a deep copy, so callers can change a copy without racing
// compiled resources that hold the original.
func (c *Config) Clone() *Config {
	data, err := json.Marshal(c)
	if err != nil {
		panic(fmt.Sprintf("mapping: clone config: %v", err)) // only JSON-native values are stored
	}
	out := new(Config)
	if err := json.Unmarshal(data, out); err != nil {
		panic(fmt.Sprintf("mapping: clone config: %v", err))
	}
	return out
}
