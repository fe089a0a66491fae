package awsemu

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// KindDynamoDBTable is served by dynamodb.go.
const KindDynamoDBTable = "AWS::DynamoDB::Table"

// subRNG is a random stream of its own for one (account, region, kind), so
// kinds added later do not change what the shared stream generates for the
// kinds before them.
func (g *generator) subRNG(a *Account, region, kind string) *rand.Rand {
	h := svcHash(fmt.Sprint(g.spec.Seed), a.ID, region, kind)
	return rand.New(rand.NewPCG(uint64(h), uint64(g.spec.Seed)^0x5851f42d4c957f2d))
}

func (g *generator) genDynamoDB(a *Account, region string) {
	if g.spec.ResourcesPerKind <= 0 {
		return
	}
	rng := g.subRNG(a, region, KindDynamoDBTable)
	n := rng.IntN(2*g.spec.ResourcesPerKind + 1)
	key := ResourceKey{Region: region, Kind: KindDynamoDBTable}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("%s-%s-%d", genTeams[rng.IntN(len(genTeams))], genWords[rng.IntN(len(genWords))], i+1)
		created := a.JoinedAt.Add(time.Duration(rng.IntN(400*24)) * time.Hour)
		attrs := map[string]any{
			"BillingMode":               []string{"PAY_PER_REQUEST", "PROVISIONED"}[rng.IntN(2)],
			"ReadCapacityUnits":         int64([]int{5, 10, 25, 100}[rng.IntN(4)]),
			"WriteCapacityUnits":        int64([]int{5, 10, 25, 100}[rng.IntN(4)]),
			"ItemCount":                 int64(rng.IntN(1_000_000)),
			"HashKey":                   []string{"id", "pk", "userId", "orderId"}[rng.IntN(4)],
			"DeletionProtectionEnabled": rng.IntN(2) == 0,
			"PointInTimeRecovery":       rng.IntN(2) == 0,
		}
		attrs["TableSizeBytes"] = attrs["ItemCount"].(int64) * int64(100+rng.IntN(900))
		tags := map[string]string{"Name": name, "env": a.Tags["env"], "team": genTeams[rng.IntN(len(genTeams))]}
		if rng.IntN(4) == 0 {
			tags = map[string]string{}
		}
		a.Resources[key] = append(a.Resources[key], &Resource{ID: name, Name: name,
			ARN: g.arn("dynamodb", region, a.ID, "table/"+name), CreatedAt: created, Tags: tags, Attributes: attrs})
	}
}
