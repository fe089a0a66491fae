package awsemu_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/memorydb"
	mdbtypes "github.com/aws/aws-sdk-go-v2/service/memorydb/types"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestMemoryDBUsersOverCBOR(t *testing.T) {
	e := svcStart(t)
	region := "eu-west-1"
	e.add(t, e.mgmt, region, awsemu.KindMemoryDBUser, 7, func(i int) *awsemu.Resource {
		name := fmt.Sprintf("zz-user-%d", i)
		attrs := map[string]any{"ACLNames": []string{"acl-a"}, "AccessString": "on ~app:* +@read"}
		if i == 0 {
			attrs = map[string]any{"AuthenticationType": "iam"}
		}
		var tags map[string]string
		if i%2 == 0 {
			tags = map[string]string{"team": "t", "n": name}
		}
		return &awsemu.Resource{ID: name, Name: name, ARN: "arn:aws:memorydb:" + region + ":" + e.mgmt + ":user/" + name, Tags: tags, Attributes: attrs}
	})
	want := e.resources(e.mgmt, region, awsemu.KindMemoryDBUser)
	client := memorydb.NewFromConfig(e.cfg(region))

	var users []mdbtypes.User
	pages := 0
	var token *string
	for {
		out, err := client.DescribeUsers(e.ctx, &memorydb.DescribeUsersInput{MaxResults: aws.Int32(3), NextToken: token})
		if err != nil {
			t.Fatalf("describe users: %v", err)
		}
		pages++
		users = append(users, out.Users...)
		if token = out.NextToken; token == nil {
			break
		}
	}
	if len(users) != len(want) || pages != (len(want)+2)/3 {
		t.Fatalf("%d users in %d pages, region holds %d", len(users), pages, len(want))
	}
	seen := 0
	for _, u := range users {
		if aws.ToString(u.ARN) == "" || aws.ToString(u.Status) == "" || u.Authentication == nil {
			t.Errorf("user decoded incompletely: %+v", u)
		}
		switch aws.ToString(u.Name) {
		case "zz-user-0":
			seen++
			if u.Authentication.Type != mdbtypes.AuthenticationTypeIam || u.Authentication.PasswordCount != nil {
				t.Errorf("zz-user-0 authentication %+v", u.Authentication)
			}
		case "zz-user-3":
			seen++
			if aws.ToString(u.AccessString) != "on ~app:* +@read" || len(u.ACLNames) != 1 || u.ACLNames[0] != "acl-a" ||
				u.Authentication.Type != mdbtypes.AuthenticationTypePassword || aws.ToInt32(u.Authentication.PasswordCount) != 1 ||
				aws.ToString(u.MinimumEngineVersion) == "" {
				t.Errorf("zz-user-3: %+v", u)
			}
		}
	}
	if seen != 2 {
		t.Errorf("checked %d of 2", seen)
	}
	one, err := client.DescribeUsers(e.ctx, &memorydb.DescribeUsersInput{UserName: aws.String("zz-user-4")})
	if err != nil || len(one.Users) != 1 {
		t.Fatalf("one user: %+v %v", one, err)
	}
	filtered, err := client.DescribeUsers(e.ctx, &memorydb.DescribeUsersInput{Filters: []mdbtypes.Filter{{Name: aws.String("access-string"), Values: []string{"on ~app:* +@read"}}}})
	if err != nil || len(filtered.Users) < 6 {
		t.Fatalf("filtered: %d, %v", len(filtered.Users), err)
	}
	_, err = client.DescribeUsers(e.ctx, &memorydb.DescribeUsersInput{UserName: aws.String("nope")})
	var nf *mdbtypes.UserNotFoundFault
	if !errors.As(err, &nf) {
		t.Fatalf("missing user: %T %v", err, err)
	}
	svcAPIError(t, err, "UserNotFoundFault", http.StatusBadRequest)

	arn := "arn:aws:memorydb:" + region + ":" + e.mgmt + ":user/"
	tags, err := client.ListTags(e.ctx, &memorydb.ListTagsInput{ResourceArn: aws.String(arn + "zz-user-2")})
	if err != nil || len(tags.TagList) != 2 || aws.ToString(tags.TagList[0].Key) != "n" || aws.ToString(tags.TagList[0].Value) != "zz-user-2" {
		t.Fatalf("tags: %+v, %v", tags, err)
	}
	untagged, err := client.ListTags(e.ctx, &memorydb.ListTagsInput{ResourceArn: aws.String(arn + "zz-user-1")})
	if err != nil || len(untagged.TagList) != 0 {
		t.Fatalf("untagged: %+v, %v", untagged, err)
	}
	_, err = client.ListTags(e.ctx, &memorydb.ListTagsInput{ResourceArn: aws.String(arn + "gone")})
	if !errors.As(err, &nf) {
		t.Fatalf("tags of a missing user: %T %v", err, err)
	}
	_, err = client.ListTags(e.ctx, &memorydb.ListTagsInput{ResourceArn: aws.String("nope")})
	var bad *mdbtypes.InvalidARNFault
	if !errors.As(err, &bad) {
		t.Fatalf("bad ARN: %T %v", err, err)
	}

	// The framework's answers (denied, throttled, unknown keys) in CBOR too.
	e.srv.Faults().DenyAccess(e.mgmt, "memorydb", "")
	_, err = client.DescribeUsers(e.ctx, &memorydb.DescribeUsersInput{})
	svcAPIError(t, err, "AccessDeniedException", http.StatusBadRequest)
	e.clearFaults()
	svcCheckThrottle(t, e.srv, "memorydb", "ThrottlingException", http.StatusBadRequest, func() error {
		_, err := client.DescribeUsers(e.ctx, &memorydb.DescribeUsersInput{})
		return err
	})
}
