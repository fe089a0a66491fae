package account

import (
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"

	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// KindInfo is one item per synced account, built from discovery (no AWS
// call), so the awsAccount blueprint gets an entity for every account.
const KindInfo = "AWS::Account::Info"

type accountInfoKind struct{}

func init() { awscloud.RegisterKind(accountInfoKind{}) }

func (accountInfoKind) Name() string { return KindInfo }
func (accountInfoKind) Global() bool { return true }

// Actions: none; Account::Info makes no AWS call.
func (accountInfoKind) Actions() []string { return nil }

func (accountInfoKind) Collect(_ context.Context, _ aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	name := req.Account.Name
	if name == "" {
		name = "Account " + req.Account.ID
	}
	return awscloud.Page{Items: []map[string]any{awscloud.NewItem(KindInfo,
		map[string]any{"Id": req.Account.ID, "Name": name},
		awscloud.ExtraContext(req, false))}}, nil
}
