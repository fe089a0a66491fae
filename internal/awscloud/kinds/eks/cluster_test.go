package eks_test

import (
	"strings"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestEKSClusterKind(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	total, multiPage := 0, false
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		for _, region := range awstest.KindSpec.Regions {
			items, pages := awstest.CollectAll(t, p, "AWS::EKS::Cluster", acct, region, 2)
			res := awstest.Resources(srv, acct.ID, region, "AWS::EKS::Cluster")
			if len(items) != len(res) || pages != max(1, (len(res)+1)/2) {
				t.Fatalf("%s %s: %d clusters in %d pages, want %d", acct.ID, region, len(items), pages, len(res))
			}
			multiPage = multiPage || pages > 1
			got := awstest.ByKey(items, "Name")
			for _, r := range res {
				it := got[r.ID]
				if it == nil {
					t.Fatalf("cluster %s missing", r.ID)
				}
				if it["Type"] != "AWS::EKS::Cluster" {
					t.Fatalf("type %v", it["Type"])
				}
				pr := awstest.PropsOf(it)
				if pr["Arn"] != r.ARN || pr["Version"] != r.AttrString("Version") || pr["Status"] != r.AttrString("Status") ||
					pr["PlatformVersion"] != r.AttrString("PlatformVersion") || !strings.Contains(pr["RoleArn"].(string), ":role/") {
					t.Fatalf("cluster props %v, resource %v", pr, r.Attributes)
				}
				if _, ok := pr["CreatedAt"]; !ok {
					t.Fatalf("no CreatedAt: %v", pr)
				}
				// Ocean's fields only, and nested members in EKS's camelCase.
				for _, f := range []string{"Id", "Health", "ClientRequestToken", "EncryptionConfig"} {
					if _, has := pr[f]; has {
						t.Fatalf("%s is not in Ocean's model: %v", f, pr)
					}
				}
				vpc := pr["ResourcesVpcConfig"].(map[string]any)
				if vpc["vpcId"] != r.AttrString("VpcId") || vpc["endpointPublicAccess"] != r.AttrBool("EndpointPublicAccess") ||
					len(vpc["subnetIds"].([]any)) != len(r.AttrStrings("SubnetIds")) {
					t.Fatalf("ResourcesVpcConfig %v, resource %v", vpc, r.Attributes)
				}
				if ac := pr["AccessConfig"].(map[string]any); ac["authenticationMode"] != r.AttrString("AuthenticationMode") {
					t.Fatalf("AccessConfig %v", ac)
				}
				if r.AttrString("Status") == "ACTIVE" {
					oidc, _ := pr["Identity"].(map[string]any)["oidc"].(map[string]any)
					if ep, _ := pr["Endpoint"].(string); !strings.HasPrefix(ep, "https://") || oidc == nil || oidc["issuer"] == nil {
						t.Fatalf("active cluster without endpoint or OIDC issuer: %v", pr)
					}
				}
				tags := pr["Tags"].(map[string]any)
				if len(tags) != len(r.Tags) || tags["Name"] != r.Tags["Name"] {
					t.Fatalf("tags %v, want %v", tags, r.Tags)
				}
				ex := awstest.ExtraOf(it)
				if ex["AccountId"] != acct.ID || ex["Region"] != region || ex["Partition"] != "aws" || len(ex) != 3 {
					t.Fatalf("extra %v", ex)
				}
			}
			total += len(items)
		}
	}
	if total == 0 || !multiPage {
		t.Fatalf("%d clusters (multi-page %v): the org does not exercise the kind", total, multiPage)
	}
}

func TestEKSDescribeClusterFailureFailsThePage(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	acct := awstest.OrgAccounts(t, srv, p)[0]
	region := ""
	for _, r := range awstest.KindSpec.Regions {
		if len(awstest.Resources(srv, acct.ID, r, "AWS::EKS::Cluster")) > 1 {
			region = r
			break
		}
	}
	if region == "" {
		t.Fatal("no clusters to test with")
	}
	// DescribeCluster is a default call, not an optional action: denied, it
	// fails the page (the scope keeps its entities) instead of dropping clusters.
	srv.Faults().Add(awsemu.FaultRule{Service: "eks", Operation: "DescribeCluster", AccountID: acct.ID, Status: 403,
		Code: "AccessDeniedException", Message: "not authorized to perform: eks:DescribeCluster", Count: 1})
	_, err := awstest.CollectPages(t, p, "AWS::EKS::Cluster", acct, region)
	if err == nil || awscloud.Classify(err) != awscloud.ErrDenied || !strings.Contains(err.Error(), "describe cluster ") {
		t.Fatalf("denied DescribeCluster: %v", err)
	}
}

// TestEKSClusterDeletedSinceListing: a cluster DescribeCluster no longer
// finds is left out of the page, the others kept.
func TestEKSClusterDeletedSinceListing(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	acct := awstest.OrgAccounts(t, srv, p)[0]
	for _, region := range awstest.KindSpec.Regions {
		want := len(awstest.Resources(srv, acct.ID, region, "AWS::EKS::Cluster"))
		if want == 0 {
			continue
		}
		srv.Faults().Add(awsemu.FaultRule{Service: "eks", Operation: "DescribeCluster", AccountID: acct.ID, Status: 404,
			Code: "ResourceNotFoundException", Message: "gone", Count: 1})
		items, _ := awstest.CollectAll(t, p, "AWS::EKS::Cluster", acct, region, 100)
		if len(items) != want-1 {
			t.Fatalf("%d clusters, want %d (one gone)", len(items), want-1)
		}
		for _, it := range items {
			if it == nil || it["Type"] != "AWS::EKS::Cluster" {
				t.Fatalf("item %v", it)
			}
		}
		return
	}
	t.Fatal("no clusters to test with")
}
