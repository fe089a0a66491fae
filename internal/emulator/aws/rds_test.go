package awsemu_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

// addRDS gives the management account in us-east-1 45 more instances (the
// first two members of one Aurora cluster) and 25 more clusters.
func (e *svcEnv) addRDS(t *testing.T) {
	t.Helper()
	region := "us-east-1"
	arn := func(res string) string { return "arn:aws:rds:" + region + ":" + e.mgmt + ":" + res }
	e.add(t, e.mgmt, region, awsemu.KindRDSDBInstance, 45, func(i int) *awsemu.Resource {
		id := fmt.Sprintf("zz-db-%02d", i)
		attrs := map[string]any{"Engine": "postgres", "EngineVersion": "16.4", "MultiAZ": i%2 == 0, "StorageEncrypted": i%3 == 0}
		if i < 2 {
			attrs = map[string]any{"Engine": "aurora-postgresql", "DBClusterIdentifier": "zz-cluster-00", "StorageEncrypted": true}
		}
		var tags map[string]string
		if i%4 != 3 {
			tags = map[string]string{"team": "t", "db": id}
		}
		return &awsemu.Resource{ID: id, Name: id, ARN: arn("db:" + id), Tags: tags, CreatedAt: time.Date(2023, 1, 2, 3, 4, 5, 0, time.UTC), Attributes: attrs}
	})
	e.add(t, e.mgmt, region, awsemu.KindRDSDBCluster, 25, func(i int) *awsemu.Resource {
		id := fmt.Sprintf("zz-cluster-%02d", i)
		attrs := map[string]any{"Engine": "aurora-postgresql"}
		if i == 0 {
			attrs["Members"] = []string{"zz-db-00", "zz-db-01"}
		}
		return &awsemu.Resource{ID: id, Name: id, ARN: arn("cluster:" + id), Tags: map[string]string{"c": id}, CreatedAt: time.Date(2022, 1, 2, 3, 4, 5, 0, time.UTC), Attributes: attrs}
	})
}

func TestRDSDescribeDBInstancesPagesAndTags(t *testing.T) {
	e := svcStart(t)
	e.addRDS(t)
	want := e.resources(e.mgmt, "us-east-1", awsemu.KindRDSDBInstance)
	client := rds.NewFromConfig(e.cfg("us-east-1"))

	p := rds.NewDescribeDBInstancesPaginator(client, &rds.DescribeDBInstancesInput{MaxRecords: aws.Int32(20)})
	var got []rdstypes.DBInstance
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(e.ctx)
		if err != nil {
			t.Fatalf("describe db instances: %v", err)
		}
		pages++
		if len(out.DBInstances) > 20 {
			t.Errorf("page of %d", len(out.DBInstances))
		}
		got = append(got, out.DBInstances...)
	}
	if len(got) != len(want) || pages != (len(want)+19)/20 {
		t.Fatalf("%d instances in %d pages, account holds %d", len(got), pages, len(want))
	}
	seen := 0
	for _, d := range got {
		id := aws.ToString(d.DBInstanceIdentifier)
		if aws.ToString(d.DBInstanceArn) == "" || aws.ToString(d.Engine) == "" || aws.ToString(d.DBInstanceStatus) == "" ||
			d.InstanceCreateTime == nil || len(d.VpcSecurityGroups) != 1 || d.DBSubnetGroup == nil || len(d.DBSubnetGroup.Subnets) != 3 {
			t.Errorf("instance %s decoded incompletely: %+v", id, d)
		}
		switch id {
		case "zz-db-00":
			seen++
			if aws.ToString(d.DBClusterIdentifier) != "zz-cluster-00" || aws.ToString(d.StorageType) != "aurora" || len(d.TagList) != 2 {
				t.Errorf("aurora member: %+v", d)
			}
		case "zz-db-04":
			seen++
			if !aws.ToBool(d.MultiAZ) || d.SecondaryAvailabilityZone == nil || d.Endpoint == nil || aws.ToInt32(d.Endpoint.Port) != 5432 ||
				aws.ToInt32(d.Iops) != 3000 || d.InstanceCreateTime.UTC() != time.Date(2023, 1, 2, 3, 4, 5, 0, time.UTC) {
				t.Errorf("zz-db-04: %+v", d)
			}
		case "zz-db-07":
			seen++
			if len(d.TagList) != 0 || aws.ToBool(d.StorageEncrypted) || d.KmsKeyId != nil {
				t.Errorf("zz-db-07: tags %v encrypted %v", d.TagList, aws.ToBool(d.StorageEncrypted))
			}
		}
	}
	if seen != 3 {
		t.Errorf("checked %d of the 3 hand-made instances", seen)
	}

	one, err := client.DescribeDBInstances(e.ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("zz-db-07")})
	if err != nil || len(one.DBInstances) != 1 {
		t.Fatalf("one instance: %v", err)
	}
	_, err = client.DescribeDBInstances(e.ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("nope")})
	var nf *rdstypes.DBInstanceNotFoundFault
	if !errors.As(err, &nf) {
		t.Errorf("missing instance: %T %v", err, err)
	}
	svcAPIError(t, err, "DBInstanceNotFound", http.StatusNotFound)
	_, err = client.DescribeDBInstances(e.ctx, &rds.DescribeDBInstancesInput{MaxRecords: aws.Int32(5)})
	svcAPIError(t, err, "InvalidParameterValue", http.StatusBadRequest)

	tags, err := client.ListTagsForResource(e.ctx, &rds.ListTagsForResourceInput{ResourceName: aws.String("arn:aws:rds:us-east-1:" + e.mgmt + ":db:zz-db-05")})
	if err != nil || len(tags.TagList) != 2 || aws.ToString(tags.TagList[0].Key) != "db" || aws.ToString(tags.TagList[0].Value) != "zz-db-05" {
		t.Fatalf("tags of zz-db-05: %+v, err %v", tags, err)
	}
	_, err = client.ListTagsForResource(e.ctx, &rds.ListTagsForResourceInput{ResourceName: aws.String("arn:aws:rds:us-east-1:" + e.mgmt + ":db:gone")})
	svcAPIError(t, err, "DBInstanceNotFound", http.StatusNotFound)
	_, err = client.ListTagsForResource(e.ctx, &rds.ListTagsForResourceInput{ResourceName: aws.String("arn:aws:rds:us-east-1:" + e.mgmt + ":cluster:gone")})
	svcAPIError(t, err, "DBClusterNotFoundFault", http.StatusNotFound)
}

