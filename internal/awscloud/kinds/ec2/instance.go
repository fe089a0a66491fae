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
	if awscloud.WantsAction(req, "DescribeInstanceStatusAction") && len(ids) > 0 {
		var omitted awscloud.Omissions
		if err := addInstanceStatus(ctx, client, ids, page.Items, &omitted, cfg.Region); err != nil {
			return awscloud.Page{}, err
		}
		omitted.Fill(&page)
	}
	return page, nil
}

// addInstanceStatus merges DescribeInstanceStatus into each instance by
// InstanceId (never by position): InstanceStatus, SystemStatus, InstanceState,
// Events… as Ocean's instance model carries them. One batched call per 100
// instances instead of Ocean's one call per instance.
// A denied batch leaves its instances without the status (counted in omitted).
func addInstanceStatus(ctx context.Context, client *ec2.Client, ids []string, items []map[string]any, omitted *awscloud.Omissions, region string) error {
	byID := make(map[string]map[string]any, len(items))
	for _, it := range items {
		p := it["Properties"].(map[string]any)
		if id, ok := p["InstanceId"].(string); ok {
			byID[id] = p
		}
	}
	for start := 0; start < len(ids); start += 100 {
		end := min(start+100, len(ids))
		pager := ec2.NewDescribeInstanceStatusPaginator(client, &ec2.DescribeInstanceStatusInput{
			InstanceIds: ids[start:end], IncludeAllInstances: aws.Bool(true)})
		for pager.HasMorePages() {
			out, err := pager.NextPage(ctx)
			if err != nil {
				if omitted.Omit("DescribeInstanceStatusAction", fmt.Sprintf("%d instances in %s", end-start, region), end-start, err) {
					break
				}
				return fmt.Errorf("describe instance status: %w", err)
			}
			for _, st := range out.InstanceStatuses {
				p, ok := byID[aws.ToString(st.InstanceId)]
				if !ok {
					continue
				}
				for k, v := range awscloud.Props(st, nil) {
					if _, exists := p[k]; !exists {
						p[k] = v
					}
				}
			}
		}
	}
	return nil
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
