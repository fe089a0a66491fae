package awsemu

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// SES v2 speaks restJson1 with PascalCase members, signed as "ses":
//
//	ListEmailIdentities    POST /v2/email/list-identities (body PageSize, NextToken),
//	                       or the older GET /v2/email/identities?PageSize&NextToken
//	GetEmailIdentity       GET /v2/email/identities/{EmailIdentity}
//	ListConfigurationSets  POST /v2/email/list-configuration-sets, or GET /v2/email/configuration-sets
//	GetConfigurationSet    GET /v2/email/configuration-sets/{ConfigurationSetName}
//
// PageSize is 1–1000 (default 100). Timestamps are epoch seconds. A name that
// does not exist answers NotFoundException (404). SES is served only in
// sesRegions; elsewhere the lists are empty.
//
// Resource attributes read (absent ones default as noted in the code):
//
//	AWS::SES::EmailIdentity  ID = Name = the domain or address; IdentityType string
//	  ("DOMAIN"|"EMAIL_ADDRESS"), VerificationStatus string, SendingEnabled bool,
//	  ConfigurationSetName string, MailFromDomain string, Policy string (JSON,
//	  absent: no policies), DkimEnabled bool
//	AWS::SES::ConfigurationSet  ID = Name = set name; CustomRedirectDomain string
//	  (absent: no TrackingOptions), TlsPolicy string, SendingPoolName string,
//	  ReputationMetrics bool, SendingEnabled bool, SuppressedReasons []string
//	  (absent: no SuppressionOptions), Vdm bool, ArchiveArn string

// The SES kinds.
const (
	KindSESEmailIdentity    = "AWS::SES::EmailIdentity"
	KindSESConfigurationSet = "AWS::SES::ConfigurationSet"
)

// sesRegions are the regions with an SES endpoint.
var sesRegions = map[string]bool{
	"af-south-1": true, "ap-northeast-1": true, "ap-northeast-2": true, "ap-northeast-3": true, "ap-south-1": true,
	"ap-south-2": true, "ap-southeast-1": true, "ap-southeast-2": true, "ap-southeast-3": true, "ca-central-1": true,
	"eu-central-1": true, "eu-central-2": true, "eu-north-1": true, "eu-south-1": true, "eu-west-1": true, "eu-west-2": true,
	"eu-west-3": true, "il-central-1": true, "me-central-1": true, "me-south-1": true, "sa-east-1": true, "us-east-1": true,
	"us-east-2": true, "us-west-1": true, "us-west-2": true, "us-gov-east-1": true, "us-gov-west-1": true,
}

type sesService struct{}

func init() { Register(sesService{}) }

func (sesService) SigningName() string { return "ses" }
func (sesService) Protocol() Protocol  { return ProtocolRESTJSON }
func (sesService) ThrottleCode() (string, int) {
	return "TooManyRequestsException", http.StatusTooManyRequests
}

const (
	sesIdentitiesPath = "/v2/email/identities"
	sesSetsPath       = "/v2/email/configuration-sets"
)

func (sesService) Operation(r *http.Request, _ []byte) (string, bool) {
	p := strings.TrimSuffix(r.URL.EscapedPath(), "/")
	single := func(prefix string) bool {
		rest, ok := strings.CutPrefix(p, prefix+"/")
		return ok && rest != "" && !strings.Contains(rest, "/")
	}
	switch r.Method {
	case http.MethodPost:
		switch p {
		case "/v2/email/list-identities":
			return "ListEmailIdentities", true
		case "/v2/email/list-configuration-sets":
			return "ListConfigurationSets", true
		}
	case http.MethodGet:
		switch {
		case p == sesIdentitiesPath:
			return "ListEmailIdentities", true
		case p == sesSetsPath:
			return "ListConfigurationSets", true
		case single(sesIdentitiesPath):
			return "GetEmailIdentity", true
		case single(sesSetsPath):
			return "GetConfigurationSet", true
		}
	}
	return "", false
}

