package ses

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
)

// KindConfigurationSet: a ListConfigurationSets page (names only, ≤1000), then
// GetConfigurationSet per set. Only the regions of Ocean's SES list.
const KindConfigurationSet = "AWS::SES::ConfigurationSet"

// setFields are the members Ocean's model keeps (MessageSecurityOptions and
// any newer member are left out, as its model ignores them).
var setFields = []string{"ConfigurationSetName", "TrackingOptions", "DeliveryOptions", "ReputationOptions", "SendingOptions",
	"Tags", "SuppressionOptions", "VdmOptions", "ArchivingOptions"}

type configurationSetKind struct{}

func init() { awscloud.RegisterKind(configurationSetKind{}) }

func (configurationSetKind) Name() string               { return KindConfigurationSet }
func (configurationSetKind) Global() bool               { return false }
func (configurationSetKind) Actions() []string          { return nil }
func (configurationSetKind) SupportedRegions() []string { return supportedRegions }

func (configurationSetKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	client := sesv2.NewFromConfig(cfg)
	in := &sesv2.ListConfigurationSetsInput{PageSize: aws.Int32(awscloud.PageSize(req, 1, 1000))}
	if req.Token != "" {
		in.NextToken = aws.String(req.Token)
	}
	out, err := client.ListConfigurationSets(ctx, in)
	if err != nil {
		return awscloud.Page{}, fmt.Errorf("list SES configuration sets in %s: %w", cfg.Region, err)
	}
	names := out.ConfigurationSets
	items, gone, err := awscloud.ReadEach(ctx, len(names), sesConcurrency, func(ctx context.Context, i int) (map[string]any, error) {
		got, err := client.GetConfigurationSet(ctx, &sesv2.GetConfigurationSetInput{ConfigurationSetName: aws.String(names[i])})
		if err != nil {
			if awscloud.Classify(err) == awscloud.ErrNotFound { // deleted since the listing
				return nil, nil
			}
			return nil, fmt.Errorf("get SES configuration set %s: %w", names[i], err)
		}
		p := map[string]any{"ConfigurationSetName": names[i]}
		pick(awscloud.Props(got, nil), setFields, p)
		return awscloud.NewItem(KindConfigurationSet, p, awscloud.ExtraContext(req, true)), nil
	})
	if err != nil {
		return awscloud.Page{}, err
	}
	return awscloud.KeptPage(items, gone, aws.ToString(out.NextToken), &awscloud.Omissions{}), nil
}
