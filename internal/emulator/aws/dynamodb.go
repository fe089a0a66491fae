package awsemu

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// DynamoDB speaks awsJson1_0: POST / with X-Amz-Target
// "DynamoDB_20120810.<Op>", PascalCase JSON members, epoch-second timestamps,
// errors as {"__type","message"}. Served: ListTables (ExclusiveStartTableName /
// Limit paging, at most 100 names a page), DescribeTable, ListTagsOfResource
// and DescribeContinuousBackups.
//
// Resource attributes read (absent ones default as noted in the code):
//
//	AWS::DynamoDB::Table  ID = table name; TableId string, TableStatus string,
//	  BillingMode string ("PAY_PER_REQUEST"|"PROVISIONED"), ReadCapacityUnits,
//	  WriteCapacityUnits, ItemCount, TableSizeBytes int64, HashKey string,
//	  DeletionProtectionEnabled bool, PointInTimeRecovery bool

const dynamodbTargetPrefix = "DynamoDB_20120810."

type dynamodbService struct{}

func init() { Register(dynamodbService{}) }

func (dynamodbService) SigningName() string { return "dynamodb" }
func (dynamodbService) Protocol() Protocol  { return ProtocolJSON10 }
func (dynamodbService) ThrottleCode() (string, int) {
	return "ThrottlingException", http.StatusBadRequest
}

func (dynamodbService) Operation(r *http.Request, _ []byte) (string, bool) {
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), dynamodbTargetPrefix)
	if !ok {
		return "", false
	}
	switch op {
	case "ListTables", "DescribeTable", "ListTagsOfResource", "DescribeContinuousBackups":
		return op, true
	}
	return op, false
}

func (dynamodbService) Serve(c *Call) {
	if svcRegionDisabled(c) {
		c.Error(http.StatusBadRequest, "UnrecognizedClientException", "The security token included in the request is invalid.")
		return
	}
	switch c.Op {
	case "ListTables":
		dynamodbListTables(c)
	case "DescribeTable":
		dynamodbDescribeTable(c)
	case "ListTagsOfResource":
		dynamodbListTags(c)
	case "DescribeContinuousBackups":
		dynamodbDescribeBackups(c)
	}
}

// dynamodbError answers with DynamoDB's namespaced __type, which the SDK
// reduces to the part after '#'.
func dynamodbError(c *Call, code, msg string) {
	c.Error(http.StatusBadRequest, "com.amazonaws.dynamodb.v20120810#"+code, msg)
}

func dynamodbDecode(c *Call, v any) bool {
	if err := c.DecodeJSON(v); err != nil {
		dynamodbError(c, "SerializationException", "Start of structure or map found where not expected.")
		return false
	}
	return true
}

func dynamodbARN(c *Call, r *Resource) string {
	if r.ARN != "" {
		return r.ARN
	}
	return "arn:" + svcPartition(c) + ":dynamodb:" + c.Region + ":" + c.AccountID + ":table/" + r.ID
}

// dynamodbTables returns the caller's tables in the region sorted by name, as
// ListTables pages through them.
func dynamodbTables(c *Call) []*Resource {
	tables := append([]*Resource(nil), svcResources(c, KindDynamoDBTable)...)
	sort.Slice(tables, func(i, j int) bool { return tables[i].ID < tables[j].ID })
	return tables
}

func dynamodbFind(c *Call, name string) *Resource {
	for _, r := range svcResources(c, KindDynamoDBTable) {
		if r.ID == name {
			return r
		}
	}
	return nil
}