func (sesService) Serve(c *Call) {
	if svcRegionDisabled(c) {
		c.Error(http.StatusForbidden, "UnrecognizedClientException", "The security token included in the request is invalid.")
		return
	}
	switch c.Op {
	case "ListEmailIdentities":
		sesList(c, KindSESEmailIdentity)
	case "ListConfigurationSets":
		sesList(c, KindSESConfigurationSet)
	case "GetEmailIdentity":
		if r := sesFind(c, KindSESEmailIdentity, sesIdentitiesPath, "Email identity"); r != nil {
			c.JSON(sesIdentity(c, r))
		}
	case "GetConfigurationSet":
		if r := sesFind(c, KindSESConfigurationSet, sesSetsPath, "Configuration set"); r != nil {
			c.JSON(sesConfigurationSet(c, r))
		}
	}
}

func sesResources(c *Call, kind string) []*Resource {
	if !sesRegions[c.Region] {
		return nil
	}
	return svcResources(c, kind)
}

func sesList(c *Call, kind string) {
	var in struct {
		PageSize  *int
		NextToken string
	}
	if c.R.Method == http.MethodPost {
		if err := c.DecodeJSON(&in); err != nil {
			c.Error(http.StatusBadRequest, "BadRequestException", "Invalid request body.")
			return
		}
	} else {
		q := c.R.URL.Query()
		in.NextToken = q.Get("NextToken")
		if raw := q.Get("PageSize"); raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil {
				c.Error(http.StatusBadRequest, "BadRequestException", "PageSize must be a number.")
				return
			}
			in.PageSize = &n
		}
	}
	size := 100
	if in.PageSize != nil {
		if *in.PageSize < 1 || *in.PageSize > 1000 {
			c.Error(http.StatusBadRequest, "BadRequestException", "PageSize must be between 1 and 1000.")
			return
		}
		size = *in.PageSize
	}
	rs := sesResources(c, kind)
	start, end, next, err := Page(len(rs), in.NextToken, size, 100)
	if err != nil {
		c.Error(http.StatusBadRequest, "BadRequestException", "Invalid NextToken.")
		return
	}
	out := map[string]any{}
	if next != "" {
		out["NextToken"] = next
	}
	if kind == KindSESConfigurationSet {
		names := []string{}
		for _, r := range rs[start:end] {
			names = append(names, r.ID)
		}
		out["ConfigurationSets"] = names
	} else {
		ids := []any{}
		for _, r := range rs[start:end] {
			ids = append(ids, map[string]any{
				"IdentityName":       r.ID,
				"IdentityType":       sesIdentityType(r),
				"SendingEnabled":     svcBool(r, "SendingEnabled", true),
				"VerificationStatus": svcStr(r, "VerificationStatus", "SUCCESS"),
			})
		}
		out["EmailIdentities"] = ids
	}
	c.JSON(out)
}

// sesFind resolves the path's last segment to a resource of kind; it answers
// NotFoundException itself and returns nil when there is none.
func sesFind(c *Call, kind, prefix, what string) *Resource {
	raw := strings.TrimSuffix(strings.TrimPrefix(c.R.URL.EscapedPath(), prefix+"/"), "/")
	name, err := url.PathUnescape(raw)
	if err != nil {
		name = raw
	}
	for _, r := range sesResources(c, kind) {
		if r.ID == name {
			return r
		}
	}
	c.Error(http.StatusNotFound, "NotFoundException", what+" "+name+" does not exist.")
	return nil
}

func sesIdentityType(r *Resource) string {
	def := "DOMAIN"
	if strings.Contains(r.ID, "@") {
		def = "EMAIL_ADDRESS"
	}
	return svcStr(r, "IdentityType", def)
}

func sesTags(r *Resource) []any {
	tags := []any{}
	for _, t := range svcSortedTags(r.Tags) {
		tags = append(tags, map[string]string{"Key": t.Key, "Value": t.Value})
	}
	return tags
}

