package awsemu

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"time"
)

// Generate builds a deterministic organization from a Spec: the same Spec gives
// the same Org (ids, names, ARNs, timestamps); nothing reads the wall clock.
//
// Resource attributes (Resource.Attributes, Go types in brackets) that the
// service files read. Every resource also has ID, Name, ARN, CreatedAt and Tags
// (Name, env, team; some S3 buckets have no tags at all, for NoSuchTagSet).
//
//	AWS::EC2::Instance   ID i-0123456789abcdef0 style (17 hex), ARN arn:P:ec2:R:A:instance/ID
//	  InstanceType string, State string ("running"|"stopped"), PrivateIpAddress string,
//	  PublicIpAddress string (only some instances; absent otherwise), ImageId string,
//	  ReservationId string (r-…, 1–3 instances share one), SubnetId string, VpcId string,
//	  LaunchTime time.Time, AvailabilityZone string, Architecture string, KeyName string,
//	  PrivateDnsName string
//	AWS::EC2::Volume     ID vol-…, ARN arn:P:ec2:R:A:volume/ID
//	  Size int32 (GiB), VolumeType string, State string ("in-use"|"available"),
//	  AvailabilityZone string, Attachments string (instance id, "" when unattached),
//	  Encrypted bool, Iops int32, CreateTime time.Time
//	AWS::ECS::Cluster    ID = cluster name, ARN arn:P:ecs:R:A:cluster/NAME
//	  Status string ("ACTIVE"), RunningTasksCount int32, PendingTasksCount int32,
//	  ActiveServicesCount int32 (= its generated services), RegisteredContainerInstancesCount int32,
//	  CapacityProviders []string
//	AWS::ECS::Service    ID = service name (unique per region), ARN arn:P:ecs:R:A:service/CLUSTER/NAME,
//	  Parent = cluster ARN; ClusterName string, DesiredCount int32, RunningCount int32,
//	  PendingCount int32, LaunchType string ("FARGATE"|"EC2"), TaskDefinition string (ARN),
//	  Status string ("ACTIVE"), SchedulingStrategy string ("REPLICA")
//	AWS::Lambda::Function ID = function name, ARN arn:P:lambda:R:A:function:NAME
//	  Runtime string, Handler string, MemorySize int32, Timeout int32, Role string (ARN),
//	  LastModified string (Lambda's "2006-01-02T15:04:05.000+0000"), CodeSize int64,
//	  Description string, Version string ("$LATEST"), PackageType string ("Zip"),
//	  Architectures []string, CodeSha256 string
//	AWS::EKS::Cluster    ID = Name = cluster name, ARN arn:P:eks:R:A:cluster/NAME
//	  Version string, Status string ("ACTIVE"|"CREATING"), PlatformVersion string,
//	  VpcId string, SubnetIds []string, EndpointPublicAccess bool, AuthenticationMode string
//	AWS::DynamoDB::Table ID = Name = table name, ARN arn:P:dynamodb:R:A:table/NAME
//	  BillingMode string, ReadCapacityUnits/WriteCapacityUnits/ItemCount/TableSizeBytes int64,
//	  HashKey string, DeletionProtectionEnabled bool, PointInTimeRecovery bool
//	AWS::ECR::Repository ID = Name = repository name (team/word-N), ARN arn:P:ecr:R:A:repository/NAME
//	  ImageTagMutability string, ScanOnPush bool, EncryptionType string, KMSKey string,
//	  PolicyText, LifecyclePolicyText string (each absent on some: "not configured")
//	AWS::S3::Bucket      ID = Name = bucket name, ARN arn:P:s3:::NAME, stored under
//	  ResourceKey{Region: bucket region}; CreationDate time.Time; SSEAlgorithm,
//	  KMSMasterKeyID string, BucketKeyEnabled bool; PublicAccessBlock bool;
//	  ObjectOwnership string (each absent on some buckets: "not configured")
//
// Use AttrString, AttrInt, AttrBool, AttrTime and AttrStrings (attrs.go) to read
// them tolerantly.

