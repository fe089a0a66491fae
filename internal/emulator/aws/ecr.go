package awsemu

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// ECR speaks awsJson1_1: POST / with X-Amz-Target
// "AmazonEC2ContainerRegistry_V20150921.<Op>", lowerCamel JSON members (tags
// are {"Key","Value"}), epoch-second timestamps, errors as {"__type","message"}.
// Served: DescribeRepositories (nextToken / maxResults paging, 1–1000, 100 by
// default), GetRepositoryPolicy, GetLifecyclePolicy, ListTagsForResource.
//
// Resource attributes read (absent ones default as noted in the code):
//
//	AWS::ECR::Repository  ID = repository name (may hold "/"); ImageTagMutability string,
//	  ScanOnPush bool, EncryptionType string ("AES256"|"KMS"), KMSKey string,
//	  PolicyText string and LifecyclePolicyText string (absent: the repository has no
//	  such policy and Get*Policy answers its *PolicyNotFoundException)

const ecrTargetPrefix = "AmazonEC2ContainerRegistry_V20150921."

type ecrService struct{}

func init() { Register(ecrService{}) }

func (ecrService) SigningName() string { return "ecr" }
func (ecrService) Protocol() Protocol  { return ProtocolJSON11 }
func (ecrService) ThrottleCode() (string, int) {
	return "ThrottlingException", http.StatusBadRequest
}

func (ecrService) Operation(r *http.Request, _ []byte) (string, bool) {
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), ecrTargetPrefix)
	if !ok {
		return "", false
	}
	switch op {
	case "DescribeRepositories", "GetRepositoryPolicy", "GetLifecyclePolicy", "ListTagsForResource":
		return op, true
	}
	return op, false
}

func (ecrService) Serve(c *Call) {
	if svcRegionDisabled(c) {
		c.Error(http.StatusBadRequest, "UnrecognizedClientException", "The security token included in the request is invalid.")
		return
	}
	switch c.Op {
	case "DescribeRepositories":
		ecrDescribeRepositories(c)
	case "GetRepositoryPolicy":
		ecrGetRepositoryPolicy(c)
	case "GetLifecyclePolicy":
		ecrGetLifecyclePolicy(c)
	case "ListTagsForResource":
		ecrListTags(c)
	}
}

func ecrInvalid(c *Call, msg string) {
	c.Error(http.StatusBadRequest, "InvalidParameterException", msg)
}

func ecrARN(c *Call, r *Resource) string {
	if r.ARN != "" {
		return r.ARN
	}
	return "arn:" + svcPartition(c) + ":ecr:" + c.Region + ":" + c.AccountID + ":repository/" + r.ID
}

func ecrRepos(c *Call) []*Resource {
	repos := append([]*Resource(nil), svcResources(c, KindECRRepository)...)
	sort.Slice(repos, func(i, j int) bool { return repos[i].ID < repos[j].ID })
	return repos
}

func ecrFind(c *Call, name string) *Resource {
	for _, r := range svcResources(c, KindECRRepository) {
		if r.ID == name {
			return r
		}
	}
	return nil
}

func ecrRender(c *Call, r *Resource) map[string]any {
	enc := map[string]any{"encryptionType": svcStr(r, "EncryptionType", "AES256")}
	if k := svcStr(r, "KMSKey", ""); k != "" {
		enc["kmsKey"] = k
	}
	uriHost := c.AccountID + ".dkr.ecr." + c.Region + ".amazonaws.com"
	if strings.HasPrefix(c.Region, "cn-") {
		uriHost += ".cn"
	}
	return map[string]any{
		"repositoryArn":              ecrARN(c, r),
		"registryId":                 c.AccountID,
		"repositoryName":             r.ID,
		"repositoryUri":              uriHost + "/" + r.ID,
		"createdAt":                  ecsEpoch(svcCreated(r)),
		"imageTagMutability":         svcStr(r, "ImageTagMutability", "MUTABLE"),
		"imageScanningConfiguration": map[string]any{"scanOnPush": svcBool(r, "ScanOnPush", false)},
		"encryptionConfiguration":    enc,
	}
}

func ecrDescribeRepositories(c *Call) {
	var in struct {
		RegistryID      string   `json:"registryId"`
		RepositoryNames []string `json:"repositoryNames"`
		NextToken       string   `json:"nextToken"`
		MaxResults      *int     `json:"maxResults"`
	}
	if !svcDecodeJSON(c, &in) {
		return
	}
	if in.RegistryID != "" && in.RegistryID != c.AccountID {
		c.Error(http.StatusBadRequest, "AccessDeniedException", "User: "+c.Principal+" is not authorized to perform: ecr:DescribeRepositories on resource: registry "+in.RegistryID)
		return
	}
	if len(in.RepositoryNames) > 0 {
		out := []map[string]any{}
		for _, name := range in.RepositoryNames {
			r := ecrFind(c, name)
			if r == nil {
				c.Error(http.StatusBadRequest, "RepositoryNotFoundException",
					"The repository with name '"+name+"' does not exist in the registry with id '"+c.AccountID+"'")
				return
			}
			out = append(out, ecrRender(c, r))
		}
		c.JSON(map[string]any{"repositories": out})
		return
	}
	size := 0
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 1000 {
			ecrInvalid(c, "Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member must have value less than or equal to 1000'")
			return
		}
		size = *in.MaxResults
	}
	repos := ecrRepos(c)
	start, end, next, err := Page(len(repos), in.NextToken, size, 100)
	if err != nil {
		ecrInvalid(c, "Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid NextToken'")
		return
	}
	out := struct {
		Repositories []map[string]any `json:"repositories"`
		NextToken    string           `json:"nextToken,omitempty"`
	}{Repositories: []map[string]any{}, NextToken: next}
	for _, r := range repos[start:end] {
		out.Repositories = append(out.Repositories, ecrRender(c, r))
	}
	c.JSON(out)
}

