package awsemu_test

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func ddbTable(i int) *awsemu.Resource {
	name := fmt.Sprintf("zz-table-%02d", i)
	tags := map[string]string{}
	for j := 0; j < i%13; j++ { // up to 12 tags: more than one ListTagsOfResource page
		tags[fmt.Sprintf("k%02d", j)] = fmt.Sprintf("v%d", j)
	}
	return &awsemu.Resource{ID: name, Name: name, CreatedAt: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), Tags: tags,
		Attributes: map[string]any{"BillingMode": "PROVISIONED", "ReadCapacityUnits": int64(7), "WriteCapacityUnits": int64(3),
			"ItemCount": int64(i), "TableSizeBytes": int64(100 * i), "HashKey": "pk", "PointInTimeRecovery": i%2 == 0}}
}

func TestDynamoDBListTablesPaginates(t *testing.T) {
	e := svcStart(t)
	e.add(t, e.mgmt, "us-west-2", awsemu.KindDynamoDBTable, 23, ddbTable)
	var want []string
	for _, r := range e.resources(e.mgmt, "us-west-2", awsemu.KindDynamoDBTable) {
		want = append(want, r.ID)
	}
	sort.Strings(want)
	client := dynamodb.NewFromConfig(e.cfg("us-west-2"))
	p := dynamodb.NewListTablesPaginator(client, &dynamodb.ListTablesInput{Limit: aws.Int32(5)})
	var got []string
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(e.ctx)
		if err != nil {
			t.Fatalf("list tables: %v", err)
		}
		pages++
		if len(out.TableNames) > 5 {
			t.Errorf("page of %d tables", len(out.TableNames))
		}
		got = append(got, out.TableNames...)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || pages != (len(want)+4)/5 {
		t.Fatalf("listed %v in %d pages, want %v", got, pages, want)
	}
	_, err := client.ListTables(e.ctx, &dynamodb.ListTablesInput{Limit: aws.Int32(101)})
	svcAPIError(t, err, "ValidationException", http.StatusBadRequest)
}

func TestDynamoDBDescribeTagsBackups(t *testing.T) {
	e := svcStart(t)
	e.add(t, e.mgmt, "us-east-1", awsemu.KindDynamoDBTable, 13, ddbTable)
	client := dynamodb.NewFromConfig(e.cfg("us-east-1"))

	d, err := client.DescribeTable(e.ctx, &dynamodb.DescribeTableInput{TableName: aws.String("zz-table-12")})
	if err != nil {
		t.Fatalf("describe: %v", err)
	}
	tb := d.Table
	arn := "arn:aws:dynamodb:us-east-1:" + e.mgmt + ":table/zz-table-12"
	if aws.ToString(tb.TableName) != "zz-table-12" || aws.ToString(tb.TableArn) != arn || tb.TableStatus != ddbtypes.TableStatusActive ||
		!tb.CreationDateTime.Equal(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)) || aws.ToInt64(tb.ItemCount) != 12 ||
		aws.ToInt64(tb.ProvisionedThroughput.ReadCapacityUnits) != 7 || len(tb.KeySchema) != 1 ||
		aws.ToString(tb.KeySchema[0].AttributeName) != "pk" || tb.KeySchema[0].KeyType != ddbtypes.KeyTypeHash || aws.ToString(tb.TableId) == "" {
		t.Errorf("table decoded wrong: %+v", tb)
	}
	_, err = client.DescribeTable(e.ctx, &dynamodb.DescribeTableInput{TableName: aws.String("nope")})
	var rnf *ddbtypes.ResourceNotFoundException
	if !errors.As(err, &rnf) {
		t.Fatalf("missing table: %T %v, want *types.ResourceNotFoundException", err, err)
	}

	// 12 tags come back over two pages of at most 10.
	var tags []ddbtypes.Tag
	var token *string
	for calls := 0; ; calls++ {
		out, err := client.ListTagsOfResource(e.ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: aws.String(arn), NextToken: token})
		if err != nil {
			t.Fatalf("list tags: %v", err)
		}
		tags = append(tags, out.Tags...)
		if out.NextToken == nil {
			if calls != 1 {
				t.Errorf("%d tag pages, want 2", calls+1)
			}
			break
		}
		token = out.NextToken
	}
	if len(tags) != 12 || aws.ToString(tags[0].Key) != "k00" || aws.ToString(tags[11].Value) != "v11" {
		t.Errorf("tags = %+v", tags)
	}
	_, err = dynamodb.NewFromConfig(e.memberCfg("us-east-1")).ListTagsOfResource(e.ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: aws.String(arn)})
	svcAPIError(t, err, "AccessDeniedException", http.StatusBadRequest)

	b, err := client.DescribeContinuousBackups(e.ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String("zz-table-12")})
	if err != nil {
		t.Fatalf("backups: %v", err)
	}
	cb := b.ContinuousBackupsDescription
	if cb.ContinuousBackupsStatus != ddbtypes.ContinuousBackupsStatusEnabled ||
		cb.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus != ddbtypes.PointInTimeRecoveryStatusEnabled {
		t.Errorf("backups = %+v", cb)
	}
	b, err = client.DescribeContinuousBackups(e.ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String("zz-table-11")})
	if err != nil || b.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus != ddbtypes.PointInTimeRecoveryStatusDisabled {
		t.Errorf("backups of table 11 = %+v, %v", b, err)
	}
}

