package awscloud

import (
	"context"
	"errors"
	"fmt"
	"github.com/aws-port-sync/aws-port-sync/internal/awsarn"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Discovery modes.
const (
	ModeOrganization = "organization"
	ModeExplicit     = "explicit"
	ModeSingle       = "single"
)

// Account is one account to sync and how to reach it.
type Account struct {
	ID, Name, Email, RoleARN, State string
	// SessionName to assume RoleARN with (Ocean's names per mode).
	SessionName string
	// Override is the selector (account id or OU id) of the accountRoleOverrides
	// entry that applies to the account, "" for none. The ExternalId itself
	// stays in the worker's settings (DiscoverySettings.ExternalIDFor).
	Override string
}

// Target is the credentials target of the account.
func (a Account) Target() Target {
	return Target{AccountID: a.ID, RoleARN: a.RoleARN, SessionName: a.SessionName}
}

// DiscoverySettings: AccountRoleARN selects organization mode, AccountRoleARNs
// explicit mode, neither single-account mode (Ocean's order).
type DiscoverySettings struct {
	AccountRoleARN  string
	AccountRoleARNs []string
	OUIDs           []string

	// Organization-mode scoping (see scope.go).
	ExcludedAccountIDs []string
	ExcludedOUIDs      []string
	IncludeAccountTags []string
	ExcludeAccountTags []string
	RoleOverrides      []RoleOverride
}

// Discovery is the outcome; Warnings are for the resync report.
type Discovery struct {
	Mode     string
	Accounts []Account
	Warnings []string
	// FellBack is set when organization discovery was denied and only the org
	// role's own account is listed: the organization's other accounts are
	// unknown, not gone, so nothing may be swept as departed.
	FellBack bool
	// Excluded are the ACTIVE accounts the scoping settings leave out: their
	// entities are swept like a departed account's, after a complete discovery.
	Excluded []Excluded
}

// Discover lists the accounts to sync. It does not assume member roles: account
// sync does that later, so one bad account never fails discovery.
func (p *Provider) Discover(ctx context.Context, d DiscoverySettings) (Discovery, error) {
	switch {
	case strings.TrimSpace(d.AccountRoleARN) != "":
		return p.discoverOrg(ctx, d)
	case len(d.AccountRoleARNs) > 0:
		out, err := discoverExplicit(d.AccountRoleARNs)
		if err != nil {
			return out, err
		}
		return out, p.verifyBase(ctx, out.Accounts[0])
	default:
		return p.discoverSingle(ctx)
	}
}

func (p *Provider) discoverOrg(ctx context.Context, d DiscoverySettings) (Discovery, error) {
	orgARN, err := awsarn.ParseRoleARN(d.AccountRoleARN)
	if err != nil {
		return Discovery{}, fmt.Errorf("accountRoleArn: %w", err)
	}
	orgTarget := Target{AccountID: orgARN.AccountID, RoleARN: orgARN.String(), SessionName: SessionOrg}
	cfg, err := p.Config(ctx, orgTarget, "")
	if err != nil {
		return Discovery{}, fmt.Errorf("organization role: %w", err)
	}
	client := organizations.NewFromConfig(cfg)

	var listed []orgtypes.Account
	if ous := dedupe(d.OUIDs); len(ous) > 0 {
		listed, err = walkOUs(ctx, client, ous)
	} else {
		listed, err = listAllAccounts(ctx, client)
	}
	if err != nil {
		var ae *AccessError
		if !errors.As(err, &ae) && (Classify(err) == ErrDenied || strings.Contains(ErrorCode(err), "AWSOrganizationsNotInUse")) {
			warn := fmt.Sprintf("Access denied to Organizations API with role %s (%s); syncing only account %s — grant organizations:ListAccounts (and ListAccountsForParent, ListOrganizationalUnitsForParent for ouId) or use a management/delegated-admin role",
				orgTarget.RoleARN, ErrorCode(err), orgARN.AccountID)
			p.log.Warn("organization discovery fell back to single account", "role", orgTarget.RoleARN, "code", ErrorCode(err))
			if setOf(dedupe(d.ExcludedAccountIDs))[orgARN.AccountID] {
				// The one account left is excluded: syncing it anyway would
				// undo the exclusion, and there is nothing else to sync.
				return Discovery{}, &ScopeError{Msg: warn + "; but account " + orgARN.AccountID + " is in excludedAccountIds, so there is no account to sync"}
			}
			return Discovery{
				Mode: ModeOrganization,
				Accounts: []Account{{ID: orgARN.AccountID, Name: "Account " + orgARN.AccountID,
					RoleARN: orgTarget.RoleARN, State: string(orgtypes.AccountStateActive), SessionName: SessionOrg}},
				Warnings: []string{warn},
				FellBack: true,
			}, nil
		}
		return Discovery{}, fmt.Errorf("discover organization accounts with %s: %w", orgTarget.RoleARN, err)
	}

	out := Discovery{Mode: ModeOrganization}
	skipped := 0
	for _, a := range listed {
		if a.State != orgtypes.AccountStateActive {
			skipped++
			continue
		}
		id := aws.ToString(a.Id)
		out.Accounts = append(out.Accounts, Account{ID: id, Name: aws.ToString(a.Name), Email: aws.ToString(a.Email),
			RoleARN: orgARN.InAccount(id).String(), State: string(a.State), SessionName: SessionMember})
	}
	if len(out.Accounts) == 0 {
		return Discovery{}, fmt.Errorf("discover organization accounts with %s: no ACTIVE accounts found (%d listed)", orgTarget.RoleARN, len(listed))
	}
	if d.scoped() {
		kept, excluded, warnings, err := p.applyScope(ctx, client, d, orgARN, out.Accounts)
		if err != nil {
			var se *ScopeError
			if errors.As(err, &se) {
				return Discovery{}, err
			}
			return Discovery{}, fmt.Errorf("discover organization accounts with %s: %w", orgTarget.RoleARN, err)
		}
		out.Accounts, out.Excluded, out.Warnings = kept, excluded, append(out.Warnings, warnings...)
	}
	p.log.Info("organization discovery", "accounts", len(out.Accounts), "notActive", skipped, "excluded", len(out.Excluded), "ous", len(d.OUIDs))
	return out, nil
}

func listAllAccounts(ctx context.Context, client *organizations.Client) ([]orgtypes.Account, error) {
	var all []orgtypes.Account
	pager := organizations.NewListAccountsPaginator(client, &organizations.ListAccountsInput{})
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list accounts: %w", err)
		}
		all = append(all, page.Accounts...)
	}
	return all, nil
}

