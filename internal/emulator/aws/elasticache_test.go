package awsemu_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	ectypes "github.com/aws/aws-sdk-go-v2/service/elasticache/types"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestElastiCacheDescribeCacheClustersAndTags(t *testing.T) {
	e := svcStart(t)
	region := "us-east-1"
	// 30 more: zz-rg-00N in one replication group, the rest Memcached, every third untagged.
	e.add(t, e.mgmt, region, awsemu.KindElastiCacheCluster, 30, func(i int) *awsemu.Resource {
		id := fmt.Sprintf("zz-mc-%02d", i)
		attrs := map[string]any{"Engine": "memcached", "NumCacheNodes": int64(2)}
		if i < 3 {
			id = fmt.Sprintf("zz-rg-%03d", i+1)
			attrs = map[string]any{"Engine": "redis", "ReplicationGroupId": "zz-rg", "TransitEncryptionEnabled": true, "SnapshotRetentionLimit": int64(7)}
		}
		var tags map[string]string
		if i%3 != 2 {
			tags = map[string]string{"team": "t"}
		}
		return &awsemu.Resource{ID: id, Name: id, ARN: "arn:aws:elasticache:" + region + ":" + e.mgmt + ":cluster:" + id, Tags: tags,
			CreatedAt: time.Date(2024, 2, 3, 4, 5, 6, 0, time.UTC), Attributes: attrs}
	})
	want := e.resources(e.mgmt, region, awsemu.KindElastiCacheCluster)
	client := elasticache.NewFromConfig(e.cfg(region))

	p := elasticache.NewDescribeCacheClustersPaginator(client, &elasticache.DescribeCacheClustersInput{MaxRecords: aws.Int32(20), ShowCacheNodeInfo: aws.Bool(true)})
	var got []ectypes.CacheCluster
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(e.ctx)
		if err != nil {
			t.Fatalf("describe cache clusters: %v", err)
		}
		pages++
		got = append(got, out.CacheClusters...)
	}
	if len(got) != len(want) || pages != (len(want)+19)/20 {
		t.Fatalf("%d clusters in %d pages, account holds %d", len(got), pages, len(want))
	}
	checked := 0
	for _, c := range got {
		if aws.ToString(c.ARN) == "" || aws.ToString(c.CacheClusterStatus) != "available" || c.CacheClusterCreateTime == nil || len(c.SecurityGroups) != 1 {
			t.Errorf("cluster %s decoded incompletely: %+v", aws.ToString(c.CacheClusterId), c)
		}
		switch aws.ToString(c.CacheClusterId) {
		case "zz-rg-001":
			checked++
			if aws.ToString(c.ReplicationGroupId) != "zz-rg" || !aws.ToBool(c.TransitEncryptionEnabled) || aws.ToInt32(c.SnapshotRetentionLimit) != 7 ||
				len(c.CacheNodes) != 1 || aws.ToInt32(c.CacheNodes[0].Endpoint.Port) != 6379 || c.ConfigurationEndpoint != nil {
				t.Errorf("zz-rg-001: %+v", c)
			}
		case "zz-mc-05":
			checked++
			if aws.ToString(c.Engine) != "memcached" || len(c.CacheNodes) != 2 || c.ConfigurationEndpoint == nil ||
				aws.ToInt32(c.ConfigurationEndpoint.Port) != 11211 || !c.CacheClusterCreateTime.Equal(time.Date(2024, 2, 3, 4, 5, 6, 0, time.UTC)) {
				t.Errorf("zz-mc-05: %+v", c)
			}
		}
	}
	if checked != 2 {
		t.Errorf("checked %d of 2", checked)
	}
	// Without ShowCacheNodeInfo no nodes; a single cluster by id; NotInReplicationGroups.
	plain, err := client.DescribeCacheClusters(e.ctx, &elasticache.DescribeCacheClustersInput{CacheClusterId: aws.String("zz-mc-05")})
	if err != nil || len(plain.CacheClusters) != 1 || plain.CacheClusters[0].CacheNodes != nil {
		t.Fatalf("plain describe: %+v, %v", plain, err)
	}
	alone, err := client.DescribeCacheClusters(e.ctx, &elasticache.DescribeCacheClustersInput{ShowCacheClustersNotInReplicationGroups: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range alone.CacheClusters {
		if c.ReplicationGroupId != nil {
			t.Errorf("%s is in a replication group", aws.ToString(c.CacheClusterId))
		}
	}
	_, err = client.DescribeCacheClusters(e.ctx, &elasticache.DescribeCacheClustersInput{CacheClusterId: aws.String("nope")})
	var nf *ectypes.CacheClusterNotFoundFault
	if !errors.As(err, &nf) {
		t.Errorf("missing cluster: %T %v", err, err)
	}
	svcAPIError(t, err, "CacheClusterNotFound", http.StatusNotFound)

	arn := "arn:aws:elasticache:" + region + ":" + e.mgmt + ":cluster:"
	tags, err := client.ListTagsForResource(e.ctx, &elasticache.ListTagsForResourceInput{ResourceName: aws.String(arn + "zz-mc-04")})
	if err != nil || len(tags.TagList) != 1 || aws.ToString(tags.TagList[0].Key) != "team" {
		t.Fatalf("tags: %+v, %v", tags, err)
	}
	untagged, err := client.ListTagsForResource(e.ctx, &elasticache.ListTagsForResourceInput{ResourceName: aws.String(arn + "zz-mc-05")})
	if err != nil || len(untagged.TagList) != 0 {
		t.Fatalf("untagged: %+v, %v", untagged, err)
	}
	_, err = client.ListTagsForResource(e.ctx, &elasticache.ListTagsForResourceInput{ResourceName: aws.String(arn + "gone")})
	svcAPIError(t, err, "CacheClusterNotFound", http.StatusNotFound)

	e.srv.Faults().DenyAccess(e.mgmt, "elasticache", "")
	_, err = client.DescribeCacheClusters(e.ctx, &elasticache.DescribeCacheClustersInput{})
	svcAPIError(t, err, "AccessDenied", http.StatusForbidden)
	e.clearFaults()
	svcCheckThrottle(t, e.srv, "elasticache", "Throttling", http.StatusBadRequest, func() error {
		_, err := client.DescribeCacheClusters(e.ctx, &elasticache.DescribeCacheClustersInput{})
		return err
	})
}
