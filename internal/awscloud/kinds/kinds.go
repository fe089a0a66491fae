// Package kinds lists every AWS kind the product can sync. Each service's kinds
// live in their own package (one file per kind) and register themselves in
// init; importing this package, as the worker and the activities do, makes them
// all available to awscloud.LookupKind.
package kinds

import (
	_ "github.com/aws-port-sync/aws-port-sync/internal/awscloud/kinds/account"
	_ "github.com/aws-port-sync/aws-port-sync/internal/awscloud/kinds/cloudcontrol"
	_ "github.com/aws-port-sync/aws-port-sync/internal/awscloud/kinds/codebuild"
	_ "github.com/aws-port-sync/aws-port-sync/internal/awscloud/kinds/codedeploy"
	_ "github.com/aws-port-sync/aws-port-sync/internal/awscloud/kinds/codepipeline"
	_ "github.com/aws-port-sync/aws-port-sync/internal/awscloud/kinds/dynamodb"
	_ "github.com/aws-port-sync/aws-port-sync/internal/awscloud/kinds/ec2"
	_ "github.com/aws-port-sync/aws-port-sync/internal/awscloud/kinds/ecr"
	_ "github.com/aws-port-sync/aws-port-sync/internal/awscloud/kinds/ecs"
	_ "github.com/aws-port-sync/aws-port-sync/internal/awscloud/kinds/eks"
	_ "github.com/aws-port-sync/aws-port-sync/internal/awscloud/kinds/elasticache"
	_ "github.com/aws-port-sync/aws-port-sync/internal/awscloud/kinds/lambda"
	_ "github.com/aws-port-sync/aws-port-sync/internal/awscloud/kinds/memorydb"
	_ "github.com/aws-port-sync/aws-port-sync/internal/awscloud/kinds/msk"
	_ "github.com/aws-port-sync/aws-port-sync/internal/awscloud/kinds/organizations"
	_ "github.com/aws-port-sync/aws-port-sync/internal/awscloud/kinds/rds"
	_ "github.com/aws-port-sync/aws-port-sync/internal/awscloud/kinds/s3"
	_ "github.com/aws-port-sync/aws-port-sync/internal/awscloud/kinds/ses"
	_ "github.com/aws-port-sync/aws-port-sync/internal/awscloud/kinds/sns"
	_ "github.com/aws-port-sync/aws-port-sync/internal/awscloud/kinds/sqs"
)
