package activities

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// ListAccounts discovers the accounts to sync. It assumes no member role: one
// account that denies access must not fail discovery for the others.
func (a *Activities) ListAccounts(ctx context.Context, integration string) (syncdef.ListAccountsOutput, error) {
	defer keepAlive(ctx)()
	disc, err := a.aws.Discover(ctx, a.settings.Discovery)
	if err != nil {
		var scope *awscloud.ScopeError
		if errors.As(err, &scope) {
			return syncdef.ListAccountsOutput{}, invalidConfig("discover accounts: %s", scope.Msg)
		}
		// The resync reports it as "discover accounts: …"; discovery's own
		// errors name the mode and role.
		return syncdef.ListAccountsOutput{}, awsError("", err)
	}
	out := syncdef.ListAccountsOutput{Mode: disc.Mode, Warnings: disc.Warnings, Complete: !disc.FellBack}
	for _, acct := range disc.Accounts {
		out.Accounts = append(out.Accounts, syncdef.Account{
			ID: acct.ID, Name: acct.Name, RoleARN: acct.RoleARN, SessionName: acct.SessionName, Override: acct.Override,
		})
	}
	for _, e := range disc.Excluded {
		out.Excluded = append(out.Excluded, syncdef.ExcludedAccount{ID: e.ID, Name: e.Name, Reason: e.Reason})
		a.log.Info("Account excluded by configuration", "integration", integration, "account", e.ID, "reason", e.Reason)
	}
	for _, w := range disc.Warnings {
		a.log.Warn(w, "integration", integration)
	}
	a.log.Info("Discovered accounts", "integration", integration, "mode", disc.Mode, "accounts", len(out.Accounts))
	if len(out.Accounts) == 0 {
		return out, invalidConfig("no account to sync: discovery in %s mode found no ACTIVE account; check accountRoleArn / accountRoleArns / ouId", disc.Mode)
	}
	return out, nil
}

// AssumeRole verifies that the account's role can be assumed and returns who we
// are there. The credentials stay in the worker's cache for the pages to come.
func (a *Activities) AssumeRole(ctx context.Context, acct syncdef.Account) (syncdef.AssumeRoleOutput, error) {
	defer keepAlive(ctx)()
	id, err := a.aws.Verify(ctx, a.target(acct))
	if err != nil {
		return syncdef.AssumeRoleOutput{}, awsError(fmt.Sprintf("account %s", acct.ID), err)
	}
	if id.AccountID != acct.ID {
		return syncdef.AssumeRoleOutput{}, invalidConfig(
			"account %s: role %s resolved to account %s; the member role ARN must name the account it belongs to",
			acct.ID, acct.RoleARN, id.AccountID)
	}
	return syncdef.AssumeRoleOutput{AccountID: id.AccountID, ARN: id.ARN, Expiration: id.Expiration}, nil
}

// ListRegions returns the account's enabled regions, once per account per
// resync, and where they came from: account:ListRegions, else
// ec2:DescribeRegions, else the configured fallbackRegions.
func (a *Activities) ListRegions(ctx context.Context, in syncdef.ListRegionsInput) (syncdef.ListRegionsOutput, error) {
	defer keepAlive(ctx)()
	regions, err := a.aws.EnabledRegions(ctx, a.target(in.Account))
	if err != nil {
		return syncdef.ListRegionsOutput{}, awsError(fmt.Sprintf("account %s", in.Account.ID), err)
	}
	if regions.Fallback != "" {
		a.log.Warn("regions listed by a fallback source", "account", in.Account.ID,
			"source", regions.Source, "why", regions.Fallback, "regions", regions.Names)
	}
	return syncdef.ListRegionsOutput{Regions: regions.Names, Source: regions.Source, Fallback: regions.Fallback}, nil
}
