package organizations

import (
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"

	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
)

// KindAccount lists the organization's accounts in every state (unlike
// discovery, which keeps ACTIVE ones), as Ocean does.
const KindAccount = "AWS::Organizations::Account"

// Organizations throttles ListParents/ListTagsForResource early (about 250
// accounts, aws-deployment-framework#788), so per-account enrichment is narrow.
const orgActionConcurrency = 4

type orgAccountKind struct{}

func init() { awscloud.RegisterKind(orgAccountKind{}) }

func (orgAccountKind) Name() string { return KindAccount }
func (orgAccountKind) Global() bool { return true }

func (orgAccountKind) Actions() []string {
	return []string{"ListParentsAction", "ListTagsForResourceAction"}
}

// Collect: only the management account and delegated administrators may list
// accounts; every other account answers AccessDenied (or NotInUse outside an
// organization). That is the expected outcome there, not a failure, but it is
// no empty listing either: it comes back as NotApplicable, so a management
// account that lost the permission does not delete the organization's accounts.
func (orgAccountKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	client := organizations.NewFromConfig(cfg)
	in := &organizations.ListAccountsInput{MaxResults: aws.Int32(awscloud.PageSize(req, 1, 20))}
	if req.Token != "" {
		in.NextToken = aws.String(req.Token)
	}
	out, err := client.ListAccounts(ctx, in)
	if err != nil {
		// Mid-listing denial means something changed under us: that is a failure.
		if req.Token == "" && (awscloud.Classify(err) == awscloud.ErrDenied || strings.Contains(awscloud.ErrorCode(err), "AWSOrganizationsNotInUse")) {
			return awscloud.Page{NotApplicable: fmt.Sprintf("account %s may not list the organization's accounts (%s): only the management account or a delegated administrator can",
				req.Account.ID, awscloud.ErrorCode(err))}, nil
		}
		return awscloud.Page{}, fmt.Errorf("list accounts: %w", err)
	}
	items := make([]map[string]any, len(out.Accounts))
	gone := make([]bool, len(out.Accounts))
	for i := range out.Accounts {
		items[i] = awscloud.NewItem(KindAccount, awscloud.Props(out.Accounts[i], nil), awscloud.ExtraContext(req, false))
	}
	parents := awscloud.WantsAction(req, "ListParentsAction")
	tags := awscloud.WantsAction(req, "ListTagsForResourceAction")
	var omitted awscloud.Omissions
	if parents || tags {
		err := awscloud.ForEach(ctx, len(out.Accounts), orgActionConcurrency, func(ctx context.Context, i int) error {
			id := aws.ToString(out.Accounts[i].Id)
			p := items[i]["Properties"].(map[string]any)
			if parents {
				list, err := listParents(ctx, client, id)
				if err != nil {
					if awscloud.Classify(err) == awscloud.ErrNotFound { // left the organization meanwhile
						gone[i] = true
						return nil
					}
					if !omitted.Omit("ListParentsAction", "account "+id, 1, err) {
						return fmt.Errorf("list parents of account %s: %w", id, err)
					}
				} else {
					p["Parents"] = list
				}
			}
			if tags {
				list, err := listOrgTags(ctx, client, id)
				if err != nil {
					if awscloud.Classify(err) == awscloud.ErrNotFound {
						gone[i] = true
						return nil
					}
					if !omitted.Omit("ListTagsForResourceAction", "account "+id, 1, err) {
						return fmt.Errorf("list tags of account %s: %w", id, err)
					}
				} else {
					p["Tags"] = list
				}
			}
			return nil
		})
		if err != nil {
			return awscloud.Page{}, err
		}
	}
	return awscloud.KeptPage(items, gone, aws.ToString(out.NextToken), &omitted), nil
}

func listParents(ctx context.Context, client *organizations.Client, id string) ([]any, error) {
	list := []any{}
	pager := organizations.NewListParentsPaginator(client, &organizations.ListParentsInput{ChildId: aws.String(id)})
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, p := range page.Parents {
			list = append(list, awscloud.Props(p, nil))
		}
	}
	return list, nil
}

func listOrgTags(ctx context.Context, client *organizations.Client, id string) ([]any, error) {
	list := []any{}
	pager := organizations.NewListTagsForResourcePaginator(client, &organizations.ListTagsForResourceInput{ResourceId: aws.String(id)})
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, t := range page.Tags {
			list = append(list, awscloud.Props(t, nil))
		}
	}
	return list, nil
}
