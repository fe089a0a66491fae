package awsemu

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// EKS speaks restJson1: GET /clusters (ListClusters: names, maxResults 1–100,
// default 100, nextToken) and GET /clusters/{name} (DescribeCluster). Members
// are camelCase; timestamps epoch seconds; errors carry X-Amzn-ErrorType.
//
// Resource attributes read (absent ones default as noted in the code):
//
//	AWS::EKS::Cluster  Version, Status, PlatformVersion, VpcId, SubnetIds,
//	  SecurityGroupIds, EndpointPublicAccess, AuthenticationMode

type eksService struct{}

func init() { Register(eksService{}) }

func (eksService) SigningName() string { return "eks" }
func (eksService) Protocol() Protocol  { return ProtocolRESTJSON }
func (eksService) ThrottleCode() (string, int) {
	return "ThrottlingException", http.StatusTooManyRequests
}

const eksClustersPath = "/clusters"

func (eksService) Operation(r *http.Request, _ []byte) (string, bool) {
	if r.Method != http.MethodGet {
		return "", false
	}
	p := strings.TrimSuffix(r.URL.EscapedPath(), "/")
	switch {
	case p == eksClustersPath:
		return "ListClusters", true
	case strings.HasPrefix(p, eksClustersPath+"/") && !strings.Contains(p[len(eksClustersPath)+1:], "/"):
		return "DescribeCluster", true
	}
	return "", false
}

func (eksService) Serve(c *Call) {
	if svcRegionDisabled(c) {
		c.Error(http.StatusForbidden, "UnrecognizedClientException", "The security token included in the request is invalid.")
		return
	}
	switch c.Op {
	case "ListClusters":
		eksListClusters(c)
	case "DescribeCluster":
		eksDescribeCluster(c)
	}
}

func eksListClusters(c *Call) {
	q := c.R.URL.Query()
	size := 100
	if raw := q.Get("maxResults"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > 100 {
			c.Error(http.StatusBadRequest, "InvalidParameterException", "maxResults must be between 1 and 100")
			return
		}
		size = n
	}
	clusters := svcResources(c, KindEKSCluster)
	token := q.Get("nextToken")
	start, end, next, err := Page(len(clusters), token, size, 100)
	if err != nil {
		c.Error(http.StatusBadRequest, "InvalidParameterException", "The nextToken provided is invalid: "+token)
		return
	}
	out := struct {
		Clusters  []string `json:"clusters"`
		NextToken string   `json:"nextToken,omitempty"`
	}{Clusters: []string{}, NextToken: next}
	for _, r := range clusters[start:end] {
		out.Clusters = append(out.Clusters, r.ID)
	}
	c.JSON(out)
}

func eksDescribeCluster(c *Call) {
	raw := strings.TrimSuffix(strings.TrimPrefix(c.R.URL.EscapedPath(), eksClustersPath+"/"), "/")
	name, err := url.PathUnescape(raw)
	if err != nil {
		name = raw
	}
	for _, r := range svcResources(c, KindEKSCluster) {
		if r.ID == name {
			c.JSON(map[string]any{"cluster": eksRender(c, r)})
			return
		}
	}
	c.Error(http.StatusNotFound, "ResourceNotFoundException", "No cluster found for name: "+name+".")
}

func eksRender(c *Call, r *Resource) map[string]any {
	arn := r.ARN
	if arn == "" {
		arn = "arn:" + svcPartition(c) + ":eks:" + c.Region + ":" + c.AccountID + ":cluster/" + r.ID
	}
	id := svcUUID(c.AccountID, c.Region, r.ID, "eks")
	status := svcStr(r, "Status", "ACTIVE")
	host := strings.ToUpper(svcHex(32, arn, "endpoint"))
	suffix := "amazonaws.com"
	if svcPartition(c) == "aws-cn" {
		suffix = "amazonaws.com.cn"
	}
	tags := map[string]string{}
	for k, v := range r.Tags {
		tags[k] = v
	}
	vpc := svcStr(r, "VpcId", "vpc-"+svcHex(17, arn, "vpc"))
	cl := map[string]any{
		"name": r.ID,
		"arn":  arn,
		"id":   id,
		// The SDK fills CreateCluster's idempotency token; EKS echoes it.
		"clientRequestToken": svcUUID(arn, "client-request-token"),
		"createdAt":          float64(svcCreated(r).Unix()),
		"version":            svcStr(r, "Version", "1.31"),
		"roleArn":            "arn:" + svcPartition(c) + ":iam::" + c.AccountID + ":role/" + r.ID + "-cluster-role",
		"resourcesVpcConfig": map[string]any{
			"subnetIds":              svcStrings(r, "SubnetIds", []string{"subnet-" + svcHex(17, arn, "subnet")}),
			"securityGroupIds":       svcStrings(r, "SecurityGroupIds", []string{"sg-" + svcHex(17, arn, "control-plane-sg")}),
			"clusterSecurityGroupId": "sg-" + svcHex(17, arn, "sg"),
			"vpcId":                  vpc,
			"endpointPublicAccess":   svcBool(r, "EndpointPublicAccess", true),
			"endpointPrivateAccess":  true,
			"publicAccessCidrs":      []string{"0.0.0.0/0"},
		},
		"kubernetesNetworkConfig": map[string]any{
			"serviceIpv4Cidr":      "10.100.0.0/16",
			"ipFamily":             "ipv4",
			"elasticLoadBalancing": map[string]any{"enabled": false},
		},
		"logging": map[string]any{"clusterLogging": []any{
			map[string]any{"types": []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}, "enabled": false},
		}},
		"status":          status,
		"platformVersion": svcStr(r, "PlatformVersion", "eks.1"),
		"tags":            tags,
		"accessConfig": map[string]any{
			"bootstrapClusterCreatorAdminPermissions": true,
			"authenticationMode":                      svcStr(r, "AuthenticationMode", "API_AND_CONFIG_MAP"),
		},
		"upgradePolicy":        map[string]any{"supportType": "EXTENDED"},
		"zonalShiftConfig":     map[string]any{"enabled": false},
		"health":               map[string]any{"issues": []any{}},
		"certificateAuthority": map[string]any{},
		"identity":             map[string]any{},
	}
	// Endpoint, certificate and OIDC issuer exist once the cluster is up.
	if status == "ACTIVE" {
		cl["endpoint"] = "https://" + host + "." + strings.ToLower(svcHex(2, arn, "gr")) + "." + c.Region + ".eks." + suffix
		cl["certificateAuthority"] = map[string]any{"data": base64Std([]byte("-----BEGIN CERTIFICATE-----\n" + svcHex(64, arn, "ca") + "\n-----END CERTIFICATE-----\n"))}
		cl["identity"] = map[string]any{"oidc": map[string]any{"issuer": "https://oidc.eks." + c.Region + "." + suffix + "/id/" + host}}
	}
	return cl
}
