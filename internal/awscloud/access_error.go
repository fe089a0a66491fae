package awscloud

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// AccessError says that credentials for a target could not be obtained. Its
// message reads like Ocean's troubleshooting docs: which role, which session,
// AWS's own code and message, and what to check.
type AccessError struct {
	AccountID, RoleARN, SessionName string
	Provider                        string // credential provider in use
	Code, Message                   string // AWS error code and message ("" code when not an API error)
	Hint                            string
	Err                             error
}

func (e *AccessError) Error() string {
	var b strings.Builder
	if e.RoleARN == "" {
		fmt.Fprintf(&b, "Unable to obtain base credentials (%s)", e.Provider)
	} else {
		fmt.Fprintf(&b, "Unable to assume role %s (session %s)", e.RoleARN, e.SessionName)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, ": %s: %s", e.Code, e.Message)
	} else {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.Hint != "" {
		b.WriteString(" — ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

func (e *AccessError) Unwrap() error { return e.Err }

func (p *Provider) accessError(t Target, err error) *AccessError {
	// A role cannot be assumed when the base credentials themselves fail: the
	// base failure is the cause worth reporting.
	var prev *AccessError
	if errors.As(err, &prev) {
		return prev
	}
	ae := &AccessError{AccountID: t.AccountID, RoleARN: t.RoleARN, SessionName: t.SessionName,
		Provider: p.mode, Code: ErrorCode(err), Message: errorMessage(err), Err: err}
	ae.Hint = p.hint(ae)
	return ae
}

// hint is the one thing to check for each failure AWS reports.
func (p *Provider) hint(e *AccessError) string {
	web := p.mode == ProviderWebIdentity && e.RoleARN != ""
	account := e.AccountID
	if account == "" {
		account = "the role's account"
	}
	switch e.Code {
	case "AccessDenied", "AccessDeniedException":
		if web {
			tok, _ := p.webToken()
			iss, sub := tok.iss, tok.sub
			return fmt.Sprintf("check the role's trust policy allows sts:AssumeRoleWithWebIdentity for the federated principal %s (OIDC provider in account %s) and the subject %s",
				orUnknown(iss), account, orUnknown(sub))
		}
		if e.RoleARN == "" {
			return "check the base credentials' IAM permissions"
		}
		h := "check the role exists and its trust policy allows the calling principal (the \"User:\" above) to call sts:AssumeRole"
		if p.s.ExternalID != "" {
			h += "; the trust policy's sts:ExternalId condition must equal the configured externalId (ExternalId mismatch is reported as AccessDenied)"
		} else {
			h += "; if the trust policy requires an sts:ExternalId, set externalId"
		}
		return h
	case "InvalidIdentityToken":
		tok, readable := p.webToken()
		if readable && !tok.isJWT {
			// AWS says the same for a token that is not a JWT at all; adding an
			// OIDC provider would not help.
			return fmt.Sprintf("the web identity token in %s is not a JWT: check AWS_WEB_IDENTITY_TOKEN_FILE points at the projected service account token",
				p.s.WebIdentityTokenFile)
		}
		return fmt.Sprintf("add the OIDC provider %s (audience sts.amazonaws.com) to account %s as an IAM identity provider",
			orUnknown(tok.iss), account)
	case "IDPRejectedClaim":
		return "the identity provider rejected the token; check its audience is sts.amazonaws.com and the subject matches the trust policy"
	case "ExpiredToken", "ExpiredTokenException":
		if p.mode == ProviderWebIdentity {
			return fmt.Sprintf("the web identity token in %s has expired; check the projected service account token is being rotated", p.s.WebIdentityTokenFile)
		}
		return "the base credentials' session token has expired; refresh aws_session_token or use long-lived keys or a role"
	case "InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch", "InvalidSignatureException", "InvalidAccessKeyId":
		return "the base credentials are not valid (unknown access key id or wrong secret); check aws_access_key_id/aws_secret_access_key or the default credential chain"
	case "RegionDisabledException":
		return fmt.Sprintf("STS is not activated in region %s; activate it in the account's IAM settings or choose another region", p.s.Region)
	case "ValidationError":
		return "check the session duration does not exceed the role's maximum session duration"
	case "":
		if e.RoleARN == "" && p.mode == ProviderAssumeRole {
			return "no credentials were found in the default chain; configure static keys, a web identity token file, or a pod/instance role"
		}
	}
	return ""
}

func orUnknown(s string) string {
	if s == "" {
		return "(unknown)"
	}
	return s
}

// webToken is what the hints need from the web identity token.
type webToken struct {
	isJWT    bool   // three base64url parts, header and payload JSON objects
	iss, sub string // from the payload, iss without https://
}

// webToken reads the web identity token file, without verifying the token,
// only to make hints concrete; readable is false when the file cannot be read.
func (p *Provider) webToken() (tok webToken, readable bool) {
	raw, err := os.ReadFile(p.s.WebIdentityTokenFile)
	if err != nil {
		return tok, false
	}
	parts := strings.Split(strings.TrimSpace(string(raw)), ".")
	if len(parts) != 3 {
		return tok, true
	}
	var header map[string]any
	if !decodeSegment(parts[0], &header) {
		return tok, true
	}
	var claims struct {
		Iss string `json:"iss"`
		Sub string `json:"sub"`
	}
	if !decodeSegment(parts[1], &claims) {
		return tok, true
	}
	if _, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[2], "=")); err != nil {
		return tok, true
	}
	return webToken{isJWT: true, iss: strings.TrimPrefix(claims.Iss, "https://"), sub: claims.Sub}, true
}

// decodeSegment decodes one base64url JWT segment holding a JSON object.
func decodeSegment(seg string, v any) bool {
	data, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(seg, "="))
	if err != nil {
		return false
	}
	return bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) && json.Unmarshal(data, v) == nil
}