// Spec describes an organization to generate.
type Spec struct {
	Seed           int64
	Accounts       int // including the management account; at least 1
	OUs            int
	Suspended      int
	PendingClosure int
	MissingRole    int
	NoOIDC         int
	// Regions are enabled in every account; default DefaultRegions.
	Regions []string
	// OptInDisabled are listed DISABLED (e.g. ["ap-east-1","me-south-1"]).
	OptInDisabled []string
	// ResourcesPerKind is the average per (account, region, kind).
	ResourcesPerKind int
	RoleName         string // default "PortOceanReadRole"
	RolePath         string // default "/"
	ExternalID       string
	// OIDCIssuer without scheme; default "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE".
	OIDCIssuer            string
	ServiceAccountSubject string // default "system:serviceaccount:port-ocean:port-ocean-aws-v3"
	// Partition defaults to "aws".
	Partition string
	// HistoryEnd is the newest moment of generated history (deployments,
	// pipeline executions): they lie in the 90 days before it. Zero means
	// DefaultHistoryEnd, so Generate never reads the wall clock; the local
	// stack passes its start time, so a 30-day window finds some and not all.
	HistoryEnd time.Time
}

// DefaultHistoryEnd anchors generated history when Spec.HistoryEnd is zero.
var DefaultHistoryEnd = time.Date(2023, 6, 1, 12, 0, 0, 0, time.UTC)

// Spec defaults.
const (
	DefaultRoleName              = "PortOceanReadRole"
	DefaultOIDCIssuer            = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE"
	DefaultServiceAccountSubject = "system:serviceaccount:port-ocean:port-ocean-aws-v3"
)

// WithDefaults fills the Spec's empty fields.
func (sp Spec) WithDefaults() Spec {
	if sp.Accounts < 1 {
		sp.Accounts = 1
	}
	if len(sp.Regions) == 0 {
		sp.Regions = append([]string(nil), DefaultRegions...)
		if pr, ok := PartitionRegions[sp.Partition]; ok { // "" is aws
			sp.Regions = append([]string(nil), pr...)
		}
	}
	if sp.RoleName == "" {
		sp.RoleName = DefaultRoleName
	}
	if sp.RolePath == "" {
		sp.RolePath = "/"
	}
	if !strings.HasPrefix(sp.RolePath, "/") {
		sp.RolePath = "/" + sp.RolePath
	}
	if !strings.HasSuffix(sp.RolePath, "/") {
		sp.RolePath += "/"
	}
	if sp.OIDCIssuer == "" {
		sp.OIDCIssuer = DefaultOIDCIssuer
	}
	sp.OIDCIssuer = strings.TrimPrefix(strings.TrimPrefix(sp.OIDCIssuer, "https://"), "http://")
	if sp.ServiceAccountSubject == "" {
		sp.ServiceAccountSubject = DefaultServiceAccountSubject
	}
	if sp.Partition == "" {
		sp.Partition = "aws"
	}
	// A partition has only its own regions (GovCloud and China have no
	// opt-in regions at all).
	var optIn []string
	for _, r := range sp.OptInDisabled {
		if RegionInPartition(r, sp.Partition) {
			optIn = append(optIn, r)
		}
	}
	sp.OptInDisabled = optIn
	return sp
}

var (
	genEnvs    = []string{"prod", "staging", "dev", "qa", "sandbox", "shared"}
	genTeams   = []string{"payments", "search", "platform", "data", "identity", "checkout", "mobile", "ml", "infra", "growth"}
	genWords   = []string{"api", "worker", "ingest", "web", "batch", "cache", "events", "reports", "auth", "billing", "export", "sync"}
	genOUNames = []string{"Production", "Staging", "Development", "Security", "Sandbox", "Infrastructure", "Data", "Shared Services", "Workloads", "Suspended"}
	genTypes   = []string{"t3.micro", "t3.medium", "m5.large", "c6g.xlarge", "r6i.2xlarge", "t4g.small"}
	genRuntime = []struct{ runtime, handler string }{
		{"python3.12", "app.handler"}, {"nodejs20.x", "index.handler"}, {"java21", "com.example.Handler::handleRequest"},
		{"provided.al2023", "bootstrap"}, {"python3.11", "main.lambda_handler"}, {"nodejs18.x", "index.handler"},
	}
	genVolTypes = []string{"gp3", "gp2", "io1", "st1"}
)