func dynamodbListTables(c *Call) {
	var in struct {
		ExclusiveStartTableName string
		Limit                   *int
	}
	if !dynamodbDecode(c, &in) {
		return
	}
	size := 100
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > 100 {
			dynamodbError(c, "ValidationException", "1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value between 1 and 100")
			return
		}
		size = *in.Limit
	}
	tables := dynamodbTables(c)
	// The page starts after ExclusiveStartTableName, which need not exist.
	start := sort.Search(len(tables), func(i int) bool { return tables[i].ID > in.ExclusiveStartTableName })
	end := min(start+size, len(tables))
	out := struct {
		TableNames             []string `json:"TableNames"`
		LastEvaluatedTableName string   `json:"LastEvaluatedTableName,omitempty"`
	}{TableNames: []string{}}
	for _, r := range tables[start:end] {
		out.TableNames = append(out.TableNames, r.ID)
	}
	if end < len(tables) {
		out.LastEvaluatedTableName = tables[end-1].ID
	}
	c.JSON(out)
}

func dynamodbTableName(c *Call) (*Resource, string, bool) {
	var in struct{ TableName string }
	if !dynamodbDecode(c, &in) {
		return nil, "", false
	}
	if in.TableName == "" {
		dynamodbError(c, "ValidationException", "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null")
		return nil, "", false
	}
	r := dynamodbFind(c, in.TableName)
	if r == nil {
		dynamodbError(c, "ResourceNotFoundException", "Requested resource not found: Table: "+in.TableName+" not found")
		return nil, "", false
	}
	return r, in.TableName, true
}

