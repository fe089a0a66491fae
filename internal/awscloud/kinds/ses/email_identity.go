package ses

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
)

// KindEmailIdentity: a ListEmailIdentities page (≤1000), then GetEmailIdentity
// per identity, whose fields overlay the listing's. Only the regions of Ocean's
// SES list.
const KindEmailIdentity = "AWS::SES::EmailIdentity"

// identityListFields and identityFields are the members Ocean's model keeps
// from the listing and from GetEmailIdentity.
var (
	identityListFields = []string{"IdentityName", "IdentityType", "SendingEnabled", "VerificationStatus"}
	identityFields     = []string{"IdentityType", "FeedbackForwardingStatus", "VerifiedForSendingStatus", "DkimAttributes",
		"MailFromAttributes", "Policies", "Tags", "ConfigurationSetName", "VerificationStatus", "VerificationInfo"}
)

type emailIdentityKind struct{}

func init() { awscloud.RegisterKind(emailIdentityKind{}) }

func (emailIdentityKind) Name() string               { return KindEmailIdentity }
func (emailIdentityKind) Global() bool               { return false }
func (emailIdentityKind) Actions() []string          { return nil }
func (emailIdentityKind) SupportedRegions() []string { return supportedRegions }

func (emailIdentityKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	client := sesv2.NewFromConfig(cfg)
	in := &sesv2.ListEmailIdentitiesInput{PageSize: aws.Int32(awscloud.PageSize(req, 1, 1000))}
	if req.Token != "" {
		in.NextToken = aws.String(req.Token)
	}
	out, err := client.ListEmailIdentities(ctx, in)
	if err != nil {
		return awscloud.Page{}, fmt.Errorf("list SES email identities in %s: %w", cfg.Region, err)
	}
	ids := out.EmailIdentities
	items, gone, err := awscloud.ReadEach(ctx, len(ids), sesConcurrency, func(ctx context.Context, i int) (map[string]any, error) {
		name := aws.ToString(ids[i].IdentityName)
		p := map[string]any{}
		pick(awscloud.Props(ids[i], nil), identityListFields, p)
		got, err := client.GetEmailIdentity(ctx, &sesv2.GetEmailIdentityInput{EmailIdentity: aws.String(name)})
		if err != nil {
			if awscloud.Classify(err) == awscloud.ErrNotFound { // deleted since the listing
				return nil, nil
			}
			return nil, fmt.Errorf("get SES email identity %s: %w", name, err)
		}
		pick(awscloud.Props(got, nil), identityFields, p)
		return awscloud.NewItem(KindEmailIdentity, p, awscloud.ExtraContext(req, true)), nil
	})
	if err != nil {
		return awscloud.Page{}, err
	}
	return awscloud.KeptPage(items, gone, aws.ToString(out.NextToken), &awscloud.Omissions{}), nil
}
