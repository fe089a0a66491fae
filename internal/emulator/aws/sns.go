package awsemu

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// SNS speaks the query protocol: POST / with a form body (Action=ListTopics,
// Version=2010-03-31), XML answers in the 2010-03-31 namespace, errors as
// <ErrorResponse><Error><Code>. ListTopics returns 100 topics a page and takes
// no page size. GetTopicAttributes answers NotFound (404) for a topic that
// does not exist; ListTagsForResource ResourceNotFound (404).
//
// Resource attributes read (absent ones default as noted in the code):
//
//	AWS::SNS::Topic  ID = Name = topic name (".fifo" suffix for FIFO topics),
//	  ARN arn:P:sns:R:A:NAME; DisplayName string, KmsMasterKeyId string,
//	  SubscriptionsConfirmed, SubscriptionsPending int, ContentBasedDeduplication bool (FIFO)

// KindSNSTopic is SNS's topic kind.
const KindSNSTopic = "AWS::SNS::Topic"

const (
	snsXMLNS    = "http://sns.amazonaws.com/doc/2010-03-31/"
	snsPageSize = 100
)

type snsService struct{}

func init() { Register(snsService{}) }

func (snsService) SigningName() string { return "sns" }
func (snsService) Protocol() Protocol  { return ProtocolQuery }
func (snsService) ThrottleCode() (string, int) {
	return "Throttling", http.StatusBadRequest
}

func (snsService) Operation(r *http.Request, body []byte) (string, bool) {
	op := queryAction(r, body)
	switch op {
	case "ListTopics", "GetTopicAttributes", "ListTagsForResource":
		return op, true
	}
	return op, false
}

func (snsService) Serve(c *Call) {
	if svcRegionDisabled(c) {
		c.Error(http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
		return
	}
	switch c.Op {
	case "ListTopics":
		snsListTopics(c)
	case "GetTopicAttributes":
		snsGetTopicAttributes(c)
	case "ListTagsForResource":
		snsListTagsForResource(c)
	}
}

func snsTopicARN(c *Call, r *Resource) string {
	if r.ARN != "" {
		return r.ARN
	}
	return "arn:" + svcPartition(c) + ":sns:" + c.Region + ":" + c.AccountID + ":" + r.ID
}

func snsListTopics(c *Call) {
	topics := svcResources(c, KindSNSTopic)
	token := c.Params().Get("NextToken")
	start, end, next, err := Page(len(topics), token, snsPageSize, snsPageSize)
	if err != nil {
		c.Error(http.StatusBadRequest, "InvalidParameter", "Invalid parameter: NextToken")
		return
	}
	type member struct {
		TopicArn string `xml:"TopicArn"`
	}
	var out struct {
		XMLName xml.Name `xml:"ListTopicsResponse"`
		Xmlns   string   `xml:"xmlns,attr"`
		Result  struct {
			Topics    []member `xml:"Topics>member"`
			NextToken string   `xml:"NextToken,omitempty"`
		} `xml:"ListTopicsResult"`
		Metadata responseMetadata `xml:"ResponseMetadata"`
	}
	out.Xmlns, out.Metadata.RequestID, out.Result.NextToken = snsXMLNS, c.RequestID, next
	for _, r := range topics[start:end] {
		out.Result.Topics = append(out.Result.Topics, member{snsTopicARN(c, r)})
	}
	c.XML(out)
}

// snsFind resolves a topic ARN to the caller's topic in the call's region.
func snsFind(c *Call, arn string) *Resource {
	for _, r := range svcResources(c, KindSNSTopic) {
		if snsTopicARN(c, r) == arn {
			return r
		}
	}
	return nil
}

// snsAttributes are GetTopicAttributes' answer, as AWS's strings.
func snsAttributes(c *Call, r *Resource) map[string]string {
	arn := snsTopicARN(c, r)
	policy := fmt.Sprintf(`{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:GetTopicAttributes","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],"Resource":"%s","Condition":{"StringEquals":{"AWS:SourceOwner":"%s"}}}]}`, arn, c.AccountID)
	a := map[string]string{
		"TopicArn":                arn,
		"Owner":                   c.AccountID,
		"Policy":                  policy,
		"DisplayName":             svcStr(r, "DisplayName", ""),
		"SubscriptionsConfirmed":  strconv.FormatInt(svcInt(r, "SubscriptionsConfirmed", 0), 10),
		"SubscriptionsPending":    strconv.FormatInt(svcInt(r, "SubscriptionsPending", 0), 10),
		"SubscriptionsDeleted":    "0",
		"EffectiveDeliveryPolicy": `{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}`,
		"SignatureVersion":        "1",
		"TracingConfig":           "PassThrough",
	}
	if k := svcStr(r, "KmsMasterKeyId", ""); k != "" {
		a["KmsMasterKeyId"] = k
	}
	if strings.HasSuffix(r.ID, ".fifo") {
		a["FifoTopic"] = "true"
		a["ContentBasedDeduplication"] = strconv.FormatBool(svcBool(r, "ContentBasedDeduplication", false))
		a["FifoThroughputScope"] = "Topic"
	}
	return a
}

func snsGetTopicAttributes(c *Call) {
	arn := c.Params().Get("TopicArn")
	r := snsFind(c, arn)
	if r == nil {
		c.Error(http.StatusNotFound, "NotFound", "Topic does not exist")
		return
	}
	type entry struct {
		Key   string `xml:"key"`
		Value string `xml:"value"`
	}
	var out struct {
		XMLName xml.Name `xml:"GetTopicAttributesResponse"`
		Xmlns   string   `xml:"xmlns,attr"`
		Result  struct {
			Attributes []entry `xml:"Attributes>entry"`
		} `xml:"GetTopicAttributesResult"`
		Metadata responseMetadata `xml:"ResponseMetadata"`
	}
	out.Xmlns, out.Metadata.RequestID = snsXMLNS, c.RequestID
	attrs := snsAttributes(c, r)
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out.Result.Attributes = append(out.Result.Attributes, entry{k, attrs[k]})
	}
	c.XML(out)
}