// walkOUs lists the accounts under the given OUs and all their descendants,
// depth-first, de-duplicated by account id (OUs given twice or nested in each
// other list an account once).
func walkOUs(ctx context.Context, client *organizations.Client, ous []string) ([]orgtypes.Account, error) {
	seenOU := map[string]bool{}
	seenAcct := map[string]bool{}
	var all []orgtypes.Account
	var walk func(ou string) error
	walk = func(ou string) error {
		if seenOU[ou] {
			return nil
		}
		seenOU[ou] = true
		accts := organizations.NewListAccountsForParentPaginator(client, &organizations.ListAccountsForParentInput{ParentId: aws.String(ou)})
		for accts.HasMorePages() {
			page, err := accts.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("list accounts for parent %s: %w", ou, err)
			}
			for _, a := range page.Accounts {
				if id := aws.ToString(a.Id); !seenAcct[id] {
					seenAcct[id] = true
					all = append(all, a)
				}
			}
		}
		children := organizations.NewListOrganizationalUnitsForParentPaginator(client, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(ou)})
		for children.HasMorePages() {
			page, err := children.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("list organizational units for parent %s: %w", ou, err)
			}
			for _, child := range page.OrganizationalUnits {
				if err := walk(aws.ToString(child.Id)); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, ou := range ous {
		if err := walk(ou); err != nil {
			return nil, err
		}
	}
	return all, nil
}

// verifyBase checks, before anything is written to Port, that the credentials
// every explicit role is assumed with work: the base credentials (static keys,
// default chain) answer GetCallerIdentity, and a web identity token is accepted
// by STS. A role that only denies this caller is that account's problem, not
// discovery's: it is reported by the account's own sync.
func (p *Provider) verifyBase(ctx context.Context, first Account) error {
	if p.mode != ProviderWebIdentity {
		if _, err := p.Verify(ctx, Target{}); err != nil {
			return fmt.Errorf("accountRoleArns: the credentials that assume the roles do not work: %w", err)
		}
		return nil
	}
	if _, err := p.Verify(ctx, first.Target()); err != nil {
		if c := Classify(err); c == ErrDenied && (ErrorCode(err) == "AccessDenied" || ErrorCode(err) == "AccessDeniedException") {
			return nil
		}
		return fmt.Errorf("accountRoleArns: the web identity token does not work: %w", err)
	}
	return nil
}

func discoverExplicit(arns []string) (Discovery, error) {
	out := Discovery{Mode: ModeExplicit}
	byAccount := map[string]string{}
	for i, s := range arns {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		arn, err := awsarn.ParseRoleARN(s)
		if err != nil {
			return Discovery{}, fmt.Errorf("accountRoleArns[%d]: %w", i, err)
		}
		// One role per account: a second role would sync the same account twice
		// under the same (account, kind) deletion scopes.
		if prev, dup := byAccount[arn.AccountID]; dup {
			if prev != arn.String() {
				out.Warnings = append(out.Warnings, fmt.Sprintf("accountRoleArns[%d]: account %s is already synced with %s; ignoring %s", i, arn.AccountID, prev, arn))
			}
			continue
		}
		byAccount[arn.AccountID] = arn.String()
		out.Accounts = append(out.Accounts, Account{ID: arn.AccountID, Name: "Account " + arn.AccountID,
			RoleARN: arn.String(), SessionName: SessionExplicit})
	}
	if len(out.Accounts) == 0 {
		return Discovery{}, errors.New("accountRoleArns: no role ARNs given")
	}
	return out, nil
}

func (p *Provider) discoverSingle(ctx context.Context) (Discovery, error) {
	cfg, err := p.Config(ctx, Target{}, "")
	if err != nil {
		return Discovery{}, fmt.Errorf("single account: %w", err)
	}
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return Discovery{}, fmt.Errorf("single account: get caller identity: %w", err)
	}
	id := aws.ToString(out.Account)
	return Discovery{Mode: ModeSingle, Accounts: []Account{{ID: id, Name: "Account " + id}}}, nil
}

func dedupe(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		for _, part := range strings.Split(s, ",") {
			part = strings.TrimSpace(part)
			if part != "" && !seen[part] {
				seen[part] = true
				out = append(out, part)
			}
		}
	}
	return out
}
