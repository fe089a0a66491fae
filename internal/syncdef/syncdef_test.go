package syncdef

import (
	"reflect"
	"testing"
)

func TestBlueprintCountsStaySortedAndSum(t *testing.T) {
	var c BlueprintCounts
	for _, add := range []struct {
		bp string
		n  int
	}{{"s3Bucket", 1}, {"awsAccount", 2}, {"s3Bucket", 3}, {"ec2Instance", 1}} {
		c = c.Add(add.bp, add.n)
	}
	want := BlueprintCounts{{"awsAccount", 2}, {"ec2Instance", 1}, {"s3Bucket", 4}}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("counts = %v, want %v", c, want)
	}
}

// The resync's status is what the starter's exit code and AwsPortSyncStatus say.
func TestResyncStatus(t *testing.T) {
	synced := AccountProgress{Status: AccountSynced}
	for _, tc := range []struct {
		name string
		p    Progress
		want string
	}{
		{"all synced", Progress{Phase: "done", AccountsTotal: 2, Accounts: []AccountProgress{synced, synced}}, AccountSynced},
		{"one account failed", Progress{Phase: "done", AccountsTotal: 2, AccountsFailed: 1, Accounts: []AccountProgress{synced, {Status: AccountFailed}}}, AccountPartial},
		{"every account failed", Progress{Phase: "done", AccountsTotal: 1, AccountsFailed: 1, Accounts: []AccountProgress{{Status: AccountFailed}}}, AccountFailed},
		{"rejected writes", Progress{Phase: "done", AccountsTotal: 1, Accounts: []AccountProgress{synced}, Counts: Counts{Failed: 1}}, AccountPartial},
		{"deletion failed", Progress{Phase: "done", AccountsTotal: 1, Accounts: []AccountProgress{synced}, DeletionFailed: true}, AccountPartial},
		{"resync failed", Progress{Phase: "failed", Error: "discover accounts: denied"}, AccountFailed},
		{"refused", Progress{Phase: StatusRefused, Error: "not started"}, StatusRefused},
	} {
		if got := tc.p.ResyncStatus(); got != tc.want {
			t.Errorf("%s: status %q, want %q", tc.name, got, tc.want)
		}
	}
}
