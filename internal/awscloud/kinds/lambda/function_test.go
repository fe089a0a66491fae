package lambda_test

import (
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"
)

func TestLambdaFunctionKind(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	total := 0
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		for _, region := range awstest.KindSpec.Regions {
			items, _ := awstest.CollectAll(t, p, "AWS::Lambda::Function", acct, region, 3, "ListTagsAction")
			res := awstest.Resources(srv, acct.ID, region, "AWS::Lambda::Function")
			if len(items) != len(res) {
				t.Fatalf("%s %s: %d functions, want %d", acct.ID, region, len(items), len(res))
			}
			got := awstest.ByKey(items, "FunctionName")
			for _, r := range res {
				pr := awstest.PropsOf(got[r.ID])
				if pr["FunctionArn"] != r.ARN || pr["Runtime"] != r.AttrString("Runtime") || pr["MemorySize"] != int(r.AttrInt("MemorySize")) {
					t.Fatalf("function props %v", pr)
				}
				tags := pr["Tags"].(map[string]any)
				if len(tags) != len(r.Tags) || tags["Name"] != r.Tags["Name"] {
					t.Fatalf("tags %v, want %v", tags, r.Tags)
				}
			}
			total += len(items)
		}
	}
	if total == 0 {
		t.Fatal("no functions generated")
	}
	// Without the action no ListTags call is made and no Tags appear.
	srv.ResetRequests()
	acct := awstest.OrgAccounts(t, srv, p)[0]
	items, _ := awstest.CollectAll(t, p, "AWS::Lambda::Function", acct, "us-east-1", 50)
	for _, it := range items {
		if _, has := awstest.PropsOf(it)["Tags"]; has {
			t.Fatal("Tags without ListTagsAction")
		}
	}
	if n := len(awstest.Ops(srv, "ListTags")); n != 0 {
		t.Fatalf("ListTags calls without the action: %d", n)
	}
}
