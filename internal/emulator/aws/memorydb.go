package awsemu

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// MemoryDB speaks Smithy rpcv2Cbor, the protocol aws-sdk-go-v2's memorydb
// client (v1.43+) prefers over awsJson1_1: POST
// /service/AmazonMemoryDB/operation/<Op> with header Smithy-Protocol:
// rpc-v2-cbor, CBOR maps with PascalCase members both ways, errors as a CBOR
// map {"__type","message"} (cbor.go). DescribeUsers pages with MaxResults
// and NextToken.
//
// Resource attributes read (absent ones default as noted in the code):
//
//	AWS::MemoryDB::User  ID = Name = user name, ARN arn:P:memorydb:R:A:user/NAME;
//	  AccessString, AuthenticationType ("password"|"iam"|"no-password"),
//	  Status, MinimumEngineVersion strings; ACLNames []string; PasswordCount int

// KindMemoryDBUser is MemoryDB's user kind.
const KindMemoryDBUser = "AWS::MemoryDB::User"

const memorydbPathPrefix = "/service/AmazonMemoryDB/operation/"

type memorydbService struct{}

func init() { Register(memorydbService{}) }

func (memorydbService) SigningName() string { return "memorydb" }
func (memorydbService) Protocol() Protocol  { return ProtocolRPCv2CBOR }
func (memorydbService) ThrottleCode() (string, int) {
	return "ThrottlingException", http.StatusBadRequest
}

func (memorydbService) Operation(r *http.Request, _ []byte) (string, bool) {
	op, ok := strings.CutPrefix(r.URL.Path, memorydbPathPrefix)
	if !ok {
		return "", false
	}
	switch op {
	case "DescribeUsers", "ListTags":
		return op, true
	}
	return op, false
}

func (memorydbService) Serve(c *Call) {
	if svcRegionDisabled(c) {
		c.Error(http.StatusBadRequest, "UnrecognizedClientException", "The security token included in the request is invalid.")
		return
	}
	in, err := cborDecode(c.Body)
	if err != nil {
		c.Error(http.StatusBadRequest, "SerializationException", "Unable to decode the CBOR request body: "+err.Error())
		return
	}
	switch c.Op {
	case "DescribeUsers":
		memorydbDescribeUsers(c, in)
	case "ListTags":
		memorydbListTags(c, in)
	}
}

func memorydbARN(c *Call, r *Resource) string {
	if r.ARN != "" {
		return r.ARN
	}
	return "arn:" + svcPartition(c) + ":memorydb:" + c.Region + ":" + c.AccountID + ":user/" + r.ID
}

func memorydbInvalid(c *Call, msg string) {
	c.Error(http.StatusBadRequest, "InvalidParameterValueException", msg)
}

func memorydbUser(c *Call, r *Resource) map[string]any {
	auth := map[string]any{"Type": svcStr(r, "AuthenticationType", "password")}
	if auth["Type"] == "password" {
		auth["PasswordCount"] = svcInt(r, "PasswordCount", 1)
	}
	return map[string]any{
		"Name":                 r.ID,
		"Status":               svcStr(r, "Status", "active"),
		"AccessString":         svcStr(r, "AccessString", "on ~* &* +@all"),
		"ACLNames":             svcStrings(r, "ACLNames", []string{}),
		"MinimumEngineVersion": svcStr(r, "MinimumEngineVersion", "6.2"),
		"Authentication":       auth,
		"ARN":                  memorydbARN(c, r),
	}
}

