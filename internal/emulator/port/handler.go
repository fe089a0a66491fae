package portemu

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Handler serves the API under /v1/, the log and metrics ingest routes under
// /ingest/, the test hooks under /_emulator/ and the catalog page at /.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	switch p := r.URL.Path; {
	case strings.HasPrefix(p, "/v1/"), strings.HasPrefix(p, ingestPrefix):
		s.serveAPI(w, r)
	case strings.HasPrefix(p, "/_emulator/"):
		s.serveAdmin(w, r)
	case p == "/" || p == "/index.html":
		s.servePage(w, r)
	default:
		writeError(w, http.StatusNotFound, "not_found", "route not found")
	}
}

// route is the resolved API route of a request.
type route struct {
	family     string
	public     bool // served without a token
	bulkUpsert bool // FailIndexes faults apply
	serve      func(*call)
}

// statusRecorder remembers the status for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(r.ResponseWriter).Hijack()
}

// splitPath decodes each segment of an escaped path on its own, so "%2F" stays
// inside an identifier and "+" is never turned into a space.
func splitPath(escaped string) ([]string, bool) {
	parts := strings.Split(strings.Trim(escaped, "/"), "/")
	for i, p := range parts {
		d, err := url.PathUnescape(p)
		if err != nil {
			return nil, false
		}
		parts[i] = d
	}
	return parts, true
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	start := s.Now()
	escaped := r.URL.EscapedPath()
	prefix, resolve := "/v1/", s.route
	if strings.HasPrefix(escaped, ingestPrefix) {
		prefix, resolve = ingestPrefix, s.ingestRoute
	}
	segs, okPath := splitPath(strings.TrimPrefix(escaped, prefix))
	rt := resolve(r.Method, segs)
	if !okPath {
		rt = route{family: FamilyOther, public: true, serve: func(c *call) {
			c.error(http.StatusBadRequest, "bad_request", "malformed percent-encoding in path")
		}}
	}

	// Read the body before anything else so the log holds it, but never more
	// than the limit: an oversized body gets 413 before any parsing.
	limit := s.opts.MaxBodyBytes
	var body []byte
	tooLarge := r.ContentLength > int64(limit)
	if !tooLarge && r.Body != nil {
		b, err := io.ReadAll(io.LimitReader(r.Body, int64(limit)+1))
		if err == nil {
			body = b
		}
		tooLarge = len(b) > limit
	}

	rec := &statusRecorder{ResponseWriter: w}
	logged := false
	logOnce := func() {
		if !logged {
			logged = true
			s.logRequest(Request{Time: start, Method: r.Method, Path: escaped, RawQuery: r.URL.RawQuery,
				Header: r.Header.Clone(), Body: body, Status: rec.status})
		}
	}
	defer logOnce()

	st := s.limits.admit(rt.family, s.Now())
	s.setRateHeaders(w.Header(), st)
	c := &call{s: s, w: rec, r: r, segs: segs, body: body, ua: r.Header.Get("User-Agent"), logNow: logOnce}

	if f, ok := s.faults.take(r.Method, escaped, r.URL.Path, rt.bulkUpsert); ok {
		if done := s.applyFault(c, f); done {
			return
		}
	}
	if tooLarge {
		c.error(http.StatusRequestEntityTooLarge, "request_too_large", tooLargeMessage(limit))
		return
	}
	if !st.allowed {
		w.Header().Set("Retry-After", strconv.FormatInt(ceilSeconds(st.reset), 10))
		c.error(http.StatusTooManyRequests, "too_many_requests", "Rate limit exceeded for "+rt.family)
		return
	}
	if !rt.public {
		id, ok := s.authenticate(r)
		if !ok {
			c.error(http.StatusUnauthorized, "unauthorized", "Missing, invalid or expired access token")
			return
		}
		c.clientID = id
	}
	rt.serve(c)
}

// applyFault performs f and reports whether the request has been answered.
func (s *Server) applyFault(c *call, f Fault) bool {
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-c.r.Context().Done():
			t.Stop()
			return true
		}
	}
	if f.ResetConnection {
		if conn, _, err := http.NewResponseController(c.w).Hijack(); err == nil {
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // close with RST, like a dropped connection
			}
			// Logged before the close: the client may retry and finish
			// before a deferred log would run, and tests count attempts.
			c.logNow()
			_ = conn.Close()
			return true
		}
	}
	if f.Status != 0 {
		h := c.w.Header()
		if f.Status == http.StatusTooManyRequests {
			h.Set("x-ratelimit-remaining", "0")
			if f.ResetOnly {
				v := f.RetryAfter
				if v == "" {
					v = "1"
				}
				if s.opts.ResetEpoch {
					v = s.resetValue(parseSeconds(v))
				}
				h.Set("x-ratelimit-reset", v)
			} else if f.RetryAfter != "" {
				h.Set("Retry-After", f.RetryAfter)
			}
		} else if f.RetryAfter != "" {
			h.Set("Retry-After", f.RetryAfter)
		}
		msg := "injected fault"
		if f.Status == http.StatusRequestEntityTooLarge {
			msg = tooLargeMessage(s.opts.MaxBodyBytes)
		}
		c.error(f.Status, statusCode(f.Status), msg)
		return true
	}
	if len(f.FailIndexes) > 0 {
		c.fail = f.FailIndexes
	}
	return false
}

