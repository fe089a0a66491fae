package syncdef

import "time"

// The resync watcher: Ocean's POLLING event listener as one durable workflow
// per integration. It polls Port's resync request (what Port's "Resync"
// button and a mapping saved in Port's UI set) and starts a resync when a
// newer one appears.
const (
	ResyncWatcherWorkflowName = "ResyncWatcher"
	GetResyncRequestActivity  = "GetResyncRequest"
	RunningResyncActivity     = "RunningResync"
	// WatcherQuery answers the watcher's WatcherState.
	WatcherQuery = "watcher"
	// WatcherConfigureSignal carries new WatcherSettings to a running watcher.
	WatcherConfigureSignal = "configure"
)

// WatcherID is the fixed workflow id of an integration's watcher: one per
// integration, however many workers run.
func WatcherID(integration string) string { return "aws-port-sync/" + integration + "/watcher" }

// ResyncIDPrefix prefixes the id of every resync of an integration.
func ResyncIDPrefix(integration string) string { return "aws-port-sync/" + integration + "/resync" }

// ResyncRequest is Port's resync request of an integration.
type ResyncRequest struct {
	ID        string    `json:"id,omitempty"`
	UpdatedAt time.Time `json:"updatedAt,omitempty"`
}

// GetResyncRequestOutput is Port's answer; Found is false while Port does not
// know the integration (the first resync creates it).
type GetResyncRequestOutput struct {
	Request ResyncRequest `json:"request"`
	Found   bool          `json:"found"`
}

// WatcherSettings are the listener's settings, from the worker's configuration.
type WatcherSettings struct {
	Interval      time.Duration `json:"interval"`
	ResyncOnStart bool          `json:"resyncOnStart"`
	// Resync is the input of the resyncs the watcher starts (the schedule's).
	Resync ResyncInput `json:"resync"`
	// ResyncTimeout bounds each resync it starts, as the schedule does.
	ResyncTimeout time.Duration `json:"resyncTimeout,omitempty"`
	// PollsPerRun bounds the polls of one run before it continues as new
	// (0 = the default); tests lower it.
	PollsPerRun int `json:"pollsPerRun,omitempty"`
}

// WatcherInput starts a watcher run; State is carried across continue-as-new.
type WatcherInput struct {
	Integration string          `json:"integration"`
	Settings    WatcherSettings `json:"settings"`
	State       WatcherState    `json:"state"`
}

// WatcherState is the watcher's durable state and its `watcher` query answer.
type WatcherState struct {
	// Started: the watcher has begun (resyncOnStart is done once, here).
	Started bool `json:"started"`
	// Initialized: Watermark holds Port's request as first seen, so a
	// request older than the watcher is never replayed.
	Initialized bool `json:"initialized"`
	// Watermark is the updatedAt of the last request acted on.
	Watermark time.Time `json:"watermark,omitempty"`
	// Pending: a resync is owed (a newer request, or resyncOnStart) and
	// starts as soon as no resync of the integration runs.
	Pending       bool   `json:"pending,omitempty"`
	PendingReason string `json:"pendingReason,omitempty"`
	// WaitingFor is the running resync a pending one waits for.
	WaitingFor string `json:"waitingFor,omitempty"`

	LastPoll    time.Time     `json:"lastPoll,omitempty"`
	Polls       int64         `json:"polls"`
	LastRequest ResyncRequest `json:"lastRequest"`

	// Running is the resync the watcher started that still runs.
	Running             string    `json:"running,omitempty"`
	LastResyncStarted   string    `json:"lastResyncStarted,omitempty"`
	LastResyncStartedAt time.Time `json:"lastResyncStartedAt,omitempty"`
	LastResyncReason    string    `json:"lastResyncReason,omitempty"`
	// LastResyncStatus is how the last resync it started ended.
	LastResyncStatus string `json:"lastResyncStatus,omitempty"`
	ResyncsStarted   int64  `json:"resyncsStarted"`

	// LastError is the last poll's error ("" once a poll succeeds again).
	LastError   string        `json:"lastError,omitempty"`
	LastErrorAt time.Time     `json:"lastErrorAt,omitempty"`
	Interval    time.Duration `json:"interval"`
}
