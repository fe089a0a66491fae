package awsemu_test

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func ecrRepo(i int) *awsemu.Resource {
	name := fmt.Sprintf("zz/repo-%02d", i)
	attrs := map[string]any{"ImageTagMutability": "IMMUTABLE", "ScanOnPush": true, "EncryptionType": "KMS", "KMSKey": "arn:aws:kms:us-east-1:123456789012:key/k"}
	if i%2 == 0 {
		attrs["PolicyText"] = `{"Version":"2012-10-17"}`
	}
	if i%3 == 0 {
		attrs["LifecyclePolicyText"] = `{"rules":[]}`
	}
	return &awsemu.Resource{ID: name, Name: name, CreatedAt: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
		Tags: map[string]string{"repo": name, "team": "t"}, Attributes: attrs}
}

func TestECRDescribeRepositoriesPaginates(t *testing.T) {
	e := svcStart(t)
	e.add(t, e.mgmt, "us-west-2", awsemu.KindECRRepository, 17, ecrRepo)
	var want []string
	for _, r := range e.resources(e.mgmt, "us-west-2", awsemu.KindECRRepository) {
		want = append(want, r.ID)
	}
	sort.Strings(want)
	client := ecr.NewFromConfig(e.cfg("us-west-2"))
	p := ecr.NewDescribeRepositoriesPaginator(client, &ecr.DescribeRepositoriesInput{MaxResults: aws.Int32(4)})
	var got []string
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(e.ctx)
		if err != nil {
			t.Fatalf("describe repositories: %v", err)
		}
		pages++
		for _, r := range out.Repositories {
			got = append(got, aws.ToString(r.RepositoryName))
			if aws.ToString(r.RepositoryName) == "zz/repo-03" {
				if aws.ToString(r.RepositoryArn) != "arn:aws:ecr:us-west-2:"+e.mgmt+":repository/zz/repo-03" ||
					aws.ToString(r.RepositoryUri) != e.mgmt+".dkr.ecr.us-west-2.amazonaws.com/zz/repo-03" || aws.ToString(r.RegistryId) != e.mgmt ||
					!r.CreatedAt.Equal(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)) || r.ImageTagMutability != ecrtypes.ImageTagMutabilityImmutable ||
					!r.ImageScanningConfiguration.ScanOnPush || r.EncryptionConfiguration.EncryptionType != ecrtypes.EncryptionTypeKms ||
					aws.ToString(r.EncryptionConfiguration.KmsKey) == "" {
					t.Errorf("repository decoded wrong: %+v", r)
				}
			}
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || pages != (len(want)+3)/4 {
		t.Fatalf("listed %v in %d pages, want %v", got, pages, want)
	}
	_, err := client.DescribeRepositories(e.ctx, &ecr.DescribeRepositoriesInput{NextToken: aws.String("bogus")})
	svcAPIError(t, err, "InvalidParameterException", http.StatusBadRequest)
}

func TestECRPoliciesAndTags(t *testing.T) {
	e := svcStart(t)
	e.add(t, e.mgmt, "us-east-1", awsemu.KindECRRepository, 4, ecrRepo)
	client := ecr.NewFromConfig(e.cfg("us-east-1"))

	p, err := client.GetRepositoryPolicy(e.ctx, &ecr.GetRepositoryPolicyInput{RepositoryName: aws.String("zz/repo-00")})
	if err != nil || aws.ToString(p.PolicyText) != `{"Version":"2012-10-17"}` || aws.ToString(p.RegistryId) != e.mgmt {
		t.Fatalf("repository policy %+v, %v", p, err)
	}
	_, err = client.GetRepositoryPolicy(e.ctx, &ecr.GetRepositoryPolicyInput{RepositoryName: aws.String("zz/repo-01")})
	var rpnf *ecrtypes.RepositoryPolicyNotFoundException
	if !errors.As(err, &rpnf) {
		t.Fatalf("no policy: %T %v", err, err)
	}
	l, err := client.GetLifecyclePolicy(e.ctx, &ecr.GetLifecyclePolicyInput{RepositoryName: aws.String("zz/repo-03")})
	if err != nil || aws.ToString(l.LifecyclePolicyText) != `{"rules":[]}` || l.LastEvaluatedAt == nil {
		t.Fatalf("lifecycle policy %+v, %v", l, err)
	}
	_, err = client.GetLifecyclePolicy(e.ctx, &ecr.GetLifecyclePolicyInput{RepositoryName: aws.String("zz/repo-01")})
	var lpnf *ecrtypes.LifecyclePolicyNotFoundException
	if !errors.As(err, &lpnf) {
		t.Fatalf("no lifecycle policy: %T %v", err, err)
	}
	_, err = client.GetLifecyclePolicy(e.ctx, &ecr.GetLifecyclePolicyInput{RepositoryName: aws.String("nope")})
	var rnf *ecrtypes.RepositoryNotFoundException
	if !errors.As(err, &rnf) {
		t.Fatalf("missing repository: %T %v", err, err)
	}

	arn := "arn:aws:ecr:us-east-1:" + e.mgmt + ":repository/zz/repo-02"
	tg, err := client.ListTagsForResource(e.ctx, &ecr.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil || len(tg.Tags) != 2 || aws.ToString(tg.Tags[0].Key) != "repo" || aws.ToString(tg.Tags[0].Value) != "zz/repo-02" {
		t.Fatalf("tags %+v, %v", tg, err)
	}
	_, err = ecr.NewFromConfig(e.memberCfg("us-east-1")).ListTagsForResource(e.ctx, &ecr.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	svcAPIError(t, err, "AccessDeniedException", http.StatusBadRequest)
}

func TestECRGeneratedFaultsAndLog(t *testing.T) {
	e := svcStart(t)
	client := ecr.NewFromConfig(e.memberCfg("eu-central-1"))
	want := e.resources(e.member, "eu-central-1", awsemu.KindECRRepository)
	out, err := client.DescribeRepositories(e.ctx, &ecr.DescribeRepositoriesInput{})
	if err != nil || len(out.Repositories) != len(want) {
		t.Fatalf("member sees %d repositories, holds %d: %v", len(out.Repositories), len(want), err)
	}
	e.srv.ResetRequests()
	e.srv.Faults().DenyAccess(e.member, "ecr", "eu-central-1")
	_, err = client.DescribeRepositories(e.ctx, &ecr.DescribeRepositoriesInput{})
	svcAPIError(t, err, "AccessDeniedException", http.StatusBadRequest)
	reqs := e.srv.Requests()
	if len(reqs) != 1 || reqs[0].Service != "ecr" || reqs[0].Operation != "DescribeRepositories" || reqs[0].AccountID != e.member {
		t.Errorf("request log = %+v", reqs)
	}
	e.clearFaults()
	svcCheckThrottle(t, e.srv, "ecr", "ThrottlingException", http.StatusBadRequest, func() error {
		_, err := client.DescribeRepositories(e.ctx, &ecr.DescribeRepositoriesInput{})
		return err
	})
}
