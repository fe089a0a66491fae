package awsemu

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// Server is the AWS emulator: one HTTP listener for every registered service.
// Requests are routed by the SigV4 credential scope's service name, verified
// against the keys the server issued, checked against faults and rate limits,
// logged, and handed to the Service with the org read lock held.
type Server struct {
	mu  sync.RWMutex // guards org (Update/View and every Serve)
	org *Org
	// buckets finds S3 buckets by name; Update drops it, as the org changed.
	buckets bucketIndex

	keys   *keyStore
	faults *Faults
	reqlog *requestLog
	reqSeq atomic.Uint64

	clockMu sync.RWMutex
	clock   func() time.Time

	lifeMu sync.Mutex
	ln     net.Listener
	hs     *http.Server
	url    string

	logger *slog.Logger
}

// NewServer serves org. A nil org is an empty organization.
func NewServer(org *Org) *Server {
	if org == nil {
		org = NewOrg("aws")
	}
	s := &Server{
		org:    org,
		keys:   newKeyStore(),
		reqlog: newRequestLog(defaultRequestLogSize),
		clock:  time.Now,
		logger: slog.New(slog.DiscardHandler),
	}
	s.faults = newFaults(s.now)
	return s
}

// SetLogger sets where the server logs request handling problems (default: discard).
func (s *Server) SetLogger(l *slog.Logger) {
	if l != nil {
		s.logger = l
	}
}

// SetClock replaces the clock used for credential expiry, web identity token
// expiry and request timestamps; tests use it to expire credentials without sleeping.
func (s *Server) SetClock(now func() time.Time) {
	s.clockMu.Lock()
	defer s.clockMu.Unlock()
	if now == nil {
		now = time.Now
	}
	s.clock = now
}

func (s *Server) now() time.Time {
	s.clockMu.RLock()
	defer s.clockMu.RUnlock()
	return s.clock()
}

// Start listens on a free loopback port.
func (s *Server) Start() error { return s.StartOn("127.0.0.1:0") }

// StartOn listens on addr (e.g. "127.0.0.1:4566") and serves in the background.
func (s *Server) StartOn(addr string) error {
	s.lifeMu.Lock()
	defer s.lifeMu.Unlock()
	if s.ln != nil {
		return errors.New("awsemu: server already started")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("awsemu: listen on %s: %w", addr, err)
	}
	s.ln = ln
	s.url = "http://" + ln.Addr().String()
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.hs = hs
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.logger.Error("awsemu: serve", "err", err)
		}
	}()
	return nil
}

// URL is the base URL to use as AWS_ENDPOINT_URL / BaseEndpoint.
func (s *Server) URL() string {
	s.lifeMu.Lock()
	defer s.lifeMu.Unlock()
	return s.url
}

// Close stops the listener and drops every connection at once: whoever closes
// an emulator is done with it, and waiting on clients' idle keep-alive
// connections would only slow every test down.
func (s *Server) Close() {
	s.lifeMu.Lock()
	hs := s.hs
	s.hs, s.ln = nil, nil
	s.lifeMu.Unlock()
	if hs != nil {
		_ = hs.Close()
	}
}

// Handler is the server's http.Handler, for embedding in another listener.
func (s *Server) Handler() http.Handler { return s }

// Update mutates the organization under the write lock.
func (s *Server) Update(fn func(org *Org)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(s.org)
	s.buckets.reset()
}

// View reads the organization under the read lock.
func (s *Server) View(fn func(org *Org)) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	fn(s.org)
}

// Faults configures injected errors, latency and rate limits.
func (s *Server) Faults() *Faults { return s.faults }

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []RequestRecord { return s.reqlog.snapshot() }

// ResetRequests empties the request log.
func (s *Server) ResetRequests() { s.reqlog.reset() }

// SetRequestLogSize bounds the request log to n records (default 200,000);
// benchmarks that analyse every request of a large resync raise it.
func (s *Server) SetRequestLogSize(n int) {
	if n < 1 {
		n = 1
	}
	s.reqlog.resize(n)
}

func (s *Server) nextRequestID() string {
	n := s.reqSeq.Add(1)
	// Shaped like AWS's UUID request ids, but a counter so logs are reproducible.
	return fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
}