type generator struct {
	spec Spec
	rng  *rand.Rand
	org  *Org
	used map[string]bool // every generated id, so ids never collide
}

// Generate builds the organization described by spec.
func Generate(spec Spec) *Org {
	spec = spec.WithDefaults()
	g := &generator{
		spec: spec,
		rng:  rand.New(rand.NewPCG(uint64(spec.Seed), uint64(spec.Seed)^0x9e3779b97f4a7c15)),
		used: map[string]bool{},
	}
	g.org = NewOrg(spec.Partition)
	g.org.ID = "o-" + g.token("abcdefghijklmnopqrstuvwxyz0123456789", 10)
	rootSuffix := g.token("abcdefghijklmnopqrstuvwxyz0123456789", 4)
	g.org.RootID = "r-" + rootSuffix

	ous := g.genOUs(rootSuffix)
	g.genAccounts(ous)
	for _, a := range g.org.OrderedAccounts() {
		g.genResources(a)
	}
	return g.org
}

// token draws n characters of alphabet.
func (g *generator) token(alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[g.rng.IntN(len(alphabet))]
	}
	return string(b)
}

// uniqueID draws prefix+token until it was not used before.
func (g *generator) uniqueID(prefix, alphabet string, n int) string {
	for {
		id := prefix + g.token(alphabet, n)
		if !g.used[id] {
			g.used[id] = true
			return id
		}
	}
}

const (
	hexLower = "0123456789abcdef"
	lowerNum = "abcdefghijklmnopqrstuvwxyz0123456789"
	digits   = "0123456789"
)

func (g *generator) pick(list []string) string { return list[g.rng.IntN(len(list))] }

func (g *generator) genOUs(rootSuffix string) []*OU {
	var ous []*OU
	for i := 0; i < g.spec.OUs; i++ {
		parent := g.org.RootID
		switch {
		case i == 2:
			parent = ous[0].ID // guarantees a nested OU when there are three or more
		case i > 2 && g.rng.IntN(2) == 0:
			parent = ous[g.rng.IntN(i)].ID
		}
		name := genOUNames[i%len(genOUNames)]
		if i >= len(genOUNames) {
			name = fmt.Sprintf("%s %d", name, i/len(genOUNames)+1)
		}
		ou := g.org.AddOU(g.uniqueID("ou-"+rootSuffix+"-", lowerNum, 8), name, parent)
		ou.Tags["team"] = g.pick(genTeams)
		ous = append(ous, ou)
	}
	return ous
}

func (g *generator) genAccounts(ous []*OU) {
	sp := g.spec
	names := map[string]bool{}
	for i := 0; i < sp.Accounts; i++ {
		var id string
		for {
			id = fmt.Sprintf("%d", 100000000000+g.rng.Int64N(900000000000))
			if !g.used[id] {
				g.used[id] = true
				break
			}
		}
		env, team := g.pick(genEnvs), g.pick(genTeams)
		name := env + "-" + team
		if i == 0 {
			name, env, team = "management", "shared", "platform"
		}
		for n := 2; names[name]; n++ {
			name = fmt.Sprintf("%s-%s-%d", env, team, n)
		}
		names[name] = true
		parent := g.org.RootID
		if i > 0 && len(ous) > 0 {
			parent = ous[(i-1)%len(ous)].ID
		}
		a := g.org.AddAccount(id, name, parent)
		a.Email = "aws+" + name + "@example.com"
		a.JoinedAt = orgEpoch.Add(time.Duration(i)*36*time.Hour + time.Duration(g.rng.IntN(3600))*time.Second)
		a.Tags = map[string]string{"env": env, "team": team, "cost-center": fmt.Sprintf("cc-%04d", g.rng.IntN(10000))}
		a.Regions = map[string]RegionStatus{}
		for _, r := range sp.Regions {
			a.Regions[r] = enabledStatus(r)
		}
		for _, r := range sp.OptInDisabled {
			if _, enabled := a.Regions[r]; !enabled {
				a.Regions[r] = RegionDisabled
			}
		}
	}
	mgmt := g.org.ManagementAccountID

	// Special accounts are members drawn from one permutation: suspended first,
	// then pending closure, then missing role, then no OIDC provider (wrapping
	// around when the counts exceed the members).
	members := g.org.AccountOrder[1:]
	perm := g.rng.Perm(len(members))
	next := 0
	take := func(n int) []*Account {
		var out []*Account
		for j := 0; j < n && j < len(members); j++ {
			out = append(out, g.org.Accounts[members[perm[next%len(perm)]]])
			next++
		}
		return out
	}
	suspended := take(sp.Suspended)
	pending := take(sp.PendingClosure)
	missingRole := take(sp.MissingRole)
	noOIDC := take(sp.NoOIDC)

	for _, a := range g.org.OrderedAccounts() {
		trusted := []string{
			"arn:" + sp.Partition + ":iam::" + mgmt + ":root",
			"arn:" + sp.Partition + ":iam::" + a.ID + ":root",
		}
		a.AddRole(&Role{
			Name:                sp.RoleName,
			Path:                sp.RolePath,
			TrustedPrincipals:   trusted,
			ExternalID:          sp.ExternalID,
			WebIdentityIssuer:   sp.OIDCIssuer,
			WebIdentitySubjects: []string{sp.ServiceAccountSubject},
			MaxSessionDuration:  3600,
		})
		a.AddOIDCProvider(sp.OIDCIssuer)
	}
	for _, a := range suspended {
		a.State = "SUSPENDED"
	}
	for _, a := range pending {
		a.State = "PENDING_CLOSURE"
	}
	for _, a := range missingRole {
		delete(a.Roles, sp.RoleName)
	}
	for _, a := range noOIDC {
		delete(a.OIDC, sp.OIDCIssuer)
	}
}

