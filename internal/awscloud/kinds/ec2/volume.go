package ec2

import (
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"

	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// KindVolume is one item per EBS volume: DescribeVolumes' fields (tags
// included, as Ocean's default action passes them through); AutoEnableIO only
// with DescribeVolumeAttributeAction, one DescribeVolumeAttribute per volume.
const KindVolume = "AWS::EC2::Volume"

const ec2VolumeActionConcurrency = 10

type ec2VolumeKind struct{}

func init() { awscloud.RegisterKind(ec2VolumeKind{}) }

func (ec2VolumeKind) Name() string { return KindVolume }
func (ec2VolumeKind) Global() bool { return false }

func (ec2VolumeKind) Actions() []string { return []string{"DescribeVolumeAttributeAction"} }

func (ec2VolumeKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	client := ec2.NewFromConfig(cfg)
	in := &ec2.DescribeVolumesInput{MaxResults: aws.Int32(awscloud.PageSize(req, 5, 500))}
	if req.Token != "" {
		in.NextToken = aws.String(req.Token)
	}
	out, err := client.DescribeVolumes(ctx, in)
	if err != nil {
		return awscloud.Page{}, fmt.Errorf("describe volumes in %s: %w", cfg.Region, err)
	}
	items := make([]map[string]any, len(out.Volumes))
	for i, v := range out.Volumes {
		items[i] = awscloud.NewItem(KindVolume, awscloud.Props(v, nil), awscloud.ExtraContext(req, true))
	}
	gone := make([]bool, len(items))
	var omitted awscloud.Omissions
	if awscloud.WantsAction(req, "DescribeVolumeAttributeAction") {
		err := awscloud.ForEach(ctx, len(out.Volumes), ec2VolumeActionConcurrency, func(ctx context.Context, i int) error {
			id := aws.ToString(out.Volumes[i].VolumeId)
			attr, err := client.DescribeVolumeAttribute(ctx, &ec2.DescribeVolumeAttributeInput{
				VolumeId: aws.String(id), Attribute: ec2types.VolumeAttributeNameAutoEnableIO})
			if err != nil {
				if awscloud.Classify(err) == awscloud.ErrNotFound { // deleted since the listing
					gone[i] = true
					return nil
				}
				if omitted.Omit("DescribeVolumeAttributeAction", "volume "+id, 1, err) {
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
			return awscloud.Page{}, err
		}
	}
	return awscloud.KeptPage(items, gone, aws.ToString(out.NextToken), &omitted), nil
}