func sesIdentity(c *Call, r *Resource) map[string]any {
	status := svcStr(r, "VerificationStatus", "SUCCESS")
	verified := status == "SUCCESS"
	created := svcCreated(r)
	dkimStatus := "NOT_STARTED"
	if svcBool(r, "DkimEnabled", true) {
		dkimStatus = map[bool]string{true: "SUCCESS", false: "PENDING"}[verified]
	}
	dkim := map[string]any{
		"SigningEnabled":          svcBool(r, "DkimEnabled", true),
		"Status":                  dkimStatus,
		"SigningAttributesOrigin": "AWS_SES",
	}
	if sesIdentityType(r) == "DOMAIN" {
		dkim["Tokens"] = []string{svcHex(32, r.ID, "dkim1"), svcHex(32, r.ID, "dkim2"), svcHex(32, r.ID, "dkim3")}
		dkim["CurrentSigningKeyLength"] = "RSA_2048_BIT"
		dkim["NextSigningKeyLength"] = "RSA_2048_BIT"
		dkim["LastKeyGenerationTimestamp"] = float64(created.Unix())
	}
	mailFrom := map[string]any{"BehaviorOnMxFailure": "USE_DEFAULT_VALUE", "MailFromDomainStatus": "FAILED", "MailFromDomain": ""}
	if d := svcStr(r, "MailFromDomain", ""); d != "" {
		mailFrom["MailFromDomain"], mailFrom["MailFromDomainStatus"] = d, "SUCCESS"
	}
	policies := map[string]string{}
	if p := svcStr(r, "Policy", ""); p != "" {
		policies["send-from-app"] = p
	}
	out := map[string]any{
		"IdentityType":             sesIdentityType(r),
		"FeedbackForwardingStatus": true,
		"VerifiedForSendingStatus": verified,
		"DkimAttributes":           dkim,
		"MailFromAttributes":       mailFrom,
		"Policies":                 policies,
		"Tags":                     sesTags(r),
		"VerificationStatus":       status,
	}
	info := map[string]any{"LastCheckedTimestamp": float64(created.Add(time.Hour).Unix())}
	if verified {
		info["LastSuccessTimestamp"] = float64(created.Add(time.Hour).Unix())
	} else if status == "FAILED" {
		info["ErrorType"] = "HOST_NOT_FOUND"
	}
	if sesIdentityType(r) == "DOMAIN" {
		info["SOARecord"] = map[string]any{"PrimaryNameServer": "ns-1.awsdns-01.org", "AdminEmail": "awsdns-hostmaster.amazon.com",
			"SerialNumber": int64(1 + svcHash(r.ID)%1000)}
	}
	out["VerificationInfo"] = info
	if cs := svcStr(r, "ConfigurationSetName", ""); cs != "" {
		out["ConfigurationSetName"] = cs
	}
	return out
}

func sesConfigurationSet(c *Call, r *Resource) map[string]any {
	out := map[string]any{
		"ConfigurationSetName": r.ID,
		"DeliveryOptions":      map[string]any{"TlsPolicy": svcStr(r, "TlsPolicy", "OPTIONAL")},
		"ReputationOptions":    map[string]any{"ReputationMetricsEnabled": svcBool(r, "ReputationMetrics", false)},
		"SendingOptions":       map[string]any{"SendingEnabled": svcBool(r, "SendingEnabled", true)},
		"Tags":                 sesTags(r),
	}
	if p := svcStr(r, "SendingPoolName", ""); p != "" {
		out["DeliveryOptions"].(map[string]any)["SendingPoolName"] = p
	}
	if d := svcStr(r, "CustomRedirectDomain", ""); d != "" {
		out["TrackingOptions"] = map[string]any{"CustomRedirectDomain": d, "HttpsPolicy": "REQUIRE"}
	}
	if reasons := svcStrings(r, "SuppressedReasons", nil); reasons != nil {
		out["SuppressionOptions"] = map[string]any{"SuppressedReasons": reasons}
	}
	if svcBool(r, "Vdm", false) {
		out["VdmOptions"] = map[string]any{"DashboardOptions": map[string]any{"EngagementMetrics": "ENABLED"},
			"GuardianOptions": map[string]any{"OptimizedSharedDelivery": "ENABLED"}}
	}
	if a := svcStr(r, "ArchiveArn", ""); a != "" {
		out["ArchivingOptions"] = map[string]any{"ArchiveArn": a}
	}
	return out
}

