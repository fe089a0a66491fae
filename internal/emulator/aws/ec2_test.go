package awsemu_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

// ---- helpers shared by the service tests (ec2, s3, ecs, lambda) ------------

// svcEnv is a running emulator over a small generated organization.
type svcEnv struct {
	srv    *awsemu.Server
	mgmt   string // management account id
	member string // a member account id
	ctx    context.Context
}

func svcStart(t *testing.T) *svcEnv {
	t.Helper()
	org := awsemu.Generate(awsemu.Spec{Seed: 11, Accounts: 3, OUs: 1, ResourcesPerKind: 3, OptInDisabled: []string{"ap-east-1"}})
	srv := awsemu.NewServer(org)
	if err := srv.Start(); err != nil {
		t.Fatalf("start emulator: %v", err)
	}
	t.Cleanup(srv.Close)
	env := &svcEnv{srv: srv, ctx: context.Background()}
	srv.View(func(o *awsemu.Org) {
		env.mgmt = o.ManagementAccountID
		for _, id := range o.AccountOrder {
			if id != o.ManagementAccountID {
				env.member = id
				break
			}
		}
	})
	return env
}

// clearFaults removes injected faults, latency and rate limits.
func (e *svcEnv) clearFaults() { e.srv.Faults().Clear() }

// cfg is an SDK config for the management account's static keys; retries are
// off so error assertions see the first answer.
func (e *svcEnv) cfg(region string) aws.Config {
	return svcConfig(e.srv, e.srv.ManagementCredentials(), region)
}

// memberCfg signs with temporary credentials of a role session in the member account.
func (e *svcEnv) memberCfg(region string) aws.Config {
	c := e.srv.IssueCredentials(e.member, "arn:aws:sts::"+e.member+":assumed-role/PortOceanReadRole/test", time.Hour)
	return svcConfig(e.srv, c, region)
}

func svcConfig(srv *awsemu.Server, c awsemu.Credentials, region string) aws.Config {
	return aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken),
		BaseEndpoint: aws.String(srv.URL()),
		HTTPClient:   sdkHTTPClient(),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}
}

// resources returns a copy of an account's resources of kind in region.
func (e *svcEnv) resources(account, region, kind string) []*awsemu.Resource {
	var out []*awsemu.Resource
	e.srv.View(func(o *awsemu.Org) {
		out = append(out, o.Accounts[account].Resources[awsemu.ResourceKey{Region: region, Kind: kind}]...)
	})
	return out
}

// add appends n resources built by mk to an account's (region, kind).
func (e *svcEnv) add(t *testing.T, account, region, kind string, n int, mk func(i int) *awsemu.Resource) {
	t.Helper()
	e.srv.Update(func(o *awsemu.Org) {
		for i := 0; i < n; i++ {
			if err := o.AddResource(account, awsemu.ResourceKey{Region: region, Kind: kind}, mk(i)); err != nil {
				t.Errorf("add resource: %v", err)
			}
		}
	})
}

// svcAPIError asserts err carries the API error code (and HTTP status when > 0).
func svcAPIError(t *testing.T, err error, code string, status int) {
	t.Helper()
	if err == nil {
		t.Fatalf("want %s, got success", code)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want API error %s, got %T: %v", code, err, err)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("want error code %s, got %s: %s", code, ae.ErrorCode(), ae.ErrorMessage())
	}
	if status > 0 {
		var re *smithyhttp.ResponseError
		if !errors.As(err, &re) || re.HTTPStatusCode() != status {
			t.Fatalf("want HTTP %d for %s, got %v", status, code, err)
		}
	}
}

// svcThrottled asserts the error is the protocol's throttle with its status and
// that the SDK's standard retryer would retry it.
func svcThrottled(t *testing.T, err error, code string, status int) {
	t.Helper()
	svcAPIError(t, err, code, status)
	if got := retry.NewStandard().IsErrorRetryable(err); !got {
		t.Fatalf("standard retryer does not retry %s (got %v): %v", code, got, err)
	}
}

// svcThrottleAfterOne limits service to one request per (account, region) so the
// second call is throttled.
func svcThrottleAfterOne(srv *awsemu.Server, service string) {
	srv.Faults().SetRateLimit(service, 0.0001, 1)
}