func snsListTagsForResource(c *Call) {
	arn := c.Params().Get("ResourceArn")
	r := snsFind(c, arn)
	if r == nil {
		c.Error(http.StatusNotFound, "ResourceNotFound", "Resource does not exist")
		return
	}
	var out struct {
		XMLName xml.Name `xml:"ListTagsForResourceResponse"`
		Xmlns   string   `xml:"xmlns,attr"`
		Result  struct {
			Tags []svcTag `xml:"Tags>member"`
		} `xml:"ListTagsForResourceResult"`
		Metadata responseMetadata `xml:"ResponseMetadata"`
	}
	out.Xmlns, out.Metadata.RequestID = snsXMLNS, c.RequestID
	out.Result.Tags = svcSortedTags(r.Tags)
	c.XML(out)
}

func (g *generator) genSNS(a *Account, region string) {
	rng := g.sideRNG(a, region, KindSNSTopic)
	n := g.sideCount(rng)
	if n == 0 {
		return
	}
	var ts []*Resource
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("%s-%s-%d", genTeams[rng.IntN(len(genTeams))], genWords[rng.IntN(len(genWords))], i+1)
		attrs := map[string]any{
			"DisplayName":            strings.ToUpper(name[:1]) + name[1:],
			"SubscriptionsConfirmed": int64(rng.IntN(6)),
			"SubscriptionsPending":   int64(rng.IntN(2)),
		}
		if rng.IntN(4) == 0 {
			name += ".fifo"
			attrs["ContentBasedDeduplication"] = rng.IntN(2) == 0
		}
		if rng.IntN(3) == 0 {
			attrs["KmsMasterKeyId"] = "alias/aws/sns"
		}
		created := a.JoinedAt.Add(time.Duration(rng.Int64N(400*24*3600)) * time.Second)
		r := &Resource{ID: name, Name: name, ARN: g.arn("sns", region, a.ID, name), CreatedAt: created,
			Tags: map[string]string{"Name": name, "env": a.Tags["env"], "team": genTeams[rng.IntN(len(genTeams))]}, Attributes: attrs}
		if rng.IntN(4) == 0 {
			r.Tags = map[string]string{}
		}
		ts = append(ts, r)
	}
	sort.SliceStable(ts, func(i, j int) bool { return ts[i].ID < ts[j].ID })
	key := ResourceKey{Region: region, Kind: KindSNSTopic}
	a.Resources[key] = append(a.Resources[key], ts...)
}
