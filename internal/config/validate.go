package config

import (
	"errors"
	"fmt"
	"github.com/aws-port-sync/aws-port-sync/internal/awsarn"
	"math"
	"net"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"
)

var (
	// Organizations ids: ou-<root part 4-32>-<8-32>, roots r-<4-32>.
	ouIDPattern   = regexp.MustCompile(`^(ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|r-[0-9a-z]{4,32})$`)
	integrationID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)
	// Region names: us-east-1, eu-central-2, us-gov-west-1, cn-northwest-1.
	regionName = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)
)

// Validate checks the meaning of every setting and reports every problem at
// once. Each message names the setting in both spellings and says the fix.
//
// Decisions beyond Ocean: accountRoleArn and accountRoleArns together are an
// error (Ocean silently uses accountRoleArn); ouId without accountRoleArn is an
// error (Ocean ignores it); two explicit role ARNs in one account are an error
// (they would sync the same account twice).
func (c *Config) Validate() error {
	v := &validation{}
	v.port(c)
	v.integration(c)
	v.aws(c)
	v.temporal(c)
	v.eventListener(c)
	return errors.Join(v.errs...)
}

type validation struct{ errs []error }

func (v *validation) fail(field any, format string, args ...any) {
	v.errs = append(v.errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
}

func (v *validation) port(c *Config) {
	if c.Port.ClientID == "" {
		v.fail(FieldClientID, "required: set the client id of a Port credential (Port → Settings → Credentials)")
	}
	if c.Port.ClientSecret == "" {
		v.fail(FieldClientSecret, "required: set the client secret that belongs to the client id (Port → Settings → Credentials)")
	}
	if err := checkBaseURL(c.Port.BaseURL); err != nil {
		v.fail(FieldBaseURL, "%v", err)
	}
}

func checkBaseURL(raw string) error {
	hint := "use " + DefaultBaseURL + " (EU) or https://api.us.getport.io (US)"
	if raw == "" {
		return errors.New("required: " + hint)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL: %s", raw, hint)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("%q must be a bare base URL without query, fragment or credentials: %s", raw, hint)
	}
	if p := strings.TrimRight(u.Path, "/"); p != "" {
		if p == "/v1" {
			return fmt.Errorf("%q ends in /v1: give the base URL without it (the client adds /v1), e.g. %s", raw, DefaultBaseURL)
		}
		return fmt.Errorf("%q has a path %q: %s", raw, u.Path, hint)
	}
	return nil
}

func (v *validation) integration(c *Config) {
	switch {
	case c.IntegrationIdentifier == "":
		v.fail(FieldIntegrationIdentifier, "required: name this installation, e.g. my-aws-v3-integration (it owns the entities it writes)")
	case !integrationID.MatchString(c.IntegrationIdentifier):
		v.fail(FieldIntegrationIdentifier, "%q may only hold letters, digits, '.', '_' and '-' (starting with a letter or digit), at most 100 characters", c.IntegrationIdentifier)
	}
	if c.ScheduledResyncInterval < time.Minute {
		v.fail(FieldScheduledResyncInterval, "%s is shorter than 1 minute: give the interval in minutes, e.g. 60", c.ScheduledResyncInterval)
	}
	if c.MaxConcurrentAccounts < 1 {
		v.fail(FieldMaxConcurrentAccounts, "%d is less than 1: set a positive number of accounts synced at once (default %d)", c.MaxConcurrentAccounts, DefaultMaxConcurrentAccounts)
	}
	if r := c.MaxPortRequestsPerSecond; !(r > 0) || math.IsInf(r, 0) {
		v.fail(FieldMaxPortRequestsPerSecond, "%v is not a positive number: set the Port requests per second all workers together may send (default %.1f, Port's 35,000 per 5 minutes less 20 %%)", r, DefaultMaxPortRequestsPerSecond)
	}
	if c.PortRequestBurst < 1 {
		v.fail(FieldPortRequestBurst, "%d is less than 1: set how many Port requests all workers together may send at once above the rate (default %d; 1 spaces them evenly)", c.PortRequestBurst, DefaultPortRequestBurst)
	}
	if c.MappingFile != "" {
		if err := readableFile(c.MappingFile); err != nil {
			v.fail(FieldMappingFile, "%v: point it at a port-app-config YAML file, or unset it to use the integration's config in Port", err)
		}
	}
	switch {
	case c.Version == "":
		v.fail(FieldVersion, "empty: set a version such as 1.0.0 (it is part of every write's User-Agent)")
	case strings.ContainsAny(c.Version, "/ \t\n"):
		v.fail(FieldVersion, "%q must not contain '/' or spaces: it is one segment of every write's User-Agent", c.Version)
	}
}

func (v *validation) aws(c *Config) {
	a := c.AWS
	partitionValid := awsarn.IsPartition(a.Partition)
	if !partitionValid {
		v.fail(FieldPartition, "%q is not a partition: use one of %s", a.Partition, strings.Join(awsarn.Partitions, ", "))
	}
	// partitionFrom names where the expected partition came from, for mismatch messages.
	partitionFrom := FieldPartition.String()
	if c.partitionDerived {
		partitionFrom = "the first role ARN"
		if a.AccountRoleARN == "" && len(a.AccountRoleARNs) == 0 {
			partitionFrom = "the default, without role ARNs"
		}
	}
	checkARN := func(name, arn string) (awsarn.RoleARN, bool) {
		r, err := awsarn.ParseRoleARN(arn)
		if err != nil {
			v.fail(name, "%v", err)
			return r, false
		}
		if partitionValid && r.Partition != a.Partition {
			v.fail(name, "partition %q differs from %q (%s): all roles must be in one partition; fix the ARN or set %s to %q",
				r.Partition, a.Partition, partitionFrom, FieldPartition, r.Partition)
		}
		return r, true
	}
	if a.AccountRoleARN != "" {
		checkARN(FieldAccountRoleARN.String(), a.AccountRoleARN)
		if len(a.AccountRoleARNs) > 0 {
			v.fail(FieldAccountRoleARN, "set together with %s: use accountRoleArn for an organization (member accounts are discovered) or accountRoleArns for an explicit list, not both", FieldAccountRoleARNs)
		}
	}
	accounts := map[string]int{}
	for i, arn := range a.AccountRoleARNs {
		r, ok := checkARN(FieldAccountRoleARNs.item(i), arn)
		if !ok {
			continue
		}
		if j, dup := accounts[r.AccountID]; dup {
			v.fail(FieldAccountRoleARNs.item(i), "account %s already has a role in %s: give one role per account", r.AccountID, FieldAccountRoleARNs.item(j))
			continue
		}
		accounts[r.AccountID] = i
	}
	for i, ou := range a.OUIDs {
		if !ouIDPattern.MatchString(ou) {
			v.fail(FieldOUID.item(i), "%q is not an OU id: use ou-xxxx-xxxxxxxx (Organizations → AWS accounts) or a root id r-xxxx", ou)
		}
	}
	for i, r := range a.FallbackRegions {
		if !regionName.MatchString(r) {
			v.fail(FieldFallbackRegions.item(i), "%q is not a region name: use names such as us-east-1 or eu-central-1", r)
		} else if partitionValid && regionPartition(r) != a.Partition {
			v.fail(FieldFallbackRegions.item(i), "%s is a region of partition %s, not of %s (%s): list regions of %s only", r, regionPartition(r), a.Partition, partitionFrom, a.Partition)
		}
	}
	// The home region signs STS, Organizations and global calls: one of
	// another partition would send this partition's keys to the wrong cloud.
	if partitionValid && a.Region != "" && regionName.MatchString(a.Region) && regionPartition(a.Region) != a.Partition {
		v.fail(FieldRegion, "%s is a region of partition %s, not of %s (%s): set a region of %s (e.g. %s) or leave it unset", a.Region, regionPartition(a.Region), a.Partition, partitionFrom, a.Partition, homeRegionOf(a.Partition))
	}
	v.scoping(a)
	if len(a.OUIDs) > 0 && a.AccountRoleARN == "" {
		v.fail(FieldOUID, "only applies to organization mode: also set %s to the management account's role", FieldAccountRoleARN)
	}
	if len(a.CredentialProviderPriority) == 0 {
		v.fail(FieldCredentialProviders, "empty: list providers in order, e.g. %s", strings.Join(DefaultCredentialProviderPriority, ","))
	}
	for i, p := range a.CredentialProviderPriority {
		if !isProvider(p) {
			v.fail(FieldCredentialProviders.item(i), "%q is not a credential provider: use %s", p, strings.Join(DefaultCredentialProviderPriority, ", "))
		}
	}
	switch {
	case a.AccessKeyID != "" && a.SecretAccessKey == "":
		v.fail(FieldSecretAccessKey, "required when %s is set: give the key's secret, or remove the key id", FieldAccessKeyID)
	case a.AccessKeyID == "" && a.SecretAccessKey != "":
		v.fail(FieldAccessKeyID, "required when %s is set: give the key id, or remove the secret", FieldSecretAccessKey)
	}
	if a.SessionToken != "" && (a.AccessKeyID == "" || a.SecretAccessKey == "") {
		v.fail(FieldSessionToken, "only works with %s and %s: set both, or remove the token", FieldAccessKeyID, FieldSecretAccessKey)
	}
	if a.WebIdentityTokenFile != "" {
		if err := readableFile(a.WebIdentityTokenFile); err != nil {
			v.fail(FieldWebIdentityTokenFile, "%v: mount the service account token (IRSA) there, or unset the variable", err)
		}
	}
}

var (
	accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)
	// An Organizations tag: key 1-128, value 0-256 characters.
	tagPattern = regexp.MustCompile(`^([^=]{1,128})=(.{0,256})$`)
	// A role name as after "role/" in an ARN, with an optional path.
	roleNamePattern = regexp.MustCompile(`^([\x21-\x7e]+/)*[\w+=,.@-]{1,64}$`)
)