// svcCheckThrottle limits service to one request per (account, region): call
// must then succeed once and be throttled the second time, with code and
// status, as an error the SDK's standard retryer retries.
func svcCheckThrottle(t *testing.T, srv *awsemu.Server, service, code string, status int, call func() error) {
	t.Helper()
	svcThrottleAfterOne(srv, service)
	if err := call(); err != nil {
		t.Fatalf("first call under the rate limit: %v", err)
	}
	svcThrottled(t, call(), code, status)
}

// ---- EC2 -------------------------------------------------------------------

func ec2Instance(i int) *awsemu.Resource {
	id := fmt.Sprintf("i-0test%012d", i)
	attrs := map[string]any{
		"InstanceType": "m5.large", "State": "running", "PrivateIpAddress": fmt.Sprintf("10.9.0.%d", i+1),
		"ImageId": "ami-0test", "ReservationId": fmt.Sprintf("r-0test%03d", i/2), "SubnetId": "subnet-0test",
		"VpcId": "vpc-0test", "LaunchTime": time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), "AvailabilityZone": "us-east-1b",
		"Architecture": "arm64", "KeyName": "key",
	}
	if i%3 == 0 {
		attrs["PublicIpAddress"] = fmt.Sprintf("3.3.3.%d", i+1)
	}
	if i%5 == 4 {
		attrs["State"] = "stopped"
	}
	return &awsemu.Resource{ID: id, Name: id, Tags: map[string]string{"Name": fmt.Sprintf("test-%d", i), "env": "test"}, Attributes: attrs}
}

func TestEC2DescribeInstancesPaginatesEveryInstance(t *testing.T) {
	e := svcStart(t)
	e.add(t, e.mgmt, "us-east-1", awsemu.KindEC2Instance, 13, ec2Instance)
	want := e.resources(e.mgmt, "us-east-1", awsemu.KindEC2Instance)
	byID := map[string]*awsemu.Resource{}
	for _, r := range want {
		byID[r.ID] = r
	}

	client := ec2.NewFromConfig(e.cfg("us-east-1"))
	p := ec2.NewDescribeInstancesPaginator(client, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(5)})
	var got []ec2types.Instance
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(e.ctx)
		if err != nil {
			t.Fatalf("describe instances page %d: %v", pages, err)
		}
		pages++
		n := 0
		for _, res := range out.Reservations {
			if aws.ToString(res.OwnerId) != e.mgmt {
				t.Errorf("reservation %s owner = %s, want %s", aws.ToString(res.ReservationId), aws.ToString(res.OwnerId), e.mgmt)
			}
			for _, inst := range res.Instances {
				r := byID[aws.ToString(inst.InstanceId)]
				if r != nil && r.Attributes["ReservationId"] != nil && r.Attributes["ReservationId"] != aws.ToString(res.ReservationId) {
					t.Errorf("instance %s in reservation %s, want %v", r.ID, aws.ToString(res.ReservationId), r.Attributes["ReservationId"])
				}
				n++
			}
			got = append(got, res.Instances...)
		}
		if n > 5 {
			t.Errorf("page %d has %d instances, MaxResults 5", pages, n)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("paginator returned %d instances, org holds %d", len(got), len(want))
	}
	if pages < 3 {
		t.Errorf("pages = %d, want >= 3 for %d instances at 5 per page", pages, len(want))
	}
	seen := map[string]bool{}
	for _, inst := range got {
		id := aws.ToString(inst.InstanceId)
		if seen[id] {
			t.Errorf("instance %s returned twice", id)
		}
		seen[id] = true
	}

	// Field decoding, checked on the hand-built instances whose values we know.
	for i := 0; i < 13; i++ {
		src := ec2Instance(i)
		var inst *ec2types.Instance
		for k := range got {
			if aws.ToString(got[k].InstanceId) == src.ID {
				inst = &got[k]
			}
		}
		if inst == nil {
			t.Fatalf("instance %s missing", src.ID)
		}
		state := src.Attributes["State"].(string)
		if inst.State == nil || string(inst.State.Name) != state || aws.ToInt32(inst.State.Code) != map[string]int32{"running": 16, "stopped": 80}[state] {
			t.Errorf("%s state = %+v, want %s", src.ID, inst.State, state)
		}
		if string(inst.InstanceType) != "m5.large" || aws.ToString(inst.ImageId) != "ami-0test" ||
			aws.ToString(inst.PrivateIpAddress) != src.Attributes["PrivateIpAddress"] ||
			aws.ToString(inst.SubnetId) != "subnet-0test" || aws.ToString(inst.VpcId) != "vpc-0test" ||
			inst.Architecture != ec2types.ArchitectureValuesArm64 || aws.ToString(inst.KeyName) != "key" {
			t.Errorf("%s fields decoded wrong: type=%s image=%s ip=%s subnet=%s vpc=%s arch=%s key=%s", src.ID, inst.InstanceType,
				aws.ToString(inst.ImageId), aws.ToString(inst.PrivateIpAddress), aws.ToString(inst.SubnetId), aws.ToString(inst.VpcId),
				inst.Architecture, aws.ToString(inst.KeyName))
		}
		if inst.LaunchTime == nil || !inst.LaunchTime.Equal(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)) {
			t.Errorf("%s launch time = %v", src.ID, inst.LaunchTime)
		}
		if inst.Placement == nil || aws.ToString(inst.Placement.AvailabilityZone) != "us-east-1b" {
			t.Errorf("%s placement = %+v", src.ID, inst.Placement)
		}
		wantPublic, _ := src.Attributes["PublicIpAddress"].(string)
		if state != "running" {
			wantPublic = ""
		}
		if aws.ToString(inst.PublicIpAddress) != wantPublic {
			t.Errorf("%s public ip = %q, want %q", src.ID, aws.ToString(inst.PublicIpAddress), wantPublic)
		}
		tags := map[string]string{}
		for _, tg := range inst.Tags {
			tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
		}
		if len(tags) != 2 || tags["Name"] != fmt.Sprintf("test-%d", i) || tags["env"] != "test" {
			t.Errorf("%s tags = %v", src.ID, tags)
		}
		if len(inst.NetworkInterfaces) != 1 || len(inst.SecurityGroups) != 1 || len(inst.BlockDeviceMappings) != 1 {
			t.Errorf("%s nested sets: %d enis, %d groups, %d block devices", src.ID, len(inst.NetworkInterfaces), len(inst.SecurityGroups), len(inst.BlockDeviceMappings))
		}
	}
}

