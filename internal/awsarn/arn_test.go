package awsarn

import (
	"strings"
	"testing"
)

func TestParseRoleARN(t *testing.T) {
	good := []struct {
		in   string
		want RoleARN
	}{
		{"arn:aws:iam::123456789012:role/PortOceanReadRole", RoleARN{"aws", "123456789012", "/", "PortOceanReadRole"}},
		{"arn:aws-us-gov:iam::123456789012:role/port/read/Reader", RoleARN{"aws-us-gov", "123456789012", "/port/read/", "Reader"}},
		{"arn:aws-cn:iam::000000000001:role/a+b=c,d.e@f_g-h", RoleARN{"aws-cn", "000000000001", "/", "a+b=c,d.e@f_g-h"}},
	}
	for _, g := range good {
		got, err := ParseRoleARN(g.in)
		if err != nil || got != g.want {
			t.Errorf("ParseRoleARN(%q) = %+v, %v; want %+v", g.in, got, err, g.want)
		}
		if got.String() != g.in {
			t.Errorf("String() = %q, want %q", got.String(), g.in)
		}
	}
	member := RoleARN{"aws", "123456789012", "/port/", "Reader"}.InAccount("210987654321")
	if member.String() != "arn:aws:iam::210987654321:role/port/Reader" {
		t.Errorf("InAccount = %s", member)
	}

	bad := []struct{ in, reason string }{
		{"", "it is empty"},
		{" arn:aws:iam::123456789012:role/x", "it has leading or trailing spaces"},
		{"arn:aws:iam::123456789012", "it must have the form arn:PARTITION:iam::ACCOUNT_ID:role/NAME"},
		{"role/x", "it must have the form"},
		{"arn:aws-eu:iam::123456789012:role/x", `the partition "aws-eu" is not one of aws, aws-us-gov, aws-cn`},
		{"arn:aws:sts::123456789012:assumed-role/x/session", "it is an STS (assumed-role session) ARN; give the IAM role ARN instead"},
		{"arn:aws:s3:::bucket/x", `the service must be iam, not "s3"`},
		{"arn:aws:iam:us-east-1:123456789012:role/x", `IAM ARNs have no region; remove "us-east-1"`},
		{"arn:aws:iam::123:role/x", "the account id must be 12 digits"},
		{"arn:aws:iam::12345678901a:role/x", "the account id must be 12 digits"},
		{"arn:aws:iam::123456789012:user/x", `the resource must start with role/, not "user/x"`},
		{"arn:aws:iam::123456789012:role/", "the role name is missing"},
		{"arn:aws:iam::123456789012:role/path/", "the role name is missing"},
		{"arn:aws:iam::123456789012:role/bad name", `the role name "bad name" may only hold`},
		{"arn:aws:iam::123456789012:role/a//x", `the role path "/a//" is not a valid IAM path`},
	}
	for _, b := range bad {
		_, err := ParseRoleARN(b.in)
		if err == nil {
			t.Errorf("ParseRoleARN(%q) = nil error", b.in)
			continue
		}
		want := `is not a role ARN: ` + b.reason
		if !strings.Contains(err.Error(), want) || !strings.HasSuffix(err.Error(), "e.g. arn:aws:iam::123456789012:role/PortOceanReadRole") {
			t.Errorf("ParseRoleARN(%q) = %q, want it to contain %q and end with the example", b.in, err, want)
		}
	}
}