func dynamodbDescribeTable(c *Call) {
	r, _, ok := dynamodbTableName(c)
	if !ok {
		return
	}
	key := svcStr(r, "HashKey", "id")
	mode := svcStr(r, "BillingMode", "PAY_PER_REQUEST")
	throughput := map[string]any{"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0}
	if mode == "PROVISIONED" {
		throughput["ReadCapacityUnits"] = svcInt(r, "ReadCapacityUnits", 5)
		throughput["WriteCapacityUnits"] = svcInt(r, "WriteCapacityUnits", 5)
	}
	created := svcCreated(r)
	table := map[string]any{
		"TableName":                 r.ID,
		"TableArn":                  dynamodbARN(c, r),
		"TableId":                   svcStr(r, "TableId", svcUUID(r.ID, c.AccountID, c.Region, "table")),
		"TableStatus":               svcStr(r, "TableStatus", "ACTIVE"),
		"CreationDateTime":          ecsEpoch(created),
		"AttributeDefinitions":      []map[string]string{{"AttributeName": key, "AttributeType": "S"}},
		"KeySchema":                 []map[string]string{{"AttributeName": key, "KeyType": "HASH"}},
		"ProvisionedThroughput":     throughput,
		"TableSizeBytes":            svcInt(r, "TableSizeBytes", 0),
		"ItemCount":                 svcInt(r, "ItemCount", 0),
		"DeletionProtectionEnabled": svcBool(r, "DeletionProtectionEnabled", false),
		// AWS's baseline warm throughput of a new table.
		"WarmThroughput": map[string]any{"ReadUnitsPerSecond": 12000, "WriteUnitsPerSecond": 4000, "Status": "ACTIVE"},
	}
	if mode == "PAY_PER_REQUEST" {
		table["BillingModeSummary"] = map[string]any{"BillingMode": mode, "LastUpdateToPayPerRequestDateTime": ecsEpoch(created)}
	}
	c.JSON(map[string]any{"Table": table})
}

// dynamodbParseARN splits arn:PARTITION:dynamodb:REGION:ACCOUNT:table/NAME.
func dynamodbParseARN(arn string) (region, account, name string, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "dynamodb" {
		return "", "", "", false
	}
	name, ok = strings.CutPrefix(parts[5], "table/")
	if !ok || name == "" || strings.Contains(name, "/") {
		return "", "", "", false
	}
	return parts[3], parts[4], name, true
}

// dynamodbTagPage is ListTagsOfResource's page size (AWS returns at most 10
// tags per call and a NextToken).
const dynamodbTagPage = 10

func dynamodbListTags(c *Call) {
	var in struct{ ResourceArn, NextToken string }
	if !dynamodbDecode(c, &in) {
		return
	}
	region, account, name, ok := dynamodbParseARN(in.ResourceArn)
	if !ok {
		dynamodbError(c, "ValidationException", "Invalid TableArn: Invalid ResourceArn provided as input "+in.ResourceArn)
		return
	}
	if account != c.AccountID {
		dynamodbError(c, "AccessDeniedException", "User: "+c.Principal+" is not authorized to perform: dynamodb:ListTagsOfResource on resource: "+in.ResourceArn)
		return
	}
	var r *Resource
	if region == c.Region {
		r = dynamodbFind(c, name)
	}
	if r == nil {
		dynamodbError(c, "ResourceNotFoundException", "Requested resource not found: ResourcArn: "+in.ResourceArn+" not found")
		return
	}
	tags := svcSortedTags(r.Tags)
	start, end, next, err := Page(len(tags), in.NextToken, dynamodbTagPage, dynamodbTagPage)
	if err != nil {
		dynamodbError(c, "ValidationException", "Invalid NextToken")
		return
	}
	out := struct {
		Tags      []svcTag `json:"Tags"`
		NextToken string   `json:"NextToken,omitempty"`
	}{Tags: []svcTag{}, NextToken: next}
	out.Tags = append(out.Tags, tags[start:end]...)
	c.JSON(out)
}

func dynamodbDescribeBackups(c *Call) {
	r, _, ok := dynamodbTableName(c)
	if !ok {
		return
	}
	pitr := map[string]any{"PointInTimeRecoveryStatus": "DISABLED"}
	if svcBool(r, "PointInTimeRecovery", false) {
		created := svcCreated(r)
		pitr = map[string]any{"PointInTimeRecoveryStatus": "ENABLED", "RecoveryPeriodInDays": 35,
			"EarliestRestorableDateTime": ecsEpoch(created), "LatestRestorableDateTime": ecsEpoch(created)}
	}
	c.JSON(map[string]any{"ContinuousBackupsDescription": map[string]any{
		"ContinuousBackupsStatus": "ENABLED", "PointInTimeRecoveryDescription": pitr}})
}

// KindDynamoDBTable is the kind of the tables this file serves and generates.
const KindDynamoDBTable = "AWS::DynamoDB::Table"

func (g *generator) genDynamoDB(a *Account, region string) {
	if g.spec.ResourcesPerKind <= 0 {
		return
	}
	rng := g.subRNG(a, region, KindDynamoDBTable)
	n := rng.IntN(2*g.spec.ResourcesPerKind + 1)
	key := ResourceKey{Region: region, Kind: KindDynamoDBTable}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("%s-%s-%d", genTeams[rng.IntN(len(genTeams))], genWords[rng.IntN(len(genWords))], i+1)
		created := a.JoinedAt.Add(time.Duration(rng.IntN(400*24)) * time.Hour)
		attrs := map[string]any{
			"BillingMode":               []string{"PAY_PER_REQUEST", "PROVISIONED"}[rng.IntN(2)],
			"ReadCapacityUnits":         int64([]int{5, 10, 25, 100}[rng.IntN(4)]),
			"WriteCapacityUnits":        int64([]int{5, 10, 25, 100}[rng.IntN(4)]),
			"ItemCount":                 int64(rng.IntN(1_000_000)),
			"HashKey":                   []string{"id", "pk", "userId", "orderId"}[rng.IntN(4)],
			"DeletionProtectionEnabled": rng.IntN(2) == 0,
			"PointInTimeRecovery":       rng.IntN(2) == 0,
		}
		attrs["TableSizeBytes"] = attrs["ItemCount"].(int64) * int64(100+rng.IntN(900))
		tags := map[string]string{"Name": name, "env": a.Tags["env"], "team": genTeams[rng.IntN(len(genTeams))]}
		if rng.IntN(4) == 0 {
			tags = map[string]string{}
		}
		a.Resources[key] = append(a.Resources[key], &Resource{ID: name, Name: name,
			ARN: g.arn("dynamodb", region, a.ID, "table/"+name), CreatedAt: created, Tags: tags, Attributes: attrs})
	}
}
