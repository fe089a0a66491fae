// Package catalog holds the Port entity types that flow between mapping,
// workflows and the Port client. It has no I/O, so workflow code may import it.
package catalog

import "strings"

// Entity is one Port entity as produced by a mapping. Only keys present in the
// mapping are set, as Ocean does; Properties and Relations may hold explicit nulls.
type Entity struct {
	Identifier string         `json:"identifier"`
	Blueprint  string         `json:"blueprint"`
	Title      *string        `json:"title,omitempty"`
	Icon       *string        `json:"icon,omitempty"`
	Team       any            `json:"team,omitempty"`
	Properties map[string]any `json:"properties,omitempty"`
	Relations  map[string]any `json:"relations,omitempty"`
}

// Key identifies an entity in Port: identifiers are unique per blueprint only.
type Key struct {
	Blueprint  string `json:"blueprint"`
	Identifier string `json:"identifier"`
}

// Compare orders keys by blueprint, then identifier (for slices.SortFunc).
func (k Key) Compare(o Key) int {
	if c := strings.Compare(k.Blueprint, o.Blueprint); c != 0 {
		return c
	}
	return strings.Compare(k.Identifier, o.Identifier)
}

// Key returns the entity's (blueprint, identifier).
func (e Entity) Key() Key { return Key{Blueprint: e.Blueprint, Identifier: e.Identifier} }

// Scope is the unit of ownership and deletion: one account's entities of one kind.
type Scope struct {
	Integration string `json:"integration"`
	AccountID   string `json:"accountId"`
	Kind        string `json:"kind"`
}

// DatasourcePrefix matches every version's writes of this scope.
func (s Scope) DatasourcePrefix() string {
	return "aws-port-sync/" + s.Integration + "/" + s.AccountID + "/" + s.Kind + "/"
}

// DatasourceSuffix is the last segment of every resync write's User-Agent.
const DatasourceSuffix = "/exporter"

// UserAgent is the User-Agent of writes in this scope; Port records it as the
// entity's $datasource, which is how a later resync finds what this scope owns.
func (s Scope) UserAgent(version string) string {
	return s.DatasourcePrefix() + version + DatasourceSuffix
}

// IntegrationDatasourcePrefix matches every scope of one integration.
func IntegrationDatasourcePrefix(integration string) string {
	return "aws-port-sync/" + integration + "/"
}

// ParseDatasource splits a $datasource written by this integration into its scope;
// ok is false for any other writer.
func ParseDatasource(integration, datasource string) (Scope, bool) {
	rest, found := strings.CutPrefix(datasource, IntegrationDatasourcePrefix(integration))
	if !found || !strings.HasSuffix(rest, DatasourceSuffix) {
		return Scope{}, false
	}
	parts := strings.Split(strings.TrimSuffix(rest, DatasourceSuffix), "/")
	if len(parts) != 3 {
		return Scope{}, false
	}
	return Scope{Integration: integration, AccountID: parts[0], Kind: parts[1]}, true
}
