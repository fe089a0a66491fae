package portemu

import (
	"encoding/json"
	"net/http"
	"net/url"
)

// Port hands every integration two ingest addresses: logAttributes.ingestUrl,
// where Ocean POSTs its logs ({logs:[…]}), and metricAttributes.ingestUrl, under
// which it POSTs /syncMetrics ({syncKindsMetrics:[…]}) and PUTs
// /syncMetrics/resync/{eventId}/kind/{kind} ({syncKindMetrics:{…}}). The
// emulator serves both under /ingest/ (token required, logged like any API
// call) and accepts what is sent without keeping it beyond the request log.
//
//	POST /ingest/logs/{ingestId}
//	POST /ingest/metrics/{ingestId}/syncMetrics
//	PUT  /ingest/metrics/{ingestId}/syncMetrics/resync/{eventId}/kind/{kind}

// ingestPrefix is where the ingest routes live, beside /v1/.
const ingestPrefix = "/ingest/"

// ingestID is the integration's ingest id: the one it was given, else one
// derived from its identifier.
func ingestID(in map[string]any) string {
	if la, ok := in["logAttributes"].(map[string]any); ok {
		if id, ok := la["ingestId"].(string); ok && id != "" {
			return id
		}
	}
	id, _ := in["identifier"].(string)
	return "ingest_" + id
}

// withIngestAttributes fills in (a copy the caller owns) logAttributes
// {ingestId, ingestUrl} and metricAttributes {ingestUrl} as Port's integration
// object carries them. The URLs are built from the host the client called, so
// they stay right whatever port the emulator listens on and are never stored;
// values an integration was given (seeded or patched) are kept.
func (c *call) withIngestAttributes(in map[string]any) map[string]any {
	id := ingestID(in)
	base := "http://" + c.r.Host + ingestPrefix
	logs, _ := in["logAttributes"].(map[string]any)
	if logs == nil {
		logs = map[string]any{}
		in["logAttributes"] = logs
	}
	logs["ingestId"] = id
	if u, _ := logs["ingestUrl"].(string); u == "" {
		logs["ingestUrl"] = base + "logs/" + url.PathEscape(id)
	}
	metrics, _ := in["metricAttributes"].(map[string]any)
	if metrics == nil {
		metrics = map[string]any{}
		in["metricAttributes"] = metrics
	}
	if u, _ := metrics["ingestUrl"].(string); u == "" {
		metrics["ingestUrl"] = base + "metrics/" + url.PathEscape(id)
	}
	return in
}

// ingestRoute resolves the decoded segments after /ingest/.
func (s *Server) ingestRoute(method string, seg []string) route {
	n := len(seg)
	at := func(i int, v string) bool { return i < n && seg[i] == v }
	ingest := func(field string, wantArray bool) route {
		return route{family: FamilyOther, serve: func(c *call) { c.acceptIngest(seg[1], field, wantArray) }}
	}
	switch {
	case n == 2 && at(0, "logs") && method == http.MethodPost:
		return ingest("logs", true)
	case n == 3 && at(0, "metrics") && at(2, "syncMetrics") && method == http.MethodPost:
		return ingest("syncKindsMetrics", true)
	case n == 7 && at(0, "metrics") && at(2, "syncMetrics") && at(3, "resync") && at(5, "kind") && method == http.MethodPut:
		return ingest("syncKindMetrics", false)
	}
	return route{family: FamilyOther, serve: func(c *call) {
		c.error(http.StatusNotFound, "not_found", "route "+c.r.Method+" "+c.r.URL.Path+" not found")
	}}
}

// acceptIngest answers {ok:true} when the ingest id belongs to an integration
// and the body holds field as an array (wantArray) or an object.
func (c *call) acceptIngest(id, field string, wantArray bool) {
	if !c.s.hasIngestID(id) {
		c.error(http.StatusNotFound, "not_found", "no integration has ingest id \""+id+"\"")
		return
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(c.body, &body); err != nil || body == nil {
		c.error(http.StatusUnprocessableEntity, "invalid_request", "The json provided does not match the route's schema: body must be a JSON object")
		return
	}
	var v any
	_ = json.Unmarshal(body[field], &v)
	ok := false
	if wantArray {
		_, ok = v.([]any)
	} else {
		_, ok = v.(map[string]any)
	}
	if !ok {
		kind := "an object"
		if wantArray {
			kind = "an array"
		}
		c.error(http.StatusUnprocessableEntity, "invalid_request", "The json provided does not match the route's schema: "+field+" must be "+kind)
		return
	}
	c.json(http.StatusOK, map[string]any{"ok": true})
}

func (s *Server) hasIngestID(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, in := range s.integrations {
		if ingestID(in) == id {
			return true
		}
	}
	return false
}
