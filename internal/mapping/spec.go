package mapping

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
)

// ResourceSpec is one resource plus the config-wide flags, in a small
// JSON-serializable form. Workflows pass it to activities, which compile it
// through CompileResource's cache instead of once per page.
type ResourceSpec struct {
	// Index is the resource's position in the port-app-config (for error paths).
	Index                        int      `json:"index"`
	Resource                     Resource `json:"resource"`
	DeleteDependentEntities      bool     `json:"deleteDependentEntities"`
	CreateMissingRelatedEntities bool     `json:"createMissingRelatedEntities"`
	EnableMergeEntity            bool     `json:"enableMergeEntity"`
	EntityDeletionThreshold      float64  `json:"entityDeletionThreshold"`
}

// ResourceSpec returns the spec of resources[i].
func (c *Config) ResourceSpec(i int) ResourceSpec {
	return ResourceSpec{
		Index:                        i,
		Resource:                     c.Resources[i],
		DeleteDependentEntities:      c.DeleteDependentEntities,
		CreateMissingRelatedEntities: c.CreateMissingRelatedEntities,
		EnableMergeEntity:            c.EnableMergeEntity,
		EntityDeletionThreshold:      c.EntityDeletionThreshold,
	}
}

// Specs returns the specs of all resources, in config order.
func (c *Config) Specs() []ResourceSpec {
	out := make([]ResourceSpec, len(c.Resources))
	for i := range c.Resources {
		out[i] = c.ResourceSpec(i)
	}
	return out
}

// Hash is the hex sha256 of the spec's JSON; encoding/json sorts map keys, so
// equal specs hash equally.
func (s ResourceSpec) Hash() (string, error) {
	data, err := json.Marshal(s)
	if err != nil {
		return "", fmt.Errorf("hash resource spec: %w", err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}

// maxCachedSpecs bounds the cache; mappings change rarely, so reaching it
// means churn, and starting over is cheaper than tracking recency.
const maxCachedSpecs = 1024

var (
	specCache     sync.Map // hash → *CompiledResource
	specCacheSize atomic.Int64
)

// CompileResource compiles one resource spec, or returns the compiled form
// cached process-wide under the spec's hash. Failures are not cached.
func CompileResource(spec ResourceSpec) (*CompiledResource, error) {
	key, err := spec.Hash()
	if err != nil {
		return nil, err
	}
	if v, ok := specCache.Load(key); ok {
		return v.(*CompiledResource), nil
	}
	r, err := compileResource(spec)
	if err != nil {
		return nil, err
	}
	if specCacheSize.Load() >= maxCachedSpecs {
		specCache.Clear()
		specCacheSize.Store(0)
	}
	if v, loaded := specCache.LoadOrStore(key, r); loaded {
		return v.(*CompiledResource), nil
	}
	specCacheSize.Add(1)
	return r, nil
}