func TestDynamoDBGeneratedFaultsAndLog(t *testing.T) {
	e := svcStart(t)
	client := dynamodb.NewFromConfig(e.memberCfg("eu-central-1"))
	want := e.resources(e.member, "eu-central-1", awsemu.KindDynamoDBTable)
	out, err := client.ListTables(e.ctx, &dynamodb.ListTablesInput{})
	if err != nil || len(out.TableNames) != len(want) {
		t.Fatalf("member lists %d tables, holds %d: %v", len(out.TableNames), len(want), err)
	}
	e.srv.ResetRequests()
	e.srv.Faults().DenyAccess(e.member, "dynamodb", "eu-central-1")
	_, err = client.DescribeTable(e.ctx, &dynamodb.DescribeTableInput{TableName: aws.String("x")})
	svcAPIError(t, err, "AccessDeniedException", http.StatusBadRequest)
	reqs := e.srv.Requests()
	if len(reqs) != 1 || reqs[0].Service != "dynamodb" || reqs[0].Operation != "DescribeTable" || reqs[0].AccountID != e.member ||
		reqs[0].ErrorCode != "AccessDeniedException" {
		t.Errorf("request log = %+v", reqs)
	}
	e.clearFaults()

	svcCheckThrottle(t, e.srv, "dynamodb", "ThrottlingException", http.StatusBadRequest, func() error {
		_, err := client.ListTables(e.ctx, &dynamodb.ListTablesInput{})
		return err
	})

	// Opt-in region not enabled.
	_, err = dynamodb.NewFromConfig(e.cfg("ap-east-1")).ListTables(e.ctx, &dynamodb.ListTablesInput{})
	svcAPIError(t, err, "UnrecognizedClientException", http.StatusBadRequest)
}

func TestGeneratedDynamoDBTables(t *testing.T) {
	spec := awsemu.Spec{Seed: 5, Accounts: 3, ResourcesPerKind: 4, Regions: []string{"us-east-1", "eu-west-1"}}
	a, b := awsemu.Generate(spec), awsemu.Generate(spec)
	total := 0
	for id, acct := range a.Accounts {
		for _, region := range spec.Regions {
			key := awsemu.ResourceKey{Region: region, Kind: awsemu.KindDynamoDBTable}
			ra, rb := acct.Resources[key], b.Accounts[id].Resources[key]
			if len(ra) != len(rb) {
				t.Fatalf("not deterministic: %d vs %d tables", len(ra), len(rb))
			}
			for i := range ra {
				if ra[i].ID != rb[i].ID || ra[i].ARN != "arn:aws:dynamodb:"+region+":"+id+":table/"+ra[i].ID {
					t.Fatalf("table %d: %+v vs %+v", i, ra[i], rb[i])
				}
			}
			total += len(ra)
		}
	}
	if total == 0 {
		t.Fatal("no tables generated")
	}
}