func memorydbDescribeUsers(c *Call, in map[string]any) {
	users := svcResources(c, KindMemoryDBUser)
	if name, _ := in["UserName"].(string); name != "" {
		var one []*Resource
		for _, r := range users {
			if r.ID == name {
				one = append(one, r)
			}
		}
		if len(one) == 0 {
			c.Error(http.StatusBadRequest, "UserNotFoundFault", "User "+name+" not found")
			return
		}
		users = one
	}
	// Filters: only "access-string" exists in the API.
	if filters, _ := in["Filters"].([]any); len(filters) > 0 {
		var kept []*Resource
		for _, r := range users {
			ok := true
			for _, f := range filters {
				fm, _ := f.(map[string]any)
				if fm["Name"] != "access-string" {
					memorydbInvalid(c, fmt.Sprintf("Invalid filter name: %v", fm["Name"]))
					return
				}
				match := false
				vals, _ := fm["Values"].([]any)
				for _, v := range vals {
					match = match || v == svcStr(r, "AccessString", "on ~* &* +@all")
				}
				ok = ok && match
			}
			if ok {
				kept = append(kept, r)
			}
		}
		users = kept
	}
	size := 0
	if n, ok := in["MaxResults"].(int64); ok {
		if n < 1 || n > 100 {
			memorydbInvalid(c, "MaxResults must be between 1 and 100")
			return
		}
		size = int(n)
	}
	token, _ := in["NextToken"].(string)
	start, end, next, err := Page(len(users), token, size, 100)
	if err != nil {
		c.Error(http.StatusBadRequest, "InvalidParameterValueException", "Invalid NextToken")
		return
	}
	list := []any{}
	for _, r := range users[start:end] {
		list = append(list, memorydbUser(c, r))
	}
	out := map[string]any{"Users": list}
	if next != "" {
		out["NextToken"] = next
	}
	c.CBOR(out)
}

func memorydbListTags(c *Call, in map[string]any) {
	arn, _ := in["ResourceArn"].(string)
	if !strings.HasPrefix(arn, "arn:") || !strings.Contains(arn, ":memorydb:") {
		c.Error(http.StatusBadRequest, "InvalidARNFault", "Invalid ARN: "+arn)
		return
	}
	if !strings.Contains(arn, ":user/") {
		// Clusters, ACLs, snapshots… are not emulated.
		c.Error(http.StatusBadRequest, "InvalidARNFault", "Unsupported resource type in ARN: "+arn)
		return
	}
	for _, r := range svcResources(c, KindMemoryDBUser) {
		if memorydbARN(c, r) == arn {
			tags := []any{}
			for _, t := range svcSortedTags(r.Tags) {
				tags = append(tags, map[string]any{"Key": t.Key, "Value": t.Value})
			}
			c.CBOR(map[string]any{"TagList": tags})
			return
		}
	}
	c.Error(http.StatusBadRequest, "UserNotFoundFault", "User "+arn[strings.LastIndex(arn, "/")+1:]+" not found")
}

// genMemoryDB makes the built-in "default" user of every region and a few
// users with passwords or IAM authentication, some untagged, from a side
// stream.
func (g *generator) genMemoryDB(a *Account, region string) {
	rng := g.sideRNG(a, region, KindMemoryDBUser)
	n := g.sideCount(rng)
	if n == 0 {
		return
	}
	created := a.JoinedAt
	users := []*Resource{{ID: "default", Name: "default", ARN: g.arn("memorydb", region, a.ID, "user/default"), CreatedAt: created,
		Tags: map[string]string{}, Attributes: map[string]any{"AuthenticationType": "no-password", "ACLNames": []string{"open-access"}}}}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("%s-%s-%d", genTeams[rng.IntN(len(genTeams))], genWords[rng.IntN(len(genWords))], i+1)
		attrs := map[string]any{
			"AccessString": []string{"on ~* &* +@all", "on ~app:* +@read", "on ~cache:* +@all -@dangerous"}[rng.IntN(3)],
			"ACLNames":     []string{a.Tags["env"] + "-acl"},
		}
		switch rng.IntN(4) {
		case 0:
			attrs["AuthenticationType"] = "iam"
		case 1:
			attrs["PasswordCount"] = int64(2)
		}
		if rng.IntN(5) == 0 {
			attrs["ACLNames"] = []string{}
			attrs["Status"] = "modifying"
		}
		tags := sideTags(rng, a, 3)
		users = append(users, &Resource{ID: name, Name: name, ARN: g.arn("memorydb", region, a.ID, "user/"+name),
			CreatedAt: created.Add(time.Duration(rng.Int64N(400*24*3600)) * time.Second), Tags: tags, Attributes: attrs})
	}
	sort.Slice(users, func(i, j int) bool { return users[i].ID < users[j].ID })
	key := ResourceKey{Region: region, Kind: KindMemoryDBUser}
	a.Resources[key] = append(a.Resources[key], users...)
}
