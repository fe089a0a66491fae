package awsemu

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Builders and mutations of an Org, used by Generate, by tests that hand-build
// an organization, and by the admin endpoint. Callers hold the server's write
// lock (Server.Update) when the Org is being served.

// Kinds the generator fills and the service files serve.
const (
	KindEC2Instance    = "AWS::EC2::Instance"
	KindEC2Volume      = "AWS::EC2::Volume"
	KindECSCluster     = "AWS::ECS::Cluster"
	KindECSService     = "AWS::ECS::Service"
	KindLambdaFunction = "AWS::Lambda::Function"
	KindS3Bucket       = "AWS::S3::Bucket"
	KindEKSCluster     = "AWS::EKS::Cluster"
)

// DefaultRegions are the enabled regions when a Spec names none.
var DefaultRegions = []string{"us-east-1", "us-west-2", "eu-west-1", "eu-central-1"}

// PartitionRegions are the regions of the partitions other than aws, in
// which every region is enabled (no opt-in regions).
var PartitionRegions = map[string][]string{
	"aws-us-gov": {"us-gov-east-1", "us-gov-west-1"},
	"aws-cn":     {"cn-north-1", "cn-northwest-1"},
}

// RegionInPartition tells whether a region (as signed in a request's
// credential scope) belongs to the partition.
func RegionInPartition(region, partition string) bool {
	switch {
	case strings.HasPrefix(region, "us-gov-"):
		return partition == "aws-us-gov"
	case strings.HasPrefix(region, "cn-"):
		return partition == "aws-cn"
	}
	return partition == "aws" || partition == ""
}

// optInRegions are regions AWS ships disabled; enabling one reports ENABLED
// instead of ENABLED_BY_DEFAULT.
var optInRegions = map[string]bool{
	"af-south-1": true, "ap-east-1": true, "ap-south-2": true, "ap-southeast-3": true,
	"ap-southeast-4": true, "ap-southeast-5": true, "ap-southeast-7": true, "ca-west-1": true,
	"eu-central-2": true, "eu-south-1": true, "eu-south-2": true, "il-central-1": true,
	"me-central-1": true, "me-south-1": true, "mx-central-1": true, "ap-east-2": true,
}

// orgEpoch anchors hand-built and generated timestamps, so runs compare equal.
var orgEpoch = time.Date(2021, 3, 1, 9, 0, 0, 0, time.UTC)

// NewOrg is an empty organization with fixed ids in partition ("" = "aws").
func NewOrg(partition string) *Org {
	if partition == "" {
		partition = "aws"
	}
	return &Org{
		ID:              "o-a1b2c3d4e5",
		RootID:          "r-a1b2",
		Partition:       partition,
		OUs:             map[string]*OU{},
		Accounts:        map[string]*Account{},
		DelegatedAdmins: map[string]bool{},
	}
}

// AddOU adds an organizational unit under parentID ("" = the root).
func (o *Org) AddOU(id, name, parentID string) *OU {
	if parentID == "" {
		parentID = o.RootID
	}
	ou := &OU{ID: id, Name: name, ParentID: parentID, Tags: map[string]string{}}
	o.OUs[id] = ou
	return ou
}

// AddAccount adds an ACTIVE member account under parentID ("" = the root) with
// the default regions enabled. The first account added becomes the management
// account unless one is set.
func (o *Org) AddAccount(id, name, parentID string) *Account {
	if parentID == "" {
		parentID = o.RootID
	}
	a := &Account{
		ID:        id,
		Name:      name,
		Email:     strings.ToLower(strings.ReplaceAll(name, " ", "-")) + "@example.com",
		ParentID:  parentID,
		State:     "ACTIVE",
		JoinedAt:  orgEpoch.Add(time.Duration(len(o.AccountOrder)) * 24 * time.Hour),
		Tags:      map[string]string{},
		InOrg:     true,
		Roles:     map[string]*Role{},
		OIDC:      map[string]*OIDCProvider{},
		Regions:   map[string]RegionStatus{},
		Resources: map[ResourceKey][]*Resource{},
		Users:     map[string]*User{},
	}
	regions := DefaultRegions
	if pr, ok := PartitionRegions[o.partition()]; ok {
		regions = pr
	}
	for _, r := range regions {
		a.Regions[r] = enabledStatus(r)
	}
	if _, exists := o.Accounts[id]; !exists {
		o.AccountOrder = append(o.AccountOrder, id)
	}
	o.Accounts[id] = a
	if o.ManagementAccountID == "" {
		o.ManagementAccountID = id
	}
	return a
}

func enabledStatus(region string) RegionStatus {
	if optInRegions[region] {
		return RegionEnabled
	}
	return RegionEnabledByDefault
}

// AddRole adds (or replaces) a role in the account.
func (a *Account) AddRole(r *Role) *Role {
	if r.Path == "" {
		r.Path = "/"
	}
	a.Roles[r.Name] = r
	return r
}

// AddOIDCProvider adds an IAM OIDC provider for issuer (scheme optional) with
// audience sts.amazonaws.com.
func (a *Account) AddOIDCProvider(issuer string) *OIDCProvider {
	issuer = strings.TrimPrefix(strings.TrimPrefix(issuer, "https://"), "http://")
	p := &OIDCProvider{Issuer: issuer, Audiences: []string{"sts.amazonaws.com"}}
	a.OIDC[issuer] = p
	return p
}

