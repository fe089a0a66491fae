package portemu

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure an emulator; zero values take the documented defaults.
type Options struct {
	ClientID, ClientSecret string        // default "test-client-id" / "test-client-secret"
	TokenTTL               time.Duration // default 3h, like Port
	MaxBodyBytes           int           // default 1 MiB; larger bodies get 413 before parsing
	ResetEpoch             bool          // x-ratelimit-reset as epoch seconds instead of seconds-until-reset
	AllFailedStatus        int           // status of a bulk upsert where every entity failed, default 207
	DependentsStatus       int           // status when a delete hits dependents without delete_dependents, default 422
	StatePath              string        // when set, state is loaded from and saved to this JSON file
	SaveInterval           time.Duration // at most one save of StatePath per interval (and one at Close); default 500ms
	OrganizationID         string        // default "org_emulator"
	FeatureFlags           []string      // GET /v1/organization's featureFlags; default none (see organization)
	Logger                 *slog.Logger  // default slog.Default()
}

func (o *Options) defaults() {
	if o.ClientID == "" {
		o.ClientID = "test-client-id"
	}
	if o.ClientSecret == "" {
		o.ClientSecret = "test-client-secret"
	}
	if o.TokenTTL <= 0 {
		o.TokenTTL = 3 * time.Hour
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 1 << 20
	}
	if o.AllFailedStatus == 0 {
		o.AllFailedStatus = http.StatusMultiStatus
	}
	if o.DependentsStatus == 0 {
		o.DependentsStatus = http.StatusUnprocessableEntity
	}
	if o.OrganizationID == "" {
		o.OrganizationID = "org_emulator"
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	o.FeatureFlags = slices.Clone(o.FeatureFlags)
}

// Entity is one stored entity with its meta fields. Datasource is the
// User-Agent of the last successful write ($datasource in search).
type Entity struct {
	Identifier string         `json:"identifier"`
	Blueprint  string         `json:"blueprint"`
	Title      string         `json:"title,omitempty"`
	Icon       string         `json:"icon,omitempty"`
	Team       any            `json:"team,omitempty"`
	Properties map[string]any `json:"properties,omitempty"`
	Relations  map[string]any `json:"relations,omitempty"`
	CreatedAt  time.Time      `json:"createdAt"`
	UpdatedAt  time.Time      `json:"updatedAt"`
	CreatedBy  string         `json:"createdBy,omitempty"`
	UpdatedBy  string         `json:"updatedBy,omitempty"`
	Datasource string         `json:"datasource,omitempty"`
}

type entityKey struct{ blueprint, identifier string }

// Request is one logged API call. Path is the escaped path as sent on the wire
// (so "%2F" in an identifier stays visible).
type Request struct {
	Time     time.Time
	Method   string
	Path     string
	RawQuery string
	Header   http.Header
	Body     []byte
	Status   int
}

// maxRequestLog bounds memory for a long-running local stack.
const maxRequestLog = 100000

// Server is the emulator. All methods are safe for concurrent use.
type Server struct {
	opts Options
	log  *slog.Logger

	mu         sync.Mutex // guards the catalog state below
	blueprints map[string]map[string]any
	entities   map[entityKey]*Entity
	// sorted holds the keys of entities in (blueprint, identifier) order;
	// a new or deleted key drops it (nil means rebuild), so a resync's 250k
	// inserts cost nothing and the next full listing sorts once. (Keeping it
	// sorted on every insert moved O(catalog) memory per entity written.)
	sorted []entityKey
	// byDatasource indexes the keys by $datasource (ownership listings).
	byDatasource map[string]map[entityKey]struct{}
	// owned caches the last ownership listing's keys, sorted, until the
	// next write (gen): a listing pages through it without sorting again.
	gen   uint64
	owned struct {
		prefix, suffix string
		gen            uint64
		keys           []entityKey
	}
	integrations   map[string]map[string]any
	resyncRequests map[string]map[string]any
	tokens         map[string]*token // access token → grant
	current        map[string]string // client id → its active token

	offset atomic.Int64 // clock offset in ns added by Advance

	faults  faultSet
	limits  limiter
	reqMu   sync.Mutex
	reqLog  []Request
	persist persister
	loadErr error

	srv       *http.Server
	ln        net.Listener
	url       string
	closeOnce sync.Once
}

// New returns an emulator with opts (defaults filled in). With StatePath set,
// state is loaded from the file now; a load error is returned by Start.
func New(opts Options) *Server {
	opts.defaults()
	s := &Server{opts: opts, log: opts.Logger}
	s.resetState()
	s.limits.init()
	s.persist.path = opts.StatePath
	s.persist.interval = opts.SaveInterval
	if opts.StatePath != "" {
		if err := s.load(); err != nil {
			s.loadErr = fmt.Errorf("load port emulator state %s: %w", opts.StatePath, err)
		}
	}
	if s.loadErr == nil {
		s.startFlusher()
	}
	return s
}

func (s *Server) resetState() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blueprints = map[string]map[string]any{}
	s.entities = map[entityKey]*Entity{}
	s.sorted = nil
	s.byDatasource = map[string]map[entityKey]struct{}{}
	s.gen++
	s.owned.keys = nil
	s.integrations = map[string]map[string]any{}
	s.resyncRequests = map[string]map[string]any{}
	s.tokens = map[string]*token{}
	s.current = map[string]string{}
}

