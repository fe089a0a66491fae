// Package awscloud is the AWS side of aws-port-sync: credentials (web identity,
// static keys, assume role) cached per (account, role), account discovery,
// enabled regions, and one collector per resource kind that turns AWS pages into
// Ocean-shaped raw items.
package awscloud

import (
	"fmt"
	"strings"
)

// Partitions accepted in role ARNs (Ocean #3253 rejected GovCloud and China by
// mistake; we accept all three).
var partitions = []string{"aws", "aws-us-gov", "aws-cn"}

// RoleARN is a parsed IAM role ARN: arn:PARTITION:iam::ACCOUNT:role/PATH/NAME.
// Path is "/" for roles without a path, otherwise "/a/b/".
type RoleARN struct {
	Partition string
	AccountID string
	Path      string
	Name      string
}

// String renders the ARN back in AWS's form.
func (r RoleARN) String() string {
	return "arn:" + r.Partition + ":iam::" + r.AccountID + ":role" + r.Path + r.Name
}

const arnExample = "arn:aws:iam::123456789012:role/PortOceanReadRole"

// ParseRoleARN parses and validates an IAM role ARN. Errors name the part that is
// wrong and show a correct example, because these ARNs are typed by hand into
// Helm values.
func ParseRoleARN(s string) (RoleARN, error) {
	bad := func(part, why string) (RoleARN, error) {
		return RoleARN{}, fmt.Errorf("invalid role ARN %q: %s %s (expected arn:PARTITION:iam::ACCOUNT_ID:role/[PATH/]NAME, e.g. %s)", s, part, why, arnExample)
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return bad("ARN", "is empty")
	}
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 {
		return bad("ARN", "does not have 6 colon-separated parts")
	}
	if parts[0] != "arn" {
		return bad("prefix", fmt.Sprintf("%q must be \"arn\"", parts[0]))
	}
	if !validPartition(parts[1]) {
		return bad("partition", fmt.Sprintf("%q must be one of %s", parts[1], strings.Join(partitions, ", ")))
	}
	if parts[2] != "iam" {
		return bad("service", fmt.Sprintf("%q must be \"iam\"", parts[2]))
	}
	if parts[3] != "" {
		return bad("region", fmt.Sprintf("%q must be empty (IAM is global)", parts[3]))
	}
	if !isAccountID(parts[4]) {
		return bad("account id", fmt.Sprintf("%q must be 12 digits", parts[4]))
	}
	res := parts[5]
	if !strings.HasPrefix(res, "role/") {
		return bad("resource", fmt.Sprintf("%q must start with \"role/\"", res))
	}
	rest := strings.TrimPrefix(res, "role")
	i := strings.LastIndex(rest, "/")
	path, name := rest[:i+1], rest[i+1:]
	if name == "" {
		return bad("role name", "is empty")
	}
	if strings.Contains(path, "//") {
		return bad("role path", fmt.Sprintf("%q has an empty segment", path))
	}
	return RoleARN{Partition: parts[1], AccountID: parts[4], Path: path, Name: name}, nil
}

// MemberRoleARN is the org role's path and name in another account of the same
// partition: Ocean assumes the same role in every member account.
func MemberRoleARN(orgRole RoleARN, accountID string) string {
	r := orgRole
	r.AccountID = accountID
	return r.String()
}

func validPartition(p string) bool {
	for _, x := range partitions {
		if p == x {
			return true
		}
	}
	return false
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

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
