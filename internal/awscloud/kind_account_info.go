package awscloud

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// KindAccountInfo is one item per synced account, built from discovery (no AWS
// call), so the awsAccount blueprint gets an entity for every account.
const KindAccountInfo = "AWS::Account::Info"

type accountInfoKind struct{}

func init() { registerKind(accountInfoKind{}) }

func (accountInfoKind) Name() string { return KindAccountInfo }
func (accountInfoKind) Global() bool { return true }

// Actions: none; Account::Info makes no AWS call.
func (accountInfoKind) Actions() []string { return nil }

func (accountInfoKind) Collect(_ context.Context, _ aws.Config, req PageRequest) (Page, error) {
	name := req.Account.Name
	if name == "" {
		name = "Account " + req.Account.ID
	}
	return Page{Items: []map[string]any{newItem(KindAccountInfo,
		map[string]any{"Id": req.Account.ID, "Name": name},
		extraContext(req, false))}}, nil
}
