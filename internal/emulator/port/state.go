package portemu

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// persister writes the catalog to Options.StatePath so the local stack
// survives a restart. A write only marks the state dirty; a background
// flusher saves a snapshot at most once per interval, and Close saves the
// last one. A write therefore costs the same whatever the catalog's size (a
// save per write rewrote the whole file: 17 MB per upsert at 22k entities),
// and a crash loses at most the last interval. Saves are serialised and each
// takes its snapshot inside the lock, so a later save always holds later state.
type persister struct {
	mu       sync.Mutex
	path     string
	interval time.Duration
	dirty    chan struct{} // capacity 1: "something changed since the last save"
	stop     chan struct{}
	done     chan struct{}
	saves    atomic.Int64
}

// defaultSaveInterval bounds what a crash of the emulator can lose.
const defaultSaveInterval = 500 * time.Millisecond

// stateFile is the on-disk form; tokens, faults and the request log are not kept.
type stateFile struct {
	Blueprints   map[string]map[string]any `json:"blueprints"`
	Entities     []Entity                  `json:"entities"`
	Integrations map[string]map[string]any `json:"integrations"`
}

// startFlusher runs the background saves (only with a state path).
func (s *Server) startFlusher() {
	p := &s.persist
	if p.path == "" || p.stop != nil {
		return
	}
	if p.interval <= 0 {
		p.interval = defaultSaveInterval
	}
	p.dirty = make(chan struct{}, 1)
	p.stop = make(chan struct{})
	p.done = make(chan struct{})
	go func() {
		defer close(p.done)
		for {
			select {
			case <-p.stop:
				return
			case <-p.dirty:
			}
			if err := s.save(); err != nil {
				s.log.Error("port emulator save state", "path", p.path, "err", err)
			}
			// Coalesce: whatever changes during the interval goes into the
			// next snapshot.
			select {
			case <-p.stop:
				return
			case <-time.After(p.interval):
			}
		}
	}()
}

// stopFlusher ends the background saves; Close then saves once more.
func (s *Server) stopFlusher() {
	if p := &s.persist; p.stop != nil {
		close(p.stop)
		<-p.done
	}
}

// changed is called after every successful write.
func (s *Server) changed() {
	if s.persist.dirty == nil {
		return
	}
	select {
	case s.persist.dirty <- struct{}{}:
	default: // a save is already due
	}
}

// Saves counts the snapshots written so far (tests, benchmarks).
func (s *Server) Saves() int64 { return s.persist.saves.Load() }

// Flush saves the state now (no-op without a state path).
func (s *Server) Flush() error { return s.save() }

func (s *Server) save() error {
	if s.persist.path == "" {
		return nil
	}
	s.persist.mu.Lock()
	defer s.persist.mu.Unlock()
	s.mu.Lock()
	st := stateFile{Blueprints: s.blueprints, Integrations: s.integrations, Entities: make([]Entity, 0, len(s.entities))}
	for _, k := range s.sortedKeysLocked() {
		st.Entities = append(st.Entities, *s.entities[k])
	}
	data, err := json.Marshal(st)
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	dir := filepath.Dir(s.persist.path)
	tmp, err := os.CreateTemp(dir, ".portemu-state-*")
	if err != nil {
		return fmt.Errorf("create temp state file: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close state: %w", err)
	}
	// Rename is atomic, so a crash mid-save leaves the previous state intact.
	if err := os.Rename(tmp.Name(), s.persist.path); err != nil {
		return fmt.Errorf("replace state file: %w", err)
	}
	s.persist.saves.Add(1)
	return nil
}

// load reads the state file; a missing file means an empty catalog.
func (s *Server) load() error {
	data, err := os.ReadFile(s.persist.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	var st stateFile
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, bp := range st.Blueprints {
		s.blueprints[id] = bp
	}
	for id, in := range st.Integrations {
		s.integrations[id] = in
	}
	for i := range st.Entities {
		e := st.Entities[i]
		s.putEntityLocked(entityKey{e.Blueprint, e.Identifier}, &e)
	}
	return nil
}
