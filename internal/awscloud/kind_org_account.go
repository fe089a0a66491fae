package awscloud

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
)

// KindOrgAccount lists the organization's accounts in every state (unlike
// discovery, which keeps ACTIVE ones), as Ocean does.
const KindOrgAccount = "AWS::Organizations::Account"

// Organizations throttles ListParents/ListTagsForResource early (about 250
// accounts, aws-deployment-framework#788), so per-account enrichment is narrow.
const orgActionConcurrency = 4

type orgAccountKind struct{}

func init() { registerKind(orgAccountKind{}) }

func (orgAccountKind) Name() string { return KindOrgAccount }
func (orgAccountKind) Global() bool { return true }

func (orgAccountKind) Actions() []string {
	return []string{"ListParentsAction", "ListTagsForResourceAction"}
}

// Collect: only the management account and delegated administrators may list
// accounts; every other account answers AccessDenied (or NotInUse outside an
// organization). That is the expected outcome there, not a failure, but it is
// no empty listing either: it comes back as NotApplicable, so a management
// account that lost the permission does not delete the organization's accounts.
func (orgAccountKind) Collect(ctx context.Context, cfg aws.Config, req PageRequest) (Page, error) {
	client := organizations.NewFromConfig(cfg)
	in := &organizations.ListAccountsInput{MaxResults: aws.Int32(pageSize(req, 1, 20))}
	if req.Token != "" {
		in.NextToken = aws.String(req.Token)
	}
	out, err := client.ListAccounts(ctx, in)
	if err != nil {
		// Mid-listing denial means something changed under us: that is a failure.
		if req.Token == "" && (Classify(err) == ErrDenied || strings.Contains(ErrorCode(err), "AWSOrganizationsNotInUse")) {
			return Page{NotApplicable: fmt.Sprintf("account %s may not list the organization's accounts (%s): only the management account or a delegated administrator can",
				req.Account.ID, ErrorCode(err))}, nil
		}
		return Page{}, fmt.Errorf("list accounts: %w", err)
	}
	items := make([]map[string]any, len(out.Accounts))
	gone := make([]bool, len(out.Accounts))
	for i := range out.Accounts {
		items[i] = newItem(KindOrgAccount, props(out.Accounts[i], nil), extraContext(req, false))
	}
	parents := wantsAction(req, "ListParentsAction")
	tags := wantsAction(req, "ListTagsForResourceAction")
	var omitted omissions
	if parents || tags {
		err := forEach(ctx, len(out.Accounts), orgActionConcurrency, func(ctx context.Context, i int) error {
			id := aws.ToString(out.Accounts[i].Id)
			p := items[i]["Properties"].(map[string]any)
			if parents {
				list, err := listParents(ctx, client, id)
				if err != nil {
					if Classify(err) == ErrNotFound { // left the organization meanwhile
						gone[i] = true
						return nil
					}
					if !omitted.omit("ListParentsAction", "account "+id, 1, err) {
						return fmt.Errorf("list parents of account %s: %w", id, err)
					}
				} else {
					p["Parents"] = list
				}
			}
			if tags {
				list, err := listOrgTags(ctx, client, id)
				if err != nil {
					if Classify(err) == ErrNotFound {
						gone[i] = true
						return nil
					}
					if !omitted.omit("ListTagsForResourceAction", "account "+id, 1, err) {
						return fmt.Errorf("list tags of account %s: %w", id, err)
					}
				} else {
					p["Tags"] = list
				}
			}
			return nil
		})
		if err != nil {
			return Page{}, err
		}
	}
	return keptPage(items, gone, aws.ToString(out.NextToken), &omitted), nil
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
			list = append(list, props(p, nil))
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
			list = append(list, props(t, nil))
		}
	}
	return list, nil
}
