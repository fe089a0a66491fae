package awsemu

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// Call is one authenticated request routed to a Service. Serve is invoked with the
// server's org read lock held: services read c.Org freely and must not mutate it
// (credential issuance has its own lock, see Server.IssueCredentials).
type Call struct {
	W       http.ResponseWriter
	R       *http.Request
	Body    []byte
	Server  *Server
	Service Service
	Org     *Org
	Op      string
	Region  string
	// AccountID owns the signing credentials; Principal is the caller's ARN
	// (arn:aws:sts::ACCT:assumed-role/ROLE/SESSION or arn:aws:iam::ACCT:user/NAME).
	AccountID   string
	AccessKeyID string
	Principal   string
	RequestID   string

	form url.Values
}

// Account is the caller's account (nil only if it was removed after the key was issued).
func (c *Call) Account() *Account { return c.Org.Accounts[c.AccountID] }

// Params is the parsed form of query-protocol requests (and the URL query for REST).
func (c *Call) Params() url.Values {
	if c.form == nil {
		c.form, _ = url.ParseQuery(string(c.Body))
		for k, v := range c.R.URL.Query() {
			if _, ok := c.form[k]; !ok {
				c.form[k] = v
			}
		}
	}
	return c.form
}

// DecodeJSON reads a JSON request body into v; an empty body leaves v untouched.
func (c *Call) DecodeJSON(v any) error {
	if len(c.Body) == 0 {
		return nil
	}
	return json.Unmarshal(c.Body, v)
}

// jsonContentType is the content type of a JSON protocol's bodies, answers
// and errors alike.
func jsonContentType(p Protocol) string {
	switch p {
	case ProtocolJSON11:
		return "application/x-amz-json-1.1"
	case ProtocolJSON10:
		return "application/x-amz-json-1.0"
	}
	return "application/json"
}

// JSON writes a 200 JSON response with the protocol's content type.
func (c *Call) JSON(v any) {
	c.W.Header().Set("Content-Type", jsonContentType(c.Service.Protocol()))
	c.W.Header().Set("X-Amzn-RequestId", c.RequestID)
	c.W.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(c.W).Encode(v)
}

// XML writes a 200 XML document (v is the whole document's root element).
func (c *Call) XML(v any) {
	c.W.Header().Set("Content-Type", "text/xml")
	c.W.Header().Set("X-Amzn-RequestId", c.RequestID)
	c.W.Header().Set("X-Amz-Request-Id", c.RequestID)
	c.W.WriteHeader(http.StatusOK)
	_, _ = c.W.Write([]byte(xml.Header))
	_ = xml.NewEncoder(c.W).Encode(v)
}

// Error answers with an error encoded the way this service's protocol does, so
// the SDK decodes it into the right typed error.
func (c *Call) Error(status int, code, message string) {
	writeProtocolError(c.W, c.Service.Protocol(), c.RequestID, status, code, message)
}

func writeProtocolError(w http.ResponseWriter, p Protocol, requestID string, status int, code, message string) {
	h := w.Header()
	h.Set("X-Amzn-RequestId", requestID)
	switch p {
	case ProtocolQuery:
		h.Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		typ := "Sender"
		if status >= 500 {
			typ = "Receiver"
		}
		fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>`,
			typ, xmlEscape(code), xmlEscape(message), requestID)
	case ProtocolEC2Query:
		h.Set("Content-Type", "text/xml;charset=UTF-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>%s</RequestID></Response>`,
			xmlEscape(code), xmlEscape(message), requestID)
	case ProtocolRESTXML:
		h.Set("Content-Type", "application/xml")
		h.Set("X-Amz-Request-Id", requestID)
		w.WriteHeader(status)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<Error><Code>%s</Code><Message>%s</Message><RequestId>%s</RequestId></Error>`,
			xmlEscape(code), xmlEscape(message), requestID)
	case ProtocolJSON11, ProtocolJSON10:
		h.Set("Content-Type", jsonContentType(p))
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": message})
	case ProtocolRPCv2CBOR:
		h.Set("Content-Type", "application/cbor")
		h.Set("Smithy-Protocol", "rpc-v2-cbor")
		w.WriteHeader(status)
		_, _ = w.Write(cborEncode(map[string]any{"__type": code, "message": message}))
	default: // ProtocolRESTJSON
		h.Set("Content-Type", "application/json")
		h.Set("X-Amzn-ErrorType", code)
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"Type": "User", "message": message})
	}
}

func xmlEscape(s string) string {
	var b []byte
	w := &byteWriter{b: b}
	_ = xml.EscapeText(w, []byte(s))
	return string(w.b)
}

type byteWriter struct{ b []byte }

func (w *byteWriter) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }

// Page slices n items with an opaque token and a page size (0 means defaultSize).
// It returns the [start,end) window and the next token ("" on the last page). A
// token that does not decode is an error the caller answers as InvalidNextToken /
// InvalidParameterValue, as AWS does.
func Page(n int, token string, size, defaultSize int) (start, end int, next string, err error) {
	if size <= 0 {
		size = defaultSize
	}
	if token != "" {
		start, err = decodeToken(token)
		if err != nil || start < 0 || start > n {
			return 0, 0, "", fmt.Errorf("invalid pagination token")
		}
	}
	end = start + size
	if end >= n {
		return start, n, "", nil
	}
	return start, end, encodeToken(end), nil
}

// Tokens are opaque to clients but stable, so a resumed paginator continues
// where it stopped even across emulator restarts with the same organization.
func encodeToken(i int) string { return "tok-" + strconv.Itoa(i) }

func decodeToken(t string) (int, error) {
	if len(t) < 5 || t[:4] != "tok-" {
		return 0, fmt.Errorf("bad token")
	}
	return strconv.Atoi(t[4:])
}
