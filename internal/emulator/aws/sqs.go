package awsemu

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// SQS speaks awsJson1_0 with query compatibility: POST / with X-Amz-Target
// "AmazonSQS.<Op>" and Content-Type application/x-amz-json-1.0, PascalCase
// members. Its own errors carry {"__type","message"} and the query-protocol
// code in X-Amzn-Query-Error ("AWS.SimpleQueueService.NonExistentQueue;Sender"),
// which the SDK reports as the error code. Errors from the shared paths (auth,
// faults) use the JSON 1.1 encoding, which the SDK decodes the same way.
//
// ListQueues pages only when MaxResults is given (1–1000); without it, AWS
// returns up to 1000 URLs and no token. Queue URLs are
// https://sqs.REGION.amazonaws.com/ACCOUNT/NAME.
//
// Resource attributes read (absent ones default as noted in the code):
//
//	AWS::SQS::Queue  ID = Name = queue name (".fifo" suffix for FIFO queues),
//	  ARN arn:P:sqs:R:A:NAME; VisibilityTimeout, MessageRetentionPeriod,
//	  DelaySeconds, ReceiveMessageWaitTimeSeconds, MaximumMessageSize,
//	  ApproximateNumberOfMessages int; SqsManagedSseEnabled bool; KmsMasterKeyId
//	  string (then SSE-KMS); RedrivePolicy string (JSON); ContentBasedDeduplication bool (FIFO)

// KindSQSQueue is SQS's queue kind.
const KindSQSQueue = "AWS::SQS::Queue"

const sqsTargetPrefix = "AmazonSQS."

type sqsService struct{}

func init() { Register(sqsService{}) }

func (sqsService) SigningName() string { return "sqs" }

// Protocol: JSON 1.1's error encoding is what the shared paths need; SQS's own
// answers set the JSON 1.0 content type (sqsJSON, sqsError).
func (sqsService) Protocol() Protocol { return ProtocolJSON11 }
func (sqsService) ThrottleCode() (string, int) {
	return "RequestThrottled", http.StatusBadRequest
}

func (sqsService) Operation(r *http.Request, _ []byte) (string, bool) {
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), sqsTargetPrefix)
	if !ok {
		return "", false
	}
	switch op {
	case "ListQueues", "GetQueueAttributes", "ListQueueTags":
		return op, true
	}
	return op, false
}

func (sqsService) Serve(c *Call) {
	if svcRegionDisabled(c) {
		sqsError(c, http.StatusForbidden, "InvalidClientTokenId", "InvalidClientTokenId", "The security token included in the request is invalid.")
		return
	}
	switch c.Op {
	case "ListQueues":
		sqsListQueues(c)
	case "GetQueueAttributes":
		sqsGetQueueAttributes(c)
	case "ListQueueTags":
		sqsListQueueTags(c)
	}
}

func sqsJSON(c *Call, v any) {
	c.W.Header().Set("Content-Type", "application/x-amz-json-1.0")
	c.W.Header().Set("X-Amzn-RequestId", c.RequestID)
	c.W.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(c.W).Encode(v)
}

// sqsError answers typ (the JSON error type) with queryCode in X-Amzn-Query-Error.
func sqsError(c *Call, status int, typ, queryCode, message string) {
	h := c.W.Header()
	h.Set("Content-Type", "application/x-amz-json-1.0")
	h.Set("X-Amzn-RequestId", c.RequestID)
	fault := "Sender"
	if status >= 500 {
		fault = "Receiver"
	}
	h.Set("X-Amzn-Query-Error", queryCode+";"+fault)
	c.W.WriteHeader(status)
	_ = json.NewEncoder(c.W).Encode(map[string]string{"__type": "com.amazonaws.sqs#" + typ, "message": message})
}

func sqsQueueURL(c *Call, r *Resource) string {
	domain := "amazonaws.com"
	if svcPartition(c) == "aws-cn" {
		domain = "amazonaws.com.cn"
	}
	return "https://sqs." + c.Region + "." + domain + "/" + c.AccountID + "/" + r.ID
}