// RoleARN is the ARN of roleName in accountID (path from the role when it exists).
func (o *Org) RoleARN(accountID, roleName string) string {
	path := "/"
	if a := o.Accounts[accountID]; a != nil {
		if r := a.Roles[roleName]; r != nil && r.Path != "" {
			path = r.Path
		}
	}
	return "arn:" + o.partition() + ":iam::" + accountID + ":role" + path + roleName
}

// AccountARN is the Organizations ARN of an account.
func (o *Org) AccountARN(accountID string) string {
	return "arn:" + o.partition() + ":organizations::" + o.ManagementAccountID + ":account/" + o.ID + "/" + accountID
}

func (o *Org) partition() string {
	if o.Partition == "" {
		return "aws"
	}
	return o.Partition
}

// AddResource appends r to the account's (region, kind) list, replacing a
// resource with the same ID.
func (o *Org) AddResource(accountID string, key ResourceKey, r *Resource) error {
	a := o.Accounts[accountID]
	if a == nil {
		return fmt.Errorf("add resource: account %s not found", accountID)
	}
	if r.Tags == nil {
		r.Tags = map[string]string{}
	}
	if r.Attributes == nil {
		r.Attributes = map[string]any{}
	}
	list := a.Resources[key]
	for i, existing := range list {
		if existing.ID == r.ID {
			list[i] = r
			return nil
		}
	}
	a.Resources[key] = append(list, r)
	return nil
}

// RemoveResource deletes the resource with id; false when it was not there.
func (o *Org) RemoveResource(accountID string, key ResourceKey, id string) bool {
	a := o.Accounts[accountID]
	if a == nil {
		return false
	}
	list := a.Resources[key]
	for i, r := range list {
		if r.ID == id {
			a.Resources[key] = slices.Delete(slices.Clone(list), i, i+1)
			return true
		}
	}
	return false
}

// FindResource returns the resource with id of kind in any region of the account.
func (o *Org) FindResource(accountID, kind, id string) (ResourceKey, *Resource, bool) {
	a := o.Accounts[accountID]
	if a == nil {
		return ResourceKey{}, nil, false
	}
	for _, k := range sortedResourceKeys(a) {
		if k.Kind != kind {
			continue
		}
		for _, r := range a.Resources[k] {
			if r.ID == id {
				return k, r, true
			}
		}
	}
	return ResourceKey{}, nil, false
}

// SetAccountState sets ACTIVE, SUSPENDED or PENDING_CLOSURE.
func (o *Org) SetAccountState(accountID, state string) error {
	a := o.Accounts[accountID]
	if a == nil {
		return fmt.Errorf("set account state: account %s not found", accountID)
	}
	switch state {
	case "ACTIVE", "SUSPENDED", "PENDING_CLOSURE":
	default:
		return fmt.Errorf("set account state: unknown state %q", state)
	}
	a.State = state
	return nil
}

// SuspendAccount marks the account SUSPENDED (its resources stay).
func (o *Org) SuspendAccount(accountID string) error {
	return o.SetAccountState(accountID, "SUSPENDED")
}

// RemoveAccount deletes the account from the organization and the emulator:
// its credentials stop working.
func (o *Org) RemoveAccount(accountID string) error {
	if o.Accounts[accountID] == nil {
		return fmt.Errorf("remove account: account %s not found", accountID)
	}
	if accountID == o.ManagementAccountID {
		return fmt.Errorf("remove account: %s is the management account", accountID)
	}
	delete(o.Accounts, accountID)
	o.AccountOrder = slices.DeleteFunc(slices.Clone(o.AccountOrder), func(id string) bool { return id == accountID })
	delete(o.DelegatedAdmins, accountID)
	return nil
}

// DenyRole makes every assumption of roleName in accountID fail with AccessDenied.
func (o *Org) DenyRole(accountID, roleName string) error {
	a := o.Accounts[accountID]
	if a == nil {
		return fmt.Errorf("deny role: account %s not found", accountID)
	}
	r := a.Roles[roleName]
	if r == nil {
		return fmt.Errorf("deny role: role %s not found in account %s", roleName, accountID)
	}
	r.Denied = true
	return nil
}

// OrderedAccounts lists accounts in AccountOrder (then any missing from it, by id).
func (o *Org) OrderedAccounts() []*Account {
	seen := map[string]bool{}
	out := make([]*Account, 0, len(o.Accounts))
	for _, id := range o.AccountOrder {
		if a := o.Accounts[id]; a != nil && !seen[id] {
			out = append(out, a)
			seen[id] = true
		}
	}
	for _, id := range sortedAccountIDs(o) {
		if !seen[id] {
			out = append(out, o.Accounts[id])
		}
	}
	return out
}

func sortedAccountIDs(o *Org) []string {
	ids := make([]string, 0, len(o.Accounts))
	for id := range o.Accounts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

func sortedResourceKeys(a *Account) []ResourceKey {
	keys := make([]ResourceKey, 0, len(a.Resources))
	for k := range a.Resources {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].Kind != keys[j].Kind {
			return keys[i].Kind < keys[j].Kind
		}
		return keys[i].Region < keys[j].Region
	})
	return keys
}

// ResourceCounts counts resources per kind over every account.
func (o *Org) ResourceCounts() map[string]int {
	out := map[string]int{}
	for _, a := range o.Accounts {
		for k, list := range a.Resources {
			out[k.Kind] += len(list)
		}
	}
	return out
}
