package portemu

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"
)

// serveAdmin serves the test hooks under /_emulator/ for the local stack and
// for curl. They need no token: the emulator only listens on loopback.
//
//	GET    /_emulator/                 summary
//	POST   /_emulator/reset            drop all state, faults, limits and the request log
//	POST   /_emulator/seed             {blueprints:[…], entities:[…], integrations:{id:{…}}}
//	GET    /_emulator/entities         dump entities (?blueprint= filters)
//	GET    /_emulator/requests         the request log; DELETE empties it
//	POST   /_emulator/faults           add a Fault (delay as "2s" or nanoseconds); DELETE clears
//	POST   /_emulator/faults/clear     clear faults
//	POST   /_emulator/advance          {"duration":"1h"} or ?by=1h: move the clock
//	POST   /_emulator/expire-tokens    revoke every token
//	POST   /_emulator/rate-limit       {family, limit, window:"1s"}
//	POST   /_emulator/resync-request/{integration}  trigger a polling resync
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/_emulator/"), "/")
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "read body: "+err.Error())
		return
	}
	post := r.Method == http.MethodPost
	switch {
	case path == "" && r.Method == http.MethodGet:
		s.adminSummary(w)
	case path == "reset" && post:
		s.Reset()
		writeJSON(w, http.StatusOK, map[string]any{"ok": true})
	case path == "seed" && post:
		s.adminSeed(w, body)
	case path == "entities" && r.Method == http.MethodGet:
		bp := r.URL.Query().Get("blueprint")
		out := []Entity{}
		for _, e := range s.Entities() {
			if bp == "" || e.Blueprint == bp {
				out = append(out, e)
			}
		}
		writeJSON(w, http.StatusOK, out)
	case path == "requests" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, requestsJSON(s.Requests()))
	case path == "requests" && r.Method == http.MethodDelete:
		s.ResetRequests()
		writeJSON(w, http.StatusOK, map[string]any{"ok": true})
	case path == "faults" && post:
		f, err := decodeFault(body)
		if err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", err.Error())
			return
		}
		s.AddFault(f)
		writeJSON(w, http.StatusOK, map[string]any{"ok": true})
	case (path == "faults" && r.Method == http.MethodDelete) || (path == "faults/clear" && post):
		s.ClearFaults()
		writeJSON(w, http.StatusOK, map[string]any{"ok": true})
	case path == "advance" && post:
		s.adminAdvance(w, r, body)
	case path == "expire-tokens" && post:
		s.ExpireTokens()
		writeJSON(w, http.StatusOK, map[string]any{"ok": true})
	case path == "rate-limit" && post:
		var in struct {
			Family string `json:"family"`
			Limit  int    `json:"limit"`
			Window string `json:"window"`
		}
		d, err := parseDurationJSON(body, &in, func() string { return in.Window })
		if err != nil || in.Family == "" {
			writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("want {family, limit, window}: %v", err))
			return
		}
		s.SetRateLimit(in.Family, in.Limit, d)
		writeJSON(w, http.StatusOK, map[string]any{"ok": true})
	case strings.HasPrefix(path, "resync-request/") && post:
		s.RequestResync(strings.TrimPrefix(path, "resync-request/"))
		writeJSON(w, http.StatusOK, map[string]any{"ok": true})
	default:
		writeError(w, http.StatusNotFound, "not_found", "unknown emulator hook "+r.Method+" "+r.URL.Path)
	}
}

func (s *Server) adminSummary(w http.ResponseWriter) {
	s.mu.Lock()
	counts := map[string]int{}
	for k := range s.entities {
		counts[k.blueprint]++
	}
	bps := make([]string, 0, len(s.blueprints))
	for id := range s.blueprints {
		bps = append(bps, id)
	}
	ints := make([]string, 0, len(s.integrations))
	for id := range s.integrations {
		ints = append(ints, id)
	}
	total := len(s.entities)
	s.mu.Unlock()
	sort.Strings(bps)
	sort.Strings(ints)
	writeJSON(w, http.StatusOK, map[string]any{
		"ok": true, "url": s.URL(), "clientId": s.opts.ClientID, "clientSecret": s.opts.ClientSecret,
		"now": fmtTime(s.Now()), "blueprints": bps, "integrations": ints, "entities": total, "entitiesByBlueprint": counts,
	})
}

func (s *Server) adminSeed(w http.ResponseWriter, body []byte) {
	var in struct {
		Blueprints   []map[string]any          `json:"blueprints"`
		Entities     []Entity                  `json:"entities"`
		Integrations map[string]map[string]any `json:"integrations"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "decode seed: "+err.Error())
		return
	}
	for _, bp := range in.Blueprints {
		s.SeedBlueprint(bp)
	}
	for id, integ := range in.Integrations {
		s.SeedIntegration(id, integ)
	}
	s.seedEntities(in.Entities)
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "blueprints": len(in.Blueprints), "entities": len(in.Entities), "integrations": len(in.Integrations)})
}

func (s *Server) adminAdvance(w http.ResponseWriter, r *http.Request, body []byte) {
	by := r.URL.Query().Get("by")
	if by == "" && len(body) > 0 {
		var in struct {
			Duration string `json:"duration"`
		}
		if err := json.Unmarshal(body, &in); err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", "decode advance: "+err.Error())
			return
		}
		by = in.Duration
	}
	d, err := time.ParseDuration(by)
	if err != nil || d < 0 {
		writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("want a non-negative duration such as \"1h\", got %q", by))
		return
	}
	s.Advance(d)
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "now": fmtTime(s.Now())})
}

// decodeFault reads a Fault whose "delay" may be a duration string.
func decodeFault(body []byte) (Fault, error) {
	var raw map[string]any
	if err := json.Unmarshal(body, &raw); err != nil {
		return Fault{}, fmt.Errorf("decode fault: %w", err)
	}
	if d, ok := raw["delay"].(string); ok {
		dur, err := time.ParseDuration(d)
		if err != nil {
			return Fault{}, fmt.Errorf("fault delay: %w", err)
		}
		raw["delay"] = int64(dur)
	}
	norm, _ := json.Marshal(raw)
	var f Fault
	if err := json.Unmarshal(norm, &f); err != nil {
		return Fault{}, fmt.Errorf("decode fault: %w", err)
	}
	return f, nil
}

func parseDurationJSON(body []byte, v any, get func() string) (time.Duration, error) {
	if err := json.Unmarshal(body, v); err != nil {
		return 0, err
	}
	return time.ParseDuration(get())
}

// requestsJSON renders the log with bodies as text, for people reading it.
func requestsJSON(reqs []Request) []map[string]any {
	out := make([]map[string]any, 0, len(reqs))
	for _, r := range reqs {
		out = append(out, map[string]any{
			"time": fmtTime(r.Time), "method": r.Method, "path": r.Path, "query": r.RawQuery,
			"userAgent": r.Header.Get("User-Agent"), "status": r.Status, "body": string(r.Body),
		})
	}
	return out
}