// ecrRepoArg finds the repository a Get*Policy call names.
func ecrRepoArg(c *Call) *Resource {
	var in struct {
		RegistryID     string `json:"registryId"`
		RepositoryName string `json:"repositoryName"`
	}
	if !svcDecodeJSON(c, &in) {
		return nil
	}
	if in.RepositoryName == "" {
		ecrInvalid(c, "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must not be null'")
		return nil
	}
	r := ecrFind(c, in.RepositoryName)
	if r == nil || (in.RegistryID != "" && in.RegistryID != c.AccountID) {
		c.Error(http.StatusBadRequest, "RepositoryNotFoundException",
			"The repository with name '"+in.RepositoryName+"' does not exist in the registry with id '"+c.AccountID+"'")
		return nil
	}
	return r
}

func ecrGetRepositoryPolicy(c *Call) {
	r := ecrRepoArg(c)
	if r == nil {
		return
	}
	text := svcStr(r, "PolicyText", "")
	if text == "" {
		c.Error(http.StatusBadRequest, "RepositoryPolicyNotFoundException",
			"Repository policy does not exist for the repository with name '"+r.ID+"' in the registry with id '"+c.AccountID+"'")
		return
	}
	c.JSON(map[string]any{"registryId": c.AccountID, "repositoryName": r.ID, "policyText": text})
}

func ecrGetLifecyclePolicy(c *Call) {
	r := ecrRepoArg(c)
	if r == nil {
		return
	}
	text := svcStr(r, "LifecyclePolicyText", "")
	if text == "" {
		c.Error(http.StatusBadRequest, "LifecyclePolicyNotFoundException",
			"Lifecycle policy does not exist for the repository with name '"+r.ID+"' in the registry with id '"+c.AccountID+"'")
		return
	}
	c.JSON(map[string]any{"registryId": c.AccountID, "repositoryName": r.ID, "lifecyclePolicyText": text,
		"lastEvaluatedAt": ecsEpoch(svcCreated(r))})
}

// ecrParseARN splits arn:PARTITION:ecr:REGION:ACCOUNT:repository/NAME.
func ecrParseARN(arn string) (region, account, name string, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "ecr" {
		return "", "", "", false
	}
	name, ok = strings.CutPrefix(parts[5], "repository/")
	if !ok || name == "" {
		return "", "", "", false
	}
	return parts[3], parts[4], name, true
}

func ecrListTags(c *Call) {
	var in struct {
		ResourceArn string `json:"resourceArn"`
	}
	if !svcDecodeJSON(c, &in) {
		return
	}
	region, account, name, ok := ecrParseARN(in.ResourceArn)
	if !ok {
		ecrInvalid(c, "Invalid parameter at 'resourceArn' failed to satisfy constraint: 'Invalid ARN'")
		return
	}
	if account != c.AccountID {
		c.Error(http.StatusBadRequest, "AccessDeniedException", "User: "+c.Principal+" is not authorized to perform: ecr:ListTagsForResource on resource: "+in.ResourceArn)
		return
	}
	var r *Resource
	if region == c.Region {
		r = ecrFind(c, name)
	}
	if r == nil {
		c.Error(http.StatusBadRequest, "RepositoryNotFoundException",
			"The repository with name '"+name+"' does not exist in the registry with id '"+c.AccountID+"'")
		return
	}
	c.JSON(map[string]any{"tags": svcSortedTags(r.Tags)})
}

// KindECRRepository is the kind of the repositories this file serves and generates.
const KindECRRepository = "AWS::ECR::Repository"

func (g *generator) genECR(a *Account, region string) {
	if g.spec.ResourcesPerKind <= 0 {
		return
	}
	rng := g.subRNG(a, region, KindECRRepository)
	n := rng.IntN(2*g.spec.ResourcesPerKind + 1)
	key := ResourceKey{Region: region, Kind: KindECRRepository}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("%s/%s-%d", genTeams[rng.IntN(len(genTeams))], genWords[rng.IntN(len(genWords))], i+1)
		created := a.JoinedAt.Add(time.Duration(rng.IntN(400*24)) * time.Hour)
		attrs := map[string]any{
			"ImageTagMutability": []string{"MUTABLE", "IMMUTABLE"}[rng.IntN(2)],
			"ScanOnPush":         rng.IntN(2) == 0,
			"EncryptionType":     "AES256",
		}
		if rng.IntN(3) == 0 {
			attrs["EncryptionType"] = "KMS"
			attrs["KMSKey"] = fmt.Sprintf("arn:%s:kms:%s:%s:key/%s", g.spec.Partition, region, a.ID, svcUUID(a.ID, region, name))
		}
		// Some repositories have no repository policy, some no lifecycle policy.
		if rng.IntN(2) == 0 {
			attrs["PolicyText"] = `{"Version":"2012-10-17","Statement":[{"Sid":"pull","Effect":"Allow","Principal":{"AWS":"arn:` +
				g.spec.Partition + `:iam::` + a.ID + `:root"},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}`
		}
		if rng.IntN(2) == 0 {
			attrs["LifecyclePolicyText"] = `{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}`
		}
		tags := map[string]string{"Name": name, "env": a.Tags["env"], "team": genTeams[rng.IntN(len(genTeams))]}
		if rng.IntN(4) == 0 {
			tags = map[string]string{}
		}
		a.Resources[key] = append(a.Resources[key], &Resource{ID: name, Name: name,
			ARN: g.arn("ecr", region, a.ID, "repository/"+name), CreatedAt: created, Tags: tags, Attributes: attrs})
	}
}
