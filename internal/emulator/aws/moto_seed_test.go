package awsemu_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/codebuild"
	cbtypes "github.com/aws/aws-sdk-go-v2/service/codebuild/types"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	"github.com/aws/aws-sdk-go-v2/service/codepipeline"
	cptypes "github.com/aws/aws-sdk-go-v2/service/codepipeline/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	ectypes "github.com/aws/aws-sdk-go-v2/service/elasticache/types"
	"github.com/aws/aws-sdk-go-v2/service/kafka"
	kafkatypes "github.com/aws/aws-sdk-go-v2/service/kafka/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	sestypes "github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

// contractSide is one endpoint of the contract test (moto or ours) seeded with
// the same kinds of resources, and the identifiers each operation needs.
type contractSide struct {
	name       string
	cfg        aws.Config // signed for us-east-1
	bucket     string     // tagged bucket in us-east-1
	farBucket  string     // bucket outside us-east-1
	cluster    string     // cluster holding the services
	service    string     // a service of cluster
	taskDef    string     // ARN of a tagged Fargate task definition
	dbARN      string     // tagged RDS instance
	dbCluster  string     // ARN of a tagged Aurora cluster
	cacheARN   string     // tagged Redis cache cluster
	memUserARN string     // tagged MemoryDB user (ours only: moto has none)
	volume     string     // an unattached volume in us-east-1
	fnARN      string     // tagged Lambda function
	queueURL   string     // tagged SQS queue
	topicARN   string     // tagged SNS topic
	eks        string     // tagged EKS cluster
	table      string     // tagged DynamoDB table
	tableARN   string
	repo       string // tagged ECR repository with a repository and a lifecycle policy
	repoARN    string
	bareRepo   string // ECR repository without either policy
	identity   string // SES domain identity using configSet
	configSet  string // SES configuration set with every option
	project    string // CodeBuild project with builds
	cdApp      string // tagged CodeDeploy application with one deployment group
	cdAppARN   string
	cdGroup    string // that group (tagged), with one deployment
	pipeline   string // tagged CodePipeline pipeline (ours: with one execution)
	pipeARN    string
	rootID     string
	memberID   string // member account moved into an OU
	// accountParent is a root or OU holding at least two accounts.
	accountParent string
	roleARN       string // role the caller may assume
	webRoleARN    string // role trusting the web identity token
	webToken      string
	// counts of seeded items per paginated listing, for the pagination checks.
	counts map[string]int
}

func (s *contractSide) s3() *s3.Client {
	return s3.NewFromConfig(s.cfg, func(o *s3.Options) { o.UsePathStyle = true })
}

// Seed shapes shared by both sides: 8 instances in 6 reservations (the first of
// 3, tagged, with public addresses), 3 extra tagged volumes, 3 buckets in 3
// regions (the first tagged), 3 tagged clusters with 3 Fargate services in the
// first, 3 tagged functions, and an organization with 2 OUs and 2 members.
const (
	contractAMI      = "ami-760aaa0f" // a Linux AMI moto knows (its default AMI is Windows)
	contractRegion   = "us-east-1"
	contractServices = 3
	contractTaskDefs = 3
	// RDS pages by at least 20, so one more than a page of each.
	contractRDS = 21
)

var contractBucketRegions = []string{"us-east-1", "us-west-2", "eu-west-1"}

const contractKMSKey = "arn:aws:kms:us-east-1:123456789012:key/0c0ffee0-0000-4000-8000-000000000001"

const (
	contractRepoPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"pull","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}`
	contractLifecycle  = `{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}`
)

func contractTags() map[string]string { return map[string]string{"Name": "web", "env": "prod"} }

// ---- moto ------------------------------------------------------------------

