package awsemu

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Cloud Control API speaks awsJson1_0: POST / with X-Amz-Target
// "CloudApiService.<Op>", signing name "cloudcontrolapi". Served:
// ListResources (MaxResults 1–100, NextToken) and GetResource, for the types
// in ccTypes. Resources are stored under ResourceKey{Region, Kind: type name}
// with ID = the primary identifier and Attributes["Properties"] = the whole
// resource model (map); ListResources returns only the primary identifier's
// properties for types whose list handler does so in AWS.
//
// AWS's answers kept: a type nobody registered is TypeNotFoundException; a
// type whose list handler needs a parent's identifier (e.g. an API Gateway
// resource needs its RestApiId) is InvalidRequestException naming the
// property; an unknown identifier is ResourceNotFoundException.

const ccTargetPrefix = "CloudApiService."

// Cloud Control types the emulator generates resources for.
const (
	KindCCLogGroup = "AWS::Logs::LogGroup"
	KindCCSecret   = "AWS::SecretsManager::Secret"
)

// ccType is what the emulator knows of a registered type.
type ccType struct {
	// listKeys, when set, are the only properties ListResources returns
	// (the primary identifier); GetResource returns them all.
	listKeys []string
	// needsInput names the property the list handler requires in the
	// ResourceModel; listing such a type without it is refused.
	needsInput string
}

var ccTypes = map[string]ccType{
	KindCCLogGroup:              {},
	KindCCSecret:                {listKeys: []string{"Id"}},
	"AWS::ApiGateway::Resource": {needsInput: "RestApiId"},
	"AWS::ECS::TaskSet":         {needsInput: "Cluster"},
	"AWS::KMS::Alias":           {},
	"AWS::SSM::Parameter":       {},
}

type cloudControlService struct{}

func init() { Register(cloudControlService{}) }

func (cloudControlService) SigningName() string { return "cloudcontrolapi" }
func (cloudControlService) Protocol() Protocol  { return ProtocolJSON10 }
func (cloudControlService) ThrottleCode() (string, int) {
	return "ThrottlingException", http.StatusBadRequest
}

func (cloudControlService) Operation(r *http.Request, _ []byte) (string, bool) {
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), ccTargetPrefix)
	if !ok {
		return "", false
	}
	switch op {
	case "ListResources", "GetResource":
		return op, true
	}
	return op, false
}

func (cloudControlService) Serve(c *Call) {
	if svcRegionDisabled(c) {
		c.Error(http.StatusBadRequest, "UnrecognizedClientException", "The security token included in the request is invalid.")
		return
	}
	switch c.Op {
	case "ListResources":
		ccListResources(c)
	case "GetResource":
		ccGetResource(c)
	}
}

// ccKnownType answers TypeNotFoundException for a type nobody registered.
func ccKnownType(c *Call, typeName string) (ccType, bool) {
	if typeName == "" {
		c.Error(http.StatusBadRequest, "ValidationException", "1 validation error detected: Value null at 'typeName' failed to satisfy constraint: Member must not be null")
		return ccType{}, false
	}
	t, ok := ccTypes[typeName]
	if !ok {
		c.Error(http.StatusBadRequest, "TypeNotFoundException", fmt.Sprintf("The type '%s' cannot be found.", typeName))
	}
	return t, ok
}

type ccDescription struct {
	Identifier string `json:"Identifier"`
	Properties string `json:"Properties"`
}

// ccProperties is the resource model as Cloud Control's JSON string, cut to
// keys when given.
func ccProperties(r *Resource, keys []string) string {
	model, _ := r.Attributes["Properties"].(map[string]any)
	if len(keys) > 0 {
		cut := map[string]any{}
		for _, k := range keys {
			if v, ok := model[k]; ok {
				cut[k] = v
			}
		}
		model = cut
	}
	b, _ := json.Marshal(model)
	return string(b)
}

func ccResources(c *Call, typeName string) []*Resource {
	list := append([]*Resource(nil), svcResources(c, typeName)...)
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	return list
}

