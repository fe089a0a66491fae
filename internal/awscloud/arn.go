// Package awscloud is the AWS side of aws-port-sync: credentials (web identity,
// static keys, assume role) cached per (account, role), account discovery,
// enabled regions, and one collector per resource kind that turns AWS pages into
// Ocean-shaped raw items.
package awscloud

import "strings"

// partitionOfRegion infers the partition from a region name.
func partitionOfRegion(region string) string {
	switch {
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	default:
		return "aws"
	}
}