// count draws how many resources of a kind one (account, region) gets: uniform
// on [0, 2·avg], so avg is the mean.
func (g *generator) count() int {
	if g.spec.ResourcesPerKind <= 0 {
		return 0
	}
	return g.rng.IntN(2*g.spec.ResourcesPerKind + 1)
}

func (g *generator) genResources(a *Account) {
	for _, region := range g.spec.Regions {
		g.genEC2(a, region)
		g.genECS(a, region)
		g.genECSTaskDefinitions(a, region)
		g.genRDS(a, region)
		g.genElastiCache(a, region)
		g.genMemoryDB(a, region)
		g.genLambda(a, region)
		g.genS3(a, region)
		g.genSQS(a, region)
		g.genSNS(a, region)
		g.genEKS(a, region)
		g.genDynamoDB(a, region)
		g.genECR(a, region)
		g.genCodeDeploy(a, region)
		g.genCodePipeline(a, region) // after CodeDeploy: some pipelines deploy to its groups
		g.genMSK(a, region)
		g.genSES(a, region)
		g.genCodeBuild(a, region)
		g.genCloudControl(a, region)
	}
}

func (g *generator) arn(service, region, account, resource string) string {
	return "arn:" + g.spec.Partition + ":" + service + ":" + region + ":" + account + ":" + resource
}

func (g *generator) tags(a *Account, name string) map[string]string {
	return map[string]string{"Name": name, "env": a.Tags["env"], "team": g.pick(genTeams)}
}

// when is a deterministic timestamp after the account joined.
func (g *generator) when(a *Account) time.Time {
	return a.JoinedAt.Add(time.Duration(g.rng.IntN(400*24)) * time.Hour).Add(time.Duration(g.rng.IntN(3600)) * time.Second)
}