func ccListResources(c *Call) {
	var in struct {
		TypeName      string
		MaxResults    *int
		NextToken     string
		ResourceModel string
	}
	if !svcDecodeJSON(c, &in) {
		return
	}
	t, ok := ccKnownType(c, in.TypeName)
	if !ok {
		return
	}
	if t.needsInput != "" {
		var model map[string]any
		_ = json.Unmarshal([]byte(in.ResourceModel), &model)
		if model[t.needsInput] == nil {
			c.Error(http.StatusBadRequest, "InvalidRequestException", fmt.Sprintf(
				"Missing Or Invalid ResourceModel property in %s list handler request input. Required property:  [%s]", in.TypeName, t.needsInput))
			return
		}
	}
	size := 100
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 100 {
			c.Error(http.StatusBadRequest, "ValidationException", "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100")
			return
		}
		size = *in.MaxResults
	}
	start := 0
	if in.NextToken != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(in.NextToken, "cc-"))
		if err != nil || n < 0 {
			c.Error(http.StatusBadRequest, "InvalidRequestException", "Invalid NextToken")
			return
		}
		start = n
	}
	all := ccResources(c, in.TypeName)
	start = min(start, len(all))
	end := min(start+size, len(all))
	out := struct {
		TypeName             string          `json:"TypeName"`
		ResourceDescriptions []ccDescription `json:"ResourceDescriptions"`
		NextToken            string          `json:"NextToken,omitempty"`
	}{TypeName: in.TypeName, ResourceDescriptions: []ccDescription{}}
	for _, r := range all[start:end] {
		out.ResourceDescriptions = append(out.ResourceDescriptions, ccDescription{Identifier: r.ID, Properties: ccProperties(r, t.listKeys)})
	}
	if end < len(all) {
		out.NextToken = "cc-" + strconv.Itoa(end)
	}
	c.JSON(out)
}

func ccGetResource(c *Call) {
	var in struct{ TypeName, Identifier string }
	if !svcDecodeJSON(c, &in) {
		return
	}
	if _, ok := ccKnownType(c, in.TypeName); !ok {
		return
	}
	for _, r := range svcResources(c, in.TypeName) {
		if r.ID == in.Identifier {
			c.JSON(struct {
				TypeName            string        `json:"TypeName"`
				ResourceDescription ccDescription `json:"ResourceDescription"`
			}{in.TypeName, ccDescription{Identifier: r.ID, Properties: ccProperties(r, nil)}})
			return
		}
	}
	c.Error(http.StatusBadRequest, "ResourceNotFoundException", fmt.Sprintf(
		"%s Handler returned status FAILED: Resource of type '%s' with identifier '%s' was not found.", in.TypeName, in.TypeName, in.Identifier))
}

// genCloudControl gives each account and region log groups and secrets, read
// only through Cloud Control.
func (g *generator) genCloudControl(a *Account, region string) {
	rng := g.sideRNG(a, region, KindCCLogGroup)
	for i, n := 0, g.sideCount(rng); i < n; i++ {
		name := fmt.Sprintf("/%s/%s-%d", genTeams[rng.IntN(len(genTeams))], genWords[rng.IntN(len(genWords))], i+1)
		arn := g.arn("logs", region, a.ID, "log-group:"+name+":*")
		model := map[string]any{"LogGroupName": name, "Arn": arn, "LogGroupClass": "STANDARD"}
		if rng.IntN(3) > 0 {
			model["RetentionInDays"] = []int{7, 14, 30, 90, 365}[rng.IntN(5)]
		}
		if rng.IntN(2) == 0 {
			model["Tags"] = []any{map[string]any{"Key": "team", "Value": genTeams[rng.IntN(len(genTeams))]}}
		}
		key := ResourceKey{Region: region, Kind: KindCCLogGroup}
		a.Resources[key] = append(a.Resources[key], &Resource{ID: name, Name: name, ARN: arn,
			CreatedAt: a.JoinedAt.Add(time.Duration(rng.IntN(400*24)) * time.Hour), Attributes: map[string]any{"Properties": model}})
	}
	rng = g.sideRNG(a, region, KindCCSecret)
	for i, n := 0, g.sideCount(rng); i < n; i++ {
		name := fmt.Sprintf("%s/%s-%d", genTeams[rng.IntN(len(genTeams))], genWords[rng.IntN(len(genWords))], i+1)
		arn := g.arn("secretsmanager", region, a.ID, "secret:"+name+"-"+svcHex(6, a.ID, region, name))
		model := map[string]any{"Id": arn, "Name": name, "Description": "credentials for " + name}
		if rng.IntN(2) == 0 {
			model["KmsKeyId"] = g.arn("kms", region, a.ID, "key/"+svcUUID(a.ID, region, name))
		}
		key := ResourceKey{Region: region, Kind: KindCCSecret}
		a.Resources[key] = append(a.Resources[key], &Resource{ID: arn, Name: name, ARN: arn,
			CreatedAt: a.JoinedAt.Add(time.Duration(rng.IntN(400*24)) * time.Hour), Attributes: map[string]any{"Properties": model}})
	}
}
