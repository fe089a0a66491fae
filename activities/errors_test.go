package activities

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudcontrol"
	"github.com/aws/aws-sdk-go-v2/service/codebuild"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	"github.com/aws/aws-sdk-go-v2/service/codepipeline"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	"github.com/aws/aws-sdk-go-v2/service/kafka"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/memorydb"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"go.temporal.io/sdk/temporal"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// One call per wire protocol the emulator speaks.
var protocolCalls = map[string]struct {
	op   string
	call func(context.Context, aws.Config) error
}{
	"sts": {"GetCallerIdentity", func(ctx context.Context, c aws.Config) error { // query
		_, err := sts.NewFromConfig(c).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		return err
	}},
	"ec2": {"DescribeRegions", func(ctx context.Context, c aws.Config) error { // ec2 query
		_, err := ec2.NewFromConfig(c).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
		return err
	}},
	"s3": {"ListBuckets", func(ctx context.Context, c aws.Config) error { // rest-xml
		_, err := s3.NewFromConfig(c).ListBuckets(ctx, &s3.ListBucketsInput{})
		return err
	}},
	"ecs": {"ListClusters", func(ctx context.Context, c aws.Config) error { // json 1.1
		_, err := ecs.NewFromConfig(c).ListClusters(ctx, &ecs.ListClustersInput{})
		return err
	}},
	"lambda": {"ListFunctions", func(ctx context.Context, c aws.Config) error { // rest-json
		_, err := lambda.NewFromConfig(c).ListFunctions(ctx, &lambda.ListFunctionsInput{})
		return err
	}}, "sqs": {"ListQueues", func(ctx context.Context, c aws.Config) error { // json 1.0, query-compatible
		_, err := sqs.NewFromConfig(c).ListQueues(ctx, &sqs.ListQueuesInput{})
		return err
	}},
	"sns": {"ListTopics", func(ctx context.Context, c aws.Config) error { // query, SNS's namespace
		_, err := sns.NewFromConfig(c).ListTopics(ctx, &sns.ListTopicsInput{})
		return err
	}},
	"dynamodb": {"ListTables", func(ctx context.Context, c aws.Config) error { // json 1.0
		_, err := dynamodb.NewFromConfig(c).ListTables(ctx, &dynamodb.ListTablesInput{})
		return err
	}},
	"ecr": {"DescribeRepositories", func(ctx context.Context, c aws.Config) error { // json 1.1, schema-serde client
		_, err := ecr.NewFromConfig(c).DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{})
		return err
	}},
	"rds": {"DescribeDBInstances", func(ctx context.Context, c aws.Config) error { // query, RDS's namespace
		_, err := rds.NewFromConfig(c).DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{})
		return err
	}},
	"elasticache": {"DescribeCacheClusters", func(ctx context.Context, c aws.Config) error { // query, ElastiCache's namespace
		_, err := elasticache.NewFromConfig(c).DescribeCacheClusters(ctx, &elasticache.DescribeCacheClustersInput{})
		return err
	}},
	"memorydb": {"DescribeUsers", func(ctx context.Context, c aws.Config) error { // rpcv2 cbor
		_, err := memorydb.NewFromConfig(c).DescribeUsers(ctx, &memorydb.DescribeUsersInput{})
		return err
	}},
	"cloudcontrolapi": {"ListResources", func(ctx context.Context, c aws.Config) error { // json 1.0
		_, err := cloudcontrol.NewFromConfig(c).ListResources(ctx, &cloudcontrol.ListResourcesInput{TypeName: aws.String("AWS::Logs::LogGroup")})
		return err
	}},
	"kafka": {"ListClusters", func(ctx context.Context, c aws.Config) error { // rest-json, camelCase
		_, err := kafka.NewFromConfig(c).ListClusters(ctx, &kafka.ListClustersInput{})
		return err
	}},
	"ses": {"ListEmailIdentities", func(ctx context.Context, c aws.Config) error { // rest-json, PascalCase (SES v2)
		_, err := sesv2.NewFromConfig(c).ListEmailIdentities(ctx, &sesv2.ListEmailIdentitiesInput{})
		return err
	}},
	"codedeploy": {"ListApplications", func(ctx context.Context, c aws.Config) error { // json 1.1
		_, err := codedeploy.NewFromConfig(c).ListApplications(ctx, &codedeploy.ListApplicationsInput{})
		return err
	}},
	"codepipeline": {"ListPipelines", func(ctx context.Context, c aws.Config) error { // json 1.1
		_, err := codepipeline.NewFromConfig(c).ListPipelines(ctx, &codepipeline.ListPipelinesInput{})
		return err
	}},
	"codebuild": {"ListProjects", func(ctx context.Context, c aws.Config) error { // json 1.1
		_, err := codebuild.NewFromConfig(c).ListProjects(ctx, &codebuild.ListProjectsInput{})
		return err
	}},
}

