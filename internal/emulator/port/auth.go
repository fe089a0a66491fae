package portemu

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"time"
)

type token struct {
	clientID string
	expires  time.Time
}

// issueToken serves POST /v1/auth/access_token. Port keeps one active token
// per credential set, so asking again before expiry returns the same token.
func (c *call) issueToken() {
	body, ok := c.decodeObject()
	if !ok {
		return
	}
	id, idOK := body["clientId"].(string)
	secret, secretOK := body["clientSecret"].(string)
	if !idOK || !secretOK || len(body) != 2 {
		c.error(http.StatusUnprocessableEntity, "invalid_request", "The json provided does not match the route's schema: clientId and clientSecret are required and nothing else is allowed")
		return
	}
	s := c.s
	if id != s.opts.ClientID || secret != s.opts.ClientSecret {
		c.error(http.StatusUnauthorized, "unauthorized", "Invalid client id or client secret")
		return
	}
	now := s.Now()
	s.mu.Lock()
	for k, t := range s.tokens {
		if !now.Before(t.expires) {
			delete(s.tokens, k)
		}
	}
	tok, ok := s.current[id]
	if _, live := s.tokens[tok]; !ok || !live {
		tok = mintToken(id, now, now.Add(s.opts.TokenTTL))
		s.tokens[tok] = &token{clientID: id, expires: now.Add(s.opts.TokenTTL)}
		s.current[id] = tok
	}
	remaining := s.tokens[tok].expires.Sub(now)
	s.mu.Unlock()
	c.json(http.StatusOK, map[string]any{
		"ok":          true,
		"accessToken": tok,
		"expiresIn":   int64(math.Ceil(remaining.Seconds())),
		"tokenType":   "Bearer",
	})
}

// mintToken builds an unsigned JWT-looking token; clients may decode its
// claims (Ocean reads isMachine) but nothing verifies the signature.
func mintToken(clientID string, iat, exp time.Time) string {
	var nonce [8]byte
	_, _ = rand.Read(nonce[:])
	enc := base64.RawURLEncoding
	header, _ := json.Marshal(map[string]any{"alg": "none", "typ": "JWT"})
	claims, _ := json.Marshal(map[string]any{
		"sub": clientID, "isMachine": true, "iat": iat.Unix(), "exp": exp.Unix(), "jti": hex.EncodeToString(nonce[:]),
	})
	return enc.EncodeToString(header) + "." + enc.EncodeToString(claims) + "." + enc.EncodeToString([]byte("emulator"))
}

// authenticate returns the client id of a valid bearer token.
func (s *Server) authenticate(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, found := strings.Cut(h, " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[strings.TrimSpace(tok)]
	if !ok || !now.Before(t.expires) {
		return "", false
	}
	return t.clientID, true
}

// ExpireTokens revokes every issued token: the next call with one gets 401,
// and the token endpoint hands out a new token.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	s.tokens = map[string]*token{}
	s.current = map[string]string{}
	s.mu.Unlock()
}