func sqsListQueues(c *Call) {
	var in struct {
		MaxResults      *int
		NextToken       string
		QueueNamePrefix string
	}
	if err := c.DecodeJSON(&in); err != nil {
		sqsError(c, http.StatusBadRequest, "InvalidParameterValue", "InvalidParameterValue", "Invalid request body")
		return
	}
	var qs []*Resource
	for _, r := range svcResources(c, KindSQSQueue) {
		if strings.HasPrefix(r.ID, in.QueueNamePrefix) {
			qs = append(qs, r)
		}
	}
	out := struct {
		QueueUrls []string `json:"QueueUrls,omitempty"`
		NextToken string   `json:"NextToken,omitempty"`
	}{}
	start, end := 0, min(len(qs), 1000)
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 1000 {
			sqsError(c, http.StatusBadRequest, "InvalidParameterValue", "InvalidParameterValue",
				"Value "+strconv.Itoa(*in.MaxResults)+" for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.")
			return
		}
		var err error
		start, end, out.NextToken, err = Page(len(qs), in.NextToken, *in.MaxResults, 1000)
		if err != nil {
			sqsError(c, http.StatusBadRequest, "InvalidParameterValue", "InvalidParameterValue", "Invalid NextToken value.")
			return
		}
	}
	for _, r := range qs[start:end] {
		out.QueueUrls = append(out.QueueUrls, sqsQueueURL(c, r))
	}
	sqsJSON(c, out)
}

// sqsFind resolves a queue URL to the caller's queue in the call's region; it
// answers NonExistentQueue itself and returns nil when there is none.
func sqsFind(c *Call) *Resource {
	var in struct{ QueueUrl string }
	_ = c.DecodeJSON(&in)
	for _, r := range svcResources(c, KindSQSQueue) {
		if sqsQueueURL(c, r) == in.QueueUrl {
			return r
		}
	}
	sqsError(c, http.StatusBadRequest, "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue",
		"The specified queue does not exist.")
	return nil
}

// sqsAttributes are the answer of GetQueueAttributes with All.
func sqsAttributes(c *Call, r *Resource) map[string]string {
	i := func(k string, def int64) string { return strconv.FormatInt(svcInt(r, k, def), 10) }
	created := svcCreated(r).Unix()
	a := map[string]string{
		"QueueArn":                              svcStr(r, "ARN", "arn:"+svcPartition(c)+":sqs:"+c.Region+":"+c.AccountID+":"+r.ID),
		"ApproximateNumberOfMessages":           i("ApproximateNumberOfMessages", 0),
		"ApproximateNumberOfMessagesNotVisible": "0",
		"ApproximateNumberOfMessagesDelayed":    "0",
		"CreatedTimestamp":                      strconv.FormatInt(created, 10),
		"LastModifiedTimestamp":                 strconv.FormatInt(created, 10),
		"VisibilityTimeout":                     i("VisibilityTimeout", 30),
		"MaximumMessageSize":                    i("MaximumMessageSize", 262144),
		"MessageRetentionPeriod":                i("MessageRetentionPeriod", 345600),
		"DelaySeconds":                          i("DelaySeconds", 0),
		"ReceiveMessageWaitTimeSeconds":         i("ReceiveMessageWaitTimeSeconds", 0),
	}
	if r.ARN != "" {
		a["QueueArn"] = r.ARN
	}
	if k := svcStr(r, "KmsMasterKeyId", ""); k != "" {
		a["KmsMasterKeyId"] = k
		a["KmsDataKeyReusePeriodSeconds"] = "300"
	} else {
		a["SqsManagedSseEnabled"] = strconv.FormatBool(svcBool(r, "SqsManagedSseEnabled", true))
	}
	if p := svcStr(r, "RedrivePolicy", ""); p != "" {
		a["RedrivePolicy"] = p
	}
	if strings.HasSuffix(r.ID, ".fifo") {
		a["FifoQueue"] = "true"
		a["ContentBasedDeduplication"] = strconv.FormatBool(svcBool(r, "ContentBasedDeduplication", false))
		a["DeduplicationScope"] = "queue"
		a["FifoThroughputLimit"] = "perQueue"
	}
	return a
}

