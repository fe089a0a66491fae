package awsemu

import (
	"fmt"
	"net/http"
	"sort"
)

// AWS Account management API (REST JSON): ListRegions and GetRegionOptStatus.

type accountService struct{}

func init() { Register(accountService{}) }

func (accountService) SigningName() string { return "account" }
func (accountService) Protocol() Protocol  { return ProtocolRESTJSON }
func (accountService) ThrottleCode() (string, int) {
	return "TooManyRequestsException", http.StatusTooManyRequests
}

func (accountService) Operation(r *http.Request, _ []byte) (string, bool) {
	if r.Method != http.MethodPost {
		return "", false
	}
	switch r.URL.Path {
	case "/listRegions":
		return "ListRegions", true
	case "/getRegionOptStatus":
		return "GetRegionOptStatus", true
	}
	return "", false
}

func (accountService) Serve(c *Call) {
	switch c.Op {
	case "ListRegions":
		accountListRegions(c)
	case "GetRegionOptStatus":
		accountGetRegionOptStatus(c)
	}
}

// accountTarget resolves the AccountId parameter: the caller's own account, or
// (from the management account) a member account.
func accountTarget(c *Call, accountID string) (*Account, bool) {
	if accountID == "" || accountID == c.AccountID {
		if a := c.Account(); a != nil {
			return a, true
		}
	} else if c.AccountID == c.Org.ManagementAccountID || c.Org.DelegatedAdmins[c.AccountID] {
		if a := c.Org.Accounts[accountID]; a != nil {
			return a, true
		}
	}
	c.Error(http.StatusForbidden, "AccessDeniedException",
		fmt.Sprintf("User: %s is not authorized to perform: account:%s", c.Principal, c.Op))
	return nil, false
}

var regionOptStatuses = map[string]bool{
	"ENABLED": true, "ENABLING": true, "DISABLING": true, "DISABLED": true, "ENABLED_BY_DEFAULT": true,
}

func accountListRegions(c *Call) {
	var in struct {
		AccountID               string   `json:"AccountId"`
		MaxResults              *int     `json:"MaxResults"`
		NextToken               string   `json:"NextToken"`
		RegionOptStatusContains []string `json:"RegionOptStatusContains"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		c.Error(http.StatusBadRequest, "ValidationException", "Invalid request body")
		return
	}
	if in.MaxResults != nil && (*in.MaxResults < 1 || *in.MaxResults > 50) {
		c.Error(http.StatusBadRequest, "ValidationException",
			fmt.Sprintf("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 50", *in.MaxResults))
		return
	}
	want := map[string]bool{}
	for _, s := range in.RegionOptStatusContains {
		if !regionOptStatuses[s] {
			c.Error(http.StatusBadRequest, "ValidationException",
				fmt.Sprintf("1 validation error detected: Value '[%s]' at 'regionOptStatusContains' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, ENABLING, DISABLING, DISABLED, ENABLED_BY_DEFAULT]", s))
			return
		}
		want[s] = true
	}
	acct, ok := accountTarget(c, in.AccountID)
	if !ok {
		return
	}
	names := make([]string, 0, len(acct.Regions))
	for name, st := range acct.Regions {
		if len(want) == 0 || want[string(st)] {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	size := 0
	if in.MaxResults != nil {
		size = *in.MaxResults
	}
	start, end, next, err := Page(len(names), in.NextToken, size, 50)
	if err != nil {
		c.Error(http.StatusBadRequest, "ValidationException", "The specified pagination token is invalid.")
		return
	}
	regions := make([]map[string]string, 0, end-start)
	for _, n := range names[start:end] {
		regions = append(regions, map[string]string{"RegionName": n, "RegionOptStatus": string(acct.Regions[n])})
	}
	c.JSON(withNextToken(map[string]any{"Regions": regions}, next))
}

func accountGetRegionOptStatus(c *Call) {
	var in struct {
		AccountID  string `json:"AccountId"`
		RegionName string `json:"RegionName"`
	}
	if err := c.DecodeJSON(&in); err != nil || in.RegionName == "" {
		c.Error(http.StatusBadRequest, "ValidationException", "1 validation error detected: Value null at 'regionName' failed to satisfy constraint: Member must not be null")
		return
	}
	acct, ok := accountTarget(c, in.AccountID)
	if !ok {
		return
	}
	st, known := acct.Regions[in.RegionName]
	if !known {
		c.Error(http.StatusBadRequest, "ValidationException", "Invalid region name: "+in.RegionName)
		return
	}
	c.JSON(map[string]string{"RegionName": in.RegionName, "RegionOptStatus": string(st)})
}
