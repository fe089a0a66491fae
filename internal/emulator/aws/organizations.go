package awsemu

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// AWS Organizations over JSON 1.1. Read APIs only; callable by the management
// account or a delegated administrator (DescribeOrganization by any member).

const orgsTargetPrefix = "AWSOrganizationsV20161128."

// orgsMaxResults is the MaxResults ceiling of every Organizations list call.
const orgsMaxResults = 20

type organizationsService struct{}

func init() { Register(organizationsService{}) }

func (organizationsService) SigningName() string { return "organizations" }
func (organizationsService) Protocol() Protocol  { return ProtocolJSON11 }
func (organizationsService) ThrottleCode() (string, int) {
	return "TooManyRequestsException", http.StatusBadRequest
}

var orgsOperations = map[string]func(*Call){
	"DescribeOrganization":             orgsDescribeOrganization,
	"ListRoots":                        orgsListRoots,
	"ListAccounts":                     orgsListAccounts,
	"ListAccountsForParent":            orgsListAccountsForParent,
	"ListOrganizationalUnitsForParent": orgsListOUsForParent,
	"ListChildren":                     orgsListChildren,
	"ListParents":                      orgsListParents,
	"ListTagsForResource":              orgsListTagsForResource,
}

func (organizationsService) Operation(r *http.Request, _ []byte) (string, bool) {
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), orgsTargetPrefix)
	if !ok {
		return "", false
	}
	_, known := orgsOperations[op]
	return op, known
}