func (g *generator) genEC2(a *Account, region string) {
	vpc := g.uniqueID("vpc-", hexLower, 17)
	subnets := []string{g.uniqueID("subnet-", hexLower, 17), g.uniqueID("subnet-", hexLower, 17)}
	azs := []string{region + "a", region + "b"}
	var instances []*Resource
	n := g.count()
	reservation, left := "", 0
	for i := 0; i < n; i++ {
		if left == 0 {
			reservation, left = g.uniqueID("r-", hexLower, 17), 1+g.rng.IntN(3)
		}
		left--
		id := g.uniqueID("i-", hexLower, 17)
		name := a.Tags["env"] + "-" + g.pick(genWords) + "-" + fmt.Sprint(i+1)
		launched := g.when(a)
		sub := g.rng.IntN(len(subnets))
		state := "running"
		if g.rng.IntN(5) == 0 {
			state = "stopped"
		}
		privIP := fmt.Sprintf("10.%d.%d.%d", g.rng.IntN(256), g.rng.IntN(256), 1+g.rng.IntN(254))
		attrs := map[string]any{
			"InstanceType": g.pick(genTypes), "State": state, "PrivateIpAddress": privIP,
			"ImageId": g.uniqueID("ami-", hexLower, 17), "ReservationId": reservation,
			"SubnetId": subnets[sub], "VpcId": vpc, "LaunchTime": launched, "AvailabilityZone": azs[sub],
			"Architecture": "x86_64", "KeyName": a.Name + "-key",
			"PrivateDnsName": "ip-" + strings.ReplaceAll(privIP, ".", "-") + "." + region + ".compute.internal",
		}
		if state == "running" && g.rng.IntN(2) == 0 {
			attrs["PublicIpAddress"] = fmt.Sprintf("%d.%d.%d.%d", 3+g.rng.IntN(50), g.rng.IntN(256), g.rng.IntN(256), 1+g.rng.IntN(254))
		}
		r := &Resource{ID: id, Name: name, ARN: g.arn("ec2", region, a.ID, "instance/"+id), CreatedAt: launched, Tags: g.tags(a, name), Attributes: attrs}
		a.Resources[ResourceKey{Region: region, Kind: KindEC2Instance}] = append(a.Resources[ResourceKey{Region: region, Kind: KindEC2Instance}], r)
		instances = append(instances, r)
	}
	n = g.count()
	for i := 0; i < n; i++ {
		id := g.uniqueID("vol-", hexLower, 17)
		created := g.when(a)
		attached := ""
		az := azs[g.rng.IntN(len(azs))]
		if len(instances) > 0 && g.rng.IntN(3) != 0 {
			inst := instances[g.rng.IntN(len(instances))]
			attached = inst.ID
			az = inst.Attributes["AvailabilityZone"].(string)
		}
		state := "available"
		if attached != "" {
			state = "in-use"
		}
		vt := g.pick(genVolTypes)
		size := int32([]int{8, 20, 50, 100, 500}[g.rng.IntN(5)])
		iops := int32(3000)
		if vt == "io1" {
			iops = int32(100 * (1 + g.rng.IntN(50)))
		}
		name := a.Tags["env"] + "-vol-" + fmt.Sprint(i+1)
		r := &Resource{ID: id, Name: name, ARN: g.arn("ec2", region, a.ID, "volume/"+id), CreatedAt: created, Tags: g.tags(a, name),
			Attributes: map[string]any{
				"Size": size, "VolumeType": vt, "State": state, "AvailabilityZone": az, "Attachments": attached,
				"Encrypted": g.rng.IntN(2) == 0, "Iops": iops, "CreateTime": created,
			}}
		key := ResourceKey{Region: region, Kind: KindEC2Volume}
		a.Resources[key] = append(a.Resources[key], r)
	}
}