// scoping checks the organization-mode scoping settings. Whether an OU exists
// and whether the exclusions leave an account can only be told by the
// organization: discovery checks those, before any write to Port.
func (v *validation) scoping(a AWS) {
	orgOnly := func(f Field, n int) {
		if n > 0 && a.AccountRoleARN == "" {
			v.fail(f, "only applies to organization mode: also set %s to the management account's role", FieldAccountRoleARN)
		}
	}
	orgOnly(FieldExcludedAccountIDs, len(a.ExcludedAccountIDs))
	orgOnly(FieldExcludedOUIDs, len(a.ExcludedOUIDs))
	orgOnly(FieldIncludeAccountTags, len(a.IncludeAccountTags))
	orgOnly(FieldExcludeAccountTags, len(a.ExcludeAccountTags))
	orgOnly(FieldAccountRoleOverrides, len(a.AccountRoleOverrides))
	for i, id := range a.ExcludedAccountIDs {
		if !accountIDPattern.MatchString(id) {
			v.fail(FieldExcludedAccountIDs.item(i), "%q is not an account id: give the 12 digits, e.g. 123456789012", id)
		}
	}
	for i, ou := range a.ExcludedOUIDs {
		if !ouIDPattern.MatchString(ou) || strings.HasPrefix(ou, "r-") {
			v.fail(FieldExcludedOUIDs.item(i), "%q is not an OU id: use ou-xxxx-xxxxxxxx (Organizations → AWS accounts); excluding the root would exclude everything", ou)
		}
		for _, inc := range a.OUIDs {
			if inc == ou {
				v.fail(FieldExcludedOUIDs.item(i), "%s is also in %s: an OU cannot be both included and excluded", ou, FieldOUID)
			}
		}
	}
	for _, t := range []struct {
		f    Field
		list []string
	}{{FieldIncludeAccountTags, a.IncludeAccountTags}, {FieldExcludeAccountTags, a.ExcludeAccountTags}} {
		for i, kv := range t.list {
			m := tagPattern.FindStringSubmatch(kv)
			if m == nil || strings.TrimSpace(m[1]) == "" {
				v.fail(t.f.item(i), "%q is not a tag: give key=value, e.g. env=sandbox (several as a JSON list or commas)", kv)
			}
		}
	}
	seen := map[string]int{}
	for i, o := range a.AccountRoleOverrides {
		f := FieldAccountRoleOverrides.item(i)
		switch {
		case (o.AccountID == "") == (o.OUID == ""):
			v.fail(f, "give exactly one of accountId and ouId")
		case o.AccountID != "" && !accountIDPattern.MatchString(o.AccountID):
			v.fail(f, "accountId %q is not an account id: give the 12 digits, e.g. 123456789012", o.AccountID)
		case o.OUID != "" && !ouIDPattern.MatchString(o.OUID):
			v.fail(f, "ouId %q is not an OU id: use ou-xxxx-xxxxxxxx or a root id r-xxxx", o.OUID)
		}
		if o.RoleName == "" && o.ExternalID == "" {
			v.fail(f, "sets nothing: give roleName, externalId or both")
		}
		if o.RoleName != "" && !roleNamePattern.MatchString(strings.Trim(o.RoleName, "/")) {
			v.fail(f, "roleName %q is not a role name: give what follows role/ in the ARN, e.g. LegacyReadRole or team/LegacyReadRole", o.RoleName)
		}
		sel := o.AccountID + o.OUID
		if j, dup := seen[sel]; dup && sel != "" {
			v.fail(f, "%s already has an override in %s: give one per account or OU", sel, FieldAccountRoleOverrides.item(j))
			continue
		}
		seen[sel] = i
	}
}

