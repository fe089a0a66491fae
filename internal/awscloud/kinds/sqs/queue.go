package sqs

import (
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"

	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// KindQueue: ListQueues page (URLs only, ≤1000), then GetQueueAttributes
// (All) per queue, which every item needs; tags only with ListQueueTagsAction.
const KindQueue = "AWS::SQS::Queue"

const sqsActionConcurrency = 10

// sqsAttrTypes are the queue attributes Ocean's model keeps, with the type it
// coerces SQS's string values to; other attributes are left out as Ocean's
// model has no field for them.
var sqsAttrTypes = map[string]byte{
	"QueueArn": 's', "ApproximateNumberOfMessages": 'i', "ApproximateNumberOfMessagesNotVisible": 'i',
	"ApproximateNumberOfMessagesDelayed": 'i', "CreatedTimestamp": 's', "LastModifiedTimestamp": 's',
	"VisibilityTimeout": 'i', "MaximumMessageSize": 'i', "MessageRetentionPeriod": 'i', "DelaySeconds": 'i',
	"ReceiveMessageWaitTimeSeconds": 'i', "Policy": 's', "RedrivePolicy": 's', "RedriveAllowPolicy": 's',
	"KmsMasterKeyId": 's', "KmsDataKeyReusePeriodSeconds": 'i', "SqsManagedSseEnabled": 'b', "FifoQueue": 'b',
	"ContentBasedDeduplication": 'b', "DeduplicationScope": 's', "FifoThroughputLimit": 's',
}

type sqsQueueKind struct{}

func init() { awscloud.RegisterKind(sqsQueueKind{}) }

func (sqsQueueKind) Name() string { return KindQueue }
func (sqsQueueKind) Global() bool { return false }

func (sqsQueueKind) Actions() []string { return []string{"ListQueueTagsAction"} }

// sqsQueueGone reports an error saying the queue no longer exists (deleted
// since the listing); SQS words it with its query-compatible code.
func sqsQueueGone(err error) bool {
	var nf *sqstypes.QueueDoesNotExist
	return errors.As(err, &nf) || awscloud.ErrorCode(err) == "AWS.SimpleQueueService.NonExistentQueue" || awscloud.Classify(err) == awscloud.ErrNotFound
}

// sqsQueueName is the last path segment of a queue URL.
func sqsQueueName(url string) string {
	return url[strings.LastIndex(url, "/")+1:]
}

// sqsProperties converts GetQueueAttributes' strings to Ocean's typed fields;
// a value that does not parse is kept as SQS sent it.
func sqsProperties(url string, attrs map[string]string) map[string]any {
	p := map[string]any{"QueueUrl": url, "QueueName": sqsQueueName(url)}
	for k, v := range attrs {
		switch sqsAttrTypes[k] {
		case 's':
			p[k] = v
		case 'i':
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				p[k] = n
			} else {
				p[k] = v
			}
		case 'b':
			if b, err := strconv.ParseBool(v); err == nil {
				p[k] = b
			} else {
				p[k] = v
			}
		}
	}
	return p
}

func (sqsQueueKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	client := sqs.NewFromConfig(cfg)
	in := &sqs.ListQueuesInput{MaxResults: aws.Int32(awscloud.PageSize(req, 1, 1000))}
	if req.Token != "" {
		in.NextToken = aws.String(req.Token)
	}
	out, err := client.ListQueues(ctx, in)
	if err != nil {
		return awscloud.Page{}, fmt.Errorf("list queues in %s: %w", cfg.Region, err)
	}
	urls := out.QueueUrls
	items := make([]map[string]any, len(urls))
	gone := make([]bool, len(urls))
	var omitted awscloud.Omissions
	tags := awscloud.WantsAction(req, "ListQueueTagsAction")
	err = awscloud.ForEach(ctx, len(urls), sqsActionConcurrency, func(ctx context.Context, i int) error {
		url := urls[i]
		attrs, err := client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
			QueueUrl: aws.String(url), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameAll}})
		if err != nil {
			if sqsQueueGone(err) {
				gone[i] = true
				return nil
			}
			return fmt.Errorf("get attributes of queue %s: %w", url, err)
		}
		p := sqsProperties(url, attrs.Attributes)
		items[i] = awscloud.NewItem(KindQueue, p, awscloud.ExtraContext(req, true))
		if !tags {
			return nil
		}
		t, err := client.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: aws.String(url)})
		if err != nil {
			if sqsQueueGone(err) {
				gone[i] = true
				return nil
			}
			if omitted.Omit("ListQueueTagsAction", "queue "+url, 1, err) {
				return nil
			}
			return fmt.Errorf("list tags of queue %s: %w", url, err)
		}
		// Ocean stores SQS's tag map as is (not a Key/Value list).
		m := map[string]any{}
		for k, v := range t.Tags {
			m[k] = v
		}
		p["Tags"] = m
		return nil
	})
	if err != nil {
		return awscloud.Page{}, err
	}
	return awscloud.KeptPage(items, gone, aws.ToString(out.NextToken), &omitted), nil
}
