package dynamodb_test

import (
	"strings"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestDynamoDBTableKind(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	total, multiPage := 0, false
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		for _, region := range awstest.KindSpec.Regions {
			items, pages := awstest.CollectAll(t, p, "AWS::DynamoDB::Table", acct, region, 3, "GetTableTagsAction", "GetTableBackupStatusAction")
			res := awstest.Resources(srv, acct.ID, region, "AWS::DynamoDB::Table")
			if len(items) != len(res) {
				t.Fatalf("%s %s: %d tables, want %d", acct.ID, region, len(items), len(res))
			}
			multiPage = multiPage || pages > 1
			got := awstest.ByKey(items, "TableName")
			for _, r := range res {
				it := got[r.ID]
				if it["Type"] != "AWS::DynamoDB::Table" || awstest.ExtraOf(it)["AccountId"] != acct.ID || awstest.ExtraOf(it)["Region"] != region || awstest.ExtraOf(it)["Partition"] != "aws" {
					t.Fatalf("item %v", it)
				}
				pr := awstest.PropsOf(it)
				if pr["TableArn"] != r.ARN || pr["TableStatus"] != "ACTIVE" || pr["ItemCount"] != int(r.AttrInt("ItemCount")) ||
					pr["KeySchema"] == nil || pr["CreationDateTime"] == nil || pr["TableId"] == nil {
					t.Fatalf("table props %v", pr)
				}
				tags := pr["Tags"].([]any)
				if len(tags) != len(r.Tags) {
					t.Fatalf("tags %v, want %v", tags, r.Tags)
				}
				for _, tg := range tags {
					kv := tg.(map[string]any)
					if r.Tags[kv["Key"].(string)] != kv["Value"] {
						t.Fatalf("tag %v, want %v", kv, r.Tags)
					}
				}
				cb := pr["ContinuousBackupsDescription"].(map[string]any)
				pitr := cb["PointInTimeRecoveryDescription"].(map[string]any)["PointInTimeRecoveryStatus"]
				if cb["ContinuousBackupsStatus"] != "ENABLED" || (pitr == "ENABLED") != r.AttrBool("PointInTimeRecovery") {
					t.Fatalf("backups %v", cb)
				}
			}
			total += len(items)
		}
	}
	if total == 0 || !multiPage {
		t.Fatalf("%d tables, paged: %v", total, multiPage)
	}

	// Without the actions only ListTables and DescribeTable are called.
	srv.ResetRequests()
	acct := awstest.OrgAccounts(t, srv, p)[0]
	srv.ResetRequests()
	items, _ := awstest.CollectAll(t, p, "AWS::DynamoDB::Table", acct, "us-east-1", 100)
	for _, it := range items {
		pr := awstest.PropsOf(it)
		if _, has := pr["Tags"]; has {
			t.Fatal("Tags without GetTableTagsAction")
		}
		if _, has := pr["ContinuousBackupsDescription"]; has {
			t.Fatal("ContinuousBackupsDescription without GetTableBackupStatusAction")
		}
	}
	if n := len(awstest.Ops(srv, "DescribeTable")); n != len(items) {
		t.Fatalf("%d DescribeTable calls for %d tables", n, len(items))
	}
	if n := len(awstest.Ops(srv, "ListTagsOfResource")) + len(awstest.Ops(srv, "DescribeContinuousBackups")); n != 0 {
		t.Fatalf("optional calls without the actions: %d", n)
	}
}

func TestDynamoDBOptionalActionsDeniedKeepTheTable(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	acct := awstest.OrgAccounts(t, srv, p)[1]
	want := len(awstest.Resources(srv, acct.ID, "us-east-1", "AWS::DynamoDB::Table"))
	if want == 0 {
		t.Fatal("no tables to test with")
	}
	srv.Faults().Add(awsemu.FaultRule{Service: "dynamodb", Operation: "ListTagsOfResource", AccountID: acct.ID, Status: 400,
		Code: "AccessDeniedException", Message: "not authorized"})
	srv.Faults().Add(awsemu.FaultRule{Service: "dynamodb", Operation: "DescribeContinuousBackups", AccountID: acct.ID, Status: 400,
		Code: "AccessDeniedException", Message: "not authorized"})
	pages, err := awstest.CollectPages(t, p, "AWS::DynamoDB::Table", acct, "us-east-1", "GetTableTagsAction", "GetTableBackupStatusAction")
	if err != nil {
		t.Fatalf("a denied optional action fails the page: %v", err)
	}
	items, omitted, examples := awstest.Tally(pages, func(it map[string]any) {
		pr := awstest.PropsOf(it)
		_, tags := pr["Tags"]
		_, backups := pr["ContinuousBackupsDescription"]
		if tags || backups || pr["TableArn"] == nil {
			t.Fatalf("denied, yet set: %v", pr)
		}
	})
	if items != want || omitted != 2*want {
		t.Fatalf("%d items of %d tables, omitted %d", items, want, omitted)
	}
	if len(examples) == 0 || !strings.Contains(examples[0], " denied for table ") {
		t.Fatalf("examples %q", examples)
	}

	// DescribeTable is a default call: its denial fails the page.
	srv.Faults().Clear()
	srv.Faults().Add(awsemu.FaultRule{Service: "dynamodb", Operation: "DescribeTable", AccountID: acct.ID, Status: 400,
		Code: "AccessDeniedException", Message: "not authorized"})
	if _, err := awstest.CollectPages(t, p, "AWS::DynamoDB::Table", acct, "us-east-1"); err == nil || !strings.Contains(err.Error(), "AccessDeniedException") {
		t.Fatalf("denied DescribeTable: %v", err)
	}
	// Any other failure of an optional action fails the page.
	srv.Faults().Clear()
	srv.Faults().Add(awsemu.FaultRule{Service: "dynamodb", Operation: "DescribeContinuousBackups", AccountID: acct.ID, Status: 400,
		Code: "ValidationException", Message: "boom"})
	if _, err := awstest.CollectPages(t, p, "AWS::DynamoDB::Table", acct, "us-east-1", "GetTableBackupStatusAction"); err == nil || !strings.Contains(err.Error(), "ValidationException") {
		t.Fatalf("ValidationException on an optional action: %v", err)
	}
}