func TestEC2DescribeInstancesFiltersAndErrors(t *testing.T) {
	e := svcStart(t)
	e.add(t, e.mgmt, "us-east-1", awsemu.KindEC2Instance, 10, ec2Instance)
	client := ec2.NewFromConfig(e.cfg("us-east-1"))

	out, err := client.DescribeInstances(e.ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{ec2Instance(1).ID, ec2Instance(7).ID}})
	if err != nil {
		t.Fatalf("describe by id: %v", err)
	}
	var ids []string
	for _, r := range out.Reservations {
		for _, i := range r.Instances {
			ids = append(ids, aws.ToString(i.InstanceId))
		}
	}
	sort.Strings(ids)
	if len(ids) != 2 || ids[0] != ec2Instance(1).ID || ids[1] != ec2Instance(7).ID {
		t.Errorf("by id = %v", ids)
	}

	wantStopped := 0
	for _, r := range e.resources(e.mgmt, "us-east-1", awsemu.KindEC2Instance) {
		if r.AttrString("State") == "stopped" {
			wantStopped++
		}
	}
	out, err = client.DescribeInstances(e.ctx, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{{Name: aws.String("instance-state-name"), Values: []string{"stopped"}}}})
	if err != nil {
		t.Fatalf("describe stopped: %v", err)
	}
	gotStopped := 0
	for _, r := range out.Reservations {
		for _, i := range r.Instances {
			if i.State.Name != ec2types.InstanceStateNameStopped {
				t.Errorf("filter returned %s in state %s", aws.ToString(i.InstanceId), i.State.Name)
			}
			gotStopped++
		}
	}
	if gotStopped != wantStopped || wantStopped == 0 {
		t.Errorf("stopped = %d, org holds %d", gotStopped, wantStopped)
	}

	_, err = client.DescribeInstances(e.ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-0doesnotexist0000"}})
	svcAPIError(t, err, "InvalidInstanceID.NotFound", http.StatusBadRequest)
	_, err = client.DescribeInstances(e.ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{ec2Instance(1).ID}, MaxResults: aws.Int32(5)})
	svcAPIError(t, err, "InvalidParameterCombination", http.StatusBadRequest)
	_, err = client.DescribeInstances(e.ctx, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(2)})
	svcAPIError(t, err, "InvalidParameterValue", http.StatusBadRequest)
	_, err = client.DescribeInstances(e.ctx, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(5), NextToken: aws.String("garbage")})
	svcAPIError(t, err, "InvalidParameterValue", http.StatusBadRequest)
	_, err = client.DescribeInstances(e.ctx, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{{Name: aws.String("no-such-filter"), Values: []string{"x"}}}})
	svcAPIError(t, err, "InvalidParameterValue", http.StatusBadRequest)
}

