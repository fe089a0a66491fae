package awsemu

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// STS over the query protocol: GetCallerIdentity, AssumeRole (trust policy and
// ExternalId checks) and AssumeRoleWithWebIdentity (unsigned; OIDC provider,
// audience and subject checks). Responses and errors are worded as AWS's.

const stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"

type stsService struct{}

func init() { Register(stsService{}) }

func (stsService) SigningName() string { return "sts" }
func (stsService) Protocol() Protocol  { return ProtocolQuery }
func (stsService) ThrottleCode() (string, int) {
	return "Throttling", http.StatusBadRequest
}

func (stsService) Operation(r *http.Request, body []byte) (string, bool) {
	op := queryAction(r, body)
	switch op {
	case "GetCallerIdentity", "AssumeRole", "AssumeRoleWithWebIdentity":
		return op, true
	}
	return op, false
}

// queryAction reads the Action parameter of a query-protocol request.
func queryAction(r *http.Request, body []byte) string {
	if a := r.URL.Query().Get("Action"); a != "" {
		return a
	}
	form, err := parseForm(body)
	if err != nil {
		return ""
	}
	return form.Get("Action")
}

func (stsService) Serve(c *Call) {
	switch c.Op {
	case "GetCallerIdentity":
		stsGetCallerIdentity(c)
	case "AssumeRole":
		stsAssumeRole(c)
	case "AssumeRoleWithWebIdentity":
		stsAssumeRoleWithWebIdentity(c)
	}
}

type responseMetadata struct {
	RequestID string `xml:"RequestId"`
}

