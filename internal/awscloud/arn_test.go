package awscloud_test

import (
	"strings"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
)

func TestParseRoleARN(t *testing.T) {
	good := []struct {
		in   string
		want awscloud.RoleARN
	}{
		{"arn:aws:iam::123456789012:role/PortOceanReadRole", awscloud.RoleARN{Partition: "aws", AccountID: "123456789012", Path: "/", Name: "PortOceanReadRole"}},
		{"arn:aws-us-gov:iam::123456789012:role/port/read/Reader", awscloud.RoleARN{Partition: "aws-us-gov", AccountID: "123456789012", Path: "/port/read/", Name: "Reader"}},
		{" arn:aws-cn:iam::000000000001:role/x ", awscloud.RoleARN{Partition: "aws-cn", AccountID: "000000000001", Path: "/", Name: "x"}},
	}
	for _, tc := range good {
		got, err := awscloud.ParseRoleARN(tc.in)
		if err != nil {
			t.Fatalf("ParseRoleARN(%q): %v", tc.in, err)
		}
		if got != tc.want {
			t.Fatalf("ParseRoleARN(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
		if strings.TrimSpace(tc.in) != got.String() {
			t.Fatalf("String() = %q, want %q", got.String(), strings.TrimSpace(tc.in))
		}
	}
	bad := []struct{ in, part string }{
		{"", "ARN is empty"},
		{"arn:aws:iam::123456789012", "6 colon-separated parts"},
		{"urn:aws:iam::123456789012:role/x", "prefix"},
		{"arn:aws-eu:iam::123456789012:role/x", "partition \"aws-eu\" must be one of aws, aws-us-gov, aws-cn"},
		{"arn:aws:sts::123456789012:role/x", "service \"sts\""},
		{"arn:aws:iam:us-east-1:123456789012:role/x", "region \"us-east-1\""},
		{"arn:aws:iam::12345:role/x", "account id \"12345\" must be 12 digits"},
		{"arn:aws:iam::123456789012:user/x", "resource \"user/x\" must start with \"role/\""},
		{"arn:aws:iam::123456789012:role/path/", "role name is empty"},
		{"arn:aws:iam::123456789012:role/a//b", "role path"},
	}
	for _, tc := range bad {
		_, err := awscloud.ParseRoleARN(tc.in)
		if err == nil {
			t.Fatalf("ParseRoleARN(%q): no error", tc.in)
		}
		if !strings.Contains(err.Error(), tc.part) || !strings.Contains(err.Error(), "arn:aws:iam::123456789012:role/PortOceanReadRole") {
			t.Fatalf("ParseRoleARN(%q) error %q should name %q and show an example", tc.in, err, tc.part)
		}
	}
}

func TestMemberRoleARNKeepsPathAndPartition(t *testing.T) {
	org, err := awscloud.ParseRoleARN("arn:aws-us-gov:iam::111111111111:role/port/ocean/Reader")
	if err != nil {
		t.Fatal(err)
	}
	got := awscloud.MemberRoleARN(org, "222222222222")
	if want := "arn:aws-us-gov:iam::222222222222:role/port/ocean/Reader"; got != want {
		t.Fatalf("MemberRoleARN = %q, want %q", got, want)
	}
}
