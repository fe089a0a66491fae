// Package awsarn parses IAM role ARNs, the one piece of AWS syntax that users
// type by hand (Helm values, env). Configuration validation and the AWS side
// share it so that both accept and reject the same ARNs with the same words.
package awsarn

import (
	"fmt"
	"regexp"
	"strings"
)

// RoleARN is a parsed IAM role ARN: arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME.
type RoleARN struct {
	Partition string // aws, aws-us-gov or aws-cn
	AccountID string // 12 digits
	Path      string // "/" or "/a/b/"
	Name      string
}

// String rebuilds the ARN.
func (r RoleARN) String() string {
	return "arn:" + r.Partition + ":iam::" + r.AccountID + ":role" + r.Path + r.Name
}

// InAccount is the same role path and name in another account (how
// organization mode builds member role ARNs).
func (r RoleARN) InAccount(accountID string) RoleARN {
	r.AccountID = accountID
	return r
}

// Partitions are the partitions Ocean aws-v3 accepts.
var Partitions = []string{"aws", "aws-us-gov", "aws-cn"}

const exampleRoleARN = "arn:aws:iam::123456789012:role/PortOceanReadRole"

var (
	accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)
	// IAM role names: 1-64 of letters, digits and +=,.@_- .
	roleNamePattern = regexp.MustCompile(`^[A-Za-z0-9+=,.@_-]{1,64}$`)
	// IAM paths: "/" or "/segments/" of printable ASCII, at most 512 characters.
	rolePathPattern = regexp.MustCompile(`^/([\x21-\x2E\x30-\x7E]+/)*$`)
)

// ARNError says why a string is not a role ARN, with an example of one.
type ARNError struct {
	ARN    string
	Reason string
}

func (e *ARNError) Error() string {
	return fmt.Sprintf("%q is not a role ARN: %s, e.g. %s", e.ARN, e.Reason, exampleRoleARN)
}

// ParseRoleARN parses and validates an IAM role ARN. The error names the part
// that is wrong.
func ParseRoleARN(s string) (RoleARN, error) {
	bad := func(format string, args ...any) (RoleARN, error) {
		return RoleARN{}, &ARNError{ARN: s, Reason: fmt.Sprintf(format, args...)}
	}
	if s == "" {
		return bad("it is empty")
	}
	if strings.TrimSpace(s) != s {
		return bad("it has leading or trailing spaces")
	}
	parts := strings.SplitN(s, ":", 6)
	if parts[0] != "arn" || len(parts) != 6 {
		return bad("it must have the form arn:PARTITION:iam::ACCOUNT_ID:role/NAME")
	}
	partition, service, region, account, resource := parts[1], parts[2], parts[3], parts[4], parts[5]
	if !IsPartition(partition) {
		return bad("the partition %q is not one of %s", partition, strings.Join(Partitions, ", "))
	}
	if service != "iam" {
		if service == "sts" {
			return bad("it is an STS (assumed-role session) ARN; give the IAM role ARN instead")
		}
		return bad("the service must be iam, not %q", service)
	}
	if region != "" {
		return bad("IAM ARNs have no region; remove %q", region)
	}
	if !accountIDPattern.MatchString(account) {
		return bad("the account id must be 12 digits")
	}
	rest, ok := strings.CutPrefix(resource, "role/")
	if !ok {
		return bad("the resource must start with role/, not %q", resource)
	}
	path, name := "/", rest
	if i := strings.LastIndex(rest, "/"); i >= 0 {
		path, name = "/"+rest[:i+1], rest[i+1:]
	}
	if name == "" {
		return bad("the role name is missing")
	}
	if !roleNamePattern.MatchString(name) {
		return bad("the role name %q may only hold 1-64 letters, digits and +=,.@_-", name)
	}
	if len(path) > 512 || !rolePathPattern.MatchString(path) {
		return bad("the role path %q is not a valid IAM path", path)
	}
	return RoleARN{Partition: partition, AccountID: account, Path: path, Name: name}, nil
}

// IsPartition reports whether p is one of the partitions we accept.
func IsPartition(p string) bool {
	for _, known := range Partitions {
		if p == known {
			return true
		}
	}
	return false
}
