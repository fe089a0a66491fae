package awscloud

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/aws-port-sync/aws-port-sync/internal/awsarn"
)

// Scoping settings of organization mode (DiscoverySettings): exclusions win
// over inclusions; tags are the accounts' Organizations tags.
//
//   - ExcludedAccountIDs: these accounts are not synced.
//   - ExcludedOUIDs: no account under these OUs (recursively) is synced.
//   - IncludeAccountTags: "key=value" each; when set, only accounts carrying at
//     least one of them are synced.
//   - ExcludeAccountTags: "key=value" each; an account carrying any of them is
//     not synced.
//   - RoleOverrides: another member role (and ExternalId) for some accounts.

// RoleOverride names another member role for one account or every account
// under an OU (recursively). RoleName is what follows "role/" in a role ARN:
// "PortReadRole" is the role at path "/", "team/PortReadRole" at "/team/".
// ExternalID, when set, replaces the configured externalId for those accounts.
type RoleOverride struct {
	AccountID  string `json:"accountId,omitempty"`
	OUID       string `json:"ouId,omitempty"`
	RoleName   string `json:"roleName,omitempty"`
	ExternalID string `json:"externalId,omitempty"`
}

// Selector is the account id or OU id the override applies to.
func (o RoleOverride) Selector() string {
	if o.AccountID != "" {
		return o.AccountID
	}
	return o.OUID
}

// Excluded is an ACTIVE account that the scoping settings leave out, and why
// (e.g. "excludedAccountIds", "excludedOuIds ou-ab12-cdefghij",
// "excludeAccountTags env=sandbox", "not selected by includeAccountTags").
type Excluded struct {
	ID, Name, Reason string
}

// ScopeError is a scoping setting the organization contradicts (an OU that
// does not exist, an exclusion that leaves nothing): no retry fixes it.
type ScopeError struct{ Msg string }

func (e *ScopeError) Error() string { return e.Msg }

func (d DiscoverySettings) scoped() bool {
	return len(d.ExcludedAccountIDs) > 0 || len(d.ExcludedOUIDs) > 0 || len(d.IncludeAccountTags) > 0 ||
		len(d.ExcludeAccountTags) > 0 || len(d.RoleOverrides) > 0
}

// ouMembers lists, for each OU, the accounts under it (recursively). An OU
// that does not exist in the organization is a ScopeError naming the setting.
func ouMembers(ctx context.Context, client *organizations.Client, setting string, ous []string) (map[string]map[string]bool, error) {
	out := map[string]map[string]bool{}
	for _, ou := range ous {
		if _, done := out[ou]; done {
			continue
		}
		accts, err := walkOUs(ctx, client, []string{ou})
		if err != nil {
			var nf *orgtypes.ParentNotFoundException
			if errors.As(err, &nf) || strings.Contains(ErrorCode(err), "ParentNotFoundException") {
				return nil, &ScopeError{Msg: fmt.Sprintf("%s: OU %s does not exist in the organization (%s); remove it or fix the id (Organizations → AWS accounts)", setting, ou, ErrorCode(err))}
			}
			return nil, err
		}
		set := map[string]bool{}
		for _, a := range accts {
			set[aws.ToString(a.Id)] = true
		}
		out[ou] = set
	}
	return out, nil
}

// accountTags reads an account's Organizations tags (paged).
func accountTags(ctx context.Context, client *organizations.Client, id string) (map[string]string, error) {
	tags := map[string]string{}
	pager := organizations.NewListTagsForResourcePaginator(client, &organizations.ListTagsForResourceInput{ResourceId: aws.String(id)})
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list tags of account %s: %w", id, err)
		}
		for _, t := range page.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	}
	return tags, nil
}

// matchTag returns the first "key=value" of list the tags carry.
func matchTag(tags map[string]string, list []string) (string, bool) {
	for _, kv := range list {
		k, v, _ := strings.Cut(kv, "=")
		if got, ok := tags[strings.TrimSpace(k)]; ok && got == strings.TrimSpace(v) {
			return kv, true
		}
	}
	return "", false
}

