package main

import (
	"strings"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// An account swept because the configuration excludes it is reported as
// excluded, with the setting; one that left the organization as departed.
func TestReportTellsExcludedFromDeparted(t *testing.T) {
	var b strings.Builder
	printReport(&b, "r", syncdef.Progress{
		Phase:    "done",
		Excluded: []syncdef.ExcludedAccount{{ID: "111111111111", Reason: "excludedOuIds ou-ab12-sandboxs"}, {ID: "333333333333", Reason: "excludedAccountIds"}},
		Departed: []syncdef.SweptScope{{AccountID: "111111111111", Entities: 7}, {AccountID: "222222222222", Entities: 3}},
	}, nil)
	out := b.String()
	for _, want := range []string{
		"Excluded: account 111111111111 by excludedOuIds ou-ab12-sandboxs (7 entities swept)",
		"Departed: account 222222222222 left the organization or is no longer synced (3 entities)",
		"Excluded by configuration: 2 accounts: 111111111111 (excludedOuIds ou-ab12-sandboxs), 333333333333 (excludedAccountIds)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Departed: account 111111111111") {
		t.Errorf("an excluded account is reported as departed:\n%s", out)
	}
}

// Optional actions left out are named under their account, which stays synced.
func TestReportNamesOmittedOptionalActions(t *testing.T) {
	var b strings.Builder
	ex := "GetBucketEncryptionAction denied for bucket b1: AccessDenied: Access Denied"
	printReport(&b, "r", syncdef.Progress{
		Phase: "done",
		Accounts: []syncdef.AccountProgress{{AccountID: "111111111111", Name: "dev", Status: syncdef.AccountSynced,
			Counts: syncdef.Counts{Upserted: 3, OmittedActions: 3}, OmittedActions: []string{ex}}},
	}, nil)
	out := b.String()
	for _, want := range []string{"done: synced", "3 optional fields left out", "left out: " + ex} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}
