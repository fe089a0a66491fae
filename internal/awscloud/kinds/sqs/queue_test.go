package sqs_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/kinds/sqs"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestSQSQueueKind(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	total, multiPage, fifo := 0, false, 0
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		for _, region := range awstest.KindSpec.Regions {
			items, pages := awstest.CollectAll(t, p, sqs.KindQueue, acct, region, 3, "ListQueueTagsAction")
			multiPage = multiPage || pages > 1
			res := awstest.Resources(srv, acct.ID, region, sqs.KindQueue)
			if len(items) != len(res) {
				t.Fatalf("%s %s: %d queues, want %d", acct.ID, region, len(items), len(res))
			}
			got := awstest.ByKey(items, "QueueName")
			for _, r := range res {
				it := got[r.ID]
				if it == nil {
					t.Fatalf("queue %s missing", r.ID)
				}
				if it["Type"] != sqs.KindQueue {
					t.Fatalf("Type %v", it["Type"])
				}
				ex := awstest.ExtraOf(it)
				if ex["AccountId"] != acct.ID || ex["Region"] != region || ex["Partition"] != "aws" {
					t.Fatalf("extra context %v", ex)
				}
				pr := awstest.PropsOf(it)
				url := "https://sqs." + region + ".amazonaws.com/" + acct.ID + "/" + r.ID
				if pr["QueueUrl"] != url || pr["QueueArn"] != r.ARN {
					t.Fatalf("queue props %v", pr)
				}
				// Ocean's model types SQS's string attributes.
				if pr["VisibilityTimeout"] != r.AttrInt("VisibilityTimeout") || pr["MessageRetentionPeriod"] != r.AttrInt("MessageRetentionPeriod") ||
					pr["ApproximateNumberOfMessages"] != r.AttrInt("ApproximateNumberOfMessages") || pr["MaximumMessageSize"] != int64(262144) {
					t.Fatalf("numeric props %v of %v", pr, r.Attributes)
				}
				if pr["CreatedTimestamp"] != strconv.FormatInt(r.CreatedAt.Unix(), 10) {
					t.Fatalf("CreatedTimestamp %v", pr["CreatedTimestamp"])
				}
				if strings.HasSuffix(r.ID, ".fifo") {
					fifo++
					if pr["FifoQueue"] != true || pr["ContentBasedDeduplication"] != r.AttrBool("ContentBasedDeduplication") {
						t.Fatalf("fifo props %v", pr)
					}
				} else if _, has := pr["FifoQueue"]; has {
					t.Fatalf("standard queue with FifoQueue: %v", pr)
				}
				if k := r.AttrString("KmsMasterKeyId"); k != "" {
					if pr["KmsMasterKeyId"] != k || pr["KmsDataKeyReusePeriodSeconds"] != int64(300) {
						t.Fatalf("kms props %v", pr)
					}
				} else if pr["SqsManagedSseEnabled"] != true {
					t.Fatalf("sse props %v", pr)
				}
				tags, ok := pr["Tags"].(map[string]any)
				if !ok || len(tags) != len(r.Tags) || (len(r.Tags) > 0 && tags["Name"] != r.Tags["Name"]) {
					t.Fatalf("tags %v, want %v", pr["Tags"], r.Tags)
				}
			}
			total += len(items)
		}
	}
	if total == 0 || !multiPage || fifo == 0 {
		t.Fatalf("generated org too thin: %d queues, multi-page %v, %d fifo", total, multiPage, fifo)
	}
	// Without the action no ListQueueTags call is made and no Tags appear.
	srv.ResetRequests()
	acct := awstest.OrgAccounts(t, srv, p)[0]
	items, _ := awstest.CollectAll(t, p, sqs.KindQueue, acct, "us-east-1", 50)
	for _, it := range items {
		if _, has := awstest.PropsOf(it)["Tags"]; has {
			t.Fatal("Tags without ListQueueTagsAction")
		}
	}
	if n := len(awstest.Ops(srv, "ListQueueTags")); n != 0 {
		t.Fatalf("ListQueueTags calls without the action: %d", n)
	}
	if n := len(awstest.Ops(srv, "GetQueueAttributes")); n != len(items) {
		t.Fatalf("%d GetQueueAttributes calls for %d queues", n, len(items))
	}
}

func TestSQSQueueOptionalAndDefaultFailures(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	acct := awstest.OrgAccounts(t, srv, p)[1]
	want := len(awstest.Resources(srv, acct.ID, "us-east-1", sqs.KindQueue))
	if want < 2 {
		t.Fatal("too few queues to test with")
	}
	// A denied ListQueueTags keeps every queue, without Tags, and is reported.
	srv.Faults().Add(awsemu.FaultRule{Service: "sqs", Operation: "ListQueueTags", AccountID: acct.ID, Status: 400, Code: "AccessDeniedException", Message: "not authorized"})
	pages, err := awstest.CollectPages(t, p, sqs.KindQueue, acct, "us-east-1", "ListQueueTagsAction")
	if err != nil {
		t.Fatalf("a denied optional action fails the page: %v", err)
	}
	items, omitted, examples := awstest.Tally(pages, func(it map[string]any) {
		if _, has := awstest.PropsOf(it)["Tags"]; has {
			t.Fatalf("denied, yet Tags set: %v", awstest.PropsOf(it))
		}
		if awstest.PropsOf(it)["QueueArn"] == nil {
			t.Fatalf("attributes missing: %v", awstest.PropsOf(it))
		}
	})
	if items != want || omitted != want || len(examples) == 0 || !strings.HasPrefix(examples[0], "ListQueueTagsAction denied for queue https://sqs.us-east-1.amazonaws.com/") {
		t.Fatalf("%d items, %d omitted of %d queues; examples %q", items, omitted, want, examples)
	}
	srv.Faults().Clear()

	// A queue deleted after the listing is left out, not an error.
	srv.Faults().Add(awsemu.FaultRule{Service: "sqs", Operation: "GetQueueAttributes", AccountID: acct.ID, Status: 400,
		Code: "AWS.SimpleQueueService.NonExistentQueue", Message: "The specified queue does not exist.", Count: 1})
	got, _ := awstest.CollectAll(t, p, sqs.KindQueue, acct, "us-east-1", 1000)
	if len(got) != want-1 {
		t.Fatalf("%d queues after one vanished, want %d", len(got), want-1)
	}
	srv.Faults().Clear()

	// GetQueueAttributes is a default call: its denial fails the page.
	srv.Faults().Add(awsemu.FaultRule{Service: "sqs", Operation: "GetQueueAttributes", AccountID: acct.ID, Status: 400, Code: "AccessDeniedException", Message: "not authorized"})
	if _, err := awstest.CollectPages(t, p, sqs.KindQueue, acct, "us-east-1"); err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Fatalf("denied GetQueueAttributes: %v", err)
	}
}