// maxBodyBytes bounds request bodies; AWS read APIs send small documents.
const maxBodyBytes = 10 << 20

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if isAdminPath(r.URL.Path) {
		s.serveAdmin(w, r)
		return
	}
	reqID := s.nextRequestID()
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		writeProtocolError(w, guessProtocol(r), reqID, http.StatusBadRequest, "InvalidRequest", "could not read request body")
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))

	rec := RequestRecord{Time: s.now(), Params: paginationParams(r, body)}
	rw := &recordingWriter{ResponseWriter: w}
	defer func() {
		rec.Status = rw.status()
		if rec.Status >= 400 && rec.ErrorCode == "" {
			rec.ErrorCode = rw.errorCode()
		}
		s.reqlog.add(rec)
	}()

	auth, signed, authErr := parseAuthorization(r)
	var svc Service
	switch {
	case !signed && isWebIdentityRequest(r, body):
		svc, _ = lookupService("sts")
		if svc == nil {
			writeProtocolError(rw, ProtocolQuery, reqID, http.StatusNotFound, "UnknownService", "sts is not emulated")
			return
		}
		rec.Service, rec.Region = "sts", "us-east-1"
	case !signed:
		rec.Service = "unknown"
		writeProtocolError(rw, guessProtocol(r), reqID, http.StatusForbidden, "MissingAuthenticationToken",
			"Request is missing Authentication Token")
		return
	case authErr != nil:
		rec.Service = "unknown"
		writeProtocolError(rw, guessProtocol(r), reqID, http.StatusBadRequest, "IncompleteSignature", authErr.Error())
		return
	default:
		rec.Service, rec.Region, rec.AccessKeyID = auth.Service, auth.Region, auth.AccessKeyID
		var ok bool
		svc, ok = lookupService(auth.Service)
		if !ok {
			writeProtocolError(rw, guessProtocol(r), reqID, http.StatusBadRequest, "UnknownService",
				fmt.Sprintf("service %q is not emulated", auth.Service))
			return
		}
	}

	call := &Call{W: rw, R: r, Body: body, Server: s, Service: svc, Region: rec.Region, RequestID: reqID}
	if signed {
		id, aerr := s.authenticate(r, body, auth, svc.Protocol())
		if aerr != nil {
			rec.ErrorCode = aerr.Code
			writeProtocolError(rw, svc.Protocol(), reqID, aerr.Status, aerr.Code, aerr.Message)
			return
		}
		call.AccountID, call.AccessKeyID, call.Principal = id.AccountID, auth.AccessKeyID, id.Principal
		rec.AccountID, rec.Principal = id.AccountID, id.Principal
	}

	op, ok := svc.Operation(r, body)
	if !ok {
		code, status := unknownOperationError(svc.Protocol())
		rec.Operation = "Unknown"
		writeProtocolError(rw, svc.Protocol(), reqID, status, code, "The action or operation requested is invalid. Verify that the action is typed correctly.")
		return
	}
	call.Op, rec.Operation = op, op

	if f := s.faults.check(r.Context(), faultTarget{Service: svc.SigningName(), Operation: op, AccountID: call.AccountID, Region: call.Region}, svc, call.Principal); f != nil {
		writeProtocolError(rw, svc.Protocol(), reqID, f.Status, f.Code, f.Message)
		return
	}

	s.mu.RLock()
	defer s.mu.RUnlock()
	call.Org = s.org
	if signed && s.org.Accounts[call.AccountID] == nil {
		// The key's account left the organization and was deleted: AWS no longer
		// recognises its credentials.
		aerr := unknownKeyError(svc.Protocol())
		writeProtocolError(rw, svc.Protocol(), reqID, aerr.Status, aerr.Code, aerr.Message)
		return
	}
	if signed && !RegionInPartition(call.Region, s.org.partition()) {
		// Partitions are separate clouds: a key of aws-us-gov or aws-cn means
		// nothing to another partition's endpoints, and the reverse.
		aerr := unknownKeyError(svc.Protocol())
		writeProtocolError(rw, svc.Protocol(), reqID, aerr.Status, aerr.Code, aerr.Message)
		return
	}
	if svc.SigningName() == "account" && s.org.partition() != "aws" {
		// GovCloud and China have no Account API (account:ListRegions).
		code, status := unknownOperationError(svc.Protocol())
		writeProtocolError(rw, svc.Protocol(), reqID, status, code, "The Account API is not available in partition "+s.org.partition()+".")
		return
	}
	svc.Serve(call)
	// Unsigned calls (web identity) learn their account while serving.
	if rec.AccountID == "" {
		rec.AccountID, rec.Principal = call.AccountID, call.Principal
	}
}

// unknownOperationError is each protocol's answer to an operation it does not know.
func unknownOperationError(p Protocol) (code string, status int) {
	switch p {
	case ProtocolJSON11, ProtocolJSON10, ProtocolRESTJSON, ProtocolRPCv2CBOR:
		return "UnknownOperationException", http.StatusBadRequest
	case ProtocolRESTXML:
		return "NotImplemented", http.StatusNotImplemented
	default:
		return "InvalidAction", http.StatusBadRequest
	}
}

// guessProtocol picks an error encoding when the service is not known yet.
func guessProtocol(r *http.Request) Protocol {
	if r.Header.Get("Smithy-Protocol") == "rpc-v2-cbor" {
		return ProtocolRPCv2CBOR
	}
	if r.Header.Get("X-Amz-Target") != "" {
		return ProtocolJSON11
	}
	return ProtocolQuery
}

// isWebIdentityRequest reports an unsigned STS AssumeRoleWithWebIdentity call,
// which AWS accepts without a signature.
func isWebIdentityRequest(r *http.Request, body []byte) bool {
	if r.URL.Query().Get("Action") == "AssumeRoleWithWebIdentity" {
		return true
	}
	form, err := url.ParseQuery(string(body))
	return err == nil && form.Get("Action") == "AssumeRoleWithWebIdentity"
}

// recordingWriter remembers the status and the start of an error body so the
// request log can name the error code whatever protocol wrote it.
type recordingWriter struct {
	http.ResponseWriter
	code    int
	errBody []byte
}

func (w *recordingWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	if w.code >= 400 && len(w.errBody) < 4096 {
		w.errBody = append(w.errBody, p...)
	}
	return w.ResponseWriter.Write(p)
}

func (w *recordingWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *recordingWriter) status() int {
	if w.code == 0 {
		return http.StatusOK
	}
	return w.code
}

func (w *recordingWriter) errorCode() string {
	if t := w.Header().Get("X-Amzn-ErrorType"); t != "" {
		return trimErrorType(t)
	}
	return errorCodeFromBody(w.errBody)
}

// parseForm parses an application/x-www-form-urlencoded body.
func parseForm(body []byte) (url.Values, error) { return url.ParseQuery(string(body)) }
