package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws-port-sync/aws-port-sync/internal/catalog"
	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// bigScopeMapping maps EC2 instances only, with the default mapping's fields.
const bigScopeMapping = `deleteDependentEntities: true
createMissingRelatedEntities: true
entityDeletionThreshold: 0.5
resources:
  - kind: AWS::EC2::Instance
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .Properties.InstanceId
          title: .Properties.InstanceId
          blueprint: '"ec2Instance"'
          properties:
            instanceType: .Properties.InstanceType
            state: .Properties.State.Name
            region: .__ExtraContext.Region
          relations:
            account: .__ExtraContext.AccountId
`

// Issue 7, item 4: an account with 100,000 resources of one kind syncs. The
// keys a scope produced stay in its activity, never in workflow state, so the
// account's history holds no payload that grows with the scope; and deletion
// stays exact: a second resync deletes exactly what left AWS.
func TestAccountWith100kResourcesOfOneKind(t *testing.T) {
	const n = 100_000
	s := newStack(t, awsemu.Spec{Seed: 77, Accounts: 1, Regions: []string{"us-east-1"}, RoleName: roleName})
	s.tuning.PageSize = 1000 // DescribeInstances' largest page
	key := awsemu.ResourceKey{Kind: "AWS::EC2::Instance", Region: "us-east-1"}
	var account string
	s.aws.Update(func(o *awsemu.Org) {
		account = o.ManagementAccountID
		list := make([]*awsemu.Resource, 0, n)
		for i := range n {
			list = append(list, &awsemu.Resource{ID: fmt.Sprintf("i-%017x", i), Tags: map[string]string{},
				Attributes: map[string]any{"InstanceType": "t3.micro", "State": "running"}})
		}
		o.Accounts[account].Resources[key] = list
	})
	s.writeMapping(bigScopeMapping)
	s.startWorker()

	p, id := s.resync()
	if p.AccountsFailed != 0 || p.Accounts[0].Status != syncdef.AccountSynced {
		t.Fatalf("account not synced: %+v", p.Accounts)
	}
	if got := s.countBlueprint("ec2Instance"); got != n {
		t.Fatalf("Port holds %d ec2Instance entities, want %d", got, n)
	}
	if p.Counts.Upserted != n {
		t.Fatalf("upserted %d, want %d", p.Counts.Upserted, n)
	}
	largest, event := s.largestAccountPayload(id)
	t.Logf("first resync: %d upserted; largest payload in the account's history %d bytes (%s)", p.Counts.Upserted, largest, event)
	// The produced keys alone would be about 2 MB; what the workflow keeps
	// must not grow with the scope.
	if largest > 16<<10 {
		t.Fatalf("the account's history holds a %d-byte payload (%s): the scope's keys reached workflow state", largest, event)
	}

	// Seven instances leave AWS: exactly they are deleted, nothing else.
	gone := map[catalog.Key]bool{}
	s.aws.Update(func(o *awsemu.Org) {
		for _, i := range []int{0, 1, 999, 1000, 50_000, 77_777, n - 1} {
			id := fmt.Sprintf("i-%017x", i)
			if !o.RemoveResource(account, key, id) {
				t.Fatalf("instance %s not found", id)
			}
			gone[catalog.Key{Blueprint: "ec2Instance", Identifier: id}] = true
		}
	})
	p, _ = s.resync()
	if p.Counts.Deleted != len(gone) || p.Counts.Upserted != 0 || p.Counts.Unchanged != n-len(gone) {
		t.Fatalf("second resync: deleted %d, upserted %d, unchanged %d; want %d, 0, %d",
			p.Counts.Deleted, p.Counts.Upserted, p.Counts.Unchanged, len(gone), n-len(gone))
	}
	keys := s.catalogKeys()
	for k := range gone {
		if _, ok := keys[k]; ok {
			t.Fatalf("%s was removed from AWS but is still in Port", k.Identifier)
		}
	}
	if got := s.countBlueprint("ec2Instance"); got != n-len(gone) {
		t.Fatalf("Port holds %d ec2Instance entities after the deletion, want %d", got, n-len(gone))
	}
}

func (s *stack) countBlueprint(blueprint string) int {
	c := 0
	for k := range s.catalogKeys() {
		if k.Blueprint == blueprint {
			c++
		}
	}
	return c
}

// largestAccountPayload is the largest payload (input, result, carry) in the
// histories of the resync's account workflows, with the event that holds it.
func (s *stack) largestAccountPayload(resyncID string) (int, string) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	largest, event := 0, ""
	s.aws.View(func(o *awsemu.Org) {
		for _, a := range o.OrderedAccounts() {
			it := s.client.GetWorkflowHistory(ctx, resyncID+"/account/"+a.ID, "", false, 0)
			for it.HasNext() {
				ev, err := it.Next()
				if err != nil {
					s.t.Fatal(err)
				}
				if sz := largestPayloads(ev.ProtoReflect()); sz > largest {
					largest, event = sz, ev.GetEventType().String()
				}
			}
		}
	})
	return largest, event
}