func (g *generator) genECS(a *Account, region string) {
	var clusters []*Resource
	n := g.count()
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("%s-%s-cluster-%d", a.Tags["env"], g.pick(genWords), i+1)
		created := g.when(a)
		cps := []string{"FARGATE", "FARGATE_SPOT"}
		if g.rng.IntN(3) == 0 {
			cps = []string{}
		}
		r := &Resource{ID: name, Name: name, ARN: g.arn("ecs", region, a.ID, "cluster/"+name), CreatedAt: created, Tags: g.tags(a, name),
			Attributes: map[string]any{
				"Status": "ACTIVE", "RunningTasksCount": int32(0), "PendingTasksCount": int32(g.rng.IntN(2)),
				"ActiveServicesCount": int32(0), "RegisteredContainerInstancesCount": int32(g.rng.IntN(4)),
				"CapacityProviders": cps,
			}}
		clusters = append(clusters, r)
	}
	key := ResourceKey{Region: region, Kind: KindECSCluster}
	if len(clusters) > 0 {
		a.Resources[key] = append(a.Resources[key], clusters...)
	}
	if len(clusters) == 0 {
		return
	}
	n = g.count()
	for i := 0; i < n; i++ {
		cl := clusters[g.rng.IntN(len(clusters))]
		name := fmt.Sprintf("%s-svc-%d", g.pick(genWords), i+1)
		desired := int32(1 + g.rng.IntN(4))
		running := desired
		if g.rng.IntN(4) == 0 {
			running = desired - 1
		}
		lt := "FARGATE"
		if g.rng.IntN(3) == 0 {
			lt = "EC2"
		}
		family := name
		td := g.arn("ecs", region, a.ID, fmt.Sprintf("task-definition/%s:%d", family, 1+g.rng.IntN(40)))
		r := &Resource{ID: name, Name: name, ARN: g.arn("ecs", region, a.ID, "service/"+cl.Name+"/"+name), CreatedAt: g.when(a),
			Tags: g.tags(a, name), Parent: cl.ARN,
			Attributes: map[string]any{
				"ClusterName": cl.Name, "DesiredCount": desired, "RunningCount": running, "PendingCount": desired - running,
				"LaunchType": lt, "TaskDefinition": td, "Status": "ACTIVE", "SchedulingStrategy": "REPLICA",
			}}
		cl.Attributes["ActiveServicesCount"] = cl.Attributes["ActiveServicesCount"].(int32) + 1
		cl.Attributes["RunningTasksCount"] = cl.Attributes["RunningTasksCount"].(int32) + running
		skey := ResourceKey{Region: region, Kind: KindECSService}
		a.Resources[skey] = append(a.Resources[skey], r)
	}
}

// LambdaTimeFormat is how Lambda renders LastModified.
const LambdaTimeFormat = "2006-01-02T15:04:05.000-0700"

func (g *generator) genLambda(a *Account, region string) {
	n := g.count()
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("%s-%s-%d", g.pick(genTeams), g.pick(genWords), i+1)
		rt := genRuntime[g.rng.IntN(len(genRuntime))]
		modified := g.when(a)
		sum := make([]byte, 32)
		for j := range sum {
			sum[j] = byte(g.rng.IntN(256))
		}
		r := &Resource{ID: name, Name: name, ARN: g.arn("lambda", region, a.ID, "function:"+name), CreatedAt: modified, Tags: g.tags(a, name),
			Attributes: map[string]any{
				"Runtime": rt.runtime, "Handler": rt.handler,
				"MemorySize":   int32([]int{128, 256, 512, 1024, 2048}[g.rng.IntN(5)]),
				"Timeout":      int32([]int{3, 10, 30, 60, 300, 900}[g.rng.IntN(6)]),
				"Role":         "arn:" + g.spec.Partition + ":iam::" + a.ID + ":role/" + name + "-role",
				"LastModified": modified.Format(LambdaTimeFormat), "CodeSize": int64(1024 + g.rng.IntN(50<<20)),
				"Description": "Handles " + g.pick(genWords) + " for " + a.Tags["team"], "Version": "$LATEST",
				"PackageType": "Zip", "Architectures": []string{[]string{"x86_64", "arm64"}[g.rng.IntN(2)]},
				"CodeSha256": base64Std(sum),
			}}
		key := ResourceKey{Region: region, Kind: KindLambdaFunction}
		a.Resources[key] = append(a.Resources[key], r)
	}
}

func (g *generator) genS3(a *Account, region string) {
	n := g.count()
	for i := 0; i < n; i++ {
		var name string
		for {
			name = fmt.Sprintf("%s-%s-%s-%s", a.Name, g.pick(genWords), region, g.token(lowerNum, 6))
			if len(name) > 63 {
				name = name[:63]
			}
			name = strings.TrimRight(name, "-")
			if !g.used[name] {
				g.used[name] = true
				break
			}
		}
		created := g.when(a)
		tags := g.tags(a, name)
		if g.rng.IntN(4) == 0 {
			tags = map[string]string{} // untagged: GetBucketTagging answers NoSuchTagSet
		}
		r := &Resource{ID: name, Name: name, ARN: "arn:" + g.spec.Partition + ":s3:::" + name, CreatedAt: created, Tags: tags,
			Attributes: map[string]any{"CreationDate": created}}
		s3Configure(r, a.ID, region, g.spec.Partition)
		key := ResourceKey{Region: region, Kind: KindS3Bucket}
		a.Resources[key] = append(a.Resources[key], r)
	}
}

