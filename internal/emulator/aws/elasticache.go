package awsemu

import (
	"fmt"
	"maps"
	"net/http"
	"sort"
	"strings"
	"time"
)

// ElastiCache speaks the query protocol (Version=2015-02-02), like RDS: XML
// answers, list members named after their shape (<CacheCluster>, <CacheNode>,
// <Tag>; SecurityGroups uses <member>), <ErrorResponse> errors.
// DescribeCacheClusters pages with MaxRecords (20–100, default 100) and
// Marker; CacheNodes only with ShowCacheNodeInfo=true.
//
// Resource attributes read (absent ones default as noted in the code):
//
//	AWS::ElastiCache::Cluster  ID = cache cluster id, ARN arn:P:elasticache:R:A:cluster:ID;
//	  Engine ("redis"|"valkey"|"memcached"), EngineVersion, CacheNodeType, Status,
//	  ReplicationGroupId strings; NumCacheNodes, SnapshotRetentionLimit int;
//	  TransitEncryptionEnabled, AtRestEncryptionEnabled, AuthTokenEnabled bool

// KindElastiCacheCluster is ElastiCache's cache cluster kind.
const KindElastiCacheCluster = "AWS::ElastiCache::Cluster"

const elasticacheXMLNS = "http://elasticache.amazonaws.com/doc/2015-02-02/"

type elasticacheService struct{}

func init() { Register(elasticacheService{}) }

func (elasticacheService) SigningName() string { return "elasticache" }
func (elasticacheService) Protocol() Protocol  { return ProtocolQuery }
func (elasticacheService) ThrottleCode() (string, int) {
	return "Throttling", http.StatusBadRequest
}

func (elasticacheService) Operation(r *http.Request, body []byte) (string, bool) {
	op := queryAction(r, body)
	switch op {
	case "DescribeCacheClusters", "ListTagsForResource":
		return op, true
	}
	return op, false
}

