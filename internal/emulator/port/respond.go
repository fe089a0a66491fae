package portemu

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// call is one API request being served.
type call struct {
	s        *Server
	w        http.ResponseWriter
	r        *http.Request
	segs     []string // decoded path segments after /v1/ (or /ingest/)
	body     []byte
	ua       string // User-Agent: becomes $datasource of what this call writes
	clientID string // who the token belongs to: createdBy / updatedBy
	fail     map[int]BulkError
	logNow   func() // records the request in the log now (once)
}

// timeFormat is how Port renders timestamps (millisecond ISO-8601, UTC).
const timeFormat = "2006-01-02T15:04:05.000Z07:00"

func fmtTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func (c *call) json(status int, v any) { writeJSON(c.w, status, v) }

func (c *call) error(status int, code, msg string) { writeError(c.w, status, code, msg) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// writeError writes Port's standard error body.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"ok": false, "error": code, "message": msg})
}

// decodeObject parses the body as a JSON object, answering 422 like Port
// ("does not match the route's schema") when it is not one.
func (c *call) decodeObject() (map[string]any, bool) {
	var m map[string]any
	if err := json.Unmarshal(c.body, &m); err != nil || m == nil {
		c.error(http.StatusUnprocessableEntity, "invalid_request", "The json provided does not match the route's schema: body must be a JSON object")
		return nil, false
	}
	return m, true
}

// qbool reads a boolean query parameter written as "true"/"false".
func (c *call) qbool(name string) bool {
	return strings.EqualFold(c.r.URL.Query().Get(name), "true")
}

// qlist reads a repeated query parameter, accepting both name and name[].
func (c *call) qlist(name string) []string {
	q := c.r.URL.Query()
	return append(append([]string(nil), q[name]...), q[name+"[]"]...)
}

// statusCode names the error code Port-style for an injected status.
func statusCode(status int) string {
	switch status {
	case 400:
		return "bad_request"
	case 401:
		return "unauthorized"
	case 403:
		return "forbidden"
	case 404:
		return "not_found"
	case 408:
		return "request_timeout"
	case 409:
		return "conflict"
	case 413:
		return "request_too_large"
	case 422:
		return "invalid_request"
	case 429:
		return "too_many_requests"
	case 502:
		return "bad_gateway"
	case 503:
		return "service_unavailable"
	case 504:
		return "gateway_timeout"
	default:
		return "internal_error"
	}
}