func TestRDSDescribeDBClustersAndFaults(t *testing.T) {
	e := svcStart(t)
	e.addRDS(t)
	want := e.resources(e.mgmt, "us-east-1", awsemu.KindRDSDBCluster)
	client := rds.NewFromConfig(e.cfg("us-east-1"))
	p := rds.NewDescribeDBClustersPaginator(client, &rds.DescribeDBClustersInput{MaxRecords: aws.Int32(20)})
	var got []rdstypes.DBCluster
	for p.HasMorePages() {
		out, err := p.NextPage(e.ctx)
		if err != nil {
			t.Fatalf("describe db clusters: %v", err)
		}
		got = append(got, out.DBClusters...)
	}
	if len(got) != len(want) || len(want) < 25 {
		t.Fatalf("%d clusters, account holds %d", len(got), len(want))
	}
	for _, c := range got {
		if aws.ToString(c.DBClusterIdentifier) != "zz-cluster-00" {
			continue
		}
		if len(c.DBClusterMembers) != 2 || !aws.ToBool(c.DBClusterMembers[0].IsClusterWriter) || aws.ToBool(c.DBClusterMembers[1].IsClusterWriter) ||
			aws.ToString(c.DBClusterArn) != "arn:aws:rds:us-east-1:"+e.mgmt+":cluster:zz-cluster-00" || len(c.TagList) != 1 ||
			aws.ToInt32(c.Port) != 5432 || len(c.AvailabilityZones) != 3 || c.ClusterCreateTime == nil || !aws.ToBool(c.StorageEncrypted) {
			t.Errorf("zz-cluster-00: %+v", c)
		}
	}
	tags, err := client.ListTagsForResource(e.ctx, &rds.ListTagsForResourceInput{ResourceName: aws.String("arn:aws:rds:us-east-1:" + e.mgmt + ":cluster:zz-cluster-03")})
	if err != nil || len(tags.TagList) != 1 {
		t.Fatalf("cluster tags: %+v, %v", tags, err)
	}
	_, err = client.DescribeDBClusters(e.ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String("nope")})
	var nf *rdstypes.DBClusterNotFoundFault
	if !errors.As(err, &nf) {
		t.Errorf("missing cluster: %T %v", err, err)
	}

	e.srv.Faults().DenyAccess(e.mgmt, "rds", "")
	_, err = client.DescribeDBClusters(e.ctx, &rds.DescribeDBClustersInput{})
	svcAPIError(t, err, "AccessDenied", http.StatusForbidden)
	e.clearFaults()
	svcCheckThrottle(t, e.srv, "rds", "Throttling", http.StatusBadRequest, func() error {
		_, err := client.DescribeDBInstances(e.ctx, &rds.DescribeDBInstancesInput{})
		return err
	})
}