// Start listens on a random loopback port.
func (s *Server) Start() error { return s.StartOn("127.0.0.1:0") }

// StartOn listens on addr (host:port) and serves in the background.
func (s *Server) StartOn(addr string) error {
	if s.loadErr != nil {
		return s.loadErr
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("port emulator listen %s: %w", addr, err)
	}
	s.ln = ln
	s.url = "http://" + ln.Addr().String()
	s.srv = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("port emulator serve", "err", err)
		}
	}()
	return nil
}

// URL is the base URL (without /v1), e.g. http://127.0.0.1:PORT.
func (s *Server) URL() string { return s.url }

// Close stops the listener, drops open connections and flushes persisted state.
// Calling it again does nothing.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		if s.srv != nil {
			_ = s.srv.Close()
		}
		s.stopFlusher()
		if err := s.save(); err != nil {
			s.log.Error("port emulator save state", "err", err)
		}
	})
}

// Now is the emulator clock: wall clock plus everything Advance added.
func (s *Server) Now() time.Time {
	return time.Now().UTC().Add(time.Duration(s.offset.Load()))
}

// Advance moves the emulator clock forward (token expiry, updatedAt, before filters).
func (s *Server) Advance(d time.Duration) { s.offset.Add(int64(d)) }

// Entities returns copies of all entities sorted by blueprint, identifier.
func (s *Server) Entities() []Entity {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Entity, 0, len(s.entities))
	for _, k := range s.sortedKeysLocked() {
		out = append(out, cloneEntity(s.entities[k]))
	}
	return out
}

// Entity returns a copy of one entity.
func (s *Server) Entity(blueprint, id string) (Entity, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entities[entityKey{blueprint, id}]
	if !ok {
		return Entity{}, false
	}
	return cloneEntity(e), true
}

// SeedEntity stores e as given (any Datasource / UpdatedAt, no validation);
// zero times become Now.
func (s *Server) SeedEntity(e Entity) { s.seedEntities([]Entity{e}) }

// seedEntities stores many entities with a single save.
func (s *Server) seedEntities(ents []Entity) {
	now := s.Now()
	s.mu.Lock()
	for i := range ents {
		c := cloneEntity(&ents[i])
		if c.CreatedAt.IsZero() {
			c.CreatedAt = now
		}
		if c.UpdatedAt.IsZero() {
			c.UpdatedAt = c.CreatedAt
		}
		s.putEntityLocked(entityKey{c.Blueprint, c.Identifier}, &c)
	}
	s.mu.Unlock()
	s.changed()
}

// SeedBlueprint stores a blueprint definition as given (no validation).
func (s *Server) SeedBlueprint(bp map[string]any) {
	id, _ := bp["identifier"].(string)
	c := deepCopyMap(bp)
	now := s.Now().Format(time.RFC3339Nano)
	if _, ok := c["createdAt"]; !ok {
		c["createdAt"] = now
	}
	c["updatedAt"] = now
	s.mu.Lock()
	s.blueprints[id] = c
	s.mu.Unlock()
	s.changed()
}

// Blueprint returns a copy of a stored blueprint.
func (s *Server) Blueprint(id string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	bp, ok := s.blueprints[id]
	if !ok {
		return nil, false
	}
	return deepCopyMap(bp), true
}

// Integration returns a copy of a stored integration.
func (s *Server) Integration(id string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.integrations[id]
	if !ok {
		return nil, false
	}
	return deepCopyMap(in), true
}

// SeedIntegration stores an integration object (identifier forced to id).
func (s *Server) SeedIntegration(id string, integration map[string]any) {
	c := deepCopyMap(integration)
	c["identifier"] = id
	s.mu.Lock()
	s.integrations[id] = c
	s.mu.Unlock()
	s.changed()
}

