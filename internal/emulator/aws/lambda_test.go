package awsemu_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func lambdaFn(i int) *awsemu.Resource {
	name := fmt.Sprintf("zz-fn-%02d", i)
	return &awsemu.Resource{ID: name, Name: name, Tags: map[string]string{"fn": name, "team": "t"}, Attributes: map[string]any{
		"Runtime": "nodejs20.x", "Handler": "index.handler", "MemorySize": int32(256), "Timeout": int32(30),
		"Role": "arn:aws:iam::123456789012:role/zz", "LastModified": "2024-01-02T03:04:05.000+0000", "CodeSize": int64(4096),
		"Description": "fn " + name, "Version": "$LATEST", "PackageType": "Zip", "Architectures": []string{"arm64"},
	}}
}

func TestLambdaListFunctionsPaginates(t *testing.T) {
	e := svcStart(t)
	e.add(t, e.mgmt, "us-west-2", awsemu.KindLambdaFunction, 57, lambdaFn)
	want := e.resources(e.mgmt, "us-west-2", awsemu.KindLambdaFunction)
	client := lambda.NewFromConfig(e.cfg("us-west-2"))

	p := lambda.NewListFunctionsPaginator(client, &lambda.ListFunctionsInput{MaxItems: aws.Int32(7)})
	var got []lambdatypes.FunctionConfiguration
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(e.ctx)
		if err != nil {
			t.Fatalf("list functions: %v", err)
		}
		pages++
		if len(out.Functions) > 7 {
			t.Errorf("page of %d functions", len(out.Functions))
		}
		got = append(got, out.Functions...)
	}
	if len(got) != len(want) || pages != (len(want)+6)/7 {
		t.Fatalf("listed %d functions in %d pages, org holds %d", len(got), pages, len(want))
	}
	checked := 0
	for _, f := range got {
		name := aws.ToString(f.FunctionName)
		if aws.ToString(f.FunctionArn) == "" || aws.ToString(f.Role) == "" || f.CodeSize == 0 || aws.ToString(f.LastModified) == "" ||
			aws.ToString(f.Version) != "$LATEST" || len(f.Architectures) != 1 {
			t.Errorf("function %s decoded wrong: %+v", name, f)
		}
		if len(name) == 8 && name[:6] == "zz-fn-" {
			checked++
			if f.Runtime != lambdatypes.RuntimeNodejs20x || aws.ToString(f.Handler) != "index.handler" || aws.ToInt32(f.MemorySize) != 256 ||
				aws.ToInt32(f.Timeout) != 30 || aws.ToString(f.LastModified) != "2024-01-02T03:04:05.000+0000" || f.CodeSize != 4096 ||
				f.PackageType != lambdatypes.PackageTypeZip || f.Architectures[0] != lambdatypes.ArchitectureArm64 ||
				aws.ToString(f.Description) != "fn "+name ||
				aws.ToString(f.FunctionArn) != "arn:aws:lambda:us-west-2:"+e.mgmt+":function:"+name {
				t.Errorf("function %s fields: %+v", name, f)
			}
		}
	}
	if checked != 57 {
		t.Errorf("saw %d of the 57 added functions", checked)
	}

	// Lambda answers at most 50 per page whatever MaxItems asks.
	out, err := client.ListFunctions(e.ctx, &lambda.ListFunctionsInput{MaxItems: aws.Int32(1000)})
	if err != nil || len(out.Functions) != 50 || out.NextMarker == nil {
		t.Fatalf("MaxItems 1000: %d functions, marker %v, err %v", len(out.Functions), out.NextMarker, err)
	}
	_, err = client.ListFunctions(e.ctx, &lambda.ListFunctionsInput{Marker: aws.String("bogus")})
	svcAPIError(t, err, "InvalidParameterValueException", http.StatusBadRequest)
	var ipe *lambdatypes.InvalidParameterValueException
	if !errors.As(err, &ipe) {
		t.Errorf("bad marker error %T, want *types.InvalidParameterValueException", err)
	}
}

