package awsemu

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// SigV4 verification, done the way AWS does it so that a client which signs
// wrongly (or with the wrong secret) fails here exactly as it would in AWS.

const sigV4Algorithm = "AWS4-HMAC-SHA256"

// sigAuth is a parsed Authorization header.
type sigAuth struct {
	AccessKeyID   string
	Date          string // yyyymmdd from the credential scope
	Region        string
	Service       string
	SignedHeaders []string
	Signature     string
}

func (a sigAuth) scope() string {
	return a.Date + "/" + a.Region + "/" + a.Service + "/aws4_request"
}

// parseAuthorization reads "AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request,
// SignedHeaders=a;b, Signature=hex". signed=false when there is no Authorization header.
func parseAuthorization(r *http.Request) (a sigAuth, signed bool, err error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return a, false, nil
	}
	alg, rest, _ := strings.Cut(h, " ")
	if alg != sigV4Algorithm {
		return a, true, fmt.Errorf("unsupported authorization type %q", alg)
	}
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		switch k {
		case "Credential":
			f := strings.Split(v, "/")
			if len(f) != 5 || f[4] != "aws4_request" {
				return a, true, fmt.Errorf("credential should be scoped to a valid region and service: %q", v)
			}
			a.AccessKeyID, a.Date, a.Region, a.Service = f[0], f[1], f[2], f[3]
		case "SignedHeaders":
			a.SignedHeaders = strings.Split(v, ";")
		case "Signature":
			a.Signature = v
		}
	}
	if a.AccessKeyID == "" || len(a.SignedHeaders) == 0 || a.Signature == "" {
		return a, true, errors.New("authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters")
	}
	return a, true, nil
}

// errPayloadHashMismatch reports an X-Amz-Content-Sha256 that is not the body's hash.
var errPayloadHashMismatch = errors.New("x-amz-content-sha256 does not match the payload")

// verifySigV4 recomputes the request's signature with secret and compares.
func verifySigV4(r *http.Request, body []byte, a sigAuth, secret string) error {
	amzDate := r.Header.Get("X-Amz-Date")
	if amzDate == "" {
		return errors.New("missing X-Amz-Date")
	}
	if len(amzDate) < 8 || amzDate[:8] != a.Date {
		return errors.New("credential scope date does not match X-Amz-Date")
	}
	signedSet := map[string]bool{}
	for _, h := range a.SignedHeaders {
		signedSet[h] = true
	}
	if !signedSet["host"] {
		return errors.New("host must be a signed header")
	}

	bodySum := sha256.Sum256(body)
	bodyHash := hex.EncodeToString(bodySum[:])
	payloadHash := bodyHash
	if h := r.Header.Get("X-Amz-Content-Sha256"); h != "" {
		payloadHash = h
		if h != "UNSIGNED-PAYLOAD" && !strings.HasPrefix(h, "STREAMING-") && h != bodyHash {
			return errPayloadHashMismatch
		}
	}

	canonical := strings.Join([]string{
		r.Method,
		canonicalURI(r, a.Service),
		canonicalQuery(r.URL.RawQuery),
		canonicalHeaders(r, a.SignedHeaders),
		strings.Join(a.SignedHeaders, ";"),
		payloadHash,
	}, "\n")
	canonicalSum := sha256.Sum256([]byte(canonical))
	stringToSign := sigV4Algorithm + "\n" + amzDate + "\n" + a.scope() + "\n" + hex.EncodeToString(canonicalSum[:])

	key := hmacSHA256([]byte("AWS4"+secret), a.Date)
	key = hmacSHA256(key, a.Region)
	key = hmacSHA256(key, a.Service)
	key = hmacSHA256(key, "aws4_request")
	want := hex.EncodeToString(hmacSHA256(key, stringToSign))
	if !hmac.Equal([]byte(want), []byte(a.Signature)) {
		return errors.New("signature mismatch")
	}
	return nil
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// canonicalURI is the escaped path; every service but S3 escapes it a second
// time (AWS's "URI-encode each path segment twice").
func canonicalURI(r *http.Request, service string) string {
	p := r.URL.EscapedPath()
	if p == "" {
		p = "/"
	}
	if service == "s3" {
		return p
	}
	return uriEscape(p, false)
}

// canonicalQuery sorts parameters by key, then value, RFC 3986 encoded.
func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	q, _ := url.ParseQuery(raw)
	type kv struct{ k, v string }
	params := make([]kv, 0, len(q))
	for k, vs := range q {
		for _, v := range vs {
			params = append(params, kv{uriEscape(k, true), uriEscape(v, true)})
		}
	}
	sort.Slice(params, func(i, j int) bool {
		if params[i].k != params[j].k {
			return params[i].k < params[j].k
		}
		return params[i].v < params[j].v
	})
	var b strings.Builder
	for i, p := range params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k)
		b.WriteByte('=')
		b.WriteString(p.v)
	}
	return b.String()
}

