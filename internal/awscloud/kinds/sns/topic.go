package sns

import (
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"

	"context"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// KindTopic: ListTopics page (ARNs only, 100 per page, no page size), then
// GetTopicAttributes per topic, which every item needs; tags only with
// GetTopicTagsAction (ListTagsForResource).
const KindTopic = "AWS::SNS::Topic"

const snsActionConcurrency = 10

// snsAttrTypes are the topic attributes Ocean's model keeps, with the type it
// coerces SNS's string values to; Ocean's model ignores the others, so do we.
var snsAttrTypes = map[string]byte{
	"TopicArn": 's', "Owner": 's', "DisplayName": 's', "Policy": 's', "DeliveryPolicy": 's', "EffectiveDeliveryPolicy": 's',
	"SubscriptionsConfirmed": 'i', "SubscriptionsDeleted": 'i', "SubscriptionsPending": 'i',
	"SignatureVersion": 's', "TracingConfig": 's', "KmsMasterKeyId": 's', "FifoTopic": 'b', "ContentBasedDeduplication": 'b',
	"ArchivePolicy": 's', "BeginningArchiveTime": 's', "FifoThroughputScope": 's',
	"HTTPSuccessFeedbackRoleArn": 's', "HTTPSuccessFeedbackSampleRate": 'i', "HTTPFailureFeedbackRoleArn": 's',
	"FirehoseSuccessFeedbackRoleArn": 's', "FirehoseSuccessFeedbackSampleRate": 'i', "FirehoseFailureFeedbackRoleArn": 's',
	"LambdaSuccessFeedbackRoleArn": 's', "LambdaSuccessFeedbackSampleRate": 'i', "LambdaFailureFeedbackRoleArn": 's',
	"ApplicationSuccessFeedbackRoleArn": 's', "ApplicationSuccessFeedbackSampleRate": 'i', "ApplicationFailureFeedbackRoleArn": 's',
	"SQSSuccessFeedbackRoleArn": 's', "SQSSuccessFeedbackSampleRate": 'i', "SQSFailureFeedbackRoleArn": 's',
}

type snsTopicKind struct{}

func init() { awscloud.RegisterKind(snsTopicKind{}) }

func (snsTopicKind) Name() string { return KindTopic }
func (snsTopicKind) Global() bool { return false }

func (snsTopicKind) Actions() []string { return []string{"GetTopicTagsAction"} }

func snsProperties(arn string, attrs map[string]string) map[string]any {
	p := map[string]any{"TopicArn": arn}
	for k, v := range attrs {
		typ, known := snsAttrTypes[k]
		if !known {
			continue
		}
		switch typ {
		case 'i':
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				p[k] = n
				continue
			}
		case 'b':
			if b, err := strconv.ParseBool(v); err == nil {
				p[k] = b
				continue
			}
		}
		p[k] = v
	}
	return p
}

func (snsTopicKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	client := sns.NewFromConfig(cfg)
	in := &sns.ListTopicsInput{}
	if req.Token != "" {
		in.NextToken = aws.String(req.Token)
	}
	out, err := client.ListTopics(ctx, in)
	if err != nil {
		return awscloud.Page{}, fmt.Errorf("list topics in %s: %w", cfg.Region, err)
	}
	items := make([]map[string]any, len(out.Topics))
	gone := make([]bool, len(out.Topics))
	var omitted awscloud.Omissions
	tags := awscloud.WantsAction(req, "GetTopicTagsAction")
	err = awscloud.ForEach(ctx, len(out.Topics), snsActionConcurrency, func(ctx context.Context, i int) error {
		arn := aws.ToString(out.Topics[i].TopicArn)
		attrs, err := client.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(arn)})
		if err != nil {
			if awscloud.Classify(err) == awscloud.ErrNotFound { // deleted since the listing
				gone[i] = true
				return nil
			}
			return fmt.Errorf("get attributes of topic %s: %w", arn, err)
		}
		p := snsProperties(arn, attrs.Attributes)
		items[i] = awscloud.NewItem(KindTopic, p, awscloud.ExtraContext(req, true))
		if !tags {
			return nil
		}
		t, err := client.ListTagsForResource(ctx, &sns.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
		if err != nil {
			if awscloud.Classify(err) == awscloud.ErrNotFound {
				gone[i] = true
				return nil
			}
			if omitted.Omit("GetTopicTagsAction", "topic "+arn, 1, err) {
				return nil
			}
			return fmt.Errorf("list tags of topic %s: %w", arn, err)
		}
		// Ocean keeps SNS's Key/Value list.
		list := make([]any, len(t.Tags))
		for j, tag := range t.Tags {
			list[j] = map[string]any{"Key": aws.ToString(tag.Key), "Value": aws.ToString(tag.Value)}
		}
		p["Tags"] = list
		return nil
	})
	if err != nil {
		return awscloud.Page{}, err
	}
	return awscloud.KeptPage(items, gone, aws.ToString(out.NextToken), &omitted), nil
}