func TestLambdaListTags(t *testing.T) {
	e := svcStart(t)
	e.add(t, e.mgmt, "us-east-1", awsemu.KindLambdaFunction, 2, lambdaFn)
	client := lambda.NewFromConfig(e.cfg("us-east-1"))
	arn := "arn:aws:lambda:us-east-1:" + e.mgmt + ":function:zz-fn-01"

	out, err := client.ListTags(e.ctx, &lambda.ListTagsInput{Resource: aws.String(arn)})
	if err != nil {
		t.Fatalf("list tags: %v", err)
	}
	if len(out.Tags) != 2 || out.Tags["fn"] != "zz-fn-01" || out.Tags["team"] != "t" {
		t.Errorf("tags = %v", out.Tags)
	}
	// Every generated function's tags come back as the org holds them.
	for _, r := range e.resources(e.mgmt, "us-east-1", awsemu.KindLambdaFunction) {
		out, err := client.ListTags(e.ctx, &lambda.ListTagsInput{Resource: aws.String("arn:aws:lambda:us-east-1:" + e.mgmt + ":function:" + r.ID)})
		if err != nil {
			t.Fatalf("list tags of %s: %v", r.ID, err)
		}
		if fmt.Sprint(out.Tags) != fmt.Sprint(r.Tags) {
			t.Errorf("tags of %s = %v, want %v", r.ID, out.Tags, r.Tags)
		}
	}

	_, err = client.ListTags(e.ctx, &lambda.ListTagsInput{Resource: aws.String("arn:aws:lambda:us-east-1:" + e.mgmt + ":function:nope")})
	var rnf *lambdatypes.ResourceNotFoundException
	if !errors.As(err, &rnf) {
		t.Fatalf("missing function: %T %v, want *types.ResourceNotFoundException", err, err)
	}
	svcAPIError(t, err, "ResourceNotFoundException", http.StatusNotFound)

	// The member account cannot read the management account's function.
	_, err = lambda.NewFromConfig(e.memberCfg("us-east-1")).ListTags(e.ctx, &lambda.ListTagsInput{Resource: aws.String(arn)})
	svcAPIError(t, err, "AccessDeniedException", http.StatusForbidden)
}

func TestLambdaCallerAccountAndFaults(t *testing.T) {
	e := svcStart(t)
	want := e.resources(e.member, "eu-central-1", awsemu.KindLambdaFunction)
	client := lambda.NewFromConfig(e.memberCfg("eu-central-1"))
	out, err := client.ListFunctions(e.ctx, &lambda.ListFunctionsInput{})
	if err != nil {
		t.Fatalf("member list: %v", err)
	}
	if len(out.Functions) != len(want) {
		t.Errorf("member sees %d functions, holds %d", len(out.Functions), len(want))
	}
	for i, f := range out.Functions {
		if aws.ToString(f.FunctionName) != want[i].ID {
			t.Errorf("function %d = %s, want %s", i, aws.ToString(f.FunctionName), want[i].ID)
		}
	}

	e.srv.Faults().DenyAccess(e.member, "lambda", "")
	_, err = client.ListFunctions(e.ctx, &lambda.ListFunctionsInput{})
	svcAPIError(t, err, "AccessDeniedException", http.StatusForbidden)
	e.clearFaults()

	svcThrottleAfterOne(e.srv, "lambda")
	if _, err := client.ListFunctions(e.ctx, &lambda.ListFunctionsInput{}); err != nil {
		t.Fatalf("first call under the rate limit: %v", err)
	}
	_, err = client.ListFunctions(e.ctx, &lambda.ListFunctionsInput{})
	var tmr *lambdatypes.TooManyRequestsException
	if !errors.As(err, &tmr) {
		t.Fatalf("throttled call: %T %v, want *types.TooManyRequestsException", err, err)
	}
	svcThrottled(t, err, "TooManyRequestsException", http.StatusTooManyRequests)
}
