package portemu_test

import (
	"testing"
	"time"

	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
)

func TestAccessTokenIssuedWithPortShape(t *testing.T) {
	h := newHarness(t, portemu.Options{})
	r := h.expect(h.do("POST", "/v1/auth/access_token", map[string]any{"clientId": "test-client-id", "clientSecret": "test-client-secret"}), 200)
	if r.body["ok"] != true || r.str("tokenType") != "Bearer" || r.str("accessToken") == "" {
		t.Fatalf("token response %s", r.raw)
	}
	if exp, _ := r.body["expiresIn"].(float64); exp != 3*60*60 {
		t.Fatalf("expiresIn = %v, want 10800 (3h default)", r.body["expiresIn"])
	}
}

func TestAccessTokenBadCredentials(t *testing.T) {
	h := newHarness(t, portemu.Options{})
	r := h.expect(h.do("POST", "/v1/auth/access_token", map[string]any{"clientId": "test-client-id", "clientSecret": "wrong"}), 401)
	errBody(t, r, "unauthorized")
	r = h.expect(h.do("POST", "/v1/auth/access_token", map[string]any{"clientId": "test-client-id"}), 422)
	errBody(t, r, "invalid_request")
	r = h.expect(h.do("POST", "/v1/auth/access_token", map[string]any{"clientId": "test-client-id", "clientSecret": "test-client-secret", "extra": 1}), 422)
	errBody(t, r, "invalid_request")
}

func TestAccessTokenReusedUntilExpiry(t *testing.T) {
	h := newHarness(t, portemu.Options{TokenTTL: time.Minute})
	h.login()
	first := h.token
	h.s.Advance(30 * time.Second)
	r := h.expect(h.do("POST", "/v1/auth/access_token", map[string]any{"clientId": "test-client-id", "clientSecret": "test-client-secret"}), 200)
	if r.str("accessToken") != first {
		t.Fatalf("second token differs before expiry")
	}
	if exp, _ := r.body["expiresIn"].(float64); exp != 30 {
		t.Fatalf("expiresIn of reused token = %v, want the remaining 30", r.body["expiresIn"])
	}
	h.expect(h.do("GET", "/v1/organization", nil), 200)

	h.s.Advance(31 * time.Second) // past the 1m TTL on the emulator clock
	errBody(t, h.expect(h.do("GET", "/v1/organization", nil), 401), "unauthorized")
	h.login()
	if h.token == first {
		t.Fatal("token after expiry is the expired one")
	}
	h.expect(h.do("GET", "/v1/organization", nil), 200)
}

func TestRoutesRequireBearerToken(t *testing.T) {
	h := newHarness(t, portemu.Options{})
	errBody(t, h.expect(h.do("GET", "/v1/blueprints", nil), 401), "unauthorized")
	h.token = "not-a-token"
	errBody(t, h.expect(h.do("GET", "/v1/blueprints", nil), 401), "unauthorized")
	h.login()
	h.expect(h.do("GET", "/v1/blueprints", nil), 200)
}

func TestExpireTokensRevokesEarly(t *testing.T) {
	h := newHarness(t, portemu.Options{})
	h.login()
	old := h.token
	h.s.ExpireTokens()
	errBody(t, h.expect(h.do("GET", "/v1/organization", nil), 401), "unauthorized")
	h.login()
	if h.token == old {
		t.Fatal("a revoked token was handed out again")
	}
	h.expect(h.do("GET", "/v1/organization", nil), 200)
}

func TestInjected401OnFirstUseOfToken(t *testing.T) {
	h := newHarness(t, portemu.Options{})
	h.login()
	h.s.AddFault(portemu.Fault{Path: "/v1/blueprints", Status: 401, Count: 1})
	errBody(t, h.expect(h.do("GET", "/v1/blueprints", nil), 401), "unauthorized")
	h.login() // the client re-authenticates: same token, still valid
	h.expect(h.do("GET", "/v1/blueprints", nil), 200)
}

func TestInjected401FromAccessToken(t *testing.T) {
	h := newHarness(t, portemu.Options{})
	h.s.AddFault(portemu.Fault{Method: "POST", Path: "/v1/auth/access_token", Status: 401})
	r := h.expect(h.do("POST", "/v1/auth/access_token", map[string]any{"clientId": "test-client-id", "clientSecret": "test-client-secret"}), 401)
	errBody(t, r, "unauthorized")
	h.s.ClearFaults()
	h.login()
}
