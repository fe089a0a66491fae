package awscloud

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// KindEC2Volume is one item per EBS volume: DescribeVolumes' fields (tags
// included, as Ocean's default action passes them through); AutoEnableIO only
// with DescribeVolumeAttributeAction, one DescribeVolumeAttribute per volume.
const KindEC2Volume = "AWS::EC2::Volume"

const ec2VolumeActionConcurrency = 10

type ec2VolumeKind struct{}

func init() { registerKind(ec2VolumeKind{}) }

func (ec2VolumeKind) Name() string { return KindEC2Volume }
func (ec2VolumeKind) Global() bool { return false }

func (ec2VolumeKind) Actions() []string { return []string{"DescribeVolumeAttributeAction"} }

func (ec2VolumeKind) Collect(ctx context.Context, cfg aws.Config, req PageRequest) (Page, error) {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	client := ec2.NewFromConfig(cfg)
	in := &ec2.DescribeVolumesInput{MaxResults: aws.Int32(pageSize(req, 5, 500))}
	if req.Token != "" {
		in.NextToken = aws.String(req.Token)
	}
	out, err := client.DescribeVolumes(ctx, in)
	if err != nil {
		return Page{}, fmt.Errorf("describe volumes in %s: %w", cfg.Region, err)
	}
	items := make([]map[string]any, len(out.Volumes))
	for i, v := range out.Volumes {
		items[i] = newItem(KindEC2Volume, props(v, nil), extraContext(req, true))
	}
	gone := make([]bool, len(items))
	var omitted omissions
	if wantsAction(req, "DescribeVolumeAttributeAction") {
		err := forEach(ctx, len(out.Volumes), ec2VolumeActionConcurrency, func(ctx context.Context, i int) error {
			id := aws.ToString(out.Volumes[i].VolumeId)
			attr, err := client.DescribeVolumeAttribute(ctx, &ec2.DescribeVolumeAttributeInput{
				VolumeId: aws.String(id), Attribute: ec2types.VolumeAttributeNameAutoEnableIO})
			if err != nil {
				if Classify(err) == ErrNotFound { // deleted since the listing
					gone[i] = true
					return nil
				}
				if omitted.omit("DescribeVolumeAttributeAction", "volume "+id, 1, err) {
					return nil
				}
				return fmt.Errorf("describe volume attribute autoEnableIO of %s: %w", id, err)
			}
			if attr.AutoEnableIO != nil && attr.AutoEnableIO.Value != nil {
				items[i]["Properties"].(map[string]any)["AutoEnableIO"] = *attr.AutoEnableIO.Value
			}
			return nil
		})
		if err != nil {
			return Page{}, err
		}
	}
	return keptPage(items, gone, aws.ToString(out.NextToken), &omitted), nil
}