type getCallerIdentityResponse struct {
	XMLName xml.Name `xml:"GetCallerIdentityResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Result  struct {
		Arn     string `xml:"Arn"`
		UserID  string `xml:"UserId"`
		Account string `xml:"Account"`
	} `xml:"GetCallerIdentityResult"`
	Metadata responseMetadata `xml:"ResponseMetadata"`
}

func stsGetCallerIdentity(c *Call) {
	var resp getCallerIdentityResponse
	resp.Xmlns = stsNamespace
	resp.Result.Arn = c.Principal
	resp.Result.UserID = userIDFor(c.Principal)
	resp.Result.Account = c.AccountID
	resp.Metadata.RequestID = c.RequestID
	c.XML(resp)
}

// userIDFor renders AWS's unique ids: AIDA… for users, AROA…:session for
// assumed roles, the account id for root.
func userIDFor(principal string) string {
	p, err := parsePrincipalARN(principal)
	if err != nil {
		return principal
	}
	switch p.kind {
	case "user":
		return uniqueID("AIDA", "arn:"+p.partition+":iam::"+p.account+":user/"+p.name)
	case "assumed-role":
		return uniqueID("AROA", "arn:"+p.partition+":iam::"+p.account+":role/"+p.name) + ":" + p.session
	default:
		return p.account
	}
}

// uniqueID is a stable 21-character IAM unique id for an entity ARN.
func uniqueID(prefix, arn string) string {
	sum := sha256.Sum256([]byte(arn))
	return prefix + base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:])[:17]
}

type principalARN struct {
	partition, account string
	kind               string // user, role, assumed-role, root
	name, session      string
}

// parsePrincipalARN understands arn:P:iam::A:user/PATH/NAME, arn:P:iam::A:role/PATH/NAME,
// arn:P:iam::A:root and arn:P:sts::A:assumed-role/ROLE/SESSION.
func parsePrincipalARN(s string) (principalARN, error) {
	f := strings.SplitN(s, ":", 6)
	if len(f) != 6 || f[0] != "arn" {
		return principalARN{}, fmt.Errorf("not an ARN: %q", s)
	}
	p := principalARN{partition: f[1], account: f[4]}
	res := f[5]
	switch {
	case res == "root":
		p.kind = "root"
	case strings.HasPrefix(res, "user/"):
		p.kind = "user"
		p.name = res[strings.LastIndexByte(res, '/')+1:]
	case strings.HasPrefix(res, "role/"):
		p.kind = "role"
		p.name = res[strings.LastIndexByte(res, '/')+1:]
	case strings.HasPrefix(res, "assumed-role/"):
		parts := strings.Split(res, "/")
		if len(parts) != 3 {
			return principalARN{}, fmt.Errorf("bad assumed-role ARN: %q", s)
		}
		p.kind, p.name, p.session = "assumed-role", parts[1], parts[2]
	default:
		return principalARN{}, fmt.Errorf("unsupported principal: %q", s)
	}
	return p, nil
}

// roleARNRe splits arn:PARTITION:iam::ACCOUNT:role/PATH/NAME.
var roleARNRe = regexp.MustCompile(`^arn:([a-z-]+):iam::(\d{12}):role(/(?:[^/]+/)*)([\w+=,.@-]+)$`)

type parsedRoleARN struct {
	partition, account, path, name string
}

func parseRoleARN(s string) (parsedRoleARN, bool) {
	m := roleARNRe.FindStringSubmatch(s)
	if m == nil {
		return parsedRoleARN{}, false
	}
	return parsedRoleARN{partition: m[1], account: m[2], path: m[3], name: m[4]}, true
}

// findRole resolves a role ARN in the org; path and partition must match.
func findRole(org *Org, arn string) (*Account, *Role, bool) {
	p, ok := parseRoleARN(arn)
	if !ok || p.partition != org.partition() {
		return nil, nil, false
	}
	acct := org.Accounts[p.account]
	if acct == nil {
		return nil, nil, false
	}
	role := acct.Roles[p.name]
	if role == nil {
		return nil, nil, false
	}
	path := role.Path
	if path == "" {
		path = "/"
	}
	if path != p.path {
		return nil, nil, false
	}
	return acct, role, true
}

// callerTrustARN is the ARN a trust policy sees for the caller: an assumed-role
// session is its role (with the role's path), a user is itself.
func callerTrustARN(org *Org, principal string) string {
	p, err := parsePrincipalARN(principal)
	if err != nil || p.kind != "assumed-role" {
		return principal
	}
	return org.RoleARN(p.account, p.name)
}

// trusts applies the trust policy's principal list to the caller.
func trusts(org *Org, role *Role, callerAccount, principal string) bool {
	callerARN := callerTrustARN(org, principal)
	for _, t := range role.TrustedPrincipals {
		if t == "*" || t == callerARN {
			return true
		}
		if tp, err := parsePrincipalARN(t); err == nil && tp.kind == "root" && tp.account == callerAccount {
			return true
		}
	}
	return false
}

var sessionNameRe = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

type stsCredentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

type assumedRoleUser struct {
	AssumedRoleID string `xml:"AssumedRoleId"`
	Arn           string `xml:"Arn"`
}

type assumeRoleResponse struct {
	XMLName xml.Name `xml:"AssumeRoleResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Result  struct {
		Credentials     stsCredentials  `xml:"Credentials"`
		AssumedRoleUser assumedRoleUser `xml:"AssumedRoleUser"`
		PackedPolicy    *int            `xml:"PackedPolicySize,omitempty"`
	} `xml:"AssumeRoleResult"`
	Metadata responseMetadata `xml:"ResponseMetadata"`
}

