package awsemu

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// RDS speaks the query protocol: POST form Action=<Op>&Version=2014-10-31,
// XML answers <OpResponse><OpResult>…</OpResult><ResponseMetadata>, lists as
// one element per member named after the member shape (<DBInstance>,
// <Tag>, <VpcSecurityGroupMembership>, …), errors as <ErrorResponse>.
// DescribeDBInstances and DescribeDBClusters page with MaxRecords (20–100,
// default 100) and Marker.
//
// Resource attributes read (absent ones default as noted in the code):
//
//	AWS::RDS::DBInstance  ID = identifier, ARN arn:P:rds:R:A:db:ID; Engine,
//	  EngineVersion, DBInstanceClass, Status, StorageType, KmsKeyId, DBName,
//	  DBClusterIdentifier (Aurora members), AvailabilityZone strings;
//	  AllocatedStorage, Port, BackupRetentionPeriod int; MultiAZ,
//	  StorageEncrypted, PubliclyAccessible, DeletionProtection,
//	  PerformanceInsightsEnabled, IAMDatabaseAuthenticationEnabled bool;
//	  LogExports []string (EnabledCloudwatchLogsExports, absent when none)
//	AWS::RDS::DBCluster   ID = identifier, ARN arn:P:rds:R:A:cluster:ID; Engine,
//	  EngineVersion, EngineMode, Status, DatabaseName, KmsKeyId strings;
//	  Members []string (instance identifiers, the first is the writer); Port,
//	  BackupRetentionPeriod int; StorageEncrypted, DeletionProtection bool

// RDS kinds.
const (
	KindRDSDBInstance = "AWS::RDS::DBInstance"
	KindRDSDBCluster  = "AWS::RDS::DBCluster"
)

const rdsXMLNS = "http://rds.amazonaws.com/doc/2014-10-31/"

type rdsService struct{}

func init() { Register(rdsService{}) }

func (rdsService) SigningName() string { return "rds" }
func (rdsService) Protocol() Protocol  { return ProtocolQuery }
func (rdsService) ThrottleCode() (string, int) {
	return "Throttling", http.StatusBadRequest
}

func (rdsService) Operation(r *http.Request, body []byte) (string, bool) {
	op := queryAction(r, body)
	switch op {
	case "DescribeDBInstances", "DescribeDBClusters", "ListTagsForResource":
		return op, true
	}
	return op, false
}

