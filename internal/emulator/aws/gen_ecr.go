package awsemu

import (
	"fmt"
	"time"
)

// KindECRRepository is served by ecr.go.
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