// applyScope splits the ACTIVE accounts into synced and excluded, and sets
// each synced account's role (and override selector). Tags are read once per
// account per discovery, that is once per resync, and only when a tag setting
// is given.
func (p *Provider) applyScope(ctx context.Context, client *organizations.Client, d DiscoverySettings, orgARN awsarn.RoleARN, accts []Account) ([]Account, []Excluded, []string, error) {
	var warnings []string
	excludedIDs := setOf(dedupe(d.ExcludedAccountIDs))
	exOUs, err := ouMembers(ctx, client, "excludedOuIds", dedupe(d.ExcludedOUIDs))
	if err != nil {
		return nil, nil, nil, err
	}
	var overrideOUs []string
	for _, o := range d.RoleOverrides {
		if o.AccountID == "" && o.OUID != "" {
			overrideOUs = append(overrideOUs, o.OUID)
		}
	}
	ovOUs, err := ouMembers(ctx, client, "accountRoleOverrides", overrideOUs)
	if err != nil {
		return nil, nil, nil, err
	}
	include, exclude := dedupe(d.IncludeAccountTags), dedupe(d.ExcludeAccountTags)

	present := map[string]bool{}
	for _, a := range accts {
		present[a.ID] = true
	}
	for _, id := range dedupe(d.ExcludedAccountIDs) {
		if !present[id] {
			warnings = append(warnings, fmt.Sprintf("excludedAccountIds: account %s is not an ACTIVE account of the organization (or of ouId); nothing to exclude", id))
		}
	}

	var kept []Account
	var excluded []Excluded
	for _, a := range accts {
		reason := ""
		switch {
		case excludedIDs[a.ID]:
			reason = "excludedAccountIds"
		default:
			for _, ou := range dedupe(d.ExcludedOUIDs) {
				if exOUs[ou][a.ID] {
					reason = "excludedOuIds " + ou
					break
				}
			}
		}
		if reason == "" && (len(include) > 0 || len(exclude) > 0) {
			tags, err := accountTags(ctx, client, a.ID)
			if err != nil {
				return nil, nil, nil, err
			}
			if kv, ok := matchTag(tags, exclude); ok {
				reason = "excludeAccountTags " + kv
			} else if _, ok := matchTag(tags, include); len(include) > 0 && !ok {
				reason = "not selected by includeAccountTags (" + strings.Join(include, ", ") + ")"
			}
		}
		if reason != "" {
			excluded = append(excluded, Excluded{ID: a.ID, Name: a.Name, Reason: reason})
			continue
		}
		if o, ok := pickOverride(d.RoleOverrides, ovOUs, a.ID); ok {
			if o.RoleName != "" {
				a.RoleARN = withRoleName(orgARN, o.RoleName).InAccount(a.ID).String()
			}
			a.Override = o.Selector()
		}
		kept = append(kept, a)
	}
	if len(kept) == 0 && len(accts) > 0 {
		counts := map[string]int{}
		for _, e := range excluded {
			name, _, _ := strings.Cut(e.Reason, " ")
			counts[name]++
		}
		var parts []string
		for _, k := range sortedKeys(counts) {
			parts = append(parts, fmt.Sprintf("%d by %s", counts[k], k))
		}
		return nil, nil, nil, &ScopeError{Msg: fmt.Sprintf("the exclusions leave no account to sync: all %d ACTIVE accounts are excluded (%s); check excludedAccountIds, excludedOuIds, includeAccountTags and excludeAccountTags",
			len(accts), strings.Join(parts, ", "))}
	}
	return kept, excluded, warnings, nil
}

// pickOverride: an accountId entry wins; else the first ouId entry, in list
// order, whose OU holds the account.
func pickOverride(list []RoleOverride, ovOUs map[string]map[string]bool, id string) (RoleOverride, bool) {
	for _, o := range list {
		if o.AccountID == id {
			return o, true
		}
	}
	for _, o := range list {
		if o.AccountID == "" && o.OUID != "" && ovOUs[o.OUID][id] {
			return o, true
		}
	}
	return RoleOverride{}, false
}

// withRoleName replaces the role's path and name by roleName ("Name" or
// "path/to/Name").
func withRoleName(r awsarn.RoleARN, roleName string) awsarn.RoleARN {
	roleName = strings.Trim(roleName, "/")
	r.Path = "/"
	if i := strings.LastIndex(roleName, "/"); i >= 0 {
		r.Path = "/" + roleName[:i+1]
		roleName = roleName[i+1:]
	}
	r.Name = roleName
	return r
}

// ExternalIDFor is the ExternalId an override selector sets ("" = the
// configured one).
func (d DiscoverySettings) ExternalIDFor(selector string) string {
	if selector == "" {
		return ""
	}
	for _, o := range d.RoleOverrides {
		if o.Selector() == selector {
			return o.ExternalID
		}
	}
	return ""
}

func setOf(list []string) map[string]bool {
	out := map[string]bool{}
	for _, s := range list {
		out[s] = true
	}
	return out
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
