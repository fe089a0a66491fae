package awsemu_test

import (
	"fmt"
	"net/http"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestEKSListAndDescribeClusters(t *testing.T) {
	e := svcStart(t)
	e.add(t, e.mgmt, "eu-west-1", awsemu.KindEKSCluster, 7, func(i int) *awsemu.Resource {
		name := fmt.Sprintf("test-eks-%d", i)
		attrs := map[string]any{"Version": "1.30", "VpcId": "vpc-0test", "SubnetIds": []string{"subnet-0a", "subnet-0b"}}
		if i == 1 {
			attrs["Status"] = "CREATING"
		}
		return &awsemu.Resource{ID: name, Name: name, Tags: map[string]string{"team": "data"}, Attributes: attrs}
	})
	want := e.resources(e.mgmt, "eu-west-1", awsemu.KindEKSCluster)
	client := eks.NewFromConfig(e.cfg("eu-west-1"))
	p := eks.NewListClustersPaginator(client, &eks.ListClustersInput{MaxResults: aws.Int32(3)})
	var names []string
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(e.ctx)
		if err != nil {
			t.Fatalf("list clusters: %v", err)
		}
		if len(out.Clusters) > 3 {
			t.Fatalf("page of %d", len(out.Clusters))
		}
		pages++
		names = append(names, out.Clusters...)
	}
	var wantNames []string
	for _, r := range want {
		wantNames = append(wantNames, r.ID)
	}
	if !reflect.DeepEqual(names, wantNames) || pages != (len(want)+2)/3 {
		t.Fatalf("listed %v in %d pages, want %v", names, pages, wantNames)
	}

	for _, r := range want {
		out, err := client.DescribeCluster(e.ctx, &eks.DescribeClusterInput{Name: aws.String(r.ID)})
		if err != nil {
			t.Fatalf("describe %s: %v", r.ID, err)
		}
		c := out.Cluster
		wantARN := "arn:aws:eks:eu-west-1:" + e.mgmt + ":cluster/" + r.ID
		if r.ARN != "" {
			wantARN = r.ARN
		}
		if c == nil || aws.ToString(c.Name) != r.ID || aws.ToString(c.Arn) != wantARN || c.CreatedAt == nil ||
			aws.ToString(c.RoleArn) == "" || c.Tags["team"] != r.Tags["team"] || c.ResourcesVpcConfig == nil ||
			aws.ToString(c.PlatformVersion) == "" || c.AccessConfig == nil || c.AccessConfig.AuthenticationMode == "" {
			t.Fatalf("%s decoded wrong: %+v", r.ID, c)
		}
		if r.ID == "test-eks-0" || r.ID == "test-eks-1" {
			if aws.ToString(c.Version) != "1.30" || aws.ToString(c.ResourcesVpcConfig.VpcId) != "vpc-0test" ||
				!reflect.DeepEqual(c.ResourcesVpcConfig.SubnetIds, []string{"subnet-0a", "subnet-0b"}) {
				t.Fatalf("%s attributes not served: %+v", r.ID, c.ResourcesVpcConfig)
			}
		}
		switch {
		case r.ID == "test-eks-1":
			if c.Status != ekstypes.ClusterStatusCreating || c.Endpoint != nil || c.Identity.Oidc != nil {
				t.Fatalf("a creating cluster has no endpoint nor issuer yet: %+v", c)
			}
		case r.AttrString("Status") == "" || r.AttrString("Status") == "ACTIVE":
			if c.Status != ekstypes.ClusterStatusActive || aws.ToString(c.Endpoint) == "" || c.Identity == nil || c.Identity.Oidc == nil ||
				aws.ToString(c.CertificateAuthority.Data) == "" {
				t.Fatalf("active cluster decoded wrong: %+v", c)
			}
		}
	}

	_, err := client.DescribeCluster(e.ctx, &eks.DescribeClusterInput{Name: aws.String("nope")})
	svcAPIError(t, err, "ResourceNotFoundException", http.StatusNotFound)
	// Another region's cluster does not exist here.
	_, err = eks.NewFromConfig(e.cfg("us-east-1")).DescribeCluster(e.ctx, &eks.DescribeClusterInput{Name: aws.String("test-eks-0")})
	svcAPIError(t, err, "ResourceNotFoundException", http.StatusNotFound)
	_, err = client.ListClusters(e.ctx, &eks.ListClustersInput{MaxResults: aws.Int32(101)})
	svcAPIError(t, err, "InvalidParameterException", http.StatusBadRequest)
	_, err = client.ListClusters(e.ctx, &eks.ListClustersInput{NextToken: aws.String("garbage")})
	svcAPIError(t, err, "InvalidParameterException", http.StatusBadRequest)
}