func (v *validation) temporal(c *Config) {
	t := c.Temporal
	if host, port, err := net.SplitHostPort(t.Address); err != nil || host == "" || port == "" {
		v.fail(FieldTemporalAddress, "%q is not host:port, e.g. %s or my-ns.a1b2c.tmprl.cloud:7233", t.Address, DefaultTemporalAddress)
	}
	if t.Namespace == "" {
		v.fail(FieldTemporalNamespace, "required, e.g. %s", DefaultTemporalNamespace)
	}
	if t.TaskQueue == "" {
		v.fail(FieldTemporalTaskQueue, "required, e.g. %s", DefaultTaskQueue)
	}
	switch {
	case t.TLSCertPath != "" && t.TLSKeyPath == "":
		v.fail(FieldTemporalTLSKey, "required when %s is set: mTLS needs the client key with the certificate", FieldTemporalTLSCert)
	case t.TLSCertPath == "" && t.TLSKeyPath != "":
		v.fail(FieldTemporalTLSCert, "required when %s is set: mTLS needs the client certificate with the key", FieldTemporalTLSKey)
	}
	for _, f := range []struct {
		field Field
		path  string
	}{{FieldTemporalTLSCert, t.TLSCertPath}, {FieldTemporalTLSKey, t.TLSKeyPath}, {FieldTemporalTLSCA, t.TLSCAPath}} {
		if f.path == "" {
			continue
		}
		if err := readableFile(f.path); err != nil {
			v.fail(f.field, "%v: give the path of a PEM file", err)
		}
	}
}

