package awscloud

import (
	"context"
	"fmt"
	"sort"
	"sync"
)

// MaxOmissionExamples bounds the omitted optional actions a page names; the
// rest are counted (Page.Omitted).
const MaxOmissionExamples = 5

// notConfiguredCodes are the answers of optional actions that mean "this
// resource has no such configuration", not "something went wrong".
var notConfiguredCodes = map[string]bool{
	"ServerSideEncryptionConfigurationNotFoundError": true, // s3:GetBucketEncryption
	"NoSuchPublicAccessBlockConfiguration":           true, // s3:GetPublicAccessBlock
	"OwnershipControlsNotFoundError":                 true, // s3:GetBucketOwnershipControls
	"RepositoryPolicyNotFoundException":              true, // ecr:GetRepositoryPolicy
	"LifecyclePolicyNotFoundException":               true, // ecr:GetLifecyclePolicy
}

// Omissions collects the optional actions (includeActions) a page could not
// apply to some of its items. It is the one place that decides which failures
// of an optional action leave the item without the field (AccessDenied and
// "not configured", as Ocean does) and which fail the page: everything else,
// throttling and 5xx included, which the SDK's retryer and then the page's
// Temporal retry handle as for any other call. Safe for concurrent use.
type Omissions struct {
	mu       sync.Mutex
	count    int
	examples []string
}

// Omit reports whether err, from optional action on resource (e.g. "bucket
// b1"), only leaves the item(s) without the action's field; if so the items
// (1 for a per-item call, more for a batched one) are counted. Otherwise the
// caller fails the page with err.
func (o *Omissions) Omit(action, resource string, items int, err error) bool {
	code := ErrorCode(err)
	var why string
	switch {
	case notConfiguredCodes[code]:
		why = "not configured"
	case Classify(err) == ErrDenied:
		why = "denied"
	default:
		return false
	}
	o.add(items, fmt.Sprintf("%s %s for %s: %s: %s", action, why, resource, code, errorMessage(err)))
	return true
}

// add counts n items left without a field, with one example of why.
func (o *Omissions) add(n int, example string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.count += n
	o.examples = append(o.examples, example)
}

// Fill records the Omissions on the page: the count, and the first few
// examples in sorted order (calls run concurrently, the report should not
// depend on which finished first).
func (o *Omissions) Fill(p *Page) {
	o.mu.Lock()
	defer o.mu.Unlock()
	p.Omitted = o.count
	if len(o.examples) == 0 {
		return
	}
	ex := append([]string(nil), o.examples...)
	sort.Strings(ex)
	if len(ex) > MaxOmissionExamples {
		ex = ex[:MaxOmissionExamples]
	}
	p.OmittedExamples = ex
}

// PerItemCall is an optional action that makes one call per item of a page
// and sets what it reads as one member of the item's Properties.
type PerItemCall struct {
	Action string // the includeAction, named in the page's omissions
	Field  string // the Properties member set
	Does   string // what the call does, for a failed page's error: "list tags of"
	Limit  int    // how many calls run at once
	// Resource names item i in omissions and errors ("cache cluster arn:…").
	Resource func(i int) string
	// Read makes item i's call and returns the member's value.
	Read func(ctx context.Context, i int) (any, error)
	// Gone reports whether err means the resource was deleted since the
	// listing.
	Gone func(err error) bool
}

// Run makes the calls for items: an item whose resource is gone is marked in
// gone (KeptPage leaves it out), one the call is denied for or that has no
// such configuration is left without Field and counted in omitted, and any
// other failure fails the page.
func (c PerItemCall) Run(ctx context.Context, items []map[string]any, gone []bool, omitted *Omissions) error {
	return ForEach(ctx, len(items), c.Limit, func(ctx context.Context, i int) error {
		v, err := c.Read(ctx, i)
		switch {
		case err == nil:
			items[i]["Properties"].(map[string]any)[c.Field] = v
		case c.Gone(err):
			gone[i] = true
		case !omitted.Omit(c.Action, c.Resource(i), 1, err):
			return fmt.Errorf("%s %s: %w", c.Does, c.Resource(i), err)
		}
		return nil
	})
}

// PropsList is Props (no renaming) of each member of list, [] when it has
// none: how a tag list is kept as the answer spells it.
func PropsList[T any](list []T) []any {
	out := []any{}
	for _, v := range list {
		out = append(out, Props(v, nil))
	}
	return out
}