func (organizationsService) Serve(c *Call) {
	acct := c.Account()
	if acct == nil || !acct.InOrg {
		c.Error(http.StatusBadRequest, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
		return
	}
	// Any member may describe its organization; everything else needs the
	// management account or a delegated administrator.
	if c.Op != "DescribeOrganization" && c.AccountID != c.Org.ManagementAccountID && !c.Org.DelegatedAdmins[c.AccountID] {
		c.Error(http.StatusBadRequest, "AccessDeniedException", "You don't have permissions to access this resource.")
		return
	}
	orgsOperations[c.Op](c)
}

// orgsListInput is the common shape of list requests.
type orgsListInput struct {
	NextToken  string `json:"NextToken"`
	MaxResults *int   `json:"MaxResults"`
	ParentID   string `json:"ParentId"`
	ChildID    string `json:"ChildId"`
	ChildType  string `json:"ChildType"`
	ResourceID string `json:"ResourceId"`
}

// orgsInput decodes the body and validates MaxResults.
func orgsInput(c *Call) (orgsListInput, bool) {
	var in orgsListInput
	if err := c.DecodeJSON(&in); err != nil {
		c.Error(http.StatusBadRequest, "SerializationException", "Start of structure or map found where not expected.")
		return in, false
	}
	if in.MaxResults != nil && (*in.MaxResults < 1 || *in.MaxResults > orgsMaxResults) {
		c.Error(http.StatusBadRequest, "InvalidInputException",
			fmt.Sprintf("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and %d", *in.MaxResults, orgsMaxResults))
		return in, false
	}
	return in, true
}

// orgsPage windows n items, answering a bad token with InvalidInputException.
func orgsPage(c *Call, in orgsListInput, n int) (start, end int, next string, ok bool) {
	size := 0
	if in.MaxResults != nil {
		size = *in.MaxResults
	}
	start, end, next, err := Page(n, in.NextToken, size, orgsMaxResults)
	if err != nil {
		c.Error(http.StatusBadRequest, "InvalidInputException", "You specified an invalid value for nextToken. You must get the value from the response to a previous call to the API.")
		return 0, 0, "", false
	}
	return start, end, next, true
}

type orgsAccountJSON struct {
	ID              string  `json:"Id"`
	Arn             string  `json:"Arn"`
	Email           string  `json:"Email"`
	Name            string  `json:"Name"`
	Status          string  `json:"Status"`
	State           string  `json:"State"`
	JoinedMethod    string  `json:"JoinedMethod"`
	JoinedTimestamp float64 `json:"JoinedTimestamp"`
}

func orgsAccount(org *Org, a *Account) orgsAccountJSON {
	method := "CREATED"
	if a.ID == org.ManagementAccountID {
		method = "INVITED"
	}
	return orgsAccountJSON{
		ID: a.ID, Arn: org.AccountARN(a.ID), Email: a.Email, Name: a.Name,
		Status: a.State, State: a.State, JoinedMethod: method,
		JoinedTimestamp: float64(a.JoinedAt.UnixMilli()) / 1000,
	}
}

func orgsRootARN(org *Org) string {
	return "arn:" + org.partition() + ":organizations::" + org.ManagementAccountID + ":root/" + org.ID + "/" + org.RootID
}

func orgsOUARN(org *Org, id string) string {
	return "arn:" + org.partition() + ":organizations::" + org.ManagementAccountID + ":ou/" + org.ID + "/" + id
}

// orgsOUPath is "o-…/r-…/ou-…/…/" from the root down to the OU.
func orgsOUPath(org *Org, ou *OU) string {
	chain := []string{ou.ID}
	for p := ou.ParentID; p != org.RootID; {
		parent := org.OUs[p]
		if parent == nil || len(chain) > 10 {
			break
		}
		chain = append(chain, parent.ID)
		p = parent.ParentID
	}
	var b strings.Builder
	b.WriteString(org.ID + "/" + org.RootID + "/")
	for i := len(chain) - 1; i >= 0; i-- {
		b.WriteString(chain[i] + "/")
	}
	return b.String()
}

func orgsDescribeOrganization(c *Call) {
	org := c.Org
	mgmtEmail := ""
	if m := org.Accounts[org.ManagementAccountID]; m != nil {
		mgmtEmail = m.Email
	}
	c.JSON(map[string]any{"Organization": map[string]any{
		"Id":                 org.ID,
		"Arn":                "arn:" + org.partition() + ":organizations::" + org.ManagementAccountID + ":organization/" + org.ID,
		"FeatureSet":         "ALL",
		"MasterAccountArn":   org.AccountARN(org.ManagementAccountID),
		"MasterAccountId":    org.ManagementAccountID,
		"MasterAccountEmail": mgmtEmail,
		"AvailablePolicyTypes": []map[string]string{
			{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"},
		},
	}})
}

func orgsListRoots(c *Call) {
	in, ok := orgsInput(c)
	if !ok {
		return
	}
	start, end, next, ok := orgsPage(c, in, 1)
	if !ok {
		return
	}
	roots := []map[string]any{{
		"Id": c.Org.RootID, "Arn": orgsRootARN(c.Org), "Name": "Root",
		"PolicyTypes": []map[string]string{{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}},
	}}
	c.JSON(withNextToken(map[string]any{"Roots": roots[start:end]}, next))
}

func withNextToken(m map[string]any, next string) map[string]any {
	if next != "" {
		m["NextToken"] = next
	}
	return m
}

func orgsListAccounts(c *Call) {
	in, ok := orgsInput(c)
	if !ok {
		return
	}
	accounts := c.Org.OrderedAccounts()
	start, end, next, ok := orgsPage(c, in, len(accounts))
	if !ok {
		return
	}
	out := make([]orgsAccountJSON, 0, end-start)
	for _, a := range accounts[start:end] {
		out = append(out, orgsAccount(c.Org, a))
	}
	c.JSON(withNextToken(map[string]any{"Accounts": out}, next))
}

// orgsParentExists answers ParentNotFoundException for an unknown root/OU id.
func orgsParentExists(c *Call, id string) bool {
	if id == "" {
		c.Error(http.StatusBadRequest, "InvalidInputException", "1 validation error detected: Value null at 'parentId' failed to satisfy constraint: Member must not be null")
		return false
	}
	if id == c.Org.RootID || c.Org.OUs[id] != nil {
		return true
	}
	c.Error(http.StatusBadRequest, "ParentNotFoundException", "We can't find a root or OU with the ParentId that you specified.")
	return false
}

func accountsUnder(org *Org, parent string) []*Account {
	var out []*Account
	for _, a := range org.OrderedAccounts() {
		if a.ParentID == parent {
			out = append(out, a)
		}
	}
	return out
}

func ousUnder(org *Org, parent string) []*OU {
	var out []*OU
	for _, ou := range org.OUs {
		if ou.ParentID == parent {
			out = append(out, ou)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func orgsListAccountsForParent(c *Call) {
	in, ok := orgsInput(c)
	if !ok || !orgsParentExists(c, in.ParentID) {
		return
	}
	accounts := accountsUnder(c.Org, in.ParentID)
	start, end, next, ok := orgsPage(c, in, len(accounts))
	if !ok {
		return
	}
	out := make([]orgsAccountJSON, 0, end-start)
	for _, a := range accounts[start:end] {
		out = append(out, orgsAccount(c.Org, a))
	}
	c.JSON(withNextToken(map[string]any{"Accounts": out}, next))
}

func orgsListOUsForParent(c *Call) {
	in, ok := orgsInput(c)
	if !ok || !orgsParentExists(c, in.ParentID) {
		return
	}
	ous := ousUnder(c.Org, in.ParentID)
	start, end, next, ok := orgsPage(c, in, len(ous))
	if !ok {
		return
	}
	out := make([]map[string]string, 0, end-start)
	for _, ou := range ous[start:end] {
		out = append(out, map[string]string{
			"Id": ou.ID, "Arn": orgsOUARN(c.Org, ou.ID), "Name": ou.Name, "Path": orgsOUPath(c.Org, ou),
		})
	}
	c.JSON(withNextToken(map[string]any{"OrganizationalUnits": out}, next))
}

func orgsListChildren(c *Call) {
	in, ok := orgsInput(c)
	if !ok || !orgsParentExists(c, in.ParentID) {
		return
	}
	var ids []string
	switch in.ChildType {
	case "ACCOUNT":
		for _, a := range accountsUnder(c.Org, in.ParentID) {
			ids = append(ids, a.ID)
		}
	case "ORGANIZATIONAL_UNIT":
		for _, ou := range ousUnder(c.Org, in.ParentID) {
			ids = append(ids, ou.ID)
		}
	default:
		c.Error(http.StatusBadRequest, "InvalidInputException",
			fmt.Sprintf("1 validation error detected: Value '%s' at 'childType' failed to satisfy constraint: Member must satisfy enum value set: [ACCOUNT, ORGANIZATIONAL_UNIT]", in.ChildType))
		return
	}
	start, end, next, ok := orgsPage(c, in, len(ids))
	if !ok {
		return
	}
	out := make([]map[string]string, 0, end-start)
	for _, id := range ids[start:end] {
		out = append(out, map[string]string{"Id": id, "Type": in.ChildType})
	}
	c.JSON(withNextToken(map[string]any{"Children": out}, next))
}

func orgsListParents(c *Call) {
	in, ok := orgsInput(c)
	if !ok {
		return
	}
	var parent string
	if a := c.Org.Accounts[in.ChildID]; a != nil {
		parent = a.ParentID
	} else if ou := c.Org.OUs[in.ChildID]; ou != nil {
		parent = ou.ParentID
	} else {
		c.Error(http.StatusBadRequest, "ChildNotFoundException", "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.")
		return
	}
	start, end, next, ok := orgsPage(c, in, 1)
	if !ok {
		return
	}
	typ := "ORGANIZATIONAL_UNIT"
	if parent == c.Org.RootID {
		typ = "ROOT"
	}
	parents := []map[string]string{{"Id": parent, "Type": typ}}
	c.JSON(withNextToken(map[string]any{"Parents": parents[start:end]}, next))
}

func orgsListTagsForResource(c *Call) {
	in, ok := orgsInput(c)
	if !ok {
		return
	}
	var tags map[string]string
	switch {
	case c.Org.Accounts[in.ResourceID] != nil:
		tags = c.Org.Accounts[in.ResourceID].Tags
	case c.Org.OUs[in.ResourceID] != nil:
		tags = c.Org.OUs[in.ResourceID].Tags
	case in.ResourceID == c.Org.RootID:
		tags = map[string]string{}
	default:
		c.Error(http.StatusBadRequest, "TargetNotFoundException", "We can't find a resource with the ResourceId that you specified.")
		return
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	start, end, next, ok := orgsPage(c, in, len(keys))
	if !ok {
		return
	}
	out := make([]map[string]string, 0, end-start)
	for _, k := range keys[start:end] {
		out = append(out, map[string]string{"Key": k, "Value": tags[k]})
	}
	c.JSON(withNextToken(map[string]any{"Tags": out}, next))
}