func (rdsService) Serve(c *Call) {
	if svcRegionDisabled(c) {
		c.Error(http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
		return
	}
	switch c.Op {
	case "DescribeDBInstances":
		rdsDescribeDBInstances(c)
	case "DescribeDBClusters":
		rdsDescribeDBClusters(c)
	case "ListTagsForResource":
		rdsListTagsForResource(c)
	}
}

type rdsTag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type rdsTagList struct {
	Tags []rdsTag `xml:"Tag"`
}

func rdsTags(tags map[string]string) rdsTagList {
	out := rdsTagList{Tags: []rdsTag{}}
	for _, t := range svcSortedTags(tags) {
		out.Tags = append(out.Tags, rdsTag(t))
	}
	return out
}

func rdsInvalid(c *Call, msg string) {
	c.Error(http.StatusBadRequest, "InvalidParameterValue", msg)
}

// rdsPage reads MaxRecords (20–100) and Marker and slices n items.
func rdsPage(c *Call, n int) (start, end int, marker string, ok bool) {
	p := c.Params()
	size := 0
	if v := p.Get("MaxRecords"); v != "" {
		m, err := strconv.Atoi(v)
		if err != nil || m < 20 || m > 100 {
			rdsInvalid(c, "Invalid value "+v+" for MaxRecords. Must be between 20 and 100")
			return 0, 0, "", false
		}
		size = m
	}
	start, end, marker, err := Page(n, p.Get("Marker"), size, 100)
	if err != nil {
		rdsInvalid(c, "Invalid marker: "+p.Get("Marker"))
		return 0, 0, "", false
	}
	return start, end, marker, true
}

func rdsARN(c *Call, r *Resource, typ string) string {
	if r.ARN != "" {
		return r.ARN
	}
	return "arn:" + svcPartition(c) + ":rds:" + c.Region + ":" + c.AccountID + ":" + typ + ":" + r.ID
}

func rdsDomain(c *Call) string {
	if svcPartition(c) == "aws-cn" {
		return "rds.amazonaws.com.cn"
	}
	return "rds.amazonaws.com"
}

// rdsEndpointSuffix is the account-and-region part of RDS host names.
func rdsEndpointSuffix(c *Call) string {
	return "c" + svcHex(11, c.AccountID, c.Region) + "." + c.Region + "." + rdsDomain(c)
}

func rdsDefaultPort(engine string) int64 {
	switch {
	case strings.Contains(engine, "postgres"):
		return 5432
	case strings.HasPrefix(engine, "sqlserver"):
		return 1433
	case strings.HasPrefix(engine, "oracle"):
		return 1521
	}
	return 3306
}

func rdsTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// ---- DescribeDBInstances -------------------------------------------------

type rdsEndpoint struct {
	Address      string `xml:"Address"`
	Port         int64  `xml:"Port"`
	HostedZoneID string `xml:"HostedZoneId"`
}

type rdsVpcSG struct {
	VpcSecurityGroupID string `xml:"VpcSecurityGroupId"`
	Status             string `xml:"Status"`
}

type rdsParamGroup struct {
	DBParameterGroupName string `xml:"DBParameterGroupName"`
	ParameterApplyStatus string `xml:"ParameterApplyStatus"`
}

type rdsOptionGroup struct {
	OptionGroupName string `xml:"OptionGroupName"`
	Status          string `xml:"Status"`
}

type rdsSubnet struct {
	SubnetIdentifier       string `xml:"SubnetIdentifier"`
	SubnetAvailabilityZone struct {
		Name string `xml:"Name"`
	} `xml:"SubnetAvailabilityZone"`
	SubnetStatus string `xml:"SubnetStatus"`
}

type rdsSubnetGroup struct {
	DBSubnetGroupName        string `xml:"DBSubnetGroupName"`
	DBSubnetGroupDescription string `xml:"DBSubnetGroupDescription"`
	VpcID                    string `xml:"VpcId"`
	SubnetGroupStatus        string `xml:"SubnetGroupStatus"`
	Subnets                  struct {
		Subnet []rdsSubnet `xml:"Subnet"`
	} `xml:"Subnets"`
}

type rdsCertificateDetails struct {
	CAIdentifier string `xml:"CAIdentifier"`
	ValidTill    string `xml:"ValidTill"`
}

type rdsDBInstance struct {
	DBInstanceIdentifier            string                `xml:"DBInstanceIdentifier"`
	DBInstanceClass                 string                `xml:"DBInstanceClass"`
	Engine                          string                `xml:"Engine"`
	DBInstanceStatus                string                `xml:"DBInstanceStatus"`
	MasterUsername                  string                `xml:"MasterUsername"`
	DBName                          string                `xml:"DBName,omitempty"`
	Endpoint                        *rdsEndpoint          `xml:"Endpoint,omitempty"`
	AllocatedStorage                int64                 `xml:"AllocatedStorage"`
	InstanceCreateTime              string                `xml:"InstanceCreateTime"`
	PreferredBackupWindow           string                `xml:"PreferredBackupWindow"`
	BackupRetentionPeriod           int64                 `xml:"BackupRetentionPeriod"`
	DBSecurityGroups                struct{}              `xml:"DBSecurityGroups"`
	VpcSecurityGroups               []rdsVpcSG            `xml:"VpcSecurityGroups>VpcSecurityGroupMembership"`
	DBParameterGroups               []rdsParamGroup       `xml:"DBParameterGroups>DBParameterGroup"`
	AvailabilityZone                string                `xml:"AvailabilityZone,omitempty"`
	DBSubnetGroup                   rdsSubnetGroup        `xml:"DBSubnetGroup"`
	PreferredMaintenanceWindow      string                `xml:"PreferredMaintenanceWindow"`
	PendingModifiedValues           struct{}              `xml:"PendingModifiedValues"`
	LatestRestorableTime            string                `xml:"LatestRestorableTime,omitempty"`
	MultiAZ                         bool                  `xml:"MultiAZ"`
	EngineVersion                   string                `xml:"EngineVersion"`
	AutoMinorVersionUpgrade         bool                  `xml:"AutoMinorVersionUpgrade"`
	EnabledCloudwatchLogsExports    []string              `xml:"EnabledCloudwatchLogsExports>member,omitempty"`
	ReadReplicaDBInstanceIDs        struct{}              `xml:"ReadReplicaDBInstanceIdentifiers"`
	ReadReplicaDBClusterIDs         struct{}              `xml:"ReadReplicaDBClusterIdentifiers"`
	LicenseModel                    string                `xml:"LicenseModel"`
	Iops                            *int64                `xml:"Iops,omitempty"`
	StorageThroughput               *int64                `xml:"StorageThroughput,omitempty"`
	OptionGroupMemberships          []rdsOptionGroup      `xml:"OptionGroupMemberships>OptionGroupMembership"`
	SecondaryAvailabilityZone       string                `xml:"SecondaryAvailabilityZone,omitempty"`
	PubliclyAccessible              bool                  `xml:"PubliclyAccessible"`
	StorageType                     string                `xml:"StorageType"`
	DbInstancePort                  int64                 `xml:"DbInstancePort"`
	DBClusterIdentifier             string                `xml:"DBClusterIdentifier,omitempty"`
	StorageEncrypted                bool                  `xml:"StorageEncrypted"`
	KmsKeyID                        string                `xml:"KmsKeyId,omitempty"`
	DbiResourceID                   string                `xml:"DbiResourceId"`
	CACertificateIdentifier         string                `xml:"CACertificateIdentifier"`
	DomainMemberships               struct{}              `xml:"DomainMemberships"`
	CopyTagsToSnapshot              bool                  `xml:"CopyTagsToSnapshot"`
	MonitoringInterval              int64                 `xml:"MonitoringInterval"`
	PromotionTier                   *int64                `xml:"PromotionTier,omitempty"`
	DBInstanceArn                   string                `xml:"DBInstanceArn"`
	IAMDatabaseAuthEnabled          bool                  `xml:"IAMDatabaseAuthenticationEnabled"`
	DatabaseInsightsMode            string                `xml:"DatabaseInsightsMode"`
	PerformanceInsightsEnabled      bool                  `xml:"PerformanceInsightsEnabled"`
	DeletionProtection              bool                  `xml:"DeletionProtection"`
	AssociatedRoles                 struct{}              `xml:"AssociatedRoles"`
	TagList                         rdsTagList            `xml:"TagList"`
	CustomerOwnedIPEnabled          bool                  `xml:"CustomerOwnedIpEnabled"`
	NetworkType                     string                `xml:"NetworkType"`
	BackupTarget                    string                `xml:"BackupTarget"`
	CertificateDetails              rdsCertificateDetails `xml:"CertificateDetails"`
	DedicatedLogVolume              bool                  `xml:"DedicatedLogVolume"`
	IsStorageConfigUpgradeAvailable bool                  `xml:"IsStorageConfigUpgradeAvailable"`
	EngineLifecycleSupport          string                `xml:"EngineLifecycleSupport"`
}

func rdsRenderInstance(c *Call, r *Resource) rdsDBInstance {
	engine := svcStr(r, "Engine", "postgres")
	port := svcInt(r, "Port", rdsDefaultPort(engine))
	created := svcCreated(r)
	az := svcStr(r, "AvailabilityZone", c.Region+string(rune('a'+svcHash(r.ID, "az")%3)))
	vpc := "vpc-" + svcHex(17, c.AccountID, c.Region, "vpc")
	cluster := svcStr(r, "DBClusterIdentifier", "")
	status := svcStr(r, "Status", "available")
	out := rdsDBInstance{
		DBInstanceIdentifier:         r.ID,
		DBInstanceClass:              svcStr(r, "DBInstanceClass", "db.t3.micro"),
		Engine:                       engine,
		DBInstanceStatus:             status,
		MasterUsername:               svcStr(r, "MasterUsername", "dbadmin"),
		DBName:                       svcStr(r, "DBName", ""),
		AllocatedStorage:             svcInt(r, "AllocatedStorage", 20),
		InstanceCreateTime:           rdsTime(created),
		PreferredBackupWindow:        "03:00-03:30",
		BackupRetentionPeriod:        svcInt(r, "BackupRetentionPeriod", 7),
		VpcSecurityGroups:            []rdsVpcSG{{VpcSecurityGroupID: "sg-" + svcHex(17, r.ID, "sg"), Status: "active"}},
		DBParameterGroups:            []rdsParamGroup{{DBParameterGroupName: "default." + rdsFamily(engine, svcStr(r, "EngineVersion", "")), ParameterApplyStatus: "in-sync"}},
		AvailabilityZone:             az,
		PreferredMaintenanceWindow:   "sun:05:00-sun:05:30",
		MultiAZ:                      svcBool(r, "MultiAZ", false),
		EngineVersion:                svcStr(r, "EngineVersion", "16.4"),
		AutoMinorVersionUpgrade:      true,
		EnabledCloudwatchLogsExports: svcStrings(r, "LogExports", nil),
		LicenseModel:                 rdsLicense(engine),
		OptionGroupMemberships:       []rdsOptionGroup{{OptionGroupName: "default:" + strings.ReplaceAll(rdsFamily(engine, svcStr(r, "EngineVersion", "")), ".", "-"), Status: "in-sync"}},
		PubliclyAccessible:           svcBool(r, "PubliclyAccessible", false),
		StorageType:                  svcStr(r, "StorageType", "gp3"),
		DBClusterIdentifier:          cluster,
		StorageEncrypted:             svcBool(r, "StorageEncrypted", false),
		DbiResourceID:                "db-" + strings.ToUpper(svcHex(26, c.AccountID, r.ID, "dbi")),
		CACertificateIdentifier:      "rds-ca-rsa2048-g1",
		CopyTagsToSnapshot:           true,
		DBInstanceArn:                rdsARN(c, r, "db"),
		IAMDatabaseAuthEnabled:       svcBool(r, "IAMDatabaseAuthenticationEnabled", false),
		DatabaseInsightsMode:         "standard",
		PerformanceInsightsEnabled:   svcBool(r, "PerformanceInsightsEnabled", false),
		DeletionProtection:           svcBool(r, "DeletionProtection", false),
		TagList:                      rdsTags(r.Tags),
		NetworkType:                  "IPV4",
		BackupTarget:                 "region",
		CertificateDetails:           rdsCertificateDetails{CAIdentifier: "rds-ca-rsa2048-g1", ValidTill: rdsTime(created.AddDate(1, 0, 0))},
		EngineLifecycleSupport:       "open-source-rds-extended-support",
	}
	out.DBSubnetGroup = rdsSubnetGroup{DBSubnetGroupName: "default-" + vpc, DBSubnetGroupDescription: "Created from the RDS Management Console",
		VpcID: vpc, SubnetGroupStatus: "Complete"}
	for i := 0; i < 3; i++ {
		var s rdsSubnet
		s.SubnetIdentifier = "subnet-" + svcHex(17, c.AccountID, c.Region, "subnet", strconv.Itoa(i))
		s.SubnetAvailabilityZone.Name = c.Region + string(rune('a'+i))
		s.SubnetStatus = "Active"
		out.DBSubnetGroup.Subnets.Subnet = append(out.DBSubnetGroup.Subnets.Subnet, s)
	}
	if status != "creating" {
		out.Endpoint = &rdsEndpoint{Address: r.ID + "." + rdsEndpointSuffix(c), Port: port, HostedZoneID: "Z2R2ITUGPM61AM"}
		out.LatestRestorableTime = rdsTime(created.Add(5 * time.Minute))
	}
	if cluster != "" { // Aurora: storage, backups and encryption belong to the cluster
		out.AllocatedStorage, out.StorageType = 1, "aurora"
		out.PromotionTier = new(int64)
		*out.PromotionTier = 1
	} else if out.StorageType == "gp3" {
		iops, tput := int64(3000), int64(125)
		out.Iops, out.StorageThroughput = &iops, &tput
	}
	if out.MultiAZ {
		out.SecondaryAvailabilityZone = c.Region + string(rune('a'+(svcHash(r.ID, "az")+1)%3))
	}
	if out.StorageEncrypted {
		out.KmsKeyID = svcStr(r, "KmsKeyId", "arn:"+svcPartition(c)+":kms:"+c.Region+":"+c.AccountID+":key/"+svcUUID(c.AccountID, c.Region, "rds-key"))
	}
	return out
}

func rdsFamily(engine, version string) string {
	major, _, _ := strings.Cut(version, ".")
	switch {
	case strings.Contains(engine, "postgres"):
		if major == "" {
			major = "16"
		}
		return strings.TrimPrefix(engine, "aurora-") + major
	case strings.HasPrefix(engine, "aurora-mysql"):
		return "aurora-mysql8.0"
	}
	return "mysql8.0"
}

func rdsLicense(engine string) string {
	if strings.Contains(engine, "postgres") {
		return "postgresql-license"
	}
	return "general-public-license"
}

func rdsNotFound(c *Call, code, msg string) {
	c.Error(http.StatusNotFound, code, msg)
}

// rdsDescribed is the page of kind's resources a Describe call asks for: all,
// or the one whose identifier or ARN (of arnType) the parameter param names,
// answering code ("<what> <id> not found.") when none is. ok is false when
// the call has been answered with an error.
func rdsDescribed(c *Call, kind, arnType, param, code, what string) (page []*Resource, marker string, ok bool) {
	all := svcResources(c, kind)
	if id := c.Params().Get(param); id != "" {
		var one []*Resource
		for _, r := range all {
			if r.ID == id || rdsARN(c, r, arnType) == id {
				one = append(one, r)
			}
		}
		if len(one) == 0 {
			rdsNotFound(c, code, what+" "+id+" not found.")
			return nil, "", false
		}
		all = one
	}
	start, end, marker, ok := rdsPage(c, len(all))
	if !ok {
		return nil, "", false
	}
	return all[start:end], marker, true
}

func rdsDescribeDBInstances(c *Call) {
	page, marker, ok := rdsDescribed(c, KindRDSDBInstance, "db", "DBInstanceIdentifier", "DBInstanceNotFound", "DBInstance")
	if !ok {
		return
	}
	type result struct {
		Marker      string          `xml:"Marker,omitempty"`
		DBInstances []rdsDBInstance `xml:"DBInstances>DBInstance"`
	}
	res := result{Marker: marker, DBInstances: []rdsDBInstance{}}
	for _, r := range page {
		res.DBInstances = append(res.DBInstances, rdsRenderInstance(c, r))
	}
	svcQueryXML(c, "DescribeDBInstances", rdsXMLNS, res)
}

// ---- DescribeDBClusters --------------------------------------------------

type rdsClusterMember struct {
	DBInstanceIdentifier          string `xml:"DBInstanceIdentifier"`
	IsClusterWriter               bool   `xml:"IsClusterWriter"`
	DBClusterParameterGroupStatus string `xml:"DBClusterParameterGroupStatus"`
	PromotionTier                 int64  `xml:"PromotionTier"`
}

type rdsDBCluster struct {
	AllocatedStorage                int64              `xml:"AllocatedStorage"`
	AvailabilityZones               []string           `xml:"AvailabilityZones>AvailabilityZone"`
	BackupRetentionPeriod           int64              `xml:"BackupRetentionPeriod"`
	DatabaseName                    string             `xml:"DatabaseName,omitempty"`
	DBClusterIdentifier             string             `xml:"DBClusterIdentifier"`
	DBClusterParameterGroup         string             `xml:"DBClusterParameterGroup"`
	DBSubnetGroup                   string             `xml:"DBSubnetGroup"`
	Status                          string             `xml:"Status"`
	EarliestRestorableTime          string             `xml:"EarliestRestorableTime"`
	Endpoint                        string             `xml:"Endpoint"`
	ReaderEndpoint                  string             `xml:"ReaderEndpoint"`
	CustomEndpoints                 struct{}           `xml:"CustomEndpoints"`
	MultiAZ                         bool               `xml:"MultiAZ"`
	Engine                          string             `xml:"Engine"`
	EngineVersion                   string             `xml:"EngineVersion"`
	LatestRestorableTime            string             `xml:"LatestRestorableTime"`
	Port                            int64              `xml:"Port"`
	MasterUsername                  string             `xml:"MasterUsername"`
	DBClusterOptionGroupMemberships struct{}           `xml:"DBClusterOptionGroupMemberships"`
	PreferredBackupWindow           string             `xml:"PreferredBackupWindow"`
	PreferredMaintenanceWindow      string             `xml:"PreferredMaintenanceWindow"`
	ReadReplicaIdentifiers          struct{}           `xml:"ReadReplicaIdentifiers"`
	DBClusterMembers                []rdsClusterMember `xml:"DBClusterMembers>DBClusterMember"`
	VpcSecurityGroups               []rdsVpcSG         `xml:"VpcSecurityGroups>VpcSecurityGroupMembership"`
	HostedZoneID                    string             `xml:"HostedZoneId"`
	StorageEncrypted                bool               `xml:"StorageEncrypted"`
	KmsKeyID                        string             `xml:"KmsKeyId,omitempty"`
	DbClusterResourceID             string             `xml:"DbClusterResourceId"`
	DBClusterArn                    string             `xml:"DBClusterArn"`
	AssociatedRoles                 struct{}           `xml:"AssociatedRoles"`
	IAMDatabaseAuthEnabled          bool               `xml:"IAMDatabaseAuthenticationEnabled"`
	ClusterCreateTime               string             `xml:"ClusterCreateTime"`
	EngineMode                      string             `xml:"EngineMode"`
	DeletionProtection              bool               `xml:"DeletionProtection"`
	HTTPEndpointEnabled             bool               `xml:"HttpEndpointEnabled"`
	ActivityStreamStatus            string             `xml:"ActivityStreamStatus"`
	CopyTagsToSnapshot              bool               `xml:"CopyTagsToSnapshot"`
	CrossAccountClone               bool               `xml:"CrossAccountClone"`
	DomainMemberships               struct{}           `xml:"DomainMemberships"`
	TagList                         rdsTagList         `xml:"TagList"`
	GlobalWriteForwardingStatus     string             `xml:"GlobalWriteForwardingStatus,omitempty"`
	NetworkType                     string             `xml:"NetworkType"`
	AutoMinorVersionUpgrade         bool               `xml:"AutoMinorVersionUpgrade"`
	StorageType                     string             `xml:"StorageType"`
	EngineLifecycleSupport          string             `xml:"EngineLifecycleSupport"`
}

func rdsRenderCluster(c *Call, r *Resource) rdsDBCluster {
	engine := svcStr(r, "Engine", "aurora-postgresql")
	created := svcCreated(r)
	version := svcStr(r, "EngineVersion", "16.4")
	suffix := rdsEndpointSuffix(c)
	out := rdsDBCluster{
		AllocatedStorage:           1,
		AvailabilityZones:          []string{c.Region + "a", c.Region + "b", c.Region + "c"},
		BackupRetentionPeriod:      svcInt(r, "BackupRetentionPeriod", 7),
		DatabaseName:               svcStr(r, "DatabaseName", ""),
		DBClusterIdentifier:        r.ID,
		DBClusterParameterGroup:    "default." + rdsFamily(engine, version),
		DBSubnetGroup:              "default-vpc-" + svcHex(17, c.AccountID, c.Region, "vpc"),
		Status:                     svcStr(r, "Status", "available"),
		EarliestRestorableTime:     rdsTime(created.Add(10 * time.Minute)),
		Endpoint:                   r.ID + ".cluster-" + suffix,
		ReaderEndpoint:             r.ID + ".cluster-ro-" + suffix,
		Engine:                     engine,
		EngineVersion:              version,
		LatestRestorableTime:       rdsTime(created.Add(20 * time.Minute)),
		Port:                       svcInt(r, "Port", rdsDefaultPort(engine)),
		MasterUsername:             svcStr(r, "MasterUsername", "dbadmin"),
		PreferredBackupWindow:      "04:00-04:30",
		PreferredMaintenanceWindow: "sat:06:00-sat:06:30",
		VpcSecurityGroups:          []rdsVpcSG{{VpcSecurityGroupID: "sg-" + svcHex(17, r.ID, "sg"), Status: "active"}},
		HostedZoneID:               "Z2R2ITUGPM61AM",
		StorageEncrypted:           svcBool(r, "StorageEncrypted", true),
		DbClusterResourceID:        "cluster-" + strings.ToUpper(svcHex(26, c.AccountID, r.ID, "cluster")),
		DBClusterArn:               rdsARN(c, r, "cluster"),
		IAMDatabaseAuthEnabled:     svcBool(r, "IAMDatabaseAuthenticationEnabled", false),
		ClusterCreateTime:          rdsTime(created),
		EngineMode:                 svcStr(r, "EngineMode", "provisioned"),
		DeletionProtection:         svcBool(r, "DeletionProtection", false),
		ActivityStreamStatus:       "stopped",
		CopyTagsToSnapshot:         true,
		TagList:                    rdsTags(r.Tags),
		NetworkType:                "IPV4",
		AutoMinorVersionUpgrade:    true,
		StorageType:                "aurora",
		EngineLifecycleSupport:     "open-source-rds-extended-support",
	}
	members := svcStrings(r, "Members", nil)
	out.MultiAZ = len(members) > 1
	out.DBClusterMembers = []rdsClusterMember{}
	for i, m := range members {
		out.DBClusterMembers = append(out.DBClusterMembers, rdsClusterMember{DBInstanceIdentifier: m, IsClusterWriter: i == 0,
			DBClusterParameterGroupStatus: "in-sync", PromotionTier: 1})
	}
	if out.StorageEncrypted {
		out.KmsKeyID = svcStr(r, "KmsKeyId", "arn:"+svcPartition(c)+":kms:"+c.Region+":"+c.AccountID+":key/"+svcUUID(c.AccountID, c.Region, "rds-key"))
	}
	return out
}

func rdsDescribeDBClusters(c *Call) {
	page, marker, ok := rdsDescribed(c, KindRDSDBCluster, "cluster", "DBClusterIdentifier", "DBClusterNotFoundFault", "DBCluster")
	if !ok {
		return
	}
	type result struct {
		Marker     string         `xml:"Marker,omitempty"`
		DBClusters []rdsDBCluster `xml:"DBClusters>DBCluster"`
	}
	res := result{Marker: marker, DBClusters: []rdsDBCluster{}}
	for _, r := range page {
		res.DBClusters = append(res.DBClusters, rdsRenderCluster(c, r))
	}
	svcQueryXML(c, "DescribeDBClusters", rdsXMLNS, res)
}

// ---- ListTagsForResource -------------------------------------------------

func rdsListTagsForResource(c *Call) {
	name := c.Params().Get("ResourceName")
	if name == "" {
		c.Error(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter ResourceName")
		return
	}
	var found *Resource
	byARN := func(kind, arnType, code, what string) bool {
		for _, r := range svcResources(c, kind) {
			if rdsARN(c, r, arnType) == name {
				found = r
			}
		}
		if found == nil {
			rdsNotFound(c, code, what+" "+name[strings.LastIndex(name, ":")+1:]+" not found.")
		}
		return found != nil
	}
	switch {
	case strings.Contains(name, ":db:"):
		if !byARN(KindRDSDBInstance, "db", "DBInstanceNotFound", "DBInstance") {
			return
		}
	case strings.Contains(name, ":cluster:"):
		if !byARN(KindRDSDBCluster, "cluster", "DBClusterNotFoundFault", "DBCluster") {
			return
		}
	default:
		rdsInvalid(c, "Invalid resource name: "+name)
		return
	}
	svcQueryXML(c, "ListTagsForResource", rdsXMLNS, struct {
		TagList rdsTagList `xml:"TagList"`
	}{rdsTags(found.Tags)})
}

// ---- generation ------------------------------------------------------------

// genRDS makes Aurora clusters with one or two member instances each and
// standalone instances (PostgreSQL and MySQL), some untagged, some encrypted
// or Multi-AZ, from a side stream.
func (g *generator) genRDS(a *Account, region string) {
	rng := g.sideRNG(a, region, KindRDSDBInstance)
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	created := func() time.Time { return a.JoinedAt.Add(time.Duration(rng.Int64N(400*24*3600)) * time.Second) }
	tags := func(name string) map[string]string {
		if rng.IntN(4) == 0 {
			return map[string]string{}
		}
		return map[string]string{"Name": name, "env": a.Tags["env"], "team": pick(genTeams)}
	}
	var instances, clusters []*Resource
	nClusters := g.sideCount(rng) / 2
	for i := 0; i < nClusters; i++ {
		id := fmt.Sprintf("%s-%s-aurora-%d", a.Tags["env"], pick(genWords), i+1)
		engine, version := "aurora-postgresql", pick([]string{"15.8", "16.4"})
		if rng.IntN(2) == 0 {
			engine, version = "aurora-mysql", pick([]string{"8.0.mysql_aurora.3.05.2", "8.0.mysql_aurora.3.08.0"})
		}
		at := created()
		var members []string
		for m := 0; m < 1+rng.IntN(2); m++ {
			mid := fmt.Sprintf("%s-instance-%d", id, m+1)
			members = append(members, mid)
			instances = append(instances, &Resource{ID: mid, Name: mid, ARN: g.arn("rds", region, a.ID, "db:"+mid), CreatedAt: at.Add(time.Duration(m) * time.Minute),
				Tags: tags(mid), Attributes: map[string]any{"Engine": engine, "EngineVersion": version, "DBClusterIdentifier": id,
					"DBInstanceClass": pick([]string{"db.r6g.large", "db.r7g.large", "db.t4g.medium"}), "StorageEncrypted": true,
					"PerformanceInsightsEnabled": rng.IntN(2) == 0}})
		}
		attrs := map[string]any{"Engine": engine, "EngineVersion": version, "Members": members, "StorageEncrypted": true,
			"DeletionProtection": rng.IntN(2) == 0, "BackupRetentionPeriod": int64([]int{1, 7, 14}[rng.IntN(3)])}
		if rng.IntN(3) != 0 {
			attrs["DatabaseName"] = strings.ReplaceAll(pick(genWords), "-", "_")
		}
		clusters = append(clusters, &Resource{ID: id, Name: id, ARN: g.arn("rds", region, a.ID, "cluster:"+id), CreatedAt: at, Tags: tags(id), Attributes: attrs})
	}
	n := g.sideCount(rng)
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("%s-%s-db-%d", pick(genTeams), pick(genWords), i+1)
		engine, version := "postgres", pick([]string{"15.8", "16.4", "17.2"})
		if rng.IntN(3) == 0 {
			engine, version = "mysql", pick([]string{"8.0.39", "8.4.3"})
		}
		attrs := map[string]any{"Engine": engine, "EngineVersion": version,
			"DBInstanceClass":  pick([]string{"db.t3.micro", "db.t4g.small", "db.m6g.large", "db.r6g.xlarge"}),
			"AllocatedStorage": int64([]int{20, 50, 100, 500}[rng.IntN(4)]), "MultiAZ": rng.IntN(3) == 0,
			"StorageEncrypted": rng.IntN(2) == 0, "PubliclyAccessible": rng.IntN(6) == 0, "DeletionProtection": rng.IntN(2) == 0,
			"IAMDatabaseAuthenticationEnabled": rng.IntN(3) == 0, "DBName": "app"}
		switch rng.IntN(8) {
		case 0:
			attrs["Status"] = "stopped"
		case 1:
			attrs["Status"] = "creating"
		}
		if rng.IntN(4) == 0 {
			attrs["StorageType"] = "gp2"
		}
		if rng.IntN(3) == 0 {
			attrs["LogExports"] = map[string][]string{"postgres": {"postgresql", "upgrade"}, "mysql": {"error", "slowquery"}}[engine]
		}
		instances = append(instances, &Resource{ID: id, Name: id, ARN: g.arn("rds", region, a.ID, "db:"+id), CreatedAt: created(), Tags: tags(id), Attributes: attrs})
	}
	// DescribeDBInstances and DescribeDBClusters list by identifier.
	sort.Slice(instances, func(i, j int) bool { return instances[i].ID < instances[j].ID })
	sort.Slice(clusters, func(i, j int) bool { return clusters[i].ID < clusters[j].ID })
	if len(instances) > 0 {
		key := ResourceKey{Region: region, Kind: KindRDSDBInstance}
		a.Resources[key] = append(a.Resources[key], instances...)
	}
	if len(clusters) > 0 {
		key := ResourceKey{Region: region, Kind: KindRDSDBCluster}
		a.Resources[key] = append(a.Resources[key], clusters...)
	}
}
