package awscloud_test

import (
	"sort"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"
)

// The shared helpers live in awstest, next to the kind packages' tests.
var (
	startEmu            = awstest.StartEmu
	ctxT                = awstest.Ctx
	staticProvider      = awstest.StaticProvider
	webIdentityProvider = awstest.WebIdentityProvider
	facts               = awstest.Facts
	roleARN             = awstest.RoleARN
	ops                 = awstest.Ops
)

type orgFacts = awstest.OrgFacts

func sortedIDs(accts []awscloud.Account) []string {
	out := make([]string, 0, len(accts))
	for _, a := range accts {
		out = append(out, a.ID)
	}
	sort.Strings(out)
	return out
}