func (elasticacheService) Serve(c *Call) {
	if svcRegionDisabled(c) {
		c.Error(http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
		return
	}
	switch c.Op {
	case "DescribeCacheClusters":
		elasticacheDescribeCacheClusters(c)
	case "ListTagsForResource":
		elasticacheListTagsForResource(c)
	}
}

func elasticacheARN(c *Call, r *Resource) string {
	if r.ARN != "" {
		return r.ARN
	}
	return "arn:" + svcPartition(c) + ":elasticache:" + c.Region + ":" + c.AccountID + ":cluster:" + r.ID
}

func elasticacheNotFound(c *Call, id string) {
	c.Error(http.StatusNotFound, "CacheClusterNotFound", "CacheCluster not found: "+id)
}

type ecEndpoint struct {
	Address string `xml:"Address"`
	Port    int64  `xml:"Port"`
}

type ecCacheNode struct {
	CacheNodeID              string     `xml:"CacheNodeId"`
	CacheNodeStatus          string     `xml:"CacheNodeStatus"`
	CacheNodeCreateTime      string     `xml:"CacheNodeCreateTime"`
	Endpoint                 ecEndpoint `xml:"Endpoint"`
	ParameterGroupStatus     string     `xml:"ParameterGroupStatus"`
	CustomerAvailabilityZone string     `xml:"CustomerAvailabilityZone"`
}

type ecSecurityGroup struct {
	SecurityGroupID string `xml:"SecurityGroupId"`
	Status          string `xml:"Status"`
}

type ecCacheCluster struct {
	CacheClusterID             string      `xml:"CacheClusterId"`
	ConfigurationEndpoint      *ecEndpoint `xml:"ConfigurationEndpoint,omitempty"`
	ClientDownloadLandingPage  string      `xml:"ClientDownloadLandingPage"`
	CacheNodeType              string      `xml:"CacheNodeType"`
	Engine                     string      `xml:"Engine"`
	EngineVersion              string      `xml:"EngineVersion"`
	CacheClusterStatus         string      `xml:"CacheClusterStatus"`
	NumCacheNodes              int64       `xml:"NumCacheNodes"`
	PreferredAvailabilityZone  string      `xml:"PreferredAvailabilityZone"`
	CacheClusterCreateTime     string      `xml:"CacheClusterCreateTime"`
	PreferredMaintenanceWindow string      `xml:"PreferredMaintenanceWindow"`
	PendingModifiedValues      struct{}    `xml:"PendingModifiedValues"`
	CacheSecurityGroups        struct{}    `xml:"CacheSecurityGroups"`
	CacheParameterGroup        struct {
		CacheParameterGroupName string   `xml:"CacheParameterGroupName"`
		ParameterApplyStatus    string   `xml:"ParameterApplyStatus"`
		CacheNodeIdsToReboot    struct{} `xml:"CacheNodeIdsToReboot"`
	} `xml:"CacheParameterGroup"`
	CacheSubnetGroupName               string            `xml:"CacheSubnetGroupName"`
	CacheNodes                         *[]ecCacheNode    `xml:"CacheNodes>CacheNode,omitempty"`
	AutoMinorVersionUpgrade            bool              `xml:"AutoMinorVersionUpgrade"`
	SecurityGroups                     []ecSecurityGroup `xml:"SecurityGroups>member"`
	ReplicationGroupID                 string            `xml:"ReplicationGroupId,omitempty"`
	SnapshotRetentionLimit             *int64            `xml:"SnapshotRetentionLimit,omitempty"`
	SnapshotWindow                     string            `xml:"SnapshotWindow,omitempty"`
	AuthTokenEnabled                   bool              `xml:"AuthTokenEnabled"`
	TransitEncryptionEnabled           bool              `xml:"TransitEncryptionEnabled"`
	AtRestEncryptionEnabled            bool              `xml:"AtRestEncryptionEnabled"`
	ARN                                string            `xml:"ARN"`
	ReplicationGroupLogDeliveryEnabled bool              `xml:"ReplicationGroupLogDeliveryEnabled"`
	LogDeliveryConfigurations          struct{}          `xml:"LogDeliveryConfigurations"`
	NetworkType                        string            `xml:"NetworkType"`
	IPDiscovery                        string            `xml:"IpDiscovery"`
	TransitEncryptionMode              string            `xml:"TransitEncryptionMode,omitempty"`
}

func elasticacheRender(c *Call, r *Resource, nodeInfo bool) ecCacheCluster {
	engine := svcStr(r, "Engine", "redis")
	created := svcCreated(r)
	az := c.Region + string(rune('a'+svcHash(r.ID, "az")%3))
	port := int64(6379)
	if engine == "memcached" {
		port = 11211
	}
	nodes := svcInt(r, "NumCacheNodes", 1)
	suffix := svcHex(6, c.AccountID, c.Region) + ".cache.amazonaws.com"
	version := svcStr(r, "EngineVersion", map[string]string{"redis": "7.1.0", "valkey": "8.0.1", "memcached": "1.6.22"}[engine])
	major, _, _ := strings.Cut(version, ".")
	out := ecCacheCluster{
		CacheClusterID:             r.ID,
		ClientDownloadLandingPage:  "https://console.aws.amazon.com/elasticache/home#client-download:",
		CacheNodeType:              svcStr(r, "CacheNodeType", "cache.t3.micro"),
		Engine:                     engine,
		EngineVersion:              version,
		CacheClusterStatus:         svcStr(r, "Status", "available"),
		NumCacheNodes:              nodes,
		PreferredAvailabilityZone:  az,
		CacheClusterCreateTime:     rdsTime(created),
		PreferredMaintenanceWindow: "sun:23:00-mon:01:30",
		CacheSubnetGroupName:       "default",
		AutoMinorVersionUpgrade:    true,
		SecurityGroups:             []ecSecurityGroup{{SecurityGroupID: "sg-" + svcHex(17, r.ID, "sg"), Status: "active"}},
		ReplicationGroupID:         svcStr(r, "ReplicationGroupId", ""),
		AuthTokenEnabled:           svcBool(r, "AuthTokenEnabled", false),
		TransitEncryptionEnabled:   svcBool(r, "TransitEncryptionEnabled", false),
		AtRestEncryptionEnabled:    svcBool(r, "AtRestEncryptionEnabled", false),
		ARN:                        elasticacheARN(c, r),
		NetworkType:                "ipv4",
		IPDiscovery:                "ipv4",
	}
	out.CacheParameterGroup.CacheParameterGroupName = "default." + engine + major
	out.CacheParameterGroup.ParameterApplyStatus = "in-sync"
	if engine == "memcached" {
		out.CacheParameterGroup.CacheParameterGroupName = "default.memcached1.6"
		out.ConfigurationEndpoint = &ecEndpoint{Address: r.ID + "." + suffix, Port: port}
	} else {
		limit := svcInt(r, "SnapshotRetentionLimit", 0)
		out.SnapshotRetentionLimit, out.SnapshotWindow = &limit, "05:00-06:00"
	}
	if out.TransitEncryptionEnabled {
		out.TransitEncryptionMode = "required"
	}
	if nodeInfo {
		list := []ecCacheNode{}
		for i := int64(1); i <= nodes; i++ {
			id := fmt.Sprintf("%04d", i)
			list = append(list, ecCacheNode{CacheNodeID: id, CacheNodeStatus: "available", CacheNodeCreateTime: rdsTime(created),
				Endpoint:             ecEndpoint{Address: r.ID + "." + id + "." + suffix, Port: port},
				ParameterGroupStatus: "in-sync", CustomerAvailabilityZone: az})
		}
		out.CacheNodes = &list
	}
	return out
}

func elasticacheDescribeCacheClusters(c *Call) {
	p := c.Params()
	all := svcResources(c, KindElastiCacheCluster)
	if id := p.Get("CacheClusterId"); id != "" {
		var one []*Resource
		for _, r := range all {
			if r.ID == id {
				one = append(one, r)
			}
		}
		if len(one) == 0 {
			elasticacheNotFound(c, id)
			return
		}
		all = one
	}
	if p.Get("ShowCacheClustersNotInReplicationGroups") == "true" {
		var alone []*Resource
		for _, r := range all {
			if svcStr(r, "ReplicationGroupId", "") == "" {
				alone = append(alone, r)
			}
		}
		all = alone
	}
	start, end, marker, ok := rdsPage(c, len(all))
	if !ok {
		return
	}
	type result struct {
		Marker        string           `xml:"Marker,omitempty"`
		CacheClusters []ecCacheCluster `xml:"CacheClusters>CacheCluster"`
	}
	res := result{Marker: marker, CacheClusters: []ecCacheCluster{}}
	nodeInfo := p.Get("ShowCacheNodeInfo") == "true"
	for _, r := range all[start:end] {
		res.CacheClusters = append(res.CacheClusters, elasticacheRender(c, r, nodeInfo))
	}
	svcQueryXML(c, "DescribeCacheClusters", elasticacheXMLNS, res)
}

func elasticacheListTagsForResource(c *Call) {
	name := c.Params().Get("ResourceName")
	if name == "" {
		c.Error(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter ResourceName")
		return
	}
	if !strings.Contains(name, ":cluster:") {
		c.Error(http.StatusBadRequest, "InvalidARN", "Invalid ARN: "+name)
		return
	}
	var found *Resource
	for _, r := range svcResources(c, KindElastiCacheCluster) {
		if elasticacheARN(c, r) == name {
			found = r
		}
	}
	if found == nil {
		elasticacheNotFound(c, name[strings.LastIndex(name, ":")+1:])
		return
	}
	type result struct {
		TagList rdsTagList `xml:"TagList"`
	}
	svcQueryXML(c, "ListTagsForResource", elasticacheXMLNS, result{TagList: rdsTags(found.Tags)})
}

// genElastiCache makes Redis/Valkey replication groups (one cache cluster per
// node, ids GROUP-00N) and standalone Memcached clusters, some untagged, some
// encrypted, from a side stream.
func (g *generator) genElastiCache(a *Account, region string) {
	rng := g.sideRNG(a, region, KindElastiCacheCluster)
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	var out []*Resource
	n := g.sideCount(rng)
	for i := 0; i < n; i++ {
		created := a.JoinedAt.Add(time.Duration(rng.Int64N(400*24*3600)) * time.Second)
		tags := sideTags(rng, a, 4)
		if rng.IntN(3) == 0 { // Memcached: one cluster of several nodes
			id := fmt.Sprintf("%s-%s-mc-%d", a.Tags["env"], pick(genWords), i+1)
			out = append(out, &Resource{ID: id, Name: id, ARN: g.arn("elasticache", region, a.ID, "cluster:"+id), CreatedAt: created, Tags: tags,
				Attributes: map[string]any{"Engine": "memcached", "NumCacheNodes": int64(1 + rng.IntN(3)),
					"CacheNodeType": pick([]string{"cache.t3.micro", "cache.m7g.large"})}})
			continue
		}
		group := fmt.Sprintf("%s-%s-redis-%d", a.Tags["env"], pick(genWords), i+1)
		engine, version := "redis", pick([]string{"7.1.0", "6.2.6"})
		if rng.IntN(3) == 0 {
			engine, version = "valkey", "8.0.1"
		}
		encrypted := rng.IntN(2) == 0
		nodeType := pick([]string{"cache.t4g.small", "cache.r7g.large", "cache.m6g.large"})
		retention := int64([]int{0, 1, 7}[rng.IntN(3)])
		for m := 0; m < 1+rng.IntN(3); m++ {
			id := fmt.Sprintf("%s-%03d", group, m+1)
			out = append(out, &Resource{ID: id, Name: id, ARN: g.arn("elasticache", region, a.ID, "cluster:"+id), CreatedAt: created, Tags: maps.Clone(tags),
				Attributes: map[string]any{"Engine": engine, "EngineVersion": version, "CacheNodeType": nodeType, "ReplicationGroupId": group,
					"TransitEncryptionEnabled": encrypted, "AtRestEncryptionEnabled": encrypted, "AuthTokenEnabled": encrypted && rng.IntN(2) == 0,
					"SnapshotRetentionLimit": retention}})
		}
	}
	if len(out) == 0 {
		return
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	key := ResourceKey{Region: region, Kind: KindElastiCacheCluster}
	a.Resources[key] = append(a.Resources[key], out...)
}
