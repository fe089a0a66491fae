// Package codedeploy holds the CodeDeploy kinds: applications, deployment
// groups, and the history kinds deployments and deployment targets.
package codedeploy

import (
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"

	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
)

// concurrency bounds the per-item calls of one page (ListTagsForResource,
// GetDeployment).
const concurrency = 10

func client(cfg aws.Config, req awscloud.PageRequest) *codedeploy.Client {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	return codedeploy.NewFromConfig(cfg)
}

// cursor is a page token. CodeDeploy's list calls take no page size (AWS
// answers up to 100 names and a nextToken), so a page is a window of PageSize
// names into one AWS list page: List is the AWS token of that list page and
// Offset the window's start in it. Kinds with a second level (groups of an
// application, targets of a deployment) add where they are in it.
type cursor struct {
	List   string `json:"l,omitempty"`
	Offset int    `json:"o,omitempty"`
	// Second level: Outer is the index of the application (or deployment) in
	// the outer list page, Inner the AWS token of its inner list page and
	// InnerOffset the window's start in that.
	Outer       int    `json:"n,omitempty"`
	Inner       string `json:"i,omitempty"`
	InnerOffset int    `json:"io,omitempty"`
}

func (c cursor) encode() string { return awscloud.EncodeToken(c) }

func decodeCursor(token string) (cursor, error) {
	var c cursor
	if err := awscloud.DecodeToken(token, &c); err != nil || c.Offset < 0 || c.Outer < 0 || c.InnerOffset < 0 {
		return cursor{}, errors.New("codedeploy: malformed page token")
	}
	return c, nil
}

// window is the [start, end) of a page of size within n names starting at
// offset, and whether names remain after it.
func window(n, offset int, size int32) (start, end int, more bool) {
	start = min(offset, n)
	end = min(start+int(size), n)
	return start, end, end < n
}

// flatWindow is the window of size from cur into a one-level list page
// (applications, deployments) of n names whose next AWS token is listNext,
// and the page token after it ("" after the last).
func flatWindow(cur cursor, n int, size int32, listNext string) (start, end int, next string) {
	start, end, more := window(n, cur.Offset, size)
	switch {
	case more:
		next = cursor{List: cur.List, Offset: end}.encode()
	case listNext != "":
		next = cursor{List: listNext}.encode()
	}
	return start, end, next
}

// listApplications reads the page of applications token (AWS's) asks for:
// its names, sorted, and the next AWS token.
func listApplications(ctx context.Context, c *codedeploy.Client, req awscloud.PageRequest, token string) ([]string, string, error) {
	in := &codedeploy.ListApplicationsInput{}
	if token != "" {
		in.NextToken = aws.String(token)
	}
	list, err := c.ListApplications(ctx, in)
	if err != nil {
		return nil, "", fmt.Errorf("list applications in %s: %w", req.Region, err)
	}
	names := append([]string(nil), list.Applications...)
	sort.Strings(names)
	return names, aws.ToString(list.NextToken), nil
}

// nextOuter is the cursor after the last inner page of outer item cur.Outer
// (an application's groups, a deployment's targets).
func nextOuter(cur cursor, apps int, listNext string) cursor {
	if cur.Outer+1 < apps {
		return cursor{List: cur.List, Outer: cur.Outer + 1}
	}
	if listNext != "" {
		return cursor{List: listNext}
	}
	return cursor{}
}

// nestedPage is the next non-empty page of inner items (an application's
// groups, a deployment's targets) from cur, across the n outer items of one
// listing whose next AWS token is listNext: list reads outer item i's inner
// page from an AWS token (gone: the outer item is passed over), describe
// makes the page of a window of at most size of them.
func nestedPage(cur cursor, n int, listNext string, size int32,
	list func(i int, token string) (ids []string, next string, gone bool, err error),
	describe func(i int, ids []string) (awscloud.Page, error)) (awscloud.Page, error) {
	for ; cur.Outer < n; cur.Outer, cur.Inner, cur.InnerOffset = cur.Outer+1, "", 0 {
		ids, innerNext, gone, err := list(cur.Outer, cur.Inner)
		if err != nil {
			return awscloud.Page{}, err
		}
		if gone {
			continue
		}
		start, end, more := window(len(ids), cur.InnerOffset, size)
		if start == end && innerNext == "" {
			continue
		}
		next := cur
		switch {
		case more:
			next.InnerOffset = end
		case innerNext != "":
			next.Inner, next.InnerOffset = innerNext, 0
		default:
			next = nextOuter(cur, n, listNext)
		}
		page, err := describe(cur.Outer, ids[start:end])
		if err != nil {
			return awscloud.Page{}, err
		}
		if next != (cursor{}) {
			page.Next = next.encode()
		}
		return page, nil
	}
	page := awscloud.Page{}
	if listNext != "" {
		page.Next = cursor{List: listNext}.encode()
	}
	return page, nil
}

// pascalMembers are the nested structures whose members CodeDeploy's wire
// format spells in PascalCase (tag filters, deployment overview counts); all
// other nested members are camelCase, as boto hands them to Ocean.
var pascalMembers = map[string]bool{
	"Ec2TagFilters": true, "OnPremisesInstanceTagFilters": true, "ec2TagFilters": true,
	"onPremisesInstanceTagFilters": true, "tagFilters": true, "ec2TagSetList": true,
	"onPremisesTagSetList": true, "DeploymentOverview": true, "deploymentOverview": true,
}

// properties converts an SDK structure into Ocean's Properties: the top-level
// members under their PascalCase aliases, nested members in CodeDeploy's wire
// casing. keep, when non-nil, lists the members Ocean's model has.
func properties(v any, keep []string) map[string]any {
	all := awscloud.Props(v, nil)
	out := map[string]any{}
	for k, val := range all {
		out[k] = wire(val, k)
	}
	if keep == nil {
		return out
	}
	kept := map[string]any{}
	for _, k := range keep {
		if val, ok := out[k]; ok {
			kept[k] = val
		}
	}
	return kept
}

func wire(v any, parent string) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, val := range t {
			name := k
			if !pascalMembers[parent] {
				name = strings.TrimSuffix(awscloud.LowerCamel(k), "_") // RevisionLocation.String_ is "string"
			}
			m[name] = wire(val, name)
		}
		return m
	case []any:
		l := make([]any, len(t))
		for i, val := range t {
			l[i] = wire(val, parent)
		}
		return l
	}
	return v
}