// RequestResync sets the integration's resync-request to a fresh id and
// updatedAt, as a user pressing "resync" in Port's UI would.
func (s *Server) RequestResync(id string) {
	now := s.Now()
	s.mu.Lock()
	s.resyncRequests[id] = map[string]any{"id": fmt.Sprintf("rr_%d", now.UnixNano()), "updatedAt": now.Format(time.RFC3339Nano)}
	s.mu.Unlock()
}

// Requests returns a copy of the request log (API calls under /v1/ and /ingest/).
func (s *Server) Requests() []Request {
	s.reqMu.Lock()
	defer s.reqMu.Unlock()
	out := make([]Request, len(s.reqLog))
	copy(out, s.reqLog)
	return out
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.reqMu.Lock()
	s.reqLog = nil
	s.reqMu.Unlock()
}

func (s *Server) logRequest(r Request) {
	s.reqMu.Lock()
	if len(s.reqLog) >= maxRequestLog {
		s.reqLog = append([]Request(nil), s.reqLog[len(s.reqLog)/2:]...)
	}
	s.reqLog = append(s.reqLog, r)
	s.reqMu.Unlock()
}

// Reset drops all state, tokens, faults, rate limits and the request log.
func (s *Server) Reset() {
	s.resetState()
	s.ClearFaults()
	s.limits.init()
	s.ResetRequests()
	s.changed()
}

// sortedKeysLocked is every entity key in (blueprint, identifier) order. The
// slice is the server's own: use it only while holding s.mu.
func (s *Server) sortedKeysLocked() []entityKey {
	if s.sorted != nil && len(s.sorted) == len(s.entities) {
		return s.sorted
	}
	keys := make([]entityKey, 0, len(s.entities))
	for k := range s.entities {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareKeys)
	s.sorted = keys
	return keys
}

func compareKeys(a, b entityKey) int {
	if c := strings.Compare(a.blueprint, b.blueprint); c != 0 {
		return c
	}
	return strings.Compare(a.identifier, b.identifier)
}

// putEntityLocked stores e under k; a new key drops the sorted keys.
func (s *Server) putEntityLocked(k entityKey, e *Entity) {
	old, exists := s.entities[k]
	s.gen++
	if !exists {
		s.sorted = nil
	}
	if exists {
		s.unindexDatasourceLocked(k, old.Datasource)
	}
	set := s.byDatasource[e.Datasource]
	if set == nil {
		set = map[entityKey]struct{}{}
		s.byDatasource[e.Datasource] = set
	}
	set[k] = struct{}{}
	s.entities[k] = e
}

func (s *Server) unindexDatasourceLocked(k entityKey, ds string) {
	if set := s.byDatasource[ds]; set != nil {
		delete(set, k)
		if len(set) == 0 {
			delete(s.byDatasource, ds)
		}
	}
}

// deleteEntityLocked removes k; it drops the sorted keys.
func (s *Server) deleteEntityLocked(k entityKey) {
	old, exists := s.entities[k]
	s.gen++
	if exists {
		s.sorted = nil
	}
	if exists {
		s.unindexDatasourceLocked(k, old.Datasource)
	}
	delete(s.entities, k)
}

// datasourceKeysLocked is, in key order, every key whose $datasource has
// prefix and suffix (from the index: the cost follows the datasources and
// the matches, not the catalog). The pages of one listing share one sort.
func (s *Server) datasourceKeysLocked(prefix, suffix string) []entityKey {
	if c := &s.owned; c.keys != nil && c.gen == s.gen && c.prefix == prefix && c.suffix == suffix {
		return c.keys
	}
	keys := []entityKey{}
	for ds, set := range s.byDatasource {
		if ownedBy(ds, prefix, suffix) {
			for k := range set {
				keys = append(keys, k)
			}
		}
	}
	slices.SortFunc(keys, compareKeys)
	s.owned.prefix, s.owned.suffix, s.owned.gen, s.owned.keys = prefix, suffix, s.gen, keys
	return keys
}

// ownedBy tells a $datasource with prefix and suffix (not overlapping).
func ownedBy(ds, prefix, suffix string) bool {
	return strings.HasPrefix(ds, prefix) && strings.HasSuffix(ds, suffix) && len(ds) >= len(prefix)+len(suffix)
}

func cloneEntity(e *Entity) Entity {
	c := *e
	c.Team = deepCopy(e.Team)
	if e.Properties != nil {
		c.Properties = deepCopyMap(e.Properties)
	}
	if e.Relations != nil {
		c.Relations = deepCopyMap(e.Relations)
	}
	return c
}

func deepCopyMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = deepCopy(v)
	}
	return out
}

func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return deepCopyMap(t)
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = deepCopy(x)
		}
		return out
	case []string:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = x
		}
		return out
	default:
		return v
	}
}
