package awsemu_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func snsTopic(i int) *awsemu.Resource {
	name := fmt.Sprintf("zz-t-%03d", i)
	if i%7 == 0 {
		name += ".fifo"
	}
	return &awsemu.Resource{ID: name, Name: name, Tags: map[string]string{"t": name, "a": "b"},
		Attributes: map[string]any{"DisplayName": "T " + name, "SubscriptionsConfirmed": int64(i % 4), "ContentBasedDeduplication": true}}
}

func TestSNSListTopicsPaginates(t *testing.T) {
	e := svcStart(t)
	e.add(t, e.mgmt, "us-west-2", awsemu.KindSNSTopic, 205, snsTopic)
	want := e.resources(e.mgmt, "us-west-2", awsemu.KindSNSTopic)
	client := sns.NewFromConfig(e.cfg("us-west-2"))
	p := sns.NewListTopicsPaginator(client, &sns.ListTopicsInput{})
	var got []string
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(e.ctx)
		if err != nil {
			t.Fatalf("list topics: %v", err)
		}
		pages++
		if len(out.Topics) > 100 {
			t.Errorf("page of %d topics", len(out.Topics))
		}
		for _, tp := range out.Topics {
			got = append(got, aws.ToString(tp.TopicArn))
		}
	}
	if len(got) != len(want) || pages != (len(want)+99)/100 {
		t.Fatalf("listed %d topics in %d pages, org holds %d", len(got), pages, len(want))
	}
	for i, arn := range got {
		if want[i].ARN != "" && arn != want[i].ARN || want[i].ARN == "" && arn != "arn:aws:sns:us-west-2:"+e.mgmt+":"+want[i].ID {
			t.Errorf("topic %d = %s", i, arn)
		}
	}
	_, err := client.ListTopics(e.ctx, &sns.ListTopicsInput{NextToken: aws.String("bogus")})
	svcAPIError(t, err, "InvalidParameter", http.StatusBadRequest)
}

func TestSNSTopicAttributesAndTags(t *testing.T) {
	e := svcStart(t)
	e.add(t, e.mgmt, "us-east-1", awsemu.KindSNSTopic, 2, snsTopic)
	client := sns.NewFromConfig(e.cfg("us-east-1"))
	arn := "arn:aws:sns:us-east-1:" + e.mgmt + ":zz-t-000.fifo"

	out, err := client.GetTopicAttributes(e.ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(arn)})
	if err != nil {
		t.Fatalf("get attributes: %v", err)
	}
	a := out.Attributes
	if a["TopicArn"] != arn || a["Owner"] != e.mgmt || a["DisplayName"] != "T zz-t-000.fifo" || a["FifoTopic"] != "true" ||
		a["ContentBasedDeduplication"] != "true" || a["SubscriptionsConfirmed"] != "0" || a["Policy"] == "" {
		t.Errorf("attributes %v", a)
	}
	tags, err := client.ListTagsForResource(e.ctx, &sns.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil || len(tags.Tags) != 2 || aws.ToString(tags.Tags[0].Key) != "a" || aws.ToString(tags.Tags[1].Value) != "zz-t-000.fifo" {
		t.Fatalf("tags %+v %v", tags, err)
	}

	_, err = client.GetTopicAttributes(e.ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(arn + "-nope")})
	var nf *snstypes.NotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("missing topic: %T %v, want *types.NotFoundException", err, err)
	}
	svcAPIError(t, err, "NotFound", http.StatusNotFound)
	_, err = client.ListTagsForResource(e.ctx, &sns.ListTagsForResourceInput{ResourceArn: aws.String(arn + "-nope")})
	var rnf *snstypes.ResourceNotFoundException
	if !errors.As(err, &rnf) {
		t.Fatalf("missing topic tags: %T %v, want *types.ResourceNotFoundException", err, err)
	}
	// Faults and the request log work as for other services.
	e.srv.Faults().DenyAccess(e.mgmt, "sns", "")
	_, err = client.ListTopics(e.ctx, &sns.ListTopicsInput{})
	svcAPIError(t, err, "AccessDenied", http.StatusForbidden)
	e.clearFaults()
	n := 0
	for _, rec := range e.srv.Requests() {
		if rec.Service == "sns" {
			n++
		}
	}
	if n != 5 {
		t.Errorf("request log holds %d sns calls, want 5", n)
	}
}