// route resolves method and decoded segments (after /v1/) to a handler.
func (s *Server) route(method string, seg []string) route {
	n := len(seg)
	at := func(i int, v string) bool { return i < n && seg[i] == v }
	other := func(fn func(*call)) route { return route{family: FamilyOther, serve: fn} }
	notFound := route{family: FamilyOther, serve: func(c *call) {
		c.error(http.StatusNotFound, "not_found", "route "+c.r.Method+" "+c.r.URL.Path+" not found")
	}}
	switch {
	case n == 2 && at(0, "auth") && at(1, "access_token") && method == http.MethodPost:
		return route{family: FamilyUnauthenticated, public: true, serve: (*call).issueToken}
	case n == 1 && at(0, "organization") && method == http.MethodGet:
		return other((*call).organization)
	case at(0, "integration"):
		return s.integrationRoute(method, seg, other, notFound)
	case n == 2 && at(0, "entities") && at(1, "search") && method == http.MethodPost:
		return route{family: FamilySearch, serve: (*call).searchAll}
	case at(0, "blueprints"):
		return s.blueprintRoute(method, seg, notFound)
	}
	return notFound
}

func (s *Server) integrationRoute(method string, seg []string, other func(func(*call)) route, notFound route) route {
	n := len(seg)
	switch {
	case n == 1 && method == http.MethodPost:
		return other((*call).createIntegration)
	case n == 2 && seg[1] == "provision-enabled" && method == http.MethodGet:
		return other((*call).provisionEnabled)
	case n == 2 && method == http.MethodGet:
		return other((*call).getIntegration)
	case n == 2 && method == http.MethodPatch:
		return other((*call).patchIntegration)
	case n == 3 && seg[2] == "config" && method == http.MethodPatch:
		return other((*call).patchIntegrationConfig)
	case n == 3 && seg[2] == "resync-state" && method == http.MethodPatch:
		return other((*call).patchResyncState)
	case n == 3 && seg[2] == "resync-request" && method == http.MethodGet:
		return other((*call).getResyncRequest)
	case n == 5 && seg[2] == "kinds" && seg[4] == "examples" && method == http.MethodPost:
		return other((*call).acceptExamples)
	}
	return notFound
}

func (s *Server) blueprintRoute(method string, seg []string, notFound route) route {
	n := len(seg)
	bp := func(fn func(*call)) route { return route{family: FamilyBlueprints, serve: fn} }
	ent := func(fn func(*call)) route { return route{family: FamilyEntities, serve: fn} }
	switch {
	case n == 1 && method == http.MethodGet:
		return bp((*call).listBlueprints)
	case n == 1 && method == http.MethodPost:
		return bp((*call).createBlueprint)
	case n == 3 && seg[1] == "entities" && seg[2] == "datasource-entities" && method == http.MethodPost:
		return route{family: FamilySearch, serve: (*call).datasourceEntities}
	case n == 2 && method == http.MethodGet:
		return bp((*call).getBlueprint)
	case n == 2 && (method == http.MethodPatch || method == http.MethodPut):
		return bp((*call).updateBlueprint)
	case n == 2 && method == http.MethodDelete:
		return bp((*call).deleteBlueprint)
	case n == 3 && seg[2] == "all-entities" && method == http.MethodDelete:
		return ent((*call).deleteAllEntities)
	case n == 3 && seg[2] == "entities" && method == http.MethodPost:
		return route{family: FamilySingleUpsert, serve: (*call).upsertOne}
	case n == 4 && seg[2] == "entities" && seg[3] == "bulk" && method == http.MethodPost:
		return route{family: FamilyBulkUpsert, bulkUpsert: true, serve: (*call).upsertBulk}
	case n == 4 && seg[2] == "entities" && seg[3] == "search" && method == http.MethodPost:
		return route{family: FamilySearch, serve: (*call).searchBlueprint}
	case n == 4 && seg[2] == "entities" && method == http.MethodGet:
		return ent((*call).getEntity)
	case n == 4 && seg[2] == "entities" && (method == http.MethodPatch || method == http.MethodPut):
		return route{family: FamilySingleUpsert, serve: (*call).updateEntity}
	case n == 4 && seg[2] == "entities" && method == http.MethodDelete:
		return ent((*call).deleteEntity)
	case n == 5 && seg[2] == "bulk" && seg[3] == "entities" && seg[4] == "delete" && method == http.MethodPost:
		return ent((*call).deleteBulk)
	}
	return notFound
}

// tooLargeMessage is Port's 413 message.
func tooLargeMessage(limit int) string {
	if limit == 1<<20 {
		return "Request body is too large (limit is 1MiB)"
	}
	return "Request body is too large (limit is " + strconv.Itoa(limit) + " bytes)"
}
