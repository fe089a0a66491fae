package rds

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
)

// KindDBInstance is one item per DB instance: a DescribeDBInstances page
// (Ocean's only default call); ListTagsForResourceAction adds Tags.
// Properties are Ocean's model: its fields only (the describe answer's own
// TagList is not one), with its four renames: DbInstancePort → Port,
// IAMDatabaseAuthenticationEnabled → EnableIAMDatabaseAuthentication,
// PerformanceInsightsEnabled → EnablePerformanceInsights, VpcSecurityGroups →
// VPCSecurityGroups. Nested members keep RDS's PascalCase.
const KindDBInstance = "AWS::RDS::DBInstance"

// tagsConcurrency bounds the ListTagsForResource calls in flight.
const tagsConcurrency = 10

// ActionListTags is the includeAction of both RDS kinds.
const ActionListTags = "ListTagsForResourceAction"

// dbInstanceFields maps the describe answer's members that Ocean's model keeps
// to the names it publishes them under.
var dbInstanceFields = map[string]string{
	"AllocatedStorage": "", "AutoMinorVersionUpgrade": "", "AvailabilityZone": "", "BackupRetentionPeriod": "",
	"CACertificateIdentifier": "", "CharacterSetName": "", "CopyTagsToSnapshot": "", "DBInstanceArn": "",
	"DBInstanceClass": "", "DBInstanceIdentifier": "", "DbInstancePort": "Port", "DBInstanceStatus": "", "DBName": "",
	"DBParameterGroups": "", "DBSecurityGroups": "", "DBSubnetGroup": "", "DbiResourceId": "", "DomainMemberships": "",
	"IAMDatabaseAuthenticationEnabled": "EnableIAMDatabaseAuthentication",
	"PerformanceInsightsEnabled":       "EnablePerformanceInsights",
	"Endpoint":                         "", "Engine": "", "EngineVersion": "", "EnhancedMonitoringResourceArn": "",
	"InstanceCreateTime": "", "Iops": "", "KmsKeyId": "", "LatestRestorableTime": "", "LicenseModel": "",
	"MasterUsername": "", "MonitoringInterval": "", "MonitoringRoleArn": "", "MultiAZ": "", "OptionGroupMemberships": "",
	"PendingModifiedValues": "", "PreferredBackupWindow": "", "PreferredMaintenanceWindow": "", "PubliclyAccessible": "",
	"ReadReplicaDBInstanceIdentifiers": "", "SecondaryAvailabilityZone": "", "StorageEncrypted": "", "StorageType": "",
	"VpcSecurityGroups": "VPCSecurityGroups", "DatabaseInsightsMode": "", "DeletionProtection": "", "AssociatedRoles": "",
	"CustomerOwnedIpEnabled": "", "ActivityStreamStatus": "", "BackupTarget": "", "NetworkType": "",
	"StorageThroughput": "", "CertificateDetails": "", "DedicatedLogVolume": "", "IsStorageConfigUpgradeAvailable": "",
	"EngineLifecycleSupport": "",
}

type dbInstanceKind struct{}

func init() { awscloud.RegisterKind(dbInstanceKind{}) }

func (dbInstanceKind) Name() string      { return KindDBInstance }
func (dbInstanceKind) Global() bool      { return false }
func (dbInstanceKind) Actions() []string { return []string{ActionListTags} }

func (dbInstanceKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	client := rds.NewFromConfig(cfg)
	in := &rds.DescribeDBInstancesInput{MaxRecords: aws.Int32(awscloud.PageSize(req, 20, 100))}
	if req.Token != "" {
		in.Marker = aws.String(req.Token)
	}
	out, err := client.DescribeDBInstances(ctx, in)
	if err != nil {
		return awscloud.Page{}, fmt.Errorf("describe db instances in %s: %w", cfg.Region, err)
	}
	items := make([]map[string]any, len(out.DBInstances))
	arns := make([]string, len(out.DBInstances))
	for i, d := range out.DBInstances {
		all := awscloud.Props(d, nil)
		p := make(map[string]any, len(dbInstanceFields))
		for from, to := range dbInstanceFields {
			if v, ok := all[from]; ok {
				if to == "" {
					to = from
				}
				p[to] = v
			}
		}
		items[i] = awscloud.NewItem(KindDBInstance, p, awscloud.ExtraContext(req, true))
		arns[i] = aws.ToString(d.DBInstanceArn)
	}
	gone := make([]bool, len(items))
	var omitted awscloud.Omissions
	if awscloud.WantsAction(req, ActionListTags) {
		err := addTags(ctx, client, items, arns, gone, "Tags", "db instance", &omitted)
		if err != nil {
			return awscloud.Page{}, err
		}
	}
	return awscloud.KeptPage(items, gone, aws.ToString(out.Marker), &omitted), nil
}

// addTags runs ListTagsForResourceAction: ListTagsForResource per resource
// (by ARN), its TagList set as field. A resource deleted since the listing is
// marked gone; denied leaves the item without the field.
func addTags(ctx context.Context, client *rds.Client, items []map[string]any, arns []string, gone []bool,
	field, what string, omitted *awscloud.Omissions) error {
	return awscloud.PerItemCall{Action: ActionListTags, Field: field, Does: "list tags of", Limit: tagsConcurrency,
		Resource: func(i int) string { return what + " " + arns[i] },
		Read: func(ctx context.Context, i int) (any, error) {
			out, err := client.ListTagsForResource(ctx, &rds.ListTagsForResourceInput{ResourceName: aws.String(arns[i])})
			if err != nil {
				return nil, err
			}
			return awscloud.PropsList(out.TagList), nil
		},
		Gone: notFound,
	}.Run(ctx, items, gone, omitted)
}

// notFound: deleted since the listing (DBInstanceNotFound,
// DBClusterNotFoundFault).
func notFound(err error) bool { return awscloud.Classify(err) == awscloud.ErrNotFound }
