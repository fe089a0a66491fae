package awsemu_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kafka"
	kafkatypes "github.com/aws/aws-sdk-go-v2/service/kafka/types"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestKafkaListClustersBothVersions(t *testing.T) {
	e := svcStart(t)
	e.add(t, e.mgmt, "eu-west-1", awsemu.KindMSKCluster, 5, func(i int) *awsemu.Resource {
		name := fmt.Sprintf("test-msk-%d", i)
		attrs := map[string]any{"KafkaVersion": "3.6.0", "NumberOfBrokerNodes": int64(3)}
		if i == 1 {
			attrs["LogGroup"], attrs["IAMAuth"] = "/msk/"+name, true
		}
		return &awsemu.Resource{ID: name, Name: name, Tags: map[string]string{"team": "data"}, Attributes: attrs}
	})
	e.add(t, e.mgmt, "eu-west-1", awsemu.KindMSKServerlessCluster, 3, func(i int) *awsemu.Resource {
		name := fmt.Sprintf("test-sls-%d", i)
		return &awsemu.Resource{ID: name, Name: name}
	})
	provisioned := e.resources(e.mgmt, "eu-west-1", awsemu.KindMSKCluster)
	serverless := e.resources(e.mgmt, "eu-west-1", awsemu.KindMSKServerlessCluster)
	client := kafka.NewFromConfig(e.cfg("eu-west-1"))

	var infos []kafkatypes.ClusterInfo
	pages := 0
	for p := kafka.NewListClustersPaginator(client, &kafka.ListClustersInput{MaxResults: aws.Int32(2)}); p.HasMorePages(); {
		out, err := p.NextPage(e.ctx)
		if err != nil {
			t.Fatalf("list clusters: %v", err)
		}
		pages++
		infos = append(infos, out.ClusterInfoList...)
	}
	if len(infos) != len(provisioned) || pages != (len(provisioned)+1)/2 {
		t.Fatalf("v1 listed %d clusters in %d pages, want the %d provisioned ones", len(infos), pages, len(provisioned))
	}
	for _, ci := range infos {
		name := aws.ToString(ci.ClusterName)
		if !strings.HasPrefix(name, "test-msk-") {
			continue // generated
		}
		if !strings.HasPrefix(aws.ToString(ci.ClusterArn), "arn:aws:kafka:eu-west-1:"+e.mgmt+":cluster/"+name+"/") || ci.CreationTime == nil ||
			ci.State != kafkatypes.ClusterStateActive || ci.BrokerNodeGroupInfo == nil || len(ci.BrokerNodeGroupInfo.ClientSubnets) == 0 ||
			aws.ToString(ci.CurrentBrokerSoftwareInfo.KafkaVersion) != "3.6.0" || aws.ToInt32(ci.NumberOfBrokerNodes) != 3 ||
			ci.EncryptionInfo == nil || ci.EncryptionInfo.EncryptionInTransit.ClientBroker != kafkatypes.ClientBrokerTls ||
			aws.ToString(ci.ZookeeperConnectString) == "" || ci.Tags["team"] != "data" || aws.ToString(ci.CurrentVersion) == "" {
			t.Fatalf("%s decoded wrong: %+v", name, ci)
		}
		withLogs := name == "test-msk-1"
		if (ci.LoggingInfo != nil) != withLogs || (ci.ClientAuthentication != nil) != withLogs {
			t.Fatalf("%s: logging %+v, client auth %+v", name, ci.LoggingInfo, ci.ClientAuthentication)
		}
		if withLogs && aws.ToString(ci.LoggingInfo.BrokerLogs.CloudWatchLogs.LogGroup) != "/msk/test-msk-1" {
			t.Fatalf("log group: %+v", ci.LoggingInfo.BrokerLogs.CloudWatchLogs)
		}
	}

	all, err := client.ListClustersV2(e.ctx, &kafka.ListClustersV2Input{})
	if err != nil || len(all.ClusterInfoList) != len(provisioned)+len(serverless) {
		t.Fatalf("v2 without a filter: %v, %d clusters", err, len(all.ClusterInfoList))
	}
	var got []kafkatypes.Cluster
	for p := kafka.NewListClustersV2Paginator(client, &kafka.ListClustersV2Input{ClusterTypeFilter: aws.String("SERVERLESS"), MaxResults: aws.Int32(2)}); p.HasMorePages(); {
		out, err := p.NextPage(e.ctx)
		if err != nil {
			t.Fatalf("list v2: %v", err)
		}
		got = append(got, out.ClusterInfoList...)
	}
	if len(got) != len(serverless) {
		t.Fatalf("v2 SERVERLESS listed %d, want %d", len(got), len(serverless))
	}
	for _, c := range got {
		if !strings.HasPrefix(aws.ToString(c.ClusterName), "test-sls-") {
			continue
		}
		if c.ClusterType != kafkatypes.ClusterTypeServerless || c.Serverless == nil || len(c.Serverless.VpcConfigs) != 1 ||
			c.Provisioned != nil || !strings.HasSuffix(aws.ToString(c.ClusterArn), "-s2") || c.CreationTime == nil || c.State != kafkatypes.ClusterStateActive ||
			c.Serverless.ClientAuthentication == nil || !aws.ToBool(c.Serverless.ClientAuthentication.Sasl.Iam.Enabled) {
			t.Fatalf("serverless cluster decoded wrong: %+v", c)
		}
	}
	prov, err := client.ListClustersV2(e.ctx, &kafka.ListClustersV2Input{ClusterTypeFilter: aws.String("PROVISIONED")})
	if err != nil || len(prov.ClusterInfoList) != len(provisioned) || prov.ClusterInfoList[0].Provisioned == nil {
		t.Fatalf("v2 PROVISIONED: %v %+v", err, prov)
	}

	_, err = client.ListClusters(e.ctx, &kafka.ListClustersInput{MaxResults: aws.Int32(101)})
	svcAPIError(t, err, "BadRequestException", http.StatusBadRequest)
	_, err = client.ListClustersV2(e.ctx, &kafka.ListClustersV2Input{NextToken: aws.String("garbage")})
	svcAPIError(t, err, "BadRequestException", http.StatusBadRequest)
	_, err = kafka.NewFromConfig(e.cfg("ap-east-1")).ListClusters(e.ctx, &kafka.ListClustersInput{})
	svcAPIError(t, err, "UnrecognizedClientException", http.StatusForbidden)
}

func TestKafkaFaultsAndGenerated(t *testing.T) {
	e := svcStart(t)
	client := kafka.NewFromConfig(e.memberCfg("us-east-1"))
	e.srv.Faults().DenyAccess(e.member, "kafka", "")
	_, err := client.ListClustersV2(e.ctx, &kafka.ListClustersV2Input{})
	svcAPIError(t, err, "AccessDeniedException", http.StatusForbidden)
	e.clearFaults()
	svcCheckThrottle(t, e.srv, "kafka", "TooManyRequestsException", http.StatusTooManyRequests, func() error {
		_, err := client.ListClusters(e.ctx, &kafka.ListClustersInput{})
		return err
	})
	e.clearFaults()

	org := awsemu.Generate(awsemu.Spec{Seed: 5, Accounts: 3, ResourcesPerKind: 3, Regions: []string{"us-east-1", "eu-west-1"}})
	counts := map[string]int{}
	for _, a := range org.Accounts {
		for key, rs := range a.Resources {
			counts[key.Kind] += len(rs)
		}
	}
	if counts[awsemu.KindMSKCluster] == 0 || counts[awsemu.KindMSKServerlessCluster] == 0 {
		t.Fatalf("generated: %v", counts)
	}
}
