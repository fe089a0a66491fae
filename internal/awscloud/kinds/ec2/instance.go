package ec2

import (
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"

	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// KindInstance is one item per instance. As in Ocean, the reservation's own
// fields (OwnerId, RequesterId, ReservationId, Groups) travel in __ExtraContext.
const KindInstance = "AWS::EC2::Instance"

type ec2InstanceKind struct{}

func init() { awscloud.RegisterKind(ec2InstanceKind{}) }

func (ec2InstanceKind) Name() string { return KindInstance }
func (ec2InstanceKind) Global() bool { return false }

func (ec2InstanceKind) Actions() []string { return []string{"DescribeInstanceStatusAction"} }

func (ec2InstanceKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	client := ec2.NewFromConfig(cfg)
	in := &ec2.DescribeInstancesInput{MaxResults: aws.Int32(awscloud.PageSize(req, 5, 1000))}
	if req.Token != "" {
		in.NextToken = aws.String(req.Token)
	}
	out, err := client.DescribeInstances(ctx, in)
	if err != nil {
		return awscloud.Page{}, fmt.Errorf("describe instances in %s: %w", cfg.Region, err)
	}
	page := awscloud.Page{Next: aws.ToString(out.NextToken)}
	var ids []string
	for _, r := range out.Reservations {
		extra := awscloud.ExtraContext(req, true)
		if r.OwnerId != nil {
			extra["OwnerId"] = *r.OwnerId
		}
		if r.RequesterId != nil {
			extra["RequesterId"] = *r.RequesterId
		}
		if r.ReservationId != nil {
			extra["ReservationId"] = *r.ReservationId
		}
		if r.Groups != nil {
			groups := make([]any, 0, len(r.Groups))
			for _, g := range r.Groups {
				groups = append(groups, awscloud.Props(g, nil))
			}
			extra["Groups"] = groups
		}
		for _, inst := range r.Instances {
			page.Items = append(page.Items, awscloud.NewItem(KindInstance, awscloud.Props(inst, nil), copyMap(extra)))
			ids = append(ids, aws.ToString(inst.InstanceId))
		}
	}
	if !awscloud.WantsAction(req, "DescribeInstanceStatusAction") || len(ids) == 0 {
		return page, nil
	}
	gone := make([]bool, len(ids))
	var omitted awscloud.Omissions
	if err := addInstanceStatus(ctx, client, ids, page.Items, gone, &omitted); err != nil {
		return awscloud.Page{}, err
	}
	return awscloud.KeptPage(page.Items, gone, page.Next, &omitted), nil
}

// instanceStatusConcurrency bounds the DescribeInstanceStatus calls of a page.
const instanceStatusConcurrency = 10

// addInstanceStatus is DescribeInstanceStatusAction as Ocean runs it: one
// DescribeInstanceStatus per instance (InstanceIds=[id], IncludeAllInstances),
// whose fields (InstanceStatus, SystemStatus, InstanceState, Events,
// AttachedEbsStatus…) are merged into the instance's, overriding the few they
// share as Ocean's merge does. items[i] is the instance ids[i]. An instance
// terminated and gone since the listing (InvalidInstanceID.NotFound) is
// marked gone; a denied call leaves that instance without the status.
func addInstanceStatus(ctx context.Context, client *ec2.Client, ids []string, items []map[string]any, gone []bool, omitted *awscloud.Omissions) error {
	return awscloud.ForEach(ctx, len(ids), instanceStatusConcurrency, func(ctx context.Context, i int) error {
		out, err := client.DescribeInstanceStatus(ctx, &ec2.DescribeInstanceStatusInput{
			InstanceIds: []string{ids[i]}, IncludeAllInstances: aws.Bool(true)})
		switch {
		case err == nil:
		case awscloud.Classify(err) == awscloud.ErrNotFound:
			gone[i] = true
			return nil
		case omitted.Omit("DescribeInstanceStatusAction", "instance "+ids[i], 1, err):
			return nil
		default:
			return fmt.Errorf("describe instance status of %s: %w", ids[i], err)
		}
		p := items[i]["Properties"].(map[string]any)
		for _, st := range out.InstanceStatuses {
			if aws.ToString(st.InstanceId) != ids[i] {
				continue
			}
			for k, v := range awscloud.Props(st, nil) {
				p[k] = v
			}
		}
		return nil
	})
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