const (
	retried  = ""
	denied   = syncdef.ErrTypeAccessDenied
	rejected = syncdef.ErrTypeAWSRejected
)

// emulatedErrors is every error code the AWS emulator answers with, with the
// status and protocol it uses, and what must become of it: retried, or a
// non-retryable error of the given type.
var emulatedErrors = []struct {
	service, code string
	status        int
	want          string
}{
	// Throttling, each protocol's own way.
	{"sts", "Throttling", 400, retried},
	{"ec2", "RequestLimitExceeded", 503, retried},
	{"s3", "SlowDown", 503, retried},
	{"ecs", "ThrottlingException", 400, retried},
	{"ecs", "TooManyRequestsException", 400, retried}, // Organizations
	{"lambda", "TooManyRequestsException", 429, retried},
	// Injected outages.
	{"ec2", "InternalError", 500, retried},
	{"s3", "InternalError", 500, retried},
	{"ecs", "InternalFailure", 500, retried},
	{"lambda", "InternalFailure", 500, retried},
	{"sts", "ServiceUnavailable", 503, retried},
	{"ecs", "ServiceUnavailable", 503, retried},
	// Expired sessions: refreshed, then retried.
	{"sts", "ExpiredToken", 403, retried},
	{"sts", "ExpiredTokenException", 400, retried}, // web identity token
	{"ec2", "ExpiredToken", 400, retried},
	{"s3", "ExpiredToken", 400, retried},
	{"ecs", "ExpiredTokenException", 403, retried},
	{"lambda", "ExpiredTokenException", 403, retried},
	// Denied.
	{"sts", "AccessDenied", 403, denied},
	{"sts", "InvalidClientTokenId", 403, denied},
	{"sts", "SignatureDoesNotMatch", 403, denied},
	{"sts", "InvalidIdentityToken", 400, denied},
	{"sts", "MissingAuthenticationToken", 403, denied},
	{"sts", "IncompleteSignature", 400, denied},
	{"ec2", "AuthFailure", 401, denied},
	{"ec2", "UnauthorizedOperation", 403, denied},
	{"s3", "AccessDenied", 403, denied},
	{"s3", "InvalidAccessKeyId", 403, denied},
	{"s3", "InvalidToken", 400, denied},
	{"s3", "SignatureDoesNotMatch", 403, denied},
	{"ecs", "AccessDeniedException", 400, denied}, // Organizations
	{"ecs", "UnrecognizedClientException", 400, denied},
	{"ecs", "UnrecognizedClientException", 403, denied},
	{"ecs", "InvalidSignatureException", 403, denied},
	{"ecs", "AWSOrganizationsNotInUseException", 400, denied},
	{"ecs", "MissingAuthenticationToken", 403, denied},
	{"ecs", "IncompleteSignature", 400, denied},
	{"lambda", "AccessDeniedException", 403, denied},
	{"lambda", "UnrecognizedClientException", 403, denied},
	{"lambda", "InvalidSignatureException", 403, denied},
	// Rejected: unknown operation, validation, not found.
	{"sts", "InvalidAction", 400, rejected},
	{"sts", "ValidationError", 400, rejected},
	{"sts", "InvalidRequest", 400, rejected},
	{"sts", "UnknownService", 404, rejected},
	{"ec2", "InvalidAction", 400, rejected},
	{"ec2", "InvalidParameterValue", 400, rejected},
	{"ec2", "InvalidParameterCombination", 400, rejected},
	{"ec2", "InvalidInstanceID.NotFound", 400, rejected},
	{"ec2", "InvalidVolume.NotFound", 400, rejected},
	{"ec2", "MissingParameter", 400, rejected},
	{"s3", "NotImplemented", 501, rejected},
	{"s3", "InvalidArgument", 400, rejected},
	{"s3", "NoSuchBucket", 404, rejected},
	{"s3", "NoSuchTagSet", 404, rejected},
	{"s3", "ServerSideEncryptionConfigurationNotFoundError", 404, rejected},
	{"s3", "NoSuchPublicAccessBlockConfiguration", 404, rejected},
	{"s3", "OwnershipControlsNotFoundError", 404, rejected},
	{"s3", "PermanentRedirect", 301, rejected},
	{"s3", "XAmzContentSHA256Mismatch", 400, rejected},
	{"ecs", "UnknownOperationException", 400, rejected},
	{"ecs", "UnknownService", 400, rejected},
	{"ecs", "InvalidParameterException", 400, rejected},
	{"ecs", "SerializationException", 400, rejected},
	{"ecs", "ClusterNotFoundException", 400, rejected},
	{"ecs", "InvalidInputException", 400, rejected}, // Organizations
	{"ecs", "ParentNotFoundException", 400, rejected},
	{"ecs", "ChildNotFoundException", 400, rejected},
	{"ecs", "TargetNotFoundException", 400, rejected},
	{"ecs", "InvalidRequest", 400, rejected},
	{"lambda", "UnknownOperationException", 404, rejected},
	{"lambda", "ValidationException", 400, rejected},
	{"lambda", "InvalidParameterValueException", 400, rejected},
	{"lambda", "ResourceNotFoundException", 404, rejected},
	// SQS (the SDK reports the query-compatible code when the header carries one).
	{"sqs", "RequestThrottled", 400, retried},
	{"sqs", "InternalFailure", 500, retried},
	{"sqs", "AccessDeniedException", 400, denied},
	{"sqs", "InvalidClientTokenId", 403, denied},
	{"sqs", "QueueDoesNotExist", 400, rejected},
	{"sqs", "AWS.SimpleQueueService.NonExistentQueue", 400, rejected},
	{"sqs", "InvalidParameterValue", 400, rejected},
	// SNS.
	{"sns", "Throttling", 400, retried},
	{"sns", "AuthorizationError", 403, denied},
	{"sns", "InvalidClientTokenId", 403, denied},
	{"sns", "NotFound", 404, rejected},
	{"sns", "ResourceNotFound", 404, rejected},
	{"sns", "InvalidParameter", 400, rejected},
	// DynamoDB (json 1.0) and ECR.
	{"dynamodb", "ThrottlingException", 400, retried},
	{"dynamodb", "AccessDeniedException", 400, denied},
	{"dynamodb", "UnrecognizedClientException", 400, denied},
	{"dynamodb", "ResourceNotFoundException", 400, rejected},
	{"dynamodb", "ValidationException", 400, rejected},
	{"dynamodb", "SerializationException", 400, rejected},
	{"ecr", "ThrottlingException", 400, retried},
	{"ecr", "AccessDeniedException", 400, denied},
	{"ecr", "InvalidParameterException", 400, rejected},
	{"ecr", "RepositoryNotFoundException", 400, rejected},
	{"ecr", "RepositoryPolicyNotFoundException", 400, rejected},
	{"ecr", "LifecyclePolicyNotFoundException", 400, rejected},
	{"ecs", "ClientException", 400, rejected}, // DescribeTaskDefinition of an unknown revision
	// RDS and ElastiCache (query), MemoryDB (rpcv2 cbor).
	{"rds", "Throttling", 400, retried},
	{"rds", "InternalFailure", 500, retried},
	{"rds", "AccessDenied", 403, denied},
	{"rds", "InvalidClientTokenId", 403, denied},
	{"rds", "DBInstanceNotFound", 404, rejected},
	{"rds", "DBClusterNotFoundFault", 404, rejected},
	{"rds", "InvalidParameterValue", 400, rejected},
	{"rds", "MissingParameter", 400, rejected},
	{"elasticache", "Throttling", 400, retried},
	{"elasticache", "AccessDenied", 403, denied},
	{"elasticache", "CacheClusterNotFound", 404, rejected},
	{"elasticache", "InvalidARN", 400, rejected},
	{"memorydb", "ThrottlingException", 400, retried},
	{"memorydb", "InternalFailure", 500, retried},
	{"memorydb", "AccessDeniedException", 400, denied},
	{"memorydb", "UnrecognizedClientException", 400, denied},
	{"memorydb", "UserNotFoundFault", 400, rejected},
	{"memorydb", "InvalidARNFault", 400, rejected},
	{"memorydb", "InvalidParameterValueException", 400, rejected},
	{"memorydb", "SerializationException", 400, rejected},
	// Cloud Control (json 1.0): the type's own problems are the user's to fix.
	{"cloudcontrolapi", "ThrottlingException", 400, retried},
	{"cloudcontrolapi", "TypeNotFoundException", 400, rejected},
	{"cloudcontrolapi", "InvalidRequestException", 400, rejected},
	{"cloudcontrolapi", "ResourceNotFoundException", 400, rejected},
	// MSK and SES v2 (rest-json), CodeBuild (json 1.1).
	{"kafka", "TooManyRequestsException", 429, retried},
	{"kafka", "UnrecognizedClientException", 403, denied},
	{"kafka", "BadRequestException", 400, rejected},
	{"ses", "TooManyRequestsException", 429, retried},
	{"ses", "AccessDeniedException", 403, denied},
	{"ses", "BadRequestException", 400, rejected},
	{"ses", "NotFoundException", 404, rejected},
	// CodeDeploy and CodePipeline (json 1.1).
	{"codedeploy", "ThrottlingException", 400, retried},
	{"codedeploy", "AccessDeniedException", 400, denied},
	{"codedeploy", "UnrecognizedClientException", 400, denied},
	{"codedeploy", "SerializationException", 400, rejected},
	{"codepipeline", "ThrottlingException", 400, retried},
	{"codepipeline", "AccessDeniedException", 400, denied},
	{"codepipeline", "ValidationException", 400, rejected},
	{"codepipeline", "InvalidNextTokenException", 400, rejected},
	{"codepipeline", "PipelineNotFoundException", 400, rejected},
	{"codepipeline", "PipelineVersionNotFoundException", 400, rejected},
	{"codepipeline", "PipelineExecutionNotFoundException", 400, rejected},
	{"codepipeline", "InvalidArnException", 400, rejected},
	{"codebuild", "ThrottlingException", 400, retried},
	{"codebuild", "UnrecognizedClientException", 400, denied},
	{"codebuild", "InvalidInputException", 400, rejected},
}

