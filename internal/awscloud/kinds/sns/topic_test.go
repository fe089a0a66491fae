package sns_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/kinds/sns"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestSNSTopicKind(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	accts := awstest.OrgAccounts(t, srv, p)
	// ListTopics pages at 100: give one region more than two pages.
	srv.Update(func(o *awsemu.Org) {
		for i := 0; i < 230; i++ {
			name := fmt.Sprintf("zz-topic-%03d", i)
			if err := o.AddResource(accts[0].ID, awsemu.ResourceKey{Region: "eu-west-1", Kind: awsemu.KindSNSTopic}, &awsemu.Resource{ID: name, Name: name,
				ARN: "arn:aws:sns:eu-west-1:" + accts[0].ID + ":" + name, Tags: map[string]string{"n": name}}); err != nil {
				t.Fatal(err)
			}
		}
	})
	total, fifo, maxPages := 0, 0, 0
	for _, acct := range accts {
		for _, region := range awstest.KindSpec.Regions {
			items, pages := awstest.CollectAll(t, p, sns.KindTopic, acct, region, 3, "GetTopicTagsAction")
			maxPages = max(maxPages, pages)
			res := awstest.Resources(srv, acct.ID, region, sns.KindTopic)
			if len(items) != len(res) {
				t.Fatalf("%s %s: %d topics, want %d", acct.ID, region, len(items), len(res))
			}
			got := awstest.ByKey(items, "TopicArn")
			for _, r := range res {
				it := got[r.ARN]
				if it == nil {
					t.Fatalf("topic %s missing", r.ARN)
				}
				ex := awstest.ExtraOf(it)
				if it["Type"] != sns.KindTopic || ex["AccountId"] != acct.ID || ex["Region"] != region || ex["Partition"] != "aws" {
					t.Fatalf("item %v", it)
				}
				pr := awstest.PropsOf(it)
				if pr["Owner"] != acct.ID || pr["SubscriptionsConfirmed"] != r.AttrInt("SubscriptionsConfirmed") || pr["SubscriptionsDeleted"] != int64(0) ||
					pr["DisplayName"] != r.AttrString("DisplayName") || !strings.Contains(pr["Policy"].(string), r.ARN) {
					t.Fatalf("topic props %v of %v", pr, r.Attributes)
				}
				if strings.HasSuffix(r.ID, ".fifo") {
					fifo++
					if pr["FifoTopic"] != true || pr["ContentBasedDeduplication"] != r.AttrBool("ContentBasedDeduplication") {
						t.Fatalf("fifo props %v", pr)
					}
				}
				tags, ok := pr["Tags"].([]any)
				if !ok || len(tags) != len(r.Tags) {
					t.Fatalf("tags %v, want %v", pr["Tags"], r.Tags)
				}
				for _, tg := range tags {
					kv := tg.(map[string]any)
					if r.Tags[kv["Key"].(string)] != kv["Value"] {
						t.Fatalf("tag %v, want %v", kv, r.Tags)
					}
				}
			}
			total += len(items)
		}
	}
	if total < 230 || fifo == 0 || maxPages != 3 {
		t.Fatalf("%d topics, %d fifo, at most %d pages", total, fifo, maxPages)
	}
	// Without the action no ListTagsForResource call is made and no Tags appear.
	srv.ResetRequests()
	items, _ := awstest.CollectAll(t, p, sns.KindTopic, accts[1], "us-east-1", 50)
	for _, it := range items {
		if _, has := awstest.PropsOf(it)["Tags"]; has {
			t.Fatal("Tags without GetTopicTagsAction")
		}
	}
	if n := len(awstest.Ops(srv, "ListTagsForResource")); n != 0 {
		t.Fatalf("ListTagsForResource calls without the action: %d", n)
	}
	if n := len(awstest.Ops(srv, "GetTopicAttributes")); n != len(items) || n == 0 {
		t.Fatalf("%d GetTopicAttributes calls for %d topics", n, len(items))
	}
}

func TestSNSTopicOptionalAndDefaultFailures(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	acct := awstest.OrgAccounts(t, srv, p)[1]
	want := len(awstest.Resources(srv, acct.ID, "us-east-1", sns.KindTopic))
	if want < 2 {
		t.Fatal("too few topics to test with")
	}
	srv.Faults().Add(awsemu.FaultRule{Service: "sns", Operation: "ListTagsForResource", AccountID: acct.ID, Status: 403, Code: "AuthorizationError", Message: "not authorized"})
	pages, err := awstest.CollectPages(t, p, sns.KindTopic, acct, "us-east-1", "GetTopicTagsAction")
	if err != nil {
		t.Fatalf("a denied optional action fails the page: %v", err)
	}
	items, omitted, examples := awstest.Tally(pages, func(it map[string]any) {
		if _, has := awstest.PropsOf(it)["Tags"]; has || awstest.PropsOf(it)["Owner"] == nil {
			t.Fatalf("denied tags: props %v", awstest.PropsOf(it))
		}
	})
	if items != want || omitted != want || len(examples) == 0 || !strings.HasPrefix(examples[0], "GetTopicTagsAction denied for topic arn:aws:sns:us-east-1:") {
		t.Fatalf("%d items, %d omitted of %d topics; examples %q", items, omitted, want, examples)
	}
	srv.Faults().Clear()

	// A topic deleted after the listing is left out.
	srv.Faults().Add(awsemu.FaultRule{Service: "sns", Operation: "GetTopicAttributes", AccountID: acct.ID, Status: 404, Code: "NotFound", Message: "Topic does not exist", Count: 1})
	if got, _ := awstest.CollectAll(t, p, sns.KindTopic, acct, "us-east-1", 0); len(got) != want-1 {
		t.Fatalf("%d topics after one vanished, want %d", len(got), want-1)
	}
	srv.Faults().Clear()

	// GetTopicAttributes is a default call: its denial fails the page.
	srv.Faults().Add(awsemu.FaultRule{Service: "sns", Operation: "GetTopicAttributes", AccountID: acct.ID, Status: 403, Code: "AuthorizationError", Message: "not authorized"})
	if _, err := awstest.CollectPages(t, p, sns.KindTopic, acct, "us-east-1"); err == nil || !strings.Contains(err.Error(), "AuthorizationError") {
		t.Fatalf("denied GetTopicAttributes: %v", err)
	}
}