// TLSEnabled reports whether the Temporal connection needs TLS: any TLS
// setting, or an API key (Temporal Cloud only accepts API keys over TLS).
func (t Temporal) TLSEnabled() bool {
	return t.TLSCertPath != "" || t.TLSCAPath != "" || t.TLSServerName != "" || t.APIKey != ""
}

// regionPartition is the partition a region name belongs to.
func regionPartition(region string) string {
	switch {
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	}
	return "aws"
}

func homeRegionOf(partition string) string {
	switch partition {
	case "aws-us-gov":
		return "us-gov-west-1"
	case "aws-cn":
		return "cn-north-1"
	}
	return "us-east-1"
}

func isProvider(p string) bool {
	for _, known := range DefaultCredentialProviderPriority {
		if p == known {
			return true
		}
	}
	return false
}

func readableFile(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("cannot read %q: %w", path, unwrapPathError(err))
	}
	if info.IsDir() {
		return fmt.Errorf("%q is a directory, not a file", path)
	}
	return nil
}

// unwrapPathError drops os.PathError's repetition of the path.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func (v *validation) eventListener(c *Config) {
	if c.Listener() != ListenerPolling {
		return
	}
	if iv := c.EventListener.Interval; iv < time.Second || iv%time.Second != 0 {
		v.fail(FieldEventListenerInterval, "%s is not a whole number of seconds of at least 1: set how often Port's resync request is polled (Ocean's default is 60)", iv)
	}
}
