package awsemu

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Kafka (Amazon MSK) speaks restJson1: GET /v1/clusters (ListClusters: the
// provisioned clusters as ClusterInfo) and GET /api/v2/clusters (ListClustersV2:
// every cluster as Cluster, with clusterTypeFilter PROVISIONED|SERVERLESS).
// Both take maxResults 1–100 and nextToken in the query. Members are camelCase
// on the wire; timestamps ISO 8601; errors carry X-Amzn-ErrorType.
//
// Resource attributes read (absent ones default as noted in the code):
//
//	AWS::MSK::Cluster  ID = Name = cluster name, ARN arn:P:kafka:R:A:cluster/NAME/UUID-3;
//	  State string, KafkaVersion string, InstanceType string, NumberOfBrokerNodes int,
//	  VolumeSize int, SubnetIds []string, SecurityGroupIds []string, KmsKeyId string,
//	  ClientBroker string, EnhancedMonitoring string, IAMAuth bool, LogGroup string
//	  (absent: no broker logging), Prometheus bool
//	AWS::MSK::ServerlessCluster  ID = Name = cluster name, ARN …/UUID-s2;
//	  State string, SubnetIds []string, SecurityGroupIds []string

// The MSK kinds.
const (
	KindMSKCluster           = "AWS::MSK::Cluster"
	KindMSKServerlessCluster = "AWS::MSK::ServerlessCluster"
)

type kafkaService struct{}

func init() { Register(kafkaService{}) }

func (kafkaService) SigningName() string { return "kafka" }
func (kafkaService) Protocol() Protocol  { return ProtocolRESTJSON }
func (kafkaService) ThrottleCode() (string, int) {
	return "TooManyRequestsException", http.StatusTooManyRequests
}

func (kafkaService) Operation(r *http.Request, _ []byte) (string, bool) {
	if r.Method != http.MethodGet {
		return "", false
	}
	switch strings.TrimSuffix(r.URL.EscapedPath(), "/") {
	case "/v1/clusters":
		return "ListClusters", true
	case "/api/v2/clusters":
		return "ListClustersV2", true
	}
	return "", false
}

func (kafkaService) Serve(c *Call) {
	if svcRegionDisabled(c) {
		c.Error(http.StatusForbidden, "UnrecognizedClientException", "The security token included in the request is invalid.")
		return
	}
	switch c.Op {
	case "ListClusters":
		kafkaList(c, false)
	case "ListClustersV2":
		kafkaList(c, true)
	}
}

// kafkaList answers ListClusters (v1: provisioned clusters only, ClusterInfo)
// and ListClustersV2 (both types unless clusterTypeFilter says one).
func kafkaList(c *Call, v2 bool) {
	q := c.R.URL.Query()
	size := 100
	if raw := q.Get("maxResults"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > 100 {
			c.Error(http.StatusBadRequest, "BadRequestException", "maxResults must be between 1 and 100.")
			return
		}
		size = n
	}
	type entry struct {
		r          *Resource
		serverless bool
	}
	var clusters []entry
	typeFilter := q.Get("clusterTypeFilter")
	if v2 && typeFilter != "" && typeFilter != "PROVISIONED" && typeFilter != "SERVERLESS" {
		c.Error(http.StatusBadRequest, "BadRequestException", "clusterTypeFilter must be PROVISIONED or SERVERLESS.")
		return
	}
	if !v2 || typeFilter != "SERVERLESS" {
		for _, r := range svcResources(c, KindMSKCluster) {
			clusters = append(clusters, entry{r, false})
		}
	}
	if v2 && typeFilter != "PROVISIONED" {
		for _, r := range svcResources(c, KindMSKServerlessCluster) {
			clusters = append(clusters, entry{r, true})
		}
	}
	if prefix := q.Get("clusterNameFilter"); prefix != "" {
		kept := clusters[:0:0]
		for _, e := range clusters {
			if strings.HasPrefix(e.r.ID, prefix) {
				kept = append(kept, e)
			}
		}
		clusters = kept
	}
	token := q.Get("nextToken")
	start, end, next, err := Page(len(clusters), token, size, 100)
	if err != nil {
		c.Error(http.StatusBadRequest, "BadRequestException", "The provided nextToken is not valid.")
		return
	}
	list := []any{}
	for _, e := range clusters[start:end] {
		if !v2 {
			list = append(list, kafkaClusterInfo(c, e.r))
		} else {
			list = append(list, kafkaCluster(c, e.r, e.serverless))
		}
	}
	out := map[string]any{"clusterInfoList": list}
	if next != "" {
		out["nextToken"] = next
	}
	c.JSON(out)
}

func kafkaARN(c *Call, r *Resource, suffix string) string {
	if r.ARN != "" {
		return r.ARN
	}
	return "arn:" + svcPartition(c) + ":kafka:" + c.Region + ":" + c.AccountID + ":cluster/" + r.ID + "/" + svcUUID(c.AccountID, c.Region, r.ID, "msk") + suffix
}

func kafkaTags(r *Resource) map[string]string {
	tags := map[string]string{}
	for k, v := range r.Tags {
		tags[k] = v
	}
	return tags
}

func kafkaTime(r *Resource) string { return svcCreated(r).UTC().Format("2006-01-02T15:04:05.000Z") }

func kafkaVPC(c *Call, r *Resource, arn string) ([]string, []string) {
	subnets := svcStrings(r, "SubnetIds", []string{"subnet-" + svcHex(17, arn, "a"), "subnet-" + svcHex(17, arn, "b"), "subnet-" + svcHex(17, arn, "c")})
	groups := svcStrings(r, "SecurityGroupIds", []string{"sg-" + svcHex(17, arn, "sg")})
	return subnets, groups
}

// kafkaProvisioned is the provisioned cluster's description: ClusterInfo's
// members (v1) and Provisioned's (v2) share these names.
func kafkaProvisioned(c *Call, r *Resource, arn string) map[string]any {
	subnets, groups := kafkaVPC(c, r, arn)
	brokers := svcInt(r, "NumberOfBrokerNodes", int64(len(subnets)))
	m := map[string]any{
		"brokerNodeGroupInfo": map[string]any{
			"brokerAZDistribution": "DEFAULT",
			"clientSubnets":        subnets,
			"instanceType":         svcStr(r, "InstanceType", "kafka.m5.large"),
			"securityGroups":       groups,
			"storageInfo":          map[string]any{"ebsStorageInfo": map[string]any{"volumeSize": svcInt(r, "VolumeSize", 100)}},
			"connectivityInfo":     map[string]any{"publicAccess": map[string]any{"type": "DISABLED"}},
			"zoneIds":              []string{},
		},
		"currentBrokerSoftwareInfo": map[string]any{"kafkaVersion": svcStr(r, "KafkaVersion", "3.6.0")},
		"encryptionInfo": map[string]any{
			"encryptionAtRest": map[string]any{"dataVolumeKMSKeyId": svcStr(r, "KmsKeyId",
				"arn:"+svcPartition(c)+":kms:"+c.Region+":"+c.AccountID+":key/"+svcUUID(arn, "kms"))},
			"encryptionInTransit": map[string]any{"clientBroker": svcStr(r, "ClientBroker", "TLS"), "inCluster": true},
		},
		"enhancedMonitoring":  svcStr(r, "EnhancedMonitoring", "DEFAULT"),
		"numberOfBrokerNodes": brokers,
		"openMonitoring": map[string]any{"prometheus": map[string]any{
			"jmxExporter":  map[string]any{"enabledInBroker": svcBool(r, "Prometheus", false)},
			"nodeExporter": map[string]any{"enabledInBroker": svcBool(r, "Prometheus", false)},
		}},
		"storageMode":          "LOCAL",
		"customerActionStatus": "NONE",
	}
	if svcBool(r, "IAMAuth", false) {
		m["clientAuthentication"] = map[string]any{
			"sasl":            map[string]any{"scram": map[string]any{"enabled": false}, "iam": map[string]any{"enabled": true}},
			"tls":             map[string]any{"enabled": false},
			"unauthenticated": map[string]any{"enabled": false},
		}
	}
	if lg := svcStr(r, "LogGroup", ""); lg != "" {
		m["loggingInfo"] = map[string]any{"brokerLogs": map[string]any{
			"cloudWatchLogs": map[string]any{"enabled": true, "logGroup": lg},
			"firehose":       map[string]any{"enabled": false},
			"s3":             map[string]any{"enabled": false},
		}}
	}
	if svcStr(r, "State", "ACTIVE") == "ACTIVE" {
		var zk []string
		for i := 0; i < 3; i++ {
			zk = append(zk, fmt.Sprintf("z-%d.%s.%s.c%d.kafka.%s.amazonaws.com", i+1, r.ID, svcHex(6, arn, "zk"), 1+svcHash(arn)%20, c.Region))
		}
		m["zookeeperConnectString"] = strings.Join(zk, ":2181,") + ":2181"
		m["zookeeperConnectStringTls"] = strings.Join(zk, ":2182,") + ":2182"
	}
	return m
}

func kafkaClusterInfo(c *Call, r *Resource) map[string]any {
	arn := kafkaARN(c, r, "-3")
	m := kafkaProvisioned(c, r, arn)
	m["clusterArn"] = arn
	m["clusterName"] = r.ID
	m["creationTime"] = kafkaTime(r)
	m["currentVersion"] = "K" + strings.ToUpper(svcHex(13, arn, "version"))
	m["state"] = svcStr(r, "State", "ACTIVE")
	m["tags"] = kafkaTags(r)
	return m
}

func kafkaCluster(c *Call, r *Resource, serverless bool) map[string]any {
	suffix := "-3"
	if serverless {
		suffix = "-s2"
	}
	arn := kafkaARN(c, r, suffix)
	m := map[string]any{
		"clusterArn":     arn,
		"clusterName":    r.ID,
		"creationTime":   kafkaTime(r),
		"currentVersion": "K" + strings.ToUpper(svcHex(13, arn, "version")),
		"state":          svcStr(r, "State", "ACTIVE"),
		"tags":           kafkaTags(r),
	}
	if !serverless {
		m["clusterType"] = "PROVISIONED"
		m["provisioned"] = kafkaProvisioned(c, r, arn)
		return m
	}
	subnets, groups := kafkaVPC(c, r, arn)
	m["clusterType"] = "SERVERLESS"
	m["serverless"] = map[string]any{
		"vpcConfigs":           []any{map[string]any{"subnetIds": subnets, "securityGroupIds": groups}},
		"clientAuthentication": map[string]any{"sasl": map[string]any{"iam": map[string]any{"enabled": true}}},
	}
	return m
}

// genMSK generates provisioned and serverless clusters, each from a side stream.
func (g *generator) genMSK(a *Account, region string) {
	rng := g.sideRNG(a, region, KindMSKCluster)
	for i, n := 0, g.sideCount(rng); i < n; i++ {
		name := fmt.Sprintf("%s-%s-kafka-%d", a.Tags["env"], genWords[rng.IntN(len(genWords))], i+1)
		created := a.JoinedAt.Add(time.Duration(rng.Int64N(400*24*3600)) * time.Second)
		attrs := map[string]any{
			"KafkaVersion":        []string{"2.8.1", "3.5.1", "3.6.0", "3.7.x"}[rng.IntN(4)],
			"InstanceType":        []string{"kafka.t3.small", "kafka.m5.large", "kafka.m7g.xlarge"}[rng.IntN(3)],
			"NumberOfBrokerNodes": int64(3 * (1 + rng.IntN(2))),
			"VolumeSize":          int64([]int{100, 500, 1000}[rng.IntN(3)]),
			"EnhancedMonitoring":  []string{"DEFAULT", "PER_BROKER", "PER_TOPIC_PER_BROKER"}[rng.IntN(3)],
			"IAMAuth":             rng.IntN(2) == 0,
			"Prometheus":          rng.IntN(3) == 0,
		}
		if rng.IntN(2) == 0 {
			attrs["LogGroup"] = "/msk/" + name
		}
		if rng.IntN(8) == 0 {
			attrs["State"] = "CREATING"
		}
		arn := g.arn("kafka", region, a.ID, "cluster/"+name+"/"+svcUUID(a.ID, region, name, "msk")+"-3")
		tags := map[string]string{"Name": name, "env": a.Tags["env"], "team": genTeams[rng.IntN(len(genTeams))]}
		if rng.IntN(4) == 0 {
			tags = map[string]string{}
		}
		key := ResourceKey{Region: region, Kind: KindMSKCluster}
		a.Resources[key] = append(a.Resources[key], &Resource{ID: name, Name: name, ARN: arn, CreatedAt: created, Tags: tags, Attributes: attrs})
	}
	rng = g.sideRNG(a, region, KindMSKServerlessCluster)
	for i, n := 0, g.sideCount(rng); i < n; i++ {
		name := fmt.Sprintf("%s-%s-serverless-%d", a.Tags["env"], genWords[rng.IntN(len(genWords))], i+1)
		created := a.JoinedAt.Add(time.Duration(rng.Int64N(400*24*3600)) * time.Second)
		attrs := map[string]any{}
		if rng.IntN(8) == 0 {
			attrs["State"] = "CREATING"
		}
		arn := g.arn("kafka", region, a.ID, "cluster/"+name+"/"+svcUUID(a.ID, region, name, "msk")+"-s2")
		tags := map[string]string{"Name": name, "env": a.Tags["env"]}
		if rng.IntN(4) == 0 {
			tags = map[string]string{}
		}
		key := ResourceKey{Region: region, Kind: KindMSKServerlessCluster}
		a.Resources[key] = append(a.Resources[key], &Resource{ID: name, Name: name, ARN: arn, CreatedAt: created, Tags: tags, Attributes: attrs})
	}
	for _, kind := range []string{KindMSKCluster, KindMSKServerlessCluster} {
		key := ResourceKey{Region: region, Kind: kind}
		sort.SliceStable(a.Resources[key], func(i, j int) bool { return a.Resources[key][i].ID < a.Resources[key][j].ID })
	}
}
