package awsemu

import "time"

// The organization model. Everything an emulated AWS service answers is read from
// an *Org under Server's lock; tests and the admin endpoint change it between runs.
// Field names follow AWS's own so that handlers read naturally.

// Org is a generated (or hand-built) AWS Organization and its accounts' contents.
type Org struct {
	ID                  string // o-xxxxxxxxxx
	ManagementAccountID string
	RootID              string // r-xxxx
	// Partition is "aws" unless a test says otherwise.
	Partition string
	OUs       map[string]*OU // by OU id (ou-xxxx-xxxxxxxx)
	Accounts  map[string]*Account
	// AccountOrder keeps ListAccounts deterministic (creation order).
	AccountOrder []string
	// Delegated administrators may call Organizations read APIs like the manager.
	DelegatedAdmins map[string]bool
}

// OU is an organizational unit; ParentID is the root id or another OU id.
type OU struct {
	ID       string
	Name     string
	ParentID string
	Tags     map[string]string
}

// Account is one AWS account with its identity setup and resources.
type Account struct {
	ID       string
	Name     string
	Email    string
	ParentID string // root or OU id
	// State is ACTIVE, SUSPENDED or PENDING_CLOSURE; Status (deprecated) is derived.
	State     string
	JoinedAt  time.Time
	Tags      map[string]string
	InOrg     bool                        // false: AWSOrganizationsNotInUseException for this account's callers
	Roles     map[string]*Role            // by role name
	OIDC      map[string]*OIDCProvider    // by issuer URL without scheme, e.g. "oidc.eks.us-east-1.amazonaws.com/id/ABC"
	Regions   map[string]RegionStatus     // region -> opt status
	Resources map[ResourceKey][]*Resource // per (region, kind)
	// Users are static IAM credentials issued in this account (access key -> user name).
	Users map[string]*User
}

// RegionStatus is AWS's RegionOptStatus.
type RegionStatus string

const (
	RegionEnabled          RegionStatus = "ENABLED"
	RegionEnabledByDefault RegionStatus = "ENABLED_BY_DEFAULT"
	RegionDisabled         RegionStatus = "DISABLED"
)

// Role is an IAM role with the trust policy facts the emulator checks.
type Role struct {
	Name string
	Path string // "/" or "/some/path/"
	// TrustedPrincipals are ARNs (roles or users, any account) allowed sts:AssumeRole.
	// "*" in the list trusts any caller of any account.
	TrustedPrincipals []string
	ExternalID        string // required ExternalId when non-empty
	// WebIdentity trust: issuer (as in Account.OIDC keys) and the allowed subjects.
	WebIdentityIssuer   string
	WebIdentitySubjects []string // e.g. system:serviceaccount:port-ocean:port-ocean-aws-v3
	MaxSessionDuration  int32    // seconds; 3600 when zero
	Denied              bool     // every assumption of this role is denied
}

// OIDCProvider is an IAM OIDC identity provider in an account.
type OIDCProvider struct {
	Issuer    string
	Audiences []string // "sts.amazonaws.com"
}

// User holds static credentials of an IAM user.
type User struct {
	Name            string
	AccessKeyID     string
	SecretAccessKey string
}

// ResourceKey addresses the resources of one kind in one region. Global kinds
// (S3 buckets) use the region the bucket lives in.
type ResourceKey struct {
	Region string
	Kind   string // "AWS::EC2::Instance", "AWS::EC2::Volume", "AWS::S3::Bucket", "AWS::ECS::Cluster", "AWS::ECS::Service", "AWS::Lambda::Function"
}

// Resource is a generic resource. Attributes hold kind-specific fields in AWS's
// names (e.g. "InstanceType", "State", "RunningTasksCount"); each service file
// documents which attributes it reads and defaults the rest.
type Resource struct {
	ID         string // instance id, bucket name, cluster name, function name, volume id
	Name       string
	ARN        string
	CreatedAt  time.Time
	Tags       map[string]string
	Parent     string // e.g. cluster ARN for an ECS service
	Attributes map[string]any
}
