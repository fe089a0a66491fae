package awscloud_test

import (
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	"github.com/aws/aws-sdk-go-v2/aws"
)

func TestPropsConversion(t *testing.T) {
	got := awscloud.Props(sampleInstance(), nil)
	keys := make([]string, 0, len(got))
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	// Nil pointers/slices, empty enums and zero times are left out; zero
	// numbers and empty-but-present lists are kept.
	want := []string{"AmiLaunchIndex", "InstanceId", "LaunchTime", "SecurityGroups", "State", "Tags"}
	if !reflect.DeepEqual(keys, want) {
		t.Fatalf("keys %v, want %v", keys, want)
	}
	if got["AmiLaunchIndex"] != 0 || got["LaunchTime"] != "2024-05-01T10:00:00Z" ||
		!reflect.DeepEqual(got["State"], map[string]any{"Code": 16, "Name": "running"}) ||
		!reflect.DeepEqual(got["Tags"], []any{map[string]any{"Key": "Name", "Value": ""}}) ||
		!reflect.DeepEqual(got["SecurityGroups"], []any{}) {
		t.Fatalf("props %v", got)
	}
	lower := awscloud.Props(sampleInstance(), strings.ToLower)
	if _, ok := lower["State"].(map[string]any)["code"]; !ok {
		t.Fatalf("nested renaming: %v", lower)
	}
}

func sampleInstance() ec2types.Instance {
	lt := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	return ec2types.Instance{
		InstanceId:               aws.String("i-1"),
		AmiLaunchIndex:           aws.Int32(0),
		LaunchTime:               &lt,
		State:                    &ec2types.InstanceState{Code: aws.Int32(16), Name: ec2types.InstanceStateNameRunning},
		Tags:                     []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("")}},
		SecurityGroups:           []ec2types.GroupIdentifier{},
		Architecture:             "",
		UsageOperationUpdateTime: nil,
	}
}