type assumeRoleWithWebIdentityResponse struct {
	XMLName xml.Name `xml:"AssumeRoleWithWebIdentityResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Result  struct {
		SubjectFromWebIdentityToken string          `xml:"SubjectFromWebIdentityToken"`
		Audience                    string          `xml:"Audience"`
		AssumedRoleUser             assumedRoleUser `xml:"AssumedRoleUser"`
		Credentials                 stsCredentials  `xml:"Credentials"`
		Provider                    string          `xml:"Provider"`
	} `xml:"AssumeRoleWithWebIdentityResult"`
	Metadata responseMetadata `xml:"ResponseMetadata"`
}

// sessionDuration validates DurationSeconds against 900..max, as AWS does.
func sessionDuration(c *Call, role *Role, chained bool) (time.Duration, bool) {
	maxSession := role.MaxSessionDuration
	if maxSession == 0 {
		maxSession = 3600
	}
	raw := c.Params().Get("DurationSeconds")
	if raw == "" {
		return time.Hour, true
	}
	d, err := strconv.Atoi(raw)
	switch {
	case err != nil:
		c.Error(http.StatusBadRequest, "ValidationError", fmt.Sprintf("Value '%s' at 'durationSeconds' failed to satisfy constraint: Member must be a number", raw))
		return 0, false
	case d < 900:
		c.Error(http.StatusBadRequest, "ValidationError", fmt.Sprintf("1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", d))
		return 0, false
	case chained && d > 3600:
		c.Error(http.StatusBadRequest, "ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
		return 0, false
	case d > int(maxSession):
		c.Error(http.StatusBadRequest, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
		return 0, false
	}
	return time.Duration(d) * time.Second, true
}

// validateAssumeParams checks RoleArn and RoleSessionName shapes.
func validateAssumeParams(c *Call) (roleARN, session string, ok bool) {
	q := c.Params()
	roleARN, session = q.Get("RoleArn"), q.Get("RoleSessionName")
	switch {
	case roleARN == "":
		c.Error(http.StatusBadRequest, "ValidationError", "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null")
		return "", "", false
	case len(roleARN) < 20:
		c.Error(http.StatusBadRequest, "ValidationError", fmt.Sprintf("1 validation error detected: Value '%s' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20", roleARN))
		return "", "", false
	case session == "":
		c.Error(http.StatusBadRequest, "ValidationError", "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null")
		return "", "", false
	case len(session) < 2 || len(session) > 64:
		c.Error(http.StatusBadRequest, "ValidationError", fmt.Sprintf("1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must have length between 2 and 64", session))
		return "", "", false
	case !sessionNameRe.MatchString(session):
		c.Error(http.StatusBadRequest, "ValidationError", fmt.Sprintf("1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", session))
		return "", "", false
	}
	if _, valid := parseRoleARN(roleARN); !valid {
		c.Error(http.StatusBadRequest, "ValidationError", fmt.Sprintf("%s is invalid", roleARN))
		return "", "", false
	}
	return roleARN, session, true
}

// issueRoleSession mints the session credentials of an assumed role.
func issueRoleSession(c *Call, acct *Account, role *Role, session string, d time.Duration) (stsCredentials, assumedRoleUser) {
	roleARN := c.Org.RoleARN(acct.ID, role.Name)
	principal := "arn:" + c.Org.partition() + ":sts::" + acct.ID + ":assumed-role/" + role.Name + "/" + session
	creds := c.Server.IssueCredentials(acct.ID, principal, d)
	return stsCredentials{
			AccessKeyID:     creds.AccessKeyID,
			SecretAccessKey: creds.SecretAccessKey,
			SessionToken:    creds.SessionToken,
			Expiration:      creds.Expiration.UTC().Format(time.RFC3339),
		}, assumedRoleUser{
			AssumedRoleID: uniqueID("AROA", roleARN) + ":" + session,
			Arn:           principal,
		}
}

func stsAssumeRole(c *Call) {
	roleARN, session, ok := validateAssumeParams(c)
	if !ok {
		return
	}
	denied := func() {
		c.Error(http.StatusForbidden, "AccessDenied",
			fmt.Sprintf("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", c.Principal, roleARN))
	}
	acct, role, found := findRole(c.Org, roleARN)
	if !found || role.Denied || !trusts(c.Org, role, c.AccountID, c.Principal) {
		denied()
		return
	}
	if role.ExternalID != "" && c.Params().Get("ExternalId") != role.ExternalID {
		denied()
		return
	}
	caller, _ := parsePrincipalARN(c.Principal)
	d, ok := sessionDuration(c, role, caller.kind == "assumed-role")
	if !ok {
		return
	}
	var resp assumeRoleResponse
	resp.Xmlns = stsNamespace
	resp.Result.Credentials, resp.Result.AssumedRoleUser = issueRoleSession(c, acct, role, session, d)
	resp.Metadata.RequestID = c.RequestID
	c.XML(resp)
}

// webIdentityClaims are the JWT claims AWS checks.
type webIdentityClaims struct {
	Issuer   string   `json:"iss"`
	Subject  string   `json:"sub"`
	Audience audience `json:"aud"`
	Expiry   int64    `json:"exp"`
}

// audience is a JWT "aud": a string or a list of strings.
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = audience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("aud: %w", err)
	}
	*a = many
	return nil
}

func parseJWT(token string) (webIdentityClaims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return webIdentityClaims{}, fmt.Errorf("token has %d parts", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return webIdentityClaims{}, fmt.Errorf("decode claims: %w", err)
	}
	var cl webIdentityClaims
	if err := json.Unmarshal(payload, &cl); err != nil {
		return webIdentityClaims{}, fmt.Errorf("parse claims: %w", err)
	}
	return cl, nil
}

func stsAssumeRoleWithWebIdentity(c *Call) {
	roleARN, session, ok := validateAssumeParams(c)
	if !ok {
		return
	}
	token := c.Params().Get("WebIdentityToken")
	if token == "" {
		c.Error(http.StatusBadRequest, "ValidationError", "1 validation error detected: Value null at 'webIdentityToken' failed to satisfy constraint: Member must not be null")
		return
	}
	claims, err := parseJWT(token)
	if err != nil || claims.Issuer == "" {
		c.Error(http.StatusBadRequest, "InvalidIdentityToken", "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)")
		return
	}
	now := c.Server.now()
	if claims.Expiry != 0 && now.Unix() >= claims.Expiry {
		c.Error(http.StatusBadRequest, "ExpiredTokenException",
			fmt.Sprintf("Token expired: current date/time %d must be before the expiration date/time%d", now.Unix(), claims.Expiry))
		return
	}
	p, _ := parseRoleARN(roleARN)
	issuerURL := claims.Issuer
	if !strings.Contains(issuerURL, "://") {
		issuerURL = "https://" + issuerURL
	}
	issuerKey := strings.TrimPrefix(strings.TrimPrefix(issuerURL, "https://"), "http://")
	// The token is checked against the OIDC provider of the role's account, so
	// an account without one answers InvalidIdentityToken whatever the role says.
	var provider *OIDCProvider
	if acct := c.Org.Accounts[p.account]; acct != nil {
		provider = acct.OIDC[issuerKey]
	}
	if provider == nil {
		c.Error(http.StatusBadRequest, "InvalidIdentityToken", "No OpenIDConnect provider found in your account for "+issuerURL)
		return
	}
	aud := ""
	for _, a := range claims.Audience {
		for _, allowed := range provider.Audiences {
			if a == allowed {
				aud = a
			}
		}
	}
	if aud == "" {
		c.Error(http.StatusBadRequest, "InvalidIdentityToken", "Incorrect token audience")
		return
	}
	acct, role, found := findRole(c.Org, roleARN)
	if !found || role.Denied || role.WebIdentityIssuer == "" ||
		strings.TrimPrefix(role.WebIdentityIssuer, "https://") != issuerKey || !subjectAllowed(role, claims.Subject) {
		c.Error(http.StatusForbidden, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
		return
	}
	d, ok := sessionDuration(c, role, false)
	if !ok {
		return
	}
	var resp assumeRoleWithWebIdentityResponse
	resp.Xmlns = stsNamespace
	resp.Result.Credentials, resp.Result.AssumedRoleUser = issueRoleSession(c, acct, role, session, d)
	resp.Result.SubjectFromWebIdentityToken = claims.Subject
	resp.Result.Audience = aud
	resp.Result.Provider = claims.Issuer
	resp.Metadata.RequestID = c.RequestID
	c.AccountID, c.Principal = acct.ID, resp.Result.AssumedRoleUser.Arn
	c.XML(resp)
}

// subjectAllowed matches the token subject against the role's allowed subjects
// ("*" wildcards as in StringLike conditions).
func subjectAllowed(role *Role, subject string) bool {
	for _, s := range role.WebIdentitySubjects {
		if s == subject || wildcardMatch(s, subject) {
			return true
		}
	}
	return false
}

func wildcardMatch(pattern, s string) bool {
	if !strings.Contains(pattern, "*") {
		return pattern == s
	}
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for i := 1; i < len(parts)-1; i++ {
		idx := strings.Index(s, parts[i])
		if idx < 0 {
			return false
		}
		s = s[idx+len(parts[i]):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}
