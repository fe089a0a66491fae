// Package codedeploy holds the CodeDeploy kinds: applications, deployment
// groups, and the history kinds deployments and deployment targets.
package codedeploy

import (
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"

	"encoding/base64"
	"encoding/json"
	"errors"
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

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(token string) (cursor, error) {
	var c cursor
	if token == "" {
		return c, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.Offset < 0 || c.Outer < 0 || c.InnerOffset < 0 {
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