// TestEveryEmulatorErrorCode injects each code through the emulator, calls
// it with the real SDK client (through the credential cache, as the
// activities do) and checks the Temporal error and how often AWS was asked:
// the SDK's attempts for what may pass, exactly once for what cannot.
func TestEveryEmulatorErrorCode(t *testing.T) {
	srv, member := startAWS(t)
	const attempts = 3
	target := awscloud.Target{AccountID: member, RoleARN: memberRole(srv, member), SessionName: awscloud.SessionMember}

	for _, tc := range emulatedErrors {
		t.Run(tc.service+"/"+tc.code+"/"+http.StatusText(tc.status), func(t *testing.T) {
			// A provider per code: the throttles of one case must not slow the
			// next through the adaptive limit of (account, region, service);
			// this test is about classification, awscloud's about pacing.
			provider := newProvider(t, srv, attempts)
			call := protocolCalls[tc.service]
			srv.Faults().Clear()
			msg := "emulated " + tc.code + " answer"
			srv.Faults().Add(awsemu.FaultRule{Service: tc.service, Operation: call.op, AccountID: member,
				Status: tc.status, Code: tc.code, Message: msg})
			srv.ResetRequests()

			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cfg, err := provider.Config(ctx, target, "us-east-1")
			if err != nil {
				t.Fatal(err)
			}
			err = awsError("collect", call.call(ctx, cfg))
			var app *temporal.ApplicationError
			if !errors.As(err, &app) {
				t.Fatalf("want an ApplicationError, got %T %v", err, err)
			}
			if !strings.Contains(app.Message(), tc.code+": "+msg) {
				t.Errorf("message %q must carry AWS's code %s and message %q", app.Message(), tc.code, msg)
			}
			calls := 0
			for _, r := range srv.Requests() {
				if r.Service == tc.service && r.Operation == call.op {
					calls++
				}
			}
			if tc.want == retried {
				if app.NonRetryable() || calls != attempts {
					t.Fatalf("non-retryable %v after %d calls; want it retried (the SDK's %d attempts, then Temporal)", app.NonRetryable(), calls, attempts)
				}
				return
			}
			if !app.NonRetryable() || app.Type() != tc.want || calls != 1 {
				t.Fatalf("type %s, non-retryable %v after %d calls; want %s at once, after 1 call", app.Type(), app.NonRetryable(), calls, tc.want)
			}
		})
	}
}