// s3Configure gives a generated bucket its encryption, public access block and
// ownership controls, some of each left unconfigured (GetBucket* then answers
// its "not found" error). It hashes the bucket name instead of drawing from
// the generator's random stream, so the rest of the organization stays as it
// was generated before these settings existed.
func s3Configure(r *Resource, accountID, region, partition string) {
	h := fnv.New32a()
	_, _ = h.Write([]byte(r.ID))
	v := h.Sum32()
	switch v % 4 {
	case 1:
		r.Attributes["SSEAlgorithm"] = "AES256"
	case 2, 3:
		r.Attributes["SSEAlgorithm"] = "aws:kms"
		r.Attributes["KMSMasterKeyID"] = fmt.Sprintf("arn:%s:kms:%s:%s:key/%08x-0000-4000-8000-%012x", partition, region, accountID, v, v)
		r.Attributes["BucketKeyEnabled"] = v%4 == 3
	}
	switch (v / 4) % 3 {
	case 1:
		r.Attributes["PublicAccessBlock"] = true
	case 2:
		r.Attributes["PublicAccessBlock"] = false
	}
	switch (v / 12) % 3 {
	case 1:
		r.Attributes["ObjectOwnership"] = "BucketOwnerEnforced"
	case 2:
		r.Attributes["ObjectOwnership"] = "BucketOwnerPreferred"
	}
}

// genEKS generates EKS clusters from a random stream of their own, seeded by
// (seed, account, region), so adding them left every other generated resource
// as it was.
func (g *generator) genEKS(a *Account, region string) {
	if g.spec.ResourcesPerKind <= 0 {
		return
	}
	rng := rand.New(rand.NewPCG(uint64(g.spec.Seed), uint64(svcHash(a.ID, region, KindEKSCluster))))
	n := rng.IntN(2*g.spec.ResourcesPerKind + 1)
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("%s-%s-eks-%d", a.Tags["env"], genWords[rng.IntN(len(genWords))], i+1)
		created := a.JoinedAt.Add(time.Duration(rng.IntN(400*24)) * time.Hour).Add(time.Duration(rng.IntN(3600)) * time.Second)
		status := "ACTIVE"
		if rng.IntN(8) == 0 {
			status = "CREATING"
		}
		minor := 28 + rng.IntN(5)
		vpc := fmt.Sprintf("vpc-%017x", uint64(svcHash(a.ID, region, name, "vpc"))<<20|uint64(i))
		subnets := []string{
			fmt.Sprintf("subnet-%017x", uint64(svcHash(a.ID, region, name, "subnet-a"))),
			fmt.Sprintf("subnet-%017x", uint64(svcHash(a.ID, region, name, "subnet-b"))),
		}
		modes := []string{"API_AND_CONFIG_MAP", "API", "CONFIG_MAP"}
		r := &Resource{ID: name, Name: name, ARN: g.arn("eks", region, a.ID, "cluster/"+name), CreatedAt: created,
			Tags: map[string]string{"Name": name, "env": a.Tags["env"], "team": genTeams[rng.IntN(len(genTeams))]},
			Attributes: map[string]any{
				"Version": fmt.Sprintf("1.%d", minor), "Status": status, "PlatformVersion": fmt.Sprintf("eks.%d", 1+rng.IntN(20)),
				"VpcId": vpc, "SubnetIds": subnets, "EndpointPublicAccess": rng.IntN(2) == 0,
				"AuthenticationMode": modes[rng.IntN(len(modes))],
			}}
		key := ResourceKey{Region: region, Kind: KindEKSCluster}
		a.Resources[key] = append(a.Resources[key], r)
	}
}

// subRNG is a random stream of its own for one (account, region, kind), so
// kinds added later do not change what the shared stream generates for the
// kinds before them.
func (g *generator) subRNG(a *Account, region, kind string) *rand.Rand {
	h := svcHash(fmt.Sprint(g.spec.Seed), a.ID, region, kind)
	return rand.New(rand.NewPCG(uint64(h), uint64(g.spec.Seed)^0x5851f42d4c957f2d))
}
