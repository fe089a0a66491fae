package account_test

import (
	"reflect"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"
	"github.com/aws/aws-sdk-go-v2/aws"
)

func TestAccountInfoKind(t *testing.T) {
	k, _ := awscloud.LookupKind("AWS::Account::Info")
	acct := awscloud.Account{ID: "123456789012", Name: "prod-payments", RoleARN: "arn:aws-us-gov:iam::123456789012:role/R"}
	page, err := k.Collect(awstest.Ctx(t), awsConfigZero(), awscloud.PageRequest{Account: acct})
	if err != nil || page.Next != "" || len(page.Items) != 1 {
		t.Fatalf("page = %+v, %v", page, err)
	}
	want := map[string]any{"Type": "AWS::Account::Info",
		"Properties":     map[string]any{"Id": "123456789012", "Name": "prod-payments"},
		"__ExtraContext": map[string]any{"AccountId": "123456789012", "Partition": "aws-us-gov"}}
	if !reflect.DeepEqual(page.Items[0], want) {
		t.Fatalf("item = %v", page.Items[0])
	}
}

func awsConfigZero() aws.Config { return aws.Config{} }