// genSES generates configuration sets and identities (some using a set) in
// the regions SES serves, each kind from a side stream.
func (g *generator) genSES(a *Account, region string) {
	if !sesRegions[region] || g.spec.ResourcesPerKind <= 0 {
		return
	}
	rng := g.sideRNG(a, region, KindSESConfigurationSet)
	var sets []*Resource
	for i, n := 0, g.sideCount(rng); i < n; i++ {
		name := fmt.Sprintf("%s-%s-%d", genTeams[rng.IntN(len(genTeams))], []string{"transactional", "marketing", "alerts"}[rng.IntN(3)], i+1)
		attrs := map[string]any{
			"TlsPolicy":         []string{"OPTIONAL", "REQUIRE"}[rng.IntN(2)],
			"ReputationMetrics": rng.IntN(2) == 0,
			"SendingEnabled":    rng.IntN(6) != 0,
		}
		if rng.IntN(2) == 0 {
			attrs["CustomRedirectDomain"] = "click." + a.Tags["env"] + ".example.com"
		}
		if rng.IntN(2) == 0 {
			attrs["SuppressedReasons"] = [][]string{{"BOUNCE"}, {"BOUNCE", "COMPLAINT"}}[rng.IntN(2)]
		}
		if rng.IntN(3) == 0 {
			attrs["Vdm"] = true
		}
		if rng.IntN(3) == 0 {
			attrs["SendingPoolName"] = genTeams[rng.IntN(len(genTeams))] + "-dedicated"
		}
		if rng.IntN(4) == 0 {
			attrs["ArchiveArn"] = fmt.Sprintf("arn:%s:ses:%s:%s:mailmanager-archive/a-%s", g.spec.Partition, region, a.ID, svcHex(17, a.ID, region, name))
		}
		tags := sideTags(rng, a, 3)
		sets = append(sets, &Resource{ID: name, Name: name, ARN: g.arn("ses", region, a.ID, "configuration-set/"+name),
			CreatedAt: a.JoinedAt.Add(time.Duration(rng.Int64N(400*24*3600)) * time.Second), Tags: tags, Attributes: attrs})
	}
	sort.SliceStable(sets, func(i, j int) bool { return sets[i].ID < sets[j].ID })
	if len(sets) > 0 {
		setKey := ResourceKey{Region: region, Kind: KindSESConfigurationSet}
		a.Resources[setKey] = append(a.Resources[setKey], sets...)
	}

	rng = g.sideRNG(a, region, KindSESEmailIdentity)
	var ids []*Resource
	domain := strings.ToLower(strings.ReplaceAll(a.Name, " ", "-")) + ".example.com"
	for i, n := 0, g.sideCount(rng); i < n; i++ {
		name := fmt.Sprintf("%s-%d.%s", genWords[rng.IntN(len(genWords))], i+1, domain)
		attrs := map[string]any{"IdentityType": "DOMAIN"}
		if rng.IntN(3) == 0 {
			name = fmt.Sprintf("%s-%d@%s", []string{"noreply", "alerts", "billing", "support"}[rng.IntN(4)], i+1, domain)
			attrs["IdentityType"] = "EMAIL_ADDRESS"
		}
		attrs["VerificationStatus"] = []string{"SUCCESS", "SUCCESS", "SUCCESS", "PENDING", "FAILED"}[rng.IntN(5)]
		attrs["SendingEnabled"] = rng.IntN(8) != 0
		attrs["DkimEnabled"] = rng.IntN(4) != 0
		if len(sets) > 0 && rng.IntN(2) == 0 {
			attrs["ConfigurationSetName"] = sets[rng.IntN(len(sets))].ID
		}
		if attrs["IdentityType"] == "DOMAIN" && rng.IntN(3) == 0 {
			attrs["MailFromDomain"] = "mail." + name
		}
		if rng.IntN(4) == 0 {
			attrs["Policy"] = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:` + g.spec.Partition +
				`:iam::` + a.ID + `:root"},"Action":["ses:SendEmail","ses:SendRawEmail"],"Resource":"*"}]}`
		}
		tags := sideTags(rng, a, 3)
		ids = append(ids, &Resource{ID: name, Name: name, ARN: g.arn("ses", region, a.ID, "identity/"+name),
			CreatedAt: a.JoinedAt.Add(time.Duration(rng.Int64N(400*24*3600)) * time.Second), Tags: tags, Attributes: attrs})
	}
	sort.SliceStable(ids, func(i, j int) bool { return ids[i].ID < ids[j].ID })
	if len(ids) > 0 {
		idKey := ResourceKey{Region: region, Kind: KindSESEmailIdentity}
		a.Resources[idKey] = append(a.Resources[idKey], ids...)
	}
}
