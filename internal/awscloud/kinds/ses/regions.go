// Package ses holds the Amazon SES (v2 API) kinds.
package ses

import "github.com/aws-port-sync/aws-port-sync/internal/awscloud"

// supportedRegions are the regions Ocean reads SES in (its hard-coded list);
// the account's enabled regions are intersected with them.
var supportedRegions = []string{
	"af-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2",
	"ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ca-central-1", "eu-central-1", "eu-central-2",
	"eu-north-1", "eu-south-1", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1",
	"me-south-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2", "us-gov-east-1", "us-gov-west-1",
}

// sesConcurrency bounds the per-item Get calls of a page.
const sesConcurrency = 10

// pick keeps the fields of Ocean's model (it ignores the others).
func pick(all map[string]any, fields []string, into map[string]any) {
	for _, f := range fields {
		if v, ok := all[f]; ok {
			into[f] = v
		}
	}
}

var _ awscloud.RegionRestricted = emailIdentityKind{}
var _ awscloud.RegionRestricted = configurationSetKind{}
