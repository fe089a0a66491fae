package msk_test

import (
	"strings"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"
)

func TestMSKClusterKinds(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	total, multiPage := map[string]int{}, map[string]bool{}
	all := map[string][]map[string]any{}
	withLogs, withoutLogs := 0, 0
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		for _, region := range awstest.KindSpec.Regions {
			for _, kind := range []string{"AWS::MSK::Cluster", "AWS::MSK::ServerlessCluster"} {
				srv.ResetRequests()
				items, pages := awstest.CollectAll(t, p, kind, acct, region, 2)
				multiPage[kind] = multiPage[kind] || pages > 1
				n := 0
				for _, r := range srv.Requests() {
					if r.Service == "kafka" {
						n++
					}
				}
				if n != pages {
					t.Fatalf("%s: %d calls for %d pages (no per-item call)", kind, n, pages)
				}
				res := awstest.Resources(srv, acct.ID, region, kind)
				if len(items) != len(res) {
					t.Fatalf("%s %s %s: %d items, want %d", kind, acct.ID, region, len(items), len(res))
				}
				got := awstest.ByKey(items, "ClusterName")
				for _, r := range res {
					it := got[r.ID]
					if it == nil || it["Type"] != kind || awstest.ExtraOf(it)["Region"] != region || awstest.ExtraOf(it)["AccountId"] != acct.ID {
						t.Fatalf("%s item %v", r.ID, it)
					}
					pr := awstest.PropsOf(it)
					if pr["ClusterArn"] != r.ARN || pr["CreationTime"] == nil || pr["State"] == nil || pr["CurrentVersion"] == nil {
						t.Fatalf("%s props %v", kind, pr)
					}
					if tags, _ := pr["Tags"].(map[string]any); len(tags) != len(r.Tags) || (len(r.Tags) > 0 && tags["env"] != r.Tags["env"]) {
						t.Fatalf("tags %v, want %v", pr["Tags"], r.Tags)
					}
					if kind == "AWS::MSK::ServerlessCluster" {
						sl := pr["Serverless"].(map[string]any)
						if pr["ClusterType"] != "SERVERLESS" || pr["Provisioned"] != nil || len(sl["VpcConfigs"].([]any)) != 1 ||
							sl["VpcConfigs"].([]any)[0].(map[string]any)["SubnetIds"] == nil || !strings.HasSuffix(r.ARN, "-s2") {
							t.Fatalf("serverless props %v", pr)
						}
						continue
					}
					bn := pr["BrokerNodeGroupInfo"].(map[string]any)
					enc := pr["EncryptionInfo"].(map[string]any)["EncryptionInTransit"].(map[string]any)
					if bn["InstanceType"] != r.AttrString("InstanceType") || bn["ClientSubnets"] == nil ||
						bn["StorageInfo"].(map[string]any)["EbsStorageInfo"].(map[string]any)["VolumeSize"] != int(r.AttrInt("VolumeSize")) ||
						pr["CurrentBrokerSoftwareInfo"].(map[string]any)["KafkaVersion"] != r.AttrString("KafkaVersion") ||
						pr["NumberOfBrokerNodes"] != int(r.AttrInt("NumberOfBrokerNodes")) || enc["ClientBroker"] != "TLS" || enc["InCluster"] != true ||
						pr["EnhancedMonitoring"] != r.AttrString("EnhancedMonitoring") || pr["OpenMonitoring"] == nil {
						t.Fatalf("cluster props %v", pr)
					}
					if _, has := pr["LoggingInfo"]; has != (r.AttrString("LogGroup") != "") {
						t.Fatalf("logging %v for log group %q", pr["LoggingInfo"], r.AttrString("LogGroup"))
					} else if has {
						withLogs++
					} else {
						withoutLogs++
					}
				}
				total[kind] += len(items)
				all[kind] = append(all[kind], items...)
			}
		}
	}
	for _, kind := range []string{"AWS::MSK::Cluster", "AWS::MSK::ServerlessCluster"} {
		if total[kind] == 0 || !multiPage[kind] {
			t.Fatalf("%s: %d items, paged %v", kind, total[kind], multiPage[kind])
		}
	}
	for _, e := range awstest.MapExample(t, "MSK-Cluster", all["AWS::MSK::Cluster"]).Entities {
		if e.Properties["instanceType"] == nil || e.Properties["kafkaVersion"] == nil || e.Properties["brokerNodes"] == nil ||
			e.Properties["storageGiB"] == nil || e.Properties["createdAt"] == nil || e.Relations["account"] == nil {
			t.Fatalf("MSK-Cluster example entity %+v", e)
		}
	}
	for _, e := range awstest.MapExample(t, "MSK-ServerlessCluster", all["AWS::MSK::ServerlessCluster"]).Entities {
		if len(e.Properties["subnets"].([]any)) == 0 || e.Properties["iamAuthentication"] != true || e.Properties["state"] == nil {
			t.Fatalf("MSK-ServerlessCluster example entity %+v", e)
		}
	}
	if withLogs == 0 || withoutLogs == 0 {
		t.Fatalf("%d clusters with broker logs, %d without: both should occur", withLogs, withoutLogs)
	}
}
