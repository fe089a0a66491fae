package mapping

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
)

var (
	// Port's property and relation identifier rule.
	fieldIDPattern = regexp.MustCompile(`^[A-Za-z0-9@_=\-]+$`)
	// AWS region names: us-east-1, us-gov-west-1, cn-north-1, ap-southeast-4, eusc-de-east-1.
	regionPattern = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+)+-[0-9]+$`)
)

// Validate checks cfg before anything runs and reports every problem, each
// naming its field path and the fix. knownKind reports whether a kind is
// supported; nil skips that check. JQ syntax is checked by Compile.
func (c *Config) Validate(knownKind func(string) bool) error {
	var errs []error
	fail := func(path, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
	}
	if t := c.EntityDeletionThreshold; math.IsNaN(t) || t < 0 || t > 1 {
		fail("entityDeletionThreshold", "%v is outside [0, 1]; it is the largest share of owned entities a resync may delete, e.g. 0.9", t)
	}
	if len(c.Resources) == 0 {
		fail("resources", "empty; add at least one resource, e.g. kind AWS::EC2::Instance")
	}
	for i, r := range c.Resources {
		p := fmt.Sprintf("resources[%d]", i)
		switch {
		case strings.TrimSpace(r.Kind) == "":
			fail(p+".kind", "required, e.g. AWS::EC2::Instance")
		case knownKind != nil && !knownKind(r.Kind):
			fail(p+".kind", "%q is not a supported kind; kinds are case-sensitive, e.g. AWS::EC2::Instance", r.Kind)
		}
		if strings.TrimSpace(r.Selector.Query) == "" {
			fail(p+".selector.query", "required; use 'true' to keep every item")
		}
		if n := len(r.Selector.IncludeActions); n > MaxIncludeActions {
			fail(p+".selector.includeActions", "%d actions given, at most %d are allowed; remove %d", n, MaxIncludeActions, n-MaxIncludeActions)
		}
		// 0 is "not set" here: the decoder refuses a 0 the user wrote.
		if r.Selector.MaxConcurrentAccounts < 0 {
			fail(p+".selector.maxConcurrentAccounts", "%s", accountLimitProblem(r.Selector.MaxConcurrentAccounts))
		}
		for _, list := range []struct {
			name    string
			regions []string
		}{{"allow", r.Selector.RegionPolicy.Allow}, {"deny", r.Selector.RegionPolicy.Deny}} {
			for j, region := range list.regions {
				if !regionPattern.MatchString(region) {
					fail(fmt.Sprintf("%s.selector.regionPolicy.%s[%d]", p, list.name, j), "%q is not an AWS region name such as us-east-1", region)
				}
			}
		}
		if r.Port.ItemsToParse != "" && strings.TrimSpace(r.Port.ItemsToParseName) == "" {
			fail(p+".port.itemsToParseName", "empty; remove it to use %q", DefaultItemsToParseName)
		}
		if len(r.Port.Entity.Mappings) == 0 {
			fail(p+".port.entity.mappings", "required: give at least identifier and blueprint")
		}
		for mi, m := range r.Port.Entity.Mappings {
			errs = append(errs, m.validate(mappingPath(p, mi, len(r.Port.Entity.Mappings)))...)
		}
	}
	return errors.Join(errs...)
}

func (m EntityMapping) validate(p string) []error {
	var errs []error
	fail := func(path, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
	}
	if strings.TrimSpace(m.Identifier) == "" {
		fail(p+".identifier", "required, a JQ expression such as .Properties.Arn")
	}
	if strings.TrimSpace(m.Blueprint) == "" {
		fail(p+".blueprint", `required, a quoted JQ string such as '"ec2Instance"'`)
	}
	for _, k := range sortedKeys(m.Properties) {
		if !fieldIDPattern.MatchString(k) {
			fail(p+".properties."+k, "%q is not a valid Port property identifier (letters, digits, @ _ = -)", k)
		}
		if strings.TrimSpace(m.Properties[k]) == "" {
			fail(p+".properties."+k, "empty JQ expression; map it (e.g. .Properties.Name) or remove the property")
		}
	}
	for _, k := range sortedKeys(m.Relations) {
		rp := p + ".relations." + k
		if !fieldIDPattern.MatchString(k) {
			fail(rp, "%q is not a valid Port relation identifier (letters, digits, @ _ = -)", k)
		}
		switch v := m.Relations[k].(type) {
		case string:
			if strings.TrimSpace(v) == "" {
				fail(rp, "empty JQ expression; map it (e.g. .__ExtraContext.AccountId) or remove the relation")
			}
		case map[string]any:
			// A search-query relation; its string leaves are JQ and Compile checks them.
		default:
			fail(rp, "want a JQ string or a search-query object, got %s", describe(v))
		}
	}
	return errs
}