func seedMoto(t *testing.T, ctx context.Context, endpoint string, token string) *contractSide {
	t.Helper()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seed moto: %s: %v", what, err)
		}
	}
	cfg := aws.Config{
		Region:       contractRegion,
		Credentials:  credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""),
		BaseEndpoint: aws.String(endpoint),
		HTTPClient:   sdkHTTPClient(),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}
	side := &contractSide{name: "moto", cfg: cfg, counts: map[string]int{}}
	const account = "123456789012" // moto's default account

	// EC2: moto creates a root volume per instance, so volumes = instances + 3.
	e := ec2.NewFromConfig(cfg)
	tagSpec := func(rt ec2types.ResourceType) []ec2types.TagSpecification {
		return []ec2types.TagSpecification{{ResourceType: rt, Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("web")}}}}
	}
	first, err := e.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(contractAMI), MinCount: aws.Int32(3), MaxCount: aws.Int32(3),
		InstanceType: ec2types.InstanceTypeT3Micro, TagSpecifications: tagSpec(ec2types.ResourceTypeInstance)})
	must("RunInstances", err)
	for i := 0; i < 5; i++ {
		_, err := e.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(contractAMI), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
		must("RunInstances", err)
	}
	_, err = e.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{aws.ToString(first.Instances[0].InstanceId)},
		Tags: []ec2types.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}})
	must("CreateTags", err)
	for i := 0; i < 3; i++ {
		v, err := e.CreateVolume(ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String("us-east-1a"), Size: aws.Int32(8),
			TagSpecifications: tagSpec(ec2types.ResourceTypeVolume)})
		must("CreateVolume", err)
		side.volume = aws.ToString(v.VolumeId)
	}
	side.counts["instances"], side.counts["volumes"] = 8, 11

	// S3.
	s := side.s3()
	for i, region := range contractBucketRegions {
		in := &s3.CreateBucketInput{Bucket: aws.String(fmt.Sprintf("contract-bucket-%d", i))}
		if region != "us-east-1" {
			in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(region)}
		}
		_, err := s.CreateBucket(ctx, in, func(o *s3.Options) { o.Region = region })
		must("CreateBucket", err)
	}
	_, err = s.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String("contract-bucket-0"),
		Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("team"), Value: aws.String("data")}}}})
	must("PutBucketTagging", err)
	// contract-bucket-0 has every configuration; the others have none.
	_, err = s.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String("contract-bucket-0"),
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms,
				KMSMasterKeyID: aws.String(contractKMSKey)},
			BucketKeyEnabled: aws.Bool(true)}}}})
	must("PutBucketEncryption", err)
	_, err = s.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String("contract-bucket-0"),
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true),
			IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}})
	must("PutPublicAccessBlock", err)
	_, err = s.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: aws.String("contract-bucket-0"),
		OwnershipControls: &s3types.OwnershipControls{Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnershipBucketOwnerEnforced}}}})
	must("PutBucketOwnershipControls", err)
	side.bucket, side.farBucket, side.counts["buckets"] = "contract-bucket-0", "contract-bucket-1", 3

	// ECS.
	c := ecs.NewFromConfig(cfg)
	td, err := c.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("contract"),
		RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate}, NetworkMode: ecstypes.NetworkModeAwsvpc,
		Cpu: aws.String("256"), Memory: aws.String("512"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("nginx"), Memory: aws.Int32(128)}},
		Tags:                 []ecstypes.Tag{{Key: aws.String("team"), Value: aws.String("data")}}})
	must("RegisterTaskDefinition", err)
	for i := 1; i < contractTaskDefs; i++ {
		_, err := c.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String(fmt.Sprintf("contract-job-%d", i)),
			ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("job"), Image: aws.String("busybox"), Memory: aws.Int32(128)}}})
		must("RegisterTaskDefinition", err)
	}
	side.taskDef, side.counts["taskDefinitions"] = aws.ToString(td.TaskDefinition.TaskDefinitionArn), contractTaskDefs
	for i := 0; i < 3; i++ {
		_, err := c.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String(fmt.Sprintf("contract-cluster-%d", i)),
			Tags:     []ecstypes.Tag{{Key: aws.String("team"), Value: aws.String("data")}},
			Settings: []ecstypes.ClusterSetting{{Name: ecstypes.ClusterSettingNameContainerInsights, Value: aws.String("enabled")}}})
		must("CreateCluster", err)
	}
	// Fargate services need a subnet and a security group that exist in moto.
	subnet := aws.ToString(first.Instances[0].SubnetId)
	group := aws.ToString(first.Instances[0].NetworkInterfaces[0].Groups[0].GroupId)
	for i := 0; i < contractServices; i++ {
		_, err := c.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String("contract-cluster-0"), ServiceName: aws.String(fmt.Sprintf("contract-svc-%d", i)),
			TaskDefinition: td.TaskDefinition.TaskDefinitionArn, DesiredCount: aws.Int32(2), LaunchType: ecstypes.LaunchTypeFargate,
			NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{
				Subnets: []string{subnet}, SecurityGroups: []string{group}, AssignPublicIp: ecstypes.AssignPublicIpDisabled}},
			Tags: []ecstypes.Tag{{Key: aws.String("team"), Value: aws.String("data")}}})
		must("CreateService", err)
	}
	side.cluster, side.service = "contract-cluster-0", "contract-svc-0"
	side.counts["clusters"], side.counts["services"] = 3, contractServices

	// EKS: 3 tagged clusters in the instances' subnet.
	k := eks.NewFromConfig(cfg)
	for i := 0; i < 3; i++ {
		_, err := k.CreateCluster(ctx, &eks.CreateClusterInput{Name: aws.String(fmt.Sprintf("contract-eks-%d", i)),
			RoleArn:            aws.String("arn:aws:iam::" + account + ":role/contract-eks"),
			ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: []string{subnet}, SecurityGroupIds: []string{group}},
			Version:            aws.String("1.31"), Tags: contractTags()})
		must("CreateCluster (eks)", err)
	}
	side.eks, side.counts["eksClusters"] = "contract-eks-0", 3

	// Lambda needs an existing IAM role; the SDK for IAM is not a dependency, so
	// CreateRole goes over a hand-signed query request.
	roleARN := "arn:aws:iam::" + account + ":role/contract-lambda"
	must("iam CreateRole", motoQuery(ctx, cfg, endpoint, "iam", url.Values{"Action": {"CreateRole"}, "Version": {"2010-05-08"},
		"RoleName": {"contract-lambda"}, "AssumeRolePolicyDocument": {`{"Version":"2012-10-17","Statement":[]}`}}))
	l := lambda.NewFromConfig(cfg)
	for i := 0; i < 3; i++ {
		fn, err := l.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String(fmt.Sprintf("contract-fn-%d", i)),
			Runtime: lambdatypes.RuntimePython312, Role: aws.String(roleARN), Handler: aws.String("index.handler"),
			Code: &lambdatypes.FunctionCode{ZipFile: contractZip(t)}, Description: aws.String("contract function")})
		must("CreateFunction", err)
		_, err = l.TagResource(ctx, &lambda.TagResourceInput{Resource: fn.FunctionArn, Tags: contractTags()})
		must("TagResource", err)
		if i == 0 {
			side.fnARN = aws.ToString(fn.FunctionArn)
		}
	}
	side.counts["functions"] = 3

	q := sqs.NewFromConfig(cfg)
	for i := 0; i < 3; i++ {
		out, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(fmt.Sprintf("contract-q-%d", i)), Tags: contractTags()})
		must("CreateQueue", err)
		if i == 0 {
			side.queueURL = aws.ToString(out.QueueUrl)
		}
	}
	side.counts["queues"] = 3

	sn := sns.NewFromConfig(cfg)
	for i := 0; i < 3; i++ {
		out, err := sn.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(fmt.Sprintf("contract-topic-%d", i)),
			Tags: []snstypes.Tag{{Key: aws.String("team"), Value: aws.String("data")}}})
		must("CreateTopic", err)
		if i == 0 {
			side.topicARN = aws.ToString(out.TopicArn)
		}
	}
	side.counts["topics"] = 3

	// DynamoDB: 3 tagged on-demand tables keyed on "pk".
	ddb := dynamodb.NewFromConfig(cfg)
	for i := 0; i < 3; i++ {
		out, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String(fmt.Sprintf("contract-table-%d", i)),
			AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
			KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}},
			BillingMode:          ddbtypes.BillingModePayPerRequest,
			Tags:                 []ddbtypes.Tag{{Key: aws.String("Name"), Value: aws.String("web")}, {Key: aws.String("env"), Value: aws.String("prod")}}})
		must("CreateTable", err)
		if i == 0 {
			side.table, side.tableARN = aws.ToString(out.TableDescription.TableName), aws.ToString(out.TableDescription.TableArn)
		}
	}
	side.counts["tables"] = 3

	// ECR: 3 tagged repositories; the first has a repository and a lifecycle policy.
	er := ecr.NewFromConfig(cfg)
	for i := 0; i < 3; i++ {
		out, err := er.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String(fmt.Sprintf("contract/repo-%d", i)),
			Tags: []ecrtypes.Tag{{Key: aws.String("Name"), Value: aws.String("web")}, {Key: aws.String("env"), Value: aws.String("prod")}}})
		must("CreateRepository", err)
		if i == 0 {
			side.repo, side.repoARN = aws.ToString(out.Repository.RepositoryName), aws.ToString(out.Repository.RepositoryArn)
			_, err = er.SetRepositoryPolicy(ctx, &ecr.SetRepositoryPolicyInput{RepositoryName: out.Repository.RepositoryName, PolicyText: aws.String(contractRepoPolicy)})
			must("SetRepositoryPolicy", err)
			_, err = er.PutLifecyclePolicy(ctx, &ecr.PutLifecyclePolicyInput{RepositoryName: out.Repository.RepositoryName, LifecyclePolicyText: aws.String(contractLifecycle)})
			must("PutLifecyclePolicy", err)
		}
	}
	side.bareRepo, side.counts["repositories"] = "contract/repo-1", 3

	// RDS: tagged PostgreSQL instances and tagged Aurora PostgreSQL clusters.
	rc := rds.NewFromConfig(cfg)
	rdsTags := []rdstypes.Tag{{Key: aws.String("team"), Value: aws.String("data")}}
	for i := 0; i < contractRDS; i++ {
		db, err := rc.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{DBInstanceIdentifier: aws.String(fmt.Sprintf("contract-db-%02d", i)),
			DBInstanceClass: aws.String("db.t3.micro"), Engine: aws.String("postgres"), AllocatedStorage: aws.Int32(20),
			MasterUsername: aws.String("dbadmin"), MasterUserPassword: aws.String("contract-password"), Tags: rdsTags})
		must("CreateDBInstance", err)
		cl, err := rc.CreateDBCluster(ctx, &rds.CreateDBClusterInput{DBClusterIdentifier: aws.String(fmt.Sprintf("contract-aurora-%02d", i)),
			Engine: aws.String("aurora-postgresql"), MasterUsername: aws.String("dbadmin"), MasterUserPassword: aws.String("contract-password"),
			Tags: rdsTags})
		must("CreateDBCluster", err)
		if i == 0 {
			side.dbARN, side.dbCluster = aws.ToString(db.DBInstance.DBInstanceArn), aws.ToString(cl.DBCluster.DBClusterArn)
		}
	}
	side.counts["dbInstances"], side.counts["dbClusters"] = contractRDS, contractRDS

	// ElastiCache: tagged single-node Redis clusters (RDS's paging, so as many).
	ec := elasticache.NewFromConfig(cfg)
	for i := 0; i < contractRDS; i++ {
		out, err := ec.CreateCacheCluster(ctx, &elasticache.CreateCacheClusterInput{CacheClusterId: aws.String(fmt.Sprintf("contract-cache-%02d", i)),
			Engine: aws.String("redis"), CacheNodeType: aws.String("cache.t3.micro"), NumCacheNodes: aws.Int32(1),
			Tags: []ectypes.Tag{{Key: aws.String("team"), Value: aws.String("data")}}})
		must("CreateCacheCluster", err)
		if i == 0 {
			side.cacheARN = aws.ToString(out.CacheCluster.ARN)
		}
	}
	side.counts["cacheClusters"] = contractRDS
	side.memUserARN = "arn:aws:memorydb:" + contractRegion + ":" + account + ":user/contract-user"
	// CodeDeploy: 3 applications, the first tagged with a tagged Server
	// deployment group and one deployment of an S3 revision.
	cd := codedeploy.NewFromConfig(cfg)
	for i := 0; i < 3; i++ {
		in := &codedeploy.CreateApplicationInput{ApplicationName: aws.String(fmt.Sprintf("contract-app-%d", i)), ComputePlatform: cdtypes.ComputePlatformServer}
		if i == 0 {
			in.Tags = []cdtypes.Tag{{Key: aws.String("Name"), Value: aws.String("web")}, {Key: aws.String("env"), Value: aws.String("prod")}}
		}
		_, err := cd.CreateApplication(ctx, in)
		must("CreateApplication", err)
	}
	_, err = cd.CreateDeploymentGroup(ctx, &codedeploy.CreateDeploymentGroupInput{ApplicationName: aws.String("contract-app-0"),
		DeploymentGroupName: aws.String("prod"), ServiceRoleArn: aws.String("arn:aws:iam::" + account + ":role/CodeDeployServiceRole"),
		Ec2TagFilters: []cdtypes.EC2TagFilter{{Key: aws.String("app"), Value: aws.String("web"), Type: cdtypes.EC2TagFilterTypeKeyAndValue}},
		Tags:          []cdtypes.Tag{{Key: aws.String("tier"), Value: aws.String("1")}}})
	must("CreateDeploymentGroup", err)
	_, err = cd.CreateDeployment(ctx, &codedeploy.CreateDeploymentInput{ApplicationName: aws.String("contract-app-0"), DeploymentGroupName: aws.String("prod"),
		Revision: &cdtypes.RevisionLocation{RevisionType: cdtypes.RevisionLocationTypeS3,
			S3Location: &cdtypes.S3Location{Bucket: aws.String("contract-bucket-0"), Key: aws.String("app.zip"), BundleType: cdtypes.BundleTypeZip}}})
	must("CreateDeployment", err)
	side.cdApp, side.cdGroup = "contract-app-0", "prod"
	side.cdAppARN = "arn:aws:codedeploy:" + contractRegion + ":" + account + ":application:contract-app-0"
	side.counts["cdApplications"] = 3

	// CodePipeline: 3 two-stage pipelines, the first tagged; the pipeline's
	// role must trust codepipeline.amazonaws.com.
	pipeRole := "arn:aws:iam::" + account + ":role/contract-pipeline"
	must("iam CreateRole", motoQuery(ctx, cfg, endpoint, "iam", url.Values{"Action": {"CreateRole"}, "Version": {"2010-05-08"},
		"RoleName": {"contract-pipeline"}, "AssumeRolePolicyDocument": {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"codepipeline.amazonaws.com"},"Action":"sts:AssumeRole"}]}`}}))
	cp := codepipeline.NewFromConfig(cfg)
	for i := 0; i < 3; i++ {
		in := &codepipeline.CreatePipelineInput{Pipeline: &cptypes.PipelineDeclaration{Name: aws.String(fmt.Sprintf("contract-pipe-%d", i)),
			RoleArn:       aws.String(pipeRole),
			ArtifactStore: &cptypes.ArtifactStore{Type: cptypes.ArtifactStoreTypeS3, Location: aws.String("contract-bucket-0")},
			Stages: []cptypes.StageDeclaration{
				{Name: aws.String("Source"), Actions: []cptypes.ActionDeclaration{{Name: aws.String("Source"),
					ActionTypeId:    &cptypes.ActionTypeId{Category: cptypes.ActionCategorySource, Owner: cptypes.ActionOwnerAws, Provider: aws.String("S3"), Version: aws.String("1")},
					Configuration:   map[string]string{"S3Bucket": "contract-bucket-0", "S3ObjectKey": "app.zip"},
					OutputArtifacts: []cptypes.OutputArtifact{{Name: aws.String("SourceArtifact")}}}}},
				{Name: aws.String("Build"), Actions: []cptypes.ActionDeclaration{{Name: aws.String("Build"),
					ActionTypeId:   &cptypes.ActionTypeId{Category: cptypes.ActionCategoryBuild, Owner: cptypes.ActionOwnerAws, Provider: aws.String("CodeBuild"), Version: aws.String("1")},
					Configuration:  map[string]string{"ProjectName": "contract"},
					InputArtifacts: []cptypes.InputArtifact{{Name: aws.String("SourceArtifact")}}}}},
			}}}
		if i == 0 {
			in.Tags = []cptypes.Tag{{Key: aws.String("Name"), Value: aws.String("web")}, {Key: aws.String("env"), Value: aws.String("prod")}}
		}
		_, err := cp.CreatePipeline(ctx, in)
		must("CreatePipeline", err)
	}
	side.pipeline = "contract-pipe-0"
	side.pipeARN = "arn:aws:codepipeline:" + contractRegion + ":" + account + ":contract-pipe-0"
	side.counts["pipelines"] = 3

	// MSK: 3 serverless clusters first (moto ignores ListClustersV2's type
	// filter, so its first item is then a serverless one), then 3 provisioned.
	kc := kafka.NewFromConfig(cfg)
	for i := 0; i < 3; i++ {
		_, err := kc.CreateClusterV2(ctx, &kafka.CreateClusterV2Input{ClusterName: aws.String(fmt.Sprintf("contract-sls-%d", i)), Tags: contractTags(),
			Serverless: &kafkatypes.ServerlessRequest{VpcConfigs: []kafkatypes.VpcConfig{{SubnetIds: []string{subnet}, SecurityGroupIds: []string{group}}},
				ClientAuthentication: &kafkatypes.ServerlessClientAuthentication{Sasl: &kafkatypes.ServerlessSasl{Iam: &kafkatypes.Iam{Enabled: aws.Bool(true)}}}}})
		must("CreateClusterV2", err)
	}
	for i := 0; i < 3; i++ {
		_, err := kc.CreateCluster(ctx, &kafka.CreateClusterInput{ClusterName: aws.String(fmt.Sprintf("contract-msk-%d", i)), KafkaVersion: aws.String("3.6.0"),
			NumberOfBrokerNodes: aws.Int32(3), Tags: contractTags(),
			BrokerNodeGroupInfo: &kafkatypes.BrokerNodeGroupInfo{ClientSubnets: []string{subnet}, InstanceType: aws.String("kafka.m5.large"), SecurityGroups: []string{group}}})
		must("CreateCluster (kafka)", err)
	}
	side.counts["mskClusters"], side.counts["mskServerless"] = 3, 3

	// SES v2: 3 configuration sets with every option, 3 domain identities using the first.
	sv := sesv2.NewFromConfig(cfg)
	for i := 0; i < 3; i++ {
		_, err := sv.CreateConfigurationSet(ctx, &sesv2.CreateConfigurationSetInput{ConfigurationSetName: aws.String(fmt.Sprintf("contract-set-%d", i)),
			TrackingOptions:    &sestypes.TrackingOptions{CustomRedirectDomain: aws.String("click.example.com")},
			DeliveryOptions:    &sestypes.DeliveryOptions{TlsPolicy: sestypes.TlsPolicyRequire, SendingPoolName: aws.String("contract-pool")},
			ReputationOptions:  &sestypes.ReputationOptions{ReputationMetricsEnabled: true},
			SendingOptions:     &sestypes.SendingOptions{SendingEnabled: true},
			SuppressionOptions: &sestypes.SuppressionOptions{SuppressedReasons: []sestypes.SuppressionListReason{sestypes.SuppressionListReasonBounce}},
			VdmOptions: &sestypes.VdmOptions{DashboardOptions: &sestypes.DashboardOptions{EngagementMetrics: sestypes.FeatureStatusEnabled},
				GuardianOptions: &sestypes.GuardianOptions{OptimizedSharedDelivery: sestypes.FeatureStatusEnabled}},
			Tags: []sestypes.Tag{{Key: aws.String("team"), Value: aws.String("data")}}})
		must("CreateConfigurationSet", err)
	}
	for i := 0; i < 3; i++ {
		_, err := sv.CreateEmailIdentity(ctx, &sesv2.CreateEmailIdentityInput{EmailIdentity: aws.String(fmt.Sprintf("contract-%d.example.com", i)),
			ConfigurationSetName: aws.String("contract-set-0"), Tags: []sestypes.Tag{{Key: aws.String("team"), Value: aws.String("data")}}})
		must("CreateEmailIdentity", err)
	}
	side.identity, side.configSet = "contract-0.example.com", "contract-set-0"
	side.counts["identities"], side.counts["configSets"] = 3, 3

	// CodeBuild: 3 tagged CodeCommit projects, 2 builds of the first.
	cb := codebuild.NewFromConfig(cfg)
	for i := 0; i < 3; i++ {
		_, err := cb.CreateProject(ctx, &codebuild.CreateProjectInput{Name: aws.String(fmt.Sprintf("contract-proj-%d", i)),
			Description: aws.String("contract project"),
			Source: &cbtypes.ProjectSource{Type: cbtypes.SourceTypeCodecommit, Location: aws.String("https://git-codecommit.us-east-1.amazonaws.com/v1/repos/contract"),
				GitCloneDepth: aws.Int32(1), Buildspec: aws.String("buildspec.yml")},
			Artifacts: &cbtypes.ProjectArtifacts{Type: cbtypes.ArtifactsTypeNoArtifacts},
			Environment: &cbtypes.ProjectEnvironment{Type: cbtypes.EnvironmentTypeLinuxContainer, Image: aws.String("aws/codebuild/standard:7.0"),
				ComputeType: cbtypes.ComputeTypeBuildGeneral1Small},
			ServiceRole: aws.String("arn:aws:iam::" + account + ":role/service-role/contract-codebuild"),
			Tags:        []cbtypes.Tag{{Key: aws.String("team"), Value: aws.String("data")}}})
		must("CreateProject", err)
	}
	for i := 0; i < 2; i++ {
		// moto starts the build but answers its timestamps as strings, which
		// the SDK cannot decode; the listing below checks the builds exist.
		_, _ = cb.StartBuild(ctx, &codebuild.StartBuildInput{ProjectName: aws.String("contract-proj-0")})
	}
	builds, err := cb.ListBuilds(ctx, &codebuild.ListBuildsInput{})
	must("ListBuilds", err)
	if len(builds.Ids) != 2 {
		t.Fatalf("seed moto: %d builds started, want 2", len(builds.Ids))
	}
	side.project, side.counts["projects"], side.counts["builds"] = "contract-proj-0", 3, 2

	// Organizations: the default account manages; two members, one moved into an OU.
	o := organizations.NewFromConfig(cfg)
	_, err = o.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll})
	must("CreateOrganization", err)
	roots, err := o.ListRoots(ctx, &organizations.ListRootsInput{})
	must("ListRoots", err)
	side.rootID = aws.ToString(roots.Roots[0].Id)
	var ouID string
	for i := 0; i < 2; i++ {
		ou, err := o.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: aws.String(side.rootID), Name: aws.String(fmt.Sprintf("OU%d", i))})
		must("CreateOrganizationalUnit", err)
		if i == 0 {
			ouID = aws.ToString(ou.OrganizationalUnit.Id)
		}
	}
	var members []string
	for i := 0; i < 2; i++ {
		st, err := o.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(fmt.Sprintf("member-%d", i)),
			Email: aws.String(fmt.Sprintf("member-%d@example.com", i))})
		must("CreateAccount", err)
		members = append(members, aws.ToString(st.CreateAccountStatus.AccountId))
	}
	side.memberID = members[0]
	_, err = o.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: aws.String(side.memberID), SourceParentId: aws.String(side.rootID), DestinationParentId: aws.String(ouID)})
	must("MoveAccount", err)
	_, err = o.TagResource(ctx, &organizations.TagResourceInput{ResourceId: aws.String(side.memberID),
		Tags: []orgtypes.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}})
	must("TagResource", err)
	side.accountParent = side.rootID // the manager and the second member
	side.counts["accounts"], side.counts["parentAccounts"], side.counts["ous"] = 3, 2, 2

	side.roleARN, side.webRoleARN, side.webToken = roleARN, roleARN, token
	return side
}

// motoQuery sends a signed query-protocol request (for services whose SDK is
// not a dependency of this module).
func motoQuery(ctx context.Context, cfg aws.Config, endpoint, service string, form url.Values) error {
	body := form.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint+"/", strings.NewReader(body))
	if err != nil {
		return fmt.Errorf("build %s request: %w", service, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return fmt.Errorf("credentials: %w", err)
	}
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), service, cfg.Region, time.Now()); err != nil {
		return fmt.Errorf("sign %s request: %w", service, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", service, form.Get("Action"), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("%s %s: HTTP %d: %s", service, form.Get("Action"), resp.StatusCode, b)
	}
	return nil
}

func contractZip(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	f, err := zw.Create("index.py")
	if err != nil {
		t.Fatalf("zip: %v", err)
	}
	if _, err := f.Write([]byte("def handler(event, context):\n    return 1\n")); err != nil {
		t.Fatalf("zip: %v", err)
	}
	if err := zw.Close(); err != nil {
		t.Fatalf("zip: %v", err)
	}
	return b.Bytes()
}

// ---- ours ------------------------------------------------------------------

func seedOurs(t *testing.T) (*contractSide, *awsemu.Server) {
	t.Helper()
	// Five accounts over two OUs: two members in each OU.
	org := awsemu.Generate(awsemu.Spec{Seed: 5, Accounts: 5, OUs: 2, ResourcesPerKind: 0})
	srv := awsemu.NewServer(org)
	if err := srv.Start(); err != nil {
		t.Fatalf("start emulator: %v", err)
	}
	t.Cleanup(srv.Close)
	side := &contractSide{name: "ours", counts: map[string]int{}}
	var mgmt string
	srv.View(func(o *awsemu.Org) {
		mgmt, side.rootID = o.ManagementAccountID, o.RootID
		for _, id := range o.AccountOrder {
			if a := o.Accounts[id]; id != mgmt && a.ParentID != o.RootID && side.memberID == "" {
				side.memberID = id
			}
		}
		side.roleARN = o.RoleARN(side.memberID, awsemu.DefaultRoleName)
		side.webRoleARN = o.RoleARN(mgmt, awsemu.DefaultRoleName)
		side.counts["accounts"] = len(o.Accounts)
		side.accountParent = o.Accounts[side.memberID].ParentID
		for _, a := range o.Accounts {
			if a.ParentID == side.accountParent {
				side.counts["parentAccounts"]++
			}
		}
		for _, ou := range o.OUs {
			if ou.ParentID == o.RootID {
				side.counts["ous"]++
			}
		}
	})
	side.webToken = srv.MintWebIdentityToken(awsemu.DefaultOIDCIssuer, awsemu.DefaultServiceAccountSubject, "sts.amazonaws.com", time.Hour)
	c := srv.ManagementCredentials()
	side.cfg = aws.Config{
		Region:       contractRegion,
		Credentials:  credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken),
		BaseEndpoint: aws.String(srv.URL()),
		HTTPClient:   sdkHTTPClient(),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}

	launched := time.Date(2024, 3, 4, 5, 6, 7, 0, time.UTC)
	arn := func(svc, region, res string) string { return "arn:aws:" + svc + ":" + region + ":" + mgmt + ":" + res }
	add := func(region, kind string, r *awsemu.Resource) {
		srv.Update(func(o *awsemu.Org) {
			if err := o.AddResource(mgmt, awsemu.ResourceKey{Region: region, Kind: kind}, r); err != nil {
				t.Fatalf("seed ours: %v", err)
			}
		})
	}
	var firstInstance string
	for i := 0; i < 8; i++ {
		id := fmt.Sprintf("i-0c0ffee%010d", i)
		reservation := fmt.Sprintf("r-0c0ffee%010d", max(0, i-2))
		attrs := map[string]any{"InstanceType": "t3.micro", "State": "running", "ImageId": contractAMI, "ReservationId": reservation,
			"LaunchTime": launched, "AvailabilityZone": "us-east-1a", "Architecture": "x86_64"}
		var tags map[string]string
		if i < 3 {
			attrs["PublicIpAddress"] = fmt.Sprintf("54.1.2.%d", i+1)
			tags = map[string]string{"Name": "web"}
			if i == 0 {
				tags = contractTags()
			}
		}
		if i == 0 {
			firstInstance = id
		}
		add(contractRegion, awsemu.KindEC2Instance, &awsemu.Resource{ID: id, Tags: tags, CreatedAt: launched, Attributes: attrs})
	}
	for i := 0; i < 11; i++ {
		attrs := map[string]any{"Size": int32(8), "VolumeType": "gp2", "AvailabilityZone": "us-east-1a", "CreateTime": launched}
		if i == 0 {
			attrs["Attachments"], attrs["Device"] = firstInstance, "/dev/xvda"
		}
		add(contractRegion, awsemu.KindEC2Volume, &awsemu.Resource{ID: fmt.Sprintf("vol-0c0ffee%010d", i), CreatedAt: launched, Attributes: attrs})
	}
	side.volume = fmt.Sprintf("vol-0c0ffee%010d", 10)
	side.counts["instances"], side.counts["volumes"] = 8, 11

	for i, region := range contractBucketRegions {
		var tags map[string]string
		if i == 0 {
			tags = map[string]string{"team": "data"}
		}
		name := fmt.Sprintf("contract-bucket-%d", i)
		var attrs map[string]any
		if i == 0 {
			attrs = map[string]any{"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": contractKMSKey, "BucketKeyEnabled": true,
				"PublicAccessBlock": true, "ObjectOwnership": "BucketOwnerEnforced"}
		}
		add(region, awsemu.KindS3Bucket, &awsemu.Resource{ID: name, Name: name, ARN: "arn:aws:s3:::" + name, CreatedAt: launched, Tags: tags, Attributes: attrs})
	}
	side.bucket, side.farBucket, side.counts["buckets"] = "contract-bucket-0", "contract-bucket-1", 3

	for i := 0; i < 3; i++ {
		name := fmt.Sprintf("contract-cluster-%d", i)
		add(contractRegion, awsemu.KindECSCluster, &awsemu.Resource{ID: name, Name: name, ARN: arn("ecs", contractRegion, "cluster/"+name),
			CreatedAt: launched, Tags: map[string]string{"team": "data"}, Attributes: map[string]any{"ContainerInsights": "enabled"}})
	}
	clusterARN := arn("ecs", contractRegion, "cluster/contract-cluster-0")
	for i := 0; i < contractServices; i++ {
		name := fmt.Sprintf("contract-svc-%d", i)
		add(contractRegion, awsemu.KindECSService, &awsemu.Resource{ID: name, Name: name, ARN: arn("ecs", contractRegion, "service/contract-cluster-0/"+name),
			Parent: clusterARN, CreatedAt: launched, Tags: map[string]string{"team": "data"},
			Attributes: map[string]any{"ClusterName": "contract-cluster-0", "DesiredCount": int32(2), "RunningCount": int32(0), "PendingCount": int32(2),
				"LaunchType": "FARGATE", "TaskDefinition": arn("ecs", contractRegion, "task-definition/contract:1")}})
	}
	side.cluster, side.service = "contract-cluster-0", "contract-svc-0"
	side.counts["clusters"], side.counts["services"] = 3, contractServices
	for i := 0; i < contractTaskDefs; i++ {
		id, attrs, tags := "contract:1", map[string]any{"RequiresCompatibilities": []string{"FARGATE"}, "NetworkMode": "awsvpc"}, map[string]string{"team": "data"}
		if i > 0 {
			id, attrs, tags = fmt.Sprintf("contract-job-%d:1", i), map[string]any{"RequiresCompatibilities": []string{"EC2"}, "NetworkMode": "bridge"}, nil
		}
		add(contractRegion, awsemu.KindECSTaskDefinition, &awsemu.Resource{ID: id, Name: strings.Split(id, ":")[0],
			ARN: arn("ecs", contractRegion, "task-definition/"+id), CreatedAt: launched, Tags: tags, Attributes: attrs})
	}
	side.taskDef, side.counts["taskDefinitions"] = arn("ecs", contractRegion, "task-definition/contract:1"), contractTaskDefs

	for i := 0; i < 3; i++ {
		name := fmt.Sprintf("contract-fn-%d", i)
		fnARN := arn("lambda", contractRegion, "function:"+name)
		add(contractRegion, awsemu.KindLambdaFunction, &awsemu.Resource{ID: name, Name: name, ARN: fnARN, CreatedAt: launched, Tags: contractTags(),
			Attributes: map[string]any{"Runtime": "python3.12", "Handler": "index.handler", "Description": "contract function"}})
		if i == 0 {
			side.fnARN = fnARN
		}
	}
	side.counts["functions"] = 3

	for i := 0; i < 3; i++ {
		name := fmt.Sprintf("contract-q-%d", i)
		add(contractRegion, awsemu.KindSQSQueue, &awsemu.Resource{ID: name, Name: name, ARN: arn("sqs", contractRegion, name), CreatedAt: launched, Tags: contractTags()})
	}
	side.queueURL = "https://sqs." + contractRegion + ".amazonaws.com/" + mgmt + "/contract-q-0"
	side.counts["queues"] = 3

	for i := 0; i < 3; i++ {
		name := fmt.Sprintf("contract-topic-%d", i)
		add(contractRegion, awsemu.KindSNSTopic, &awsemu.Resource{ID: name, Name: name, ARN: arn("sns", contractRegion, name), CreatedAt: launched,
			Tags: map[string]string{"team": "data"}})
	}
	side.topicARN = arn("sns", contractRegion, "contract-topic-0")
	side.counts["topics"] = 3

	for i := 0; i < 3; i++ {
		name := fmt.Sprintf("contract-eks-%d", i)
		add(contractRegion, awsemu.KindEKSCluster, &awsemu.Resource{ID: name, Name: name, ARN: arn("eks", contractRegion, "cluster/"+name),
			CreatedAt: launched, Tags: contractTags(), Attributes: map[string]any{"Version": "1.31"}})
	}
	side.eks, side.counts["eksClusters"] = "contract-eks-0", 3

	for i := 0; i < 3; i++ {
		name := fmt.Sprintf("contract-table-%d", i)
		tableARN := arn("dynamodb", contractRegion, "table/"+name)
		add(contractRegion, awsemu.KindDynamoDBTable, &awsemu.Resource{ID: name, Name: name, ARN: tableARN, CreatedAt: launched, Tags: contractTags(),
			Attributes: map[string]any{"BillingMode": "PAY_PER_REQUEST", "HashKey": "pk"}})
		if i == 0 {
			side.table, side.tableARN = name, tableARN
		}
	}
	side.counts["tables"] = 3

	for i := 0; i < 3; i++ {
		name := fmt.Sprintf("contract/repo-%d", i)
		repoARN := arn("ecr", contractRegion, "repository/"+name)
		attrs := map[string]any{}
		if i == 0 {
			attrs = map[string]any{"PolicyText": contractRepoPolicy, "LifecyclePolicyText": contractLifecycle}
			side.repo, side.repoARN = name, repoARN
		}
		add(contractRegion, awsemu.KindECRRepository, &awsemu.Resource{ID: name, Name: name, ARN: repoARN, CreatedAt: launched, Tags: contractTags(), Attributes: attrs})
	}
	side.bareRepo, side.counts["repositories"] = "contract/repo-1", 3

	for i := 0; i < contractRDS; i++ {
		db, cl := fmt.Sprintf("contract-db-%02d", i), fmt.Sprintf("contract-aurora-%02d", i)
		add(contractRegion, awsemu.KindRDSDBInstance, &awsemu.Resource{ID: db, Name: db, ARN: arn("rds", contractRegion, "db:"+db), CreatedAt: launched,
			Tags: map[string]string{"team": "data"}, Attributes: map[string]any{"Engine": "postgres", "DBInstanceClass": "db.t3.micro", "AllocatedStorage": 20}})
		add(contractRegion, awsemu.KindRDSDBCluster, &awsemu.Resource{ID: cl, Name: cl, ARN: arn("rds", contractRegion, "cluster:"+cl), CreatedAt: launched,
			Tags: map[string]string{"team": "data"}, Attributes: map[string]any{"Engine": "aurora-postgresql"}})
	}
	side.dbARN, side.dbCluster = arn("rds", contractRegion, "db:contract-db-00"), arn("rds", contractRegion, "cluster:contract-aurora-00")
	side.counts["dbInstances"], side.counts["dbClusters"] = contractRDS, contractRDS

	for i := 0; i < contractRDS; i++ {
		id := fmt.Sprintf("contract-cache-%02d", i)
		add(contractRegion, awsemu.KindElastiCacheCluster, &awsemu.Resource{ID: id, Name: id, ARN: arn("elasticache", contractRegion, "cluster:"+id),
			CreatedAt: launched, Tags: map[string]string{"team": "data"}, Attributes: map[string]any{"Engine": "redis", "NumCacheNodes": int64(1)}})
	}
	side.cacheARN, side.counts["cacheClusters"] = arn("elasticache", contractRegion, "cluster:contract-cache-00"), contractRDS
	side.memUserARN = arn("memorydb", contractRegion, "user/contract-user")
	add(contractRegion, awsemu.KindMemoryDBUser, &awsemu.Resource{ID: "contract-user", Name: "contract-user", ARN: side.memUserARN,
		CreatedAt: launched, Tags: map[string]string{"team": "data"}})
	for i := 0; i < 3; i++ {
		name := fmt.Sprintf("contract-app-%d", i)
		var tags map[string]string
		if i == 0 {
			tags = contractTags()
		}
		add(contractRegion, awsemu.KindCodeDeployApplication, &awsemu.Resource{ID: name, Name: name, ARN: arn("codedeploy", contractRegion, "application:"+name),
			CreatedAt: launched, Tags: tags, Attributes: map[string]any{"ComputePlatform": "Server"}})
	}
	add(contractRegion, awsemu.KindCodeDeployDeploymentGroup, &awsemu.Resource{ID: "contract-app-0/prod", Name: "prod", Parent: "contract-app-0",
		ARN: arn("codedeploy", contractRegion, "deploymentgroup:contract-app-0/prod"), CreatedAt: launched, Tags: map[string]string{"tier": "1"},
		Attributes: map[string]any{"Ec2TagKey": "app", "Ec2TagValue": "web"}})
	add(contractRegion, awsemu.KindCodeDeployDeployment, &awsemu.Resource{ID: "d-C0FFEE001", Name: "d-C0FFEE001", Parent: "contract-app-0/prod",
		CreatedAt: launched, Attributes: map[string]any{"Status": "Succeeded", "CompleteTime": launched.Add(time.Minute),
			"RevisionBucket": "contract-bucket-0", "RevisionKey": "app.zip"}})
	add(contractRegion, awsemu.KindCodeDeployDeploymentTarget, &awsemu.Resource{ID: "i-0c0ffee0000000000", Name: "i-0c0ffee0000000000",
		ARN: arn("ec2", contractRegion, "instance/i-0c0ffee0000000000"), Parent: "d-C0FFEE001", CreatedAt: launched,
		Attributes: map[string]any{"TargetType": "InstanceTarget", "Status": "Succeeded", "Events": []string{"Install"}}})
	side.cdApp, side.cdGroup = "contract-app-0", "prod"
	side.cdAppARN = arn("codedeploy", contractRegion, "application:contract-app-0")
	side.counts["cdApplications"] = 3

	for i := 0; i < 3; i++ {
		name := fmt.Sprintf("contract-pipe-%d", i)
		var tags map[string]string
		if i == 0 {
			tags = contractTags()
		}
		add(contractRegion, awsemu.KindCodePipelinePipeline, &awsemu.Resource{ID: name, Name: name, ARN: arn("codepipeline", contractRegion, name),
			CreatedAt: launched, Tags: tags, Attributes: map[string]any{"Version": int64(1),
				"Actions": []string{"Source/Source/Source/S3/1", "Build/Build/Build/CodeBuild/1"}, "Config.Source.S3Bucket": "contract-bucket-0",
				"Config.Source.S3ObjectKey": "app.zip", "Config.Build.ProjectName": "contract"}})
	}
	add(contractRegion, awsemu.KindCodePipelinePipelineExecution, &awsemu.Resource{ID: "c0ffee00-0000-4000-8000-000000000001", Name: "exec",
		Parent: "contract-pipe-0", CreatedAt: launched, Attributes: map[string]any{"Status": "Succeeded", "RevisionId": "0123456789abcdef"}})
	add(contractRegion, awsemu.KindCodePipelineActionExecution, &awsemu.Resource{ID: "c0ffee00-0000-4000-8000-000000000002", Name: "Source",
		Parent: "c0ffee00-0000-4000-8000-000000000001", CreatedAt: launched, Attributes: map[string]any{"StageName": "Source", "ActionName": "Source",
			"Category": "Source", "Provider": "S3", "Status": "Succeeded"}})
	side.pipeline, side.pipeARN = "contract-pipe-0", arn("codepipeline", contractRegion, "contract-pipe-0")
	side.counts["pipelines"] = 3
	for i := 0; i < 3; i++ {
		name := fmt.Sprintf("contract-msk-%d", i)
		add(contractRegion, awsemu.KindMSKCluster, &awsemu.Resource{ID: name, Name: name, CreatedAt: launched, Tags: contractTags()})
		name = fmt.Sprintf("contract-sls-%d", i)
		add(contractRegion, awsemu.KindMSKServerlessCluster, &awsemu.Resource{ID: name, Name: name, CreatedAt: launched, Tags: contractTags()})
	}
	side.counts["mskClusters"], side.counts["mskServerless"] = 3, 3

	for i := 0; i < 3; i++ {
		name := fmt.Sprintf("contract-set-%d", i)
		add(contractRegion, awsemu.KindSESConfigurationSet, &awsemu.Resource{ID: name, Name: name, CreatedAt: launched, Tags: map[string]string{"team": "data"},
			Attributes: map[string]any{"CustomRedirectDomain": "click.example.com", "TlsPolicy": "REQUIRE", "SendingPoolName": "contract-pool",
				"ReputationMetrics": true, "SuppressedReasons": []string{"BOUNCE"}, "Vdm": true}})
		name = fmt.Sprintf("contract-%d.example.com", i)
		add(contractRegion, awsemu.KindSESEmailIdentity, &awsemu.Resource{ID: name, Name: name, CreatedAt: launched, Tags: map[string]string{"team": "data"},
			Attributes: map[string]any{"ConfigurationSetName": "contract-set-0"}})
	}
	side.identity, side.configSet = "contract-0.example.com", "contract-set-0"
	side.counts["identities"], side.counts["configSets"] = 3, 3

	for i := 0; i < 3; i++ {
		name := fmt.Sprintf("contract-proj-%d", i)
		add(contractRegion, awsemu.KindCodeBuildProject, &awsemu.Resource{ID: name, Name: name, CreatedAt: launched, Tags: map[string]string{"team": "data"},
			Attributes: map[string]any{"SourceType": "CODECOMMIT", "Description": "contract project"}})
	}
	for i := 0; i < 2; i++ {
		id := fmt.Sprintf("contract-proj-0:0c0ffee0-0000-4000-8000-%012d", i)
		add(contractRegion, awsemu.KindCodeBuildBuildRun, &awsemu.Resource{ID: id, Name: id, CreatedAt: launched.Add(time.Duration(i) * time.Minute),
			Attributes: map[string]any{"ProjectName": "contract-proj-0", "BuildNumber": int64(i + 1), "SourceVersion": "refs/heads/main"}})
	}
	side.project, side.counts["projects"], side.counts["builds"] = "contract-proj-0", 3, 2
	return side, srv
}