func TestEKSCallerAccountFaultsAndRequestLog(t *testing.T) {
	e := svcStart(t)
	mine := e.resources(e.member, "us-west-2", awsemu.KindEKSCluster)
	client := eks.NewFromConfig(e.memberCfg("us-west-2"))
	out, err := client.ListClusters(e.ctx, &eks.ListClustersInput{})
	if err != nil {
		t.Fatalf("member list: %v", err)
	}
	if len(out.Clusters) != len(mine) {
		t.Fatalf("member sees %d clusters, its account holds %d", len(out.Clusters), len(mine))
	}

	_, err = eks.NewFromConfig(e.cfg("ap-east-1")).ListClusters(e.ctx, &eks.ListClustersInput{})
	svcAPIError(t, err, "UnrecognizedClientException", http.StatusForbidden)

	e.srv.ResetRequests()
	e.srv.Faults().DenyAccess(e.member, "eks", "")
	_, err = client.ListClusters(e.ctx, &eks.ListClustersInput{})
	svcAPIError(t, err, "AccessDeniedException", http.StatusForbidden)
	e.clearFaults()
	e.srv.Faults().Add(awsemu.FaultRule{Service: "eks", Operation: "DescribeCluster", Status: 500, Code: "ServerException", Message: "boom", Count: 1})
	_, err = eks.NewFromConfig(e.cfg("us-east-1"), func(o *eks.Options) { o.RetryMaxAttempts = 1 }).
		DescribeCluster(e.ctx, &eks.DescribeClusterInput{Name: aws.String("whatever")})
	svcAPIError(t, err, "ServerException", http.StatusInternalServerError)
	e.clearFaults()
	var listed, described bool
	for _, r := range e.srv.Requests() {
		listed = listed || r.Service == "eks" && r.Operation == "ListClusters" && r.AccountID == e.member && r.Status == http.StatusForbidden
		described = described || r.Service == "eks" && r.Operation == "DescribeCluster" && r.Status == http.StatusInternalServerError
	}
	if !listed || !described {
		t.Fatalf("request log: %+v", e.srv.Requests())
	}

	mgmt := eks.NewFromConfig(e.cfg("us-east-1"))
	svcCheckThrottle(t, e.srv, "eks", "ThrottlingException", http.StatusTooManyRequests, func() error {
		_, err := mgmt.ListClusters(e.ctx, &eks.ListClustersInput{})
		return err
	})
}

func TestEKSClustersGenerated(t *testing.T) {
	spec := awsemu.Spec{Seed: 5, Accounts: 3, ResourcesPerKind: 4, Regions: []string{"us-east-1", "eu-west-1"}}
	a, b := awsemu.Generate(spec), awsemu.Generate(spec)
	total := 0
	for id, acct := range a.Accounts {
		for _, region := range spec.Regions {
			key := awsemu.ResourceKey{Region: region, Kind: awsemu.KindEKSCluster}
			x, y := acct.Resources[key], b.Accounts[id].Resources[key]
			if len(x) != len(y) {
				t.Fatalf("%s %s: %d vs %d clusters for one spec", id, region, len(x), len(y))
			}
			for i := range x {
				if x[i].ID != y[i].ID || x[i].ARN != y[i].ARN || !reflect.DeepEqual(x[i].Attributes, y[i].Attributes) || !reflect.DeepEqual(x[i].Tags, y[i].Tags) {
					t.Fatalf("cluster %d differs between two generations: %+v vs %+v", i, x[i], y[i])
				}
				if x[i].ARN != "arn:aws:eks:"+region+":"+id+":cluster/"+x[i].ID || x[i].Tags["Name"] != x[i].ID {
					t.Fatalf("generated cluster %+v", x[i])
				}
			}
			total += len(x)
		}
	}
	if total == 0 {
		t.Fatal("no EKS clusters generated")
	}
}
