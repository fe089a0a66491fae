package config

import (
	"strings"
	"testing"
	"time"
)

func TestEventListenerDefaultsToNone(t *testing.T) {
	cfg, err := Load(env(nil), "")
	if err != nil {
		t.Fatal(err)
	}
	want := EventListener{Interval: 60 * time.Second, ResyncOnStart: true}
	if cfg.EventListener != want || cfg.Listener() != "" || len(cfg.Warnings()) != 0 {
		t.Fatalf("defaults: %+v listener %q warnings %v", cfg.EventListener, cfg.Listener(), cfg.Warnings())
	}
}

func TestEventListenerFromOceanJSON(t *testing.T) {
	cfg, err := Load(env(map[string]string{
		"OCEAN__EVENT_LISTENER": `{"type":"polling","interval":15,"resync_on_start":false,"should_resync":true}`,
	}), "")
	if err != nil {
		t.Fatal(err)
	}
	want := EventListener{Type: ListenerPolling, Interval: 15 * time.Second, ResyncOnStart: false}
	if cfg.EventListener != want || cfg.Listener() != ListenerPolling {
		t.Fatalf("got %+v", cfg.EventListener)
	}
}

// The Helm chart passes integration.eventListener through toJson; values
// given with --set-string arrive as strings.
func TestEventListenerJSONFromHelmStrings(t *testing.T) {
	cfg, err := Load(env(map[string]string{
		"OCEAN__EVENT_LISTENER": `{"type":"POLLING","interval":"30","resyncOnStart":"false"}`,
	}), "")
	if err != nil {
		t.Fatal(err)
	}
	if want := (EventListener{Type: ListenerPolling, Interval: 30 * time.Second}); cfg.EventListener != want {
		t.Fatalf("got %+v", cfg.EventListener)
	}
	if _, err := Load(env(map[string]string{"OCEAN__EVENT_LISTENER": `{"resyncOnStart":"sometimes"}`}), ""); err == nil ||
		!strings.Contains(err.Error(), `integration.eventListener (OCEAN__EVENT_LISTENER): resyncOnStart "sometimes" is not true or false`) {
		t.Errorf("bad bool: %v", err)
	}
}

func TestEventListenerFileThenNestedEnv(t *testing.T) {
	f := writeFile(t, "values.yaml", "integration:\n  eventListener:\n    type: POLLING\n    interval: 30\n    resyncOnStart: false\n")
	cfg, err := Load(env(nil), f)
	if err != nil {
		t.Fatal(err)
	}
	if want := (EventListener{Type: ListenerPolling, Interval: 30 * time.Second}); cfg.EventListener != want {
		t.Fatalf("file: %+v", cfg.EventListener)
	}
	cfg, err = Load(env(map[string]string{
		"OCEAN__EVENT_LISTENER":                  `{"type":"POLLING","interval":45}`,
		"OCEAN__EVENT_LISTENER__TYPE":            "ONCE",
		"OCEAN__EVENT_LISTENER__INTERVAL":        "2m",
		"OCEAN__EVENT_LISTENER__RESYNC_ON_START": "true",
	}), f)
	if err != nil {
		t.Fatal(err)
	}
	if want := (EventListener{Type: ListenerOnce, Interval: 2 * time.Minute, ResyncOnStart: true}); cfg.EventListener != want {
		t.Fatalf("env over file: %+v", cfg.EventListener)
	}
}

func TestEventListenerUnknownTypeWarnsNamingTheValidOnes(t *testing.T) {
	cfg, err := Load(env(map[string]string{"OCEAN__EVENT_LISTENER__TYPE": "KAFKA"}), "")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listener() != "" {
		t.Fatalf("KAFKA must leave the schedule alone, got %q", cfg.Listener())
	}
	w := strings.Join(cfg.Warnings(), "\n")
	for _, want := range []string{"integration.eventListener.type (OCEAN__EVENT_LISTENER__TYPE)", `"KAFKA"`, "POLLING", "ONCE"} {
		if !strings.Contains(w, want) {
			t.Errorf("warning lacks %q: %s", want, w)
		}
	}
}

func TestEventListenerBadValuesNameBothSpellings(t *testing.T) {
	_, err := Load(env(map[string]string{
		"OCEAN__EVENT_LISTENER__INTERVAL":        "often",
		"OCEAN__EVENT_LISTENER__RESYNC_ON_START": "maybe",
	}), "")
	for _, want := range []string{
		`integration.eventListener.interval (OCEAN__EVENT_LISTENER__INTERVAL): "often" is neither a number of seconds`,
		`integration.eventListener.resyncOnStart (OCEAN__EVENT_LISTENER__RESYNC_ON_START): "maybe" is not true or false`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if _, err := Load(env(map[string]string{"OCEAN__EVENT_LISTENER": `{"type":`}), ""); err == nil ||
		!strings.Contains(err.Error(), "integration.eventListener (OCEAN__EVENT_LISTENER)") {
		t.Errorf("bad JSON: %v", err)
	}
	cfg, err := Load(env(map[string]string{"OCEAN__EVENT_LISTENER": `{"type":"POLLING","interval":0}`}), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "integration.eventListener.interval (OCEAN__EVENT_LISTENER__INTERVAL): 0s is not a whole number of seconds") {
		t.Errorf("zero interval: %v", err)
	}
}