func TestEC2DescribeVolumesPaginates(t *testing.T) {
	e := svcStart(t)
	e.add(t, e.mgmt, "eu-west-1", awsemu.KindEC2Volume, 12, func(i int) *awsemu.Resource {
		attrs := map[string]any{"Size": int32(20 + i), "VolumeType": "gp3", "AvailabilityZone": "eu-west-1a",
			"Encrypted": i%2 == 0, "CreateTime": time.Date(2023, 5, 6, 7, 8, 9, 0, time.UTC)}
		if i%2 == 1 {
			attrs["Attachments"] = "i-0attached" + fmt.Sprint(i)
			attrs["State"] = "in-use"
		}
		return &awsemu.Resource{ID: fmt.Sprintf("vol-0test%010d", i), Tags: map[string]string{"Name": "v"}, Attributes: attrs}
	})
	want := e.resources(e.mgmt, "eu-west-1", awsemu.KindEC2Volume)
	client := ec2.NewFromConfig(e.cfg("eu-west-1"))
	p := ec2.NewDescribeVolumesPaginator(client, &ec2.DescribeVolumesInput{MaxResults: aws.Int32(5)})
	var got []ec2types.Volume
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(e.ctx)
		if err != nil {
			t.Fatalf("describe volumes: %v", err)
		}
		pages++
		if len(out.Volumes) > 5 {
			t.Errorf("page has %d volumes", len(out.Volumes))
		}
		got = append(got, out.Volumes...)
	}
	if len(got) != len(want) || pages < 3 {
		t.Fatalf("got %d volumes in %d pages, org holds %d", len(got), pages, len(want))
	}
	for _, v := range got {
		var i int
		if _, err := fmt.Sscanf(aws.ToString(v.VolumeId), "vol-0test%010d", &i); err != nil {
			continue // a generated volume
		}
		if aws.ToInt32(v.Size) != int32(20+i) || v.VolumeType != ec2types.VolumeTypeGp3 || aws.ToString(v.AvailabilityZone) != "eu-west-1a" ||
			aws.ToBool(v.Encrypted) != (i%2 == 0) || v.CreateTime == nil || !v.CreateTime.Equal(time.Date(2023, 5, 6, 7, 8, 9, 0, time.UTC)) ||
			aws.ToInt32(v.Iops) != 3000 || aws.ToInt32(v.Throughput) != 125 {
			t.Errorf("volume %d decoded wrong: %+v", i, v)
		}
		if i%2 == 1 {
			if v.State != ec2types.VolumeStateInUse || len(v.Attachments) != 1 || aws.ToString(v.Attachments[0].InstanceId) != "i-0attached"+fmt.Sprint(i) ||
				v.Attachments[0].State != ec2types.VolumeAttachmentStateAttached {
				t.Errorf("volume %d attachment decoded wrong: state=%s %+v", i, v.State, v.Attachments)
			}
		} else if v.State != ec2types.VolumeStateAvailable || len(v.Attachments) != 0 {
			t.Errorf("volume %d should be available and unattached: %s %+v", i, v.State, v.Attachments)
		}
		if len(v.Tags) != 1 || aws.ToString(v.Tags[0].Key) != "Name" {
			t.Errorf("volume %d tags = %+v", i, v.Tags)
		}
	}
	_, err := client.DescribeVolumes(e.ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{"vol-0nope"}})
	svcAPIError(t, err, "InvalidVolume.NotFound", http.StatusBadRequest)
}

