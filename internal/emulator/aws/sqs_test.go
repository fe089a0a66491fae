package awsemu_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func sqsQueue(i int) *awsemu.Resource {
	name := fmt.Sprintf("zz-q-%02d", i)
	if i%5 == 0 {
		name += ".fifo"
	}
	return &awsemu.Resource{ID: name, Name: name, Tags: map[string]string{"q": name},
		Attributes: map[string]any{"VisibilityTimeout": int64(60 + i), "ContentBasedDeduplication": true}}
}

func TestSQSListQueuesPaginates(t *testing.T) {
	e := svcStart(t)
	e.add(t, e.mgmt, "us-west-2", awsemu.KindSQSQueue, 23, sqsQueue)
	want := e.resources(e.mgmt, "us-west-2", awsemu.KindSQSQueue)
	client := sqs.NewFromConfig(e.cfg("us-west-2"))

	p := sqs.NewListQueuesPaginator(client, &sqs.ListQueuesInput{MaxResults: aws.Int32(5)})
	var got []string
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(e.ctx)
		if err != nil {
			t.Fatalf("list queues: %v", err)
		}
		pages++
		if len(out.QueueUrls) > 5 {
			t.Errorf("page of %d queues", len(out.QueueUrls))
		}
		got = append(got, out.QueueUrls...)
	}
	if len(got) != len(want) || pages != (len(want)+4)/5 {
		t.Fatalf("listed %d queues in %d pages, org holds %d", len(got), pages, len(want))
	}
	for i, u := range got {
		if u != "https://sqs.us-west-2.amazonaws.com/"+e.mgmt+"/"+want[i].ID {
			t.Errorf("queue url %d = %s", i, u)
		}
	}
	// Without MaxResults: everything, no token; a prefix filters.
	out, err := client.ListQueues(e.ctx, &sqs.ListQueuesInput{QueueNamePrefix: aws.String("zz-q-1")})
	if err != nil || len(out.QueueUrls) != 10 || out.NextToken != nil {
		t.Fatalf("prefix zz-q-1: %d urls, token %v, err %v", len(out.QueueUrls), out.NextToken, err)
	}
	_, err = client.ListQueues(e.ctx, &sqs.ListQueuesInput{MaxResults: aws.Int32(5), NextToken: aws.String("bogus")})
	svcAPIError(t, err, "InvalidParameterValue", http.StatusBadRequest)
}

func TestSQSQueueAttributesAndTags(t *testing.T) {
	e := svcStart(t)
	e.add(t, e.mgmt, "us-east-1", awsemu.KindSQSQueue, 2, sqsQueue)
	client := sqs.NewFromConfig(e.cfg("us-east-1"))
	base := "https://sqs.us-east-1.amazonaws.com/" + e.mgmt + "/"

	out, err := client.GetQueueAttributes(e.ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(base + "zz-q-00.fifo"),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameAll}})
	if err != nil {
		t.Fatalf("get attributes: %v", err)
	}
	a := out.Attributes
	if a["QueueArn"] != "arn:aws:sqs:us-east-1:"+e.mgmt+":zz-q-00.fifo" || a["VisibilityTimeout"] != "60" || a["FifoQueue"] != "true" ||
		a["ContentBasedDeduplication"] != "true" || a["MaximumMessageSize"] != "262144" || a["SqsManagedSseEnabled"] != "true" || a["CreatedTimestamp"] == "" {
		t.Errorf("attributes %v", a)
	}
	one, err := client.GetQueueAttributes(e.ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(base + "zz-q-01"),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameVisibilityTimeout}})
	if err != nil || len(one.Attributes) != 1 || one.Attributes["VisibilityTimeout"] != "61" {
		t.Errorf("one attribute: %v %v", one, err)
	}
	// Every generated queue answers its attributes and tags.
	for _, r := range e.resources(e.mgmt, "us-east-1", awsemu.KindSQSQueue) {
		tags, err := client.ListQueueTags(e.ctx, &sqs.ListQueueTagsInput{QueueUrl: aws.String(base + r.ID)})
		if err != nil {
			t.Fatalf("tags of %s: %v", r.ID, err)
		}
		if fmt.Sprint(tags.Tags) != fmt.Sprint(r.Tags) && !(len(tags.Tags) == 0 && len(r.Tags) == 0) {
			t.Errorf("tags of %s = %v, want %v", r.ID, tags.Tags, r.Tags)
		}
	}

	_, err = client.GetQueueAttributes(e.ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(base + "nope")})
	var dne *sqstypes.QueueDoesNotExist
	if !errors.As(err, &dne) {
		t.Fatalf("missing queue: %T %v, want *types.QueueDoesNotExist", err, err)
	}
	svcAPIError(t, err, "AWS.SimpleQueueService.NonExistentQueue", http.StatusBadRequest)
	// The member account cannot see the management account's queue.
	_, err = sqs.NewFromConfig(e.memberCfg("us-east-1")).ListQueueTags(e.ctx, &sqs.ListQueueTagsInput{QueueUrl: aws.String(base + "zz-q-01")})
	svcAPIError(t, err, "AWS.SimpleQueueService.NonExistentQueue", http.StatusBadRequest)
}

func TestSQSFaultsAndRequestLog(t *testing.T) {
	e := svcStart(t)
	client := sqs.NewFromConfig(e.memberCfg("eu-central-1"))
	if _, err := client.ListQueues(e.ctx, &sqs.ListQueuesInput{}); err != nil {
		t.Fatalf("list: %v", err)
	}
	e.srv.Faults().DenyAccess(e.member, "sqs", "")
	_, err := client.ListQueues(e.ctx, &sqs.ListQueuesInput{})
	svcAPIError(t, err, "AccessDeniedException", http.StatusBadRequest)
	e.clearFaults()
	e.srv.Faults().Add(awsemu.FaultRule{Service: "sqs", Operation: "ListQueues", Status: 400, Code: "RequestThrottled", Message: "slow", Count: 1})
	_, err = client.ListQueues(e.ctx, &sqs.ListQueuesInput{})
	svcAPIError(t, err, "RequestThrottled", http.StatusBadRequest)
	e.clearFaults()

	var n int
	for _, rec := range e.srv.Requests() {
		if rec.Service == "sqs" && rec.Operation == "ListQueues" && strings.HasPrefix(rec.Region, "eu-central-1") {
			n++
		}
	}
	if n != 3 {
		t.Errorf("request log holds %d sqs ListQueues calls, want 3", n)
	}
}