// canonicalHeaders renders the signed headers "name:value\n", values trimmed,
// inner whitespace runs collapsed, repeated headers joined by commas.
func canonicalHeaders(r *http.Request, signed []string) string {
	var b strings.Builder
	for _, name := range signed {
		var values []string
		switch name {
		case "host":
			values = []string{r.Host}
		case "content-length":
			values = r.Header.Values("Content-Length")
			if len(values) == 0 {
				values = []string{strconv.FormatInt(r.ContentLength, 10)}
			}
		default:
			values = r.Header.Values(name)
		}
		b.WriteString(name)
		b.WriteByte(':')
		for i, v := range values {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strings.Join(strings.Fields(v), " "))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// uriEscape percent-encodes everything but RFC 3986 unreserved characters (and
// '/' unless encodeSlash).
func uriEscape(s string, encodeSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '.', c == '~':
			b.WriteByte(c)
		case c == '/' && !encodeSlash:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}

// authError is an authentication failure in a protocol's own words.
type authError struct {
	Status        int
	Code, Message string
}

// identity is who signed a request.
type identity struct {
	AccountID, Principal string
}

// authenticate resolves the access key, checks the session token and expiry,
// and verifies the signature.
func (s *Server) authenticate(r *http.Request, body []byte, a sigAuth, p Protocol) (identity, *authError) {
	ik, ok := s.resolveKey(a.AccessKeyID)
	if !ok {
		return identity{}, unknownKeyError(p)
	}
	token := r.Header.Get("X-Amz-Security-Token")
	if ik.Temporary != (token != "") || (ik.Temporary && token != ik.SessionToken) {
		return identity{}, invalidTokenError(p)
	}
	if err := verifySigV4(r, body, a, ik.SecretAccessKey); err != nil {
		if errors.Is(err, errPayloadHashMismatch) && p == ProtocolRESTXML {
			return identity{}, &authError{http.StatusBadRequest, "XAmzContentSHA256Mismatch",
				"The provided 'x-amz-content-sha256' header does not match what was computed."}
		}
		return identity{}, signatureError(p)
	}
	if ik.Temporary && !s.now().Before(ik.Expiration) {
		return identity{}, expiredTokenError(p)
	}
	return identity{AccountID: ik.AccountID, Principal: ik.Principal}, nil
}

func unknownKeyError(p Protocol) *authError {
	switch p {
	case ProtocolEC2Query:
		return &authError{http.StatusUnauthorized, "AuthFailure", "AWS was not able to validate the provided access credentials"}
	case ProtocolRESTXML:
		return &authError{http.StatusForbidden, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."}
	case ProtocolJSON11, ProtocolJSON10, ProtocolRESTJSON, ProtocolRPCv2CBOR:
		return &authError{http.StatusForbidden, "UnrecognizedClientException", "The security token included in the request is invalid."}
	default:
		return &authError{http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid."}
	}
}

func invalidTokenError(p Protocol) *authError {
	if p == ProtocolRESTXML {
		return &authError{http.StatusBadRequest, "InvalidToken", "The provided token is malformed or otherwise invalid."}
	}
	return unknownKeyError(p)
}

func signatureError(p Protocol) *authError {
	switch p {
	case ProtocolEC2Query:
		return &authError{http.StatusUnauthorized, "AuthFailure", "AWS was not able to validate the provided access credentials"}
	case ProtocolJSON11, ProtocolJSON10, ProtocolRESTJSON, ProtocolRPCv2CBOR:
		// The JSON services (Organizations, ECS, Lambda, Account) name it this way.
		return &authError{http.StatusForbidden, "InvalidSignatureException",
			"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}
	}
	return &authError{http.StatusForbidden, "SignatureDoesNotMatch",
		"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}
}

func expiredTokenError(p Protocol) *authError {
	switch p {
	case ProtocolJSON11, ProtocolJSON10, ProtocolRESTJSON, ProtocolRPCv2CBOR:
		return &authError{http.StatusForbidden, "ExpiredTokenException", "The security token included in the request is expired"}
	case ProtocolRESTXML:
		return &authError{http.StatusBadRequest, "ExpiredToken", "The provided token has expired."}
	case ProtocolEC2Query:
		return &authError{http.StatusBadRequest, "ExpiredToken", "The security token included in the request is expired"}
	default:
		return &authError{http.StatusForbidden, "ExpiredToken", "The security token included in the request is expired"}
	}
}