func TestEC2DescribeRegionsOptInStatus(t *testing.T) {
	e := svcStart(t)
	client := ec2.NewFromConfig(e.cfg("us-east-1"))
	var enabled, all []string
	e.srv.View(func(o *awsemu.Org) {
		for r, st := range o.Accounts[e.mgmt].Regions {
			all = append(all, r)
			if st != awsemu.RegionDisabled {
				enabled = append(enabled, r)
			}
		}
	})
	sort.Strings(enabled)
	sort.Strings(all)

	names := func(out *ec2.DescribeRegionsOutput) []string {
		var n []string
		for _, r := range out.Regions {
			n = append(n, aws.ToString(r.RegionName))
			if aws.ToString(r.Endpoint) != "ec2."+aws.ToString(r.RegionName)+".amazonaws.com" {
				t.Errorf("endpoint of %s = %s", aws.ToString(r.RegionName), aws.ToString(r.Endpoint))
			}
		}
		return n
	}
	out, err := client.DescribeRegions(e.ctx, &ec2.DescribeRegionsInput{})
	if err != nil {
		t.Fatalf("describe regions: %v", err)
	}
	if got := names(out); fmt.Sprint(got) != fmt.Sprint(enabled) {
		t.Errorf("enabled regions = %v, want %v", got, enabled)
	}
	out, err = client.DescribeRegions(e.ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(true)})
	if err != nil {
		t.Fatalf("describe all regions: %v", err)
	}
	if got := names(out); fmt.Sprint(got) != fmt.Sprint(all) {
		t.Errorf("all regions = %v, want %v", got, all)
	}
	status := map[string]string{}
	for _, r := range out.Regions {
		status[aws.ToString(r.RegionName)] = aws.ToString(r.OptInStatus)
	}
	if status["ap-east-1"] != "not-opted-in" || status["us-east-1"] != "opt-in-not-required" {
		t.Errorf("opt-in statuses = %v", status)
	}
	out, err = client.DescribeRegions(e.ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(true),
		Filters: []ec2types.Filter{{Name: aws.String("opt-in-status"), Values: []string{"not-opted-in"}}}})
	if err != nil {
		t.Fatalf("describe regions filtered: %v", err)
	}
	if got := names(out); fmt.Sprint(got) != "[ap-east-1]" {
		t.Errorf("not-opted-in regions = %v", got)
	}
}

func TestEC2CallerAccountAndFaults(t *testing.T) {
	e := svcStart(t)
	e.add(t, e.member, "us-west-2", awsemu.KindEC2Instance, 2, ec2Instance)
	want := len(e.resources(e.member, "us-west-2", awsemu.KindEC2Instance))
	client := ec2.NewFromConfig(e.memberCfg("us-west-2"))
	out, err := client.DescribeInstances(e.ctx, &ec2.DescribeInstancesInput{})
	if err != nil {
		t.Fatalf("member describe: %v", err)
	}
	got := 0
	for _, r := range out.Reservations {
		if aws.ToString(r.OwnerId) != e.member {
			t.Errorf("member sees reservation owned by %s", aws.ToString(r.OwnerId))
		}
		got += len(r.Instances)
	}
	if got != want {
		t.Errorf("member sees %d instances, its account holds %d", got, want)
	}

	// An opt-in region the account has not enabled does not accept its credentials.
	_, err = ec2.NewFromConfig(e.cfg("ap-east-1")).DescribeInstances(e.ctx, &ec2.DescribeInstancesInput{})
	svcAPIError(t, err, "AuthFailure", http.StatusUnauthorized)

	e.srv.Faults().DenyAccess(e.member, "ec2", "")
	_, err = client.DescribeVolumes(e.ctx, &ec2.DescribeVolumesInput{})
	svcAPIError(t, err, "UnauthorizedOperation", http.StatusForbidden)
	e.clearFaults()

	mgmt := ec2.NewFromConfig(e.cfg("us-east-1"))
	svcCheckThrottle(t, e.srv, "ec2", "RequestLimitExceeded", http.StatusServiceUnavailable, func() error {
		_, err := mgmt.DescribeRegions(e.ctx, &ec2.DescribeRegionsInput{})
		return err
	})
}