func sqsGetQueueAttributes(c *Call) {
	r := sqsFind(c)
	if r == nil {
		return
	}
	var in struct{ AttributeNames []string }
	_ = c.DecodeJSON(&in)
	all := sqsAttributes(c, r)
	out := map[string]string{}
	for _, n := range in.AttributeNames {
		if n == "All" {
			out = all
			break
		}
		if v, ok := all[n]; ok {
			out[n] = v
		}
	}
	// No attributes asked, or none set: AWS omits the member.
	var body struct {
		Attributes map[string]string `json:"Attributes,omitempty"`
	}
	if len(out) > 0 {
		body.Attributes = out
	}
	sqsJSON(c, body)
}

func sqsListQueueTags(c *Call) {
	r := sqsFind(c)
	if r == nil {
		return
	}
	var body struct {
		Tags map[string]string `json:"Tags,omitempty"`
	}
	if len(r.Tags) > 0 {
		body.Tags = map[string]string{}
		for k, v := range r.Tags {
			body.Tags[k] = v
		}
	}
	sqsJSON(c, body)
}

// sideRNG is a random stream of its own for one (account, region, kind), so
// kinds added later do not change what the shared stream generated before.
func (g *generator) sideRNG(a *Account, region, kind string) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(g.spec.Seed), uint64(svcHash(a.ID, region, kind))))
}

// sideCount is count() drawn from a side stream.
func (g *generator) sideCount(rng *rand.Rand) int {
	if g.spec.ResourcesPerKind <= 0 {
		return 0
	}
	return rng.IntN(2*g.spec.ResourcesPerKind + 1)
}

// sideTags is {env, team} with the team drawn from rng, or no tags one time
// in untaggedOneIn (drawn after the team).
func sideTags(rng *rand.Rand, a *Account, untaggedOneIn int) map[string]string {
	tags := map[string]string{"env": a.Tags["env"], "team": genTeams[rng.IntN(len(genTeams))]}
	if rng.IntN(untaggedOneIn) == 0 {
		return map[string]string{}
	}
	return tags
}

func (g *generator) genSQS(a *Account, region string) {
	rng := g.sideRNG(a, region, KindSQSQueue)
	n := g.sideCount(rng)
	if n == 0 {
		return
	}
	var qs []*Resource
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("%s-%s-%d", genTeams[rng.IntN(len(genTeams))], genWords[rng.IntN(len(genWords))], i+1)
		attrs := map[string]any{
			"VisibilityTimeout":           int64([]int{30, 60, 300, 900}[rng.IntN(4)]),
			"MessageRetentionPeriod":      int64([]int{345600, 1209600, 86400}[rng.IntN(3)]),
			"ApproximateNumberOfMessages": int64(rng.IntN(500)),
		}
		if rng.IntN(4) == 0 {
			name += ".fifo"
			attrs["ContentBasedDeduplication"] = rng.IntN(2) == 0
		}
		if rng.IntN(3) == 0 {
			attrs["KmsMasterKeyId"] = "alias/aws/sqs"
		}
		created := a.JoinedAt.Add(time.Duration(rng.Int64N(400*24*3600)) * time.Second)
		r := &Resource{ID: name, Name: name, ARN: g.arn("sqs", region, a.ID, name), CreatedAt: created,
			Tags: map[string]string{"Name": name, "env": a.Tags["env"], "team": genTeams[rng.IntN(len(genTeams))]}, Attributes: attrs}
		if rng.IntN(4) == 0 {
			r.Tags = map[string]string{} // untagged: ListQueueTags omits Tags
		}
		qs = append(qs, r)
	}
	// A dead-letter queue for some: the first queue's redrive points at the last.
	if len(qs) > 1 && !strings.HasSuffix(qs[0].ID, ".fifo") && !strings.HasSuffix(qs[len(qs)-1].ID, ".fifo") {
		qs[0].Attributes["RedrivePolicy"] = `{"deadLetterTargetArn":"` + qs[len(qs)-1].ARN + `","maxReceiveCount":5}`
	}
	sort.SliceStable(qs, func(i, j int) bool { return qs[i].ID < qs[j].ID })
	key := ResourceKey{Region: region, Kind: KindSQSQueue}
	a.Resources[key] = append(a.Resources[key], qs...)
}
