// Package cloudcontrol reads every AWS (or third-party) resource type that has
// no native collector through the Cloud Control API, in the raw shape Port's
// Cloud Control-based AWS integration used, so its documented mappings work:
// {Identifier, Properties, __Kind, __AccountId, __Region}.
package cloudcontrol

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudcontrol"
	cctypes "github.com/aws/aws-sdk-go-v2/service/cloudcontrol/types"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
)

// getConcurrency bounds the GetResource calls of one page (useGetResourceAPI).
const getConcurrency = 10

func init() {
	awscloud.RegisterFallback(func(typeName string) awscloud.Kind { return resourceKind{typeName: typeName} })
}

// resourceKind is one Cloud Control type, read per account and region.
type resourceKind struct{ typeName string }

// globalServices are the services whose resources are not per region (the
// same list Port's Cloud Control-based integration used): their types are read
// once per account, in the home region, instead of once per region.
var globalServices = map[string]bool{"cloudfront": true, "route53": true, "waf": true, "iam": true, "organizations": true, "s3": true}

func (k resourceKind) Name() string    { return k.typeName }
func (resourceKind) Actions() []string { return nil }

func (k resourceKind) Global() bool {
	parts := strings.Split(k.typeName, "::")
	return len(parts) == 3 && globalServices[strings.ToLower(parts[1])]
}

func (k resourceKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	client := cloudcontrol.NewFromConfig(cfg)
	in := &cloudcontrol.ListResourcesInput{TypeName: aws.String(k.typeName), MaxResults: aws.Int32(awscloud.PageSize(req, 1, 100))}
	if req.Token != "" {
		in.NextToken = aws.String(req.Token)
	}
	out, err := client.ListResources(ctx, in)
	if err != nil {
		return awscloud.Page{}, k.explain(cfg.Region, err)
	}
	descs := out.ResourceDescriptions
	read := func(ctx context.Context, i int) (map[string]any, error) {
		d := descs[i]
		if req.GetResource {
			got, err := client.GetResource(ctx, &cloudcontrol.GetResourceInput{TypeName: aws.String(k.typeName), Identifier: d.Identifier})
			if err != nil {
				var nf *cctypes.ResourceNotFoundException
				if errors.As(err, &nf) {
					return nil, nil // deleted since the listing
				}
				return nil, fmt.Errorf("get %s %s in %s: %w", k.typeName, aws.ToString(d.Identifier), cfg.Region, err)
			}
			if got.ResourceDescription != nil {
				d = *got.ResourceDescription
			}
		}
		props := map[string]any{}
		if s := aws.ToString(d.Properties); s != "" {
			if err := json.Unmarshal([]byte(s), &props); err != nil {
				return nil, fmt.Errorf("%s %s in %s: Cloud Control returned properties that are not a JSON object: %w",
					k.typeName, aws.ToString(d.Identifier), cfg.Region, err)
			}
		}
		return map[string]any{
			"Identifier":  aws.ToString(d.Identifier),
			"Properties":  props,
			"__Kind":      k.typeName,
			"__AccountId": req.Account.ID,
			"__Region":    cfg.Region,
		}, nil
	}
	// Without GetResource each item is only decoded from the listing: no
	// call to overlap, so one at a time.
	limit := 1
	if req.GetResource {
		limit = getConcurrency
	}
	items, gone, err := awscloud.ReadEach(ctx, len(descs), limit, read)
	if err != nil {
		return awscloud.Page{}, err
	}
	return awscloud.KeptPage(items, gone, aws.ToString(out.NextToken), &awscloud.Omissions{}), nil
}

// explain turns Cloud Control's answers about the type itself into what the
// user must change; other errors keep their class (throttling still retries).
func (k resourceKind) explain(region string, err error) error {
	var notFound *cctypes.TypeNotFoundException
	var invalid *cctypes.InvalidRequestException
	switch {
	case errors.As(err, &notFound):
		return fmt.Errorf("list %s in %s: Cloud Control does not know the type %s (check its spelling: type names are case-sensitive, e.g. AWS::Logs::LogGroup; a third-party type must be activated in the account): %w",
			k.typeName, region, k.typeName, err)
	case errors.As(err, &invalid) && strings.Contains(aws.ToString(invalid.Message), "ResourceModel"):
		return fmt.Errorf("list %s in %s: Cloud Control cannot list %s on its own, its list handler needs a parent resource's identifier; this type is not supported, map its parent instead: %w",
			k.typeName, region, k.typeName, err)
	}
	return fmt.Errorf("list %s in %s: %w", k.typeName, region, err)
}