// TestEmulatorErrorCodesAreAllCovered reads the emulator's source for the
// codes it can answer with: a code added there must be classified here.
func TestEmulatorErrorCodesAreAllCovered(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "internal", "emulator", "aws", "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("emulator source not found: %v", err)
	}
	covered := map[string]bool{}
	for _, e := range emulatedErrors {
		covered[e.code] = true
	}
	// c.Error(http.StatusX, "Code", …), &authError{http.StatusX, "Code", …},
	// return "Code", http.StatusX, a.Code = "Code".
	codeRE := regexp.MustCompile(`http\.Status\w+,\s*"([A-Za-z0-9.]+)"|return "([A-Za-z0-9.]+)", http\.Status|\.Code = "([A-Za-z0-9.]+)"`)
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range codeRE.FindAllStringSubmatch(string(src), -1) {
			code := m[1] + m[2] + m[3]
			found++
			if !covered[code] {
				t.Errorf("%s: the emulator answers %s, which TestEveryEmulatorErrorCode does not cover", filepath.Base(f), code)
			}
		}
	}
	if found < 40 {
		t.Fatalf("found only %d error codes in the emulator's source; the pattern no longer matches how it writes errors", found)
	}
}

// startAWS serves a small organization on loopback and points the SDK at it,
// with nothing of the developer's own AWS set-up.
func startAWS(t *testing.T) (*awsemu.Server, string) {
	t.Helper()
	srv := awsemu.NewServer(awsemu.Generate(awsemu.Spec{Seed: 31, Accounts: 2, Regions: []string{"us-east-1"}}))
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	for _, k := range os.Environ() {
		if name, _, _ := strings.Cut(k, "="); strings.HasPrefix(name, "AWS_") {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ENDPOINT_URL", srv.URL())
	var member string
	srv.View(func(o *awsemu.Org) {
		for _, a := range o.OrderedAccounts() {
			if a.ID != o.ManagementAccountID {
				member = a.ID
			}
		}
	})
	return srv, member
}

func memberRole(srv *awsemu.Server, account string) string {
	var arn string
	srv.View(func(o *awsemu.Org) { arn = o.RoleARN(account, awsemu.DefaultRoleName) })
	return arn
}

func newProvider(t *testing.T, srv *awsemu.Server, attempts int) *awscloud.Provider {
	t.Helper()
	keys := srv.ManagementCredentials()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections) // or the emulator's shutdown waits for them
	p, err := awscloud.NewProvider(context.Background(), awscloud.Settings{
		AccessKeyID: keys.AccessKeyID, SecretAccessKey: keys.SecretAccessKey, Region: "us-east-1",
		CredentialProviderPriority: []string{awscloud.ProviderStatic},
		RetryMaxAttempts:           attempts, RetryMaxBackoff: time.Millisecond,
		HTTPClient: &http.Client{Transport: tr}, Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}
