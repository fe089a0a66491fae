// Package codepipeline holds the CodePipeline kinds: pipelines, the stages and
// actions of their declarations, and the history kinds pipeline executions and
// action executions.
package codepipeline

import (
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"

	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codepipeline"
)

// concurrency bounds the per-pipeline and per-execution calls of one page.
const concurrency = 10

func client(cfg aws.Config, req awscloud.PageRequest) *codepipeline.Client {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	return codepipeline.NewFromConfig(cfg)
}

// keep returns the members of m that Ocean's model has.
func keep(m map[string]any, fields []string) map[string]any {
	out := map[string]any{}
	for _, f := range fields {
		if v, ok := m[f]; ok {
			out[f] = v
		}
	}
	return out
}

// pipelinePage lists one page of pipelines (the token is AWS's).
func pipelinePage(ctx context.Context, c *codepipeline.Client, req awscloud.PageRequest, size int32, token string) (*codepipeline.ListPipelinesOutput, error) {
	in := &codepipeline.ListPipelinesInput{MaxResults: aws.Int32(size)}
	if token != "" {
		in.NextToken = aws.String(token)
	}
	out, err := c.ListPipelines(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("list pipelines in %s: %w", req.Region, err)
	}
	return out, nil
}

// getPipelines reads GetPipeline for each name; a pipeline deleted since
// the listing (PipelineNotFoundException) is nil. Any other error fails.
func getPipelines(ctx context.Context, c *codepipeline.Client, req awscloud.PageRequest, names []string) ([]*codepipeline.GetPipelineOutput, error) {
	out := make([]*codepipeline.GetPipelineOutput, len(names))
	err := awscloud.ForEach(ctx, len(names), concurrency, func(ctx context.Context, i int) error {
		p, err := c.GetPipeline(ctx, &codepipeline.GetPipelineInput{Name: aws.String(names[i])})
		switch {
		case err == nil && p.Pipeline != nil:
			out[i] = p
		case err == nil || awscloud.ErrorCode(err) == "PipelineNotFoundException":
		default:
			return fmt.Errorf("get pipeline %s in %s: %w", names[i], req.Region, err)
		}
		return nil
	})
	return out, err
}

// declarations reads the page of pipelines req's token asks for and
// GetPipeline for each: the page, its pipelines' names and their
// declarations (nil: deleted since the listing).
func declarations(ctx context.Context, c *codepipeline.Client, req awscloud.PageRequest) (*codepipeline.ListPipelinesOutput, []string, []*codepipeline.GetPipelineOutput, error) {
	list, err := pipelinePage(ctx, c, req, awscloud.PageSize(req, 1, 1000), req.Token)
	if err != nil {
		return nil, nil, nil, err
	}
	names := pipelineNames(list)
	got, err := getPipelines(ctx, c, req, names)
	if err != nil {
		return nil, nil, nil, err
	}
	return list, names, got, nil
}

// declaredPage is one page of records drawn from pipelines' declarations:
// add appends to page those of the pipeline named name, whose ARN is arn
// ("" without metadata), for each pipeline not deleted since the listing.
func declaredPage(ctx context.Context, cfg aws.Config, req awscloud.PageRequest,
	add func(page *awscloud.Page, name, arn string, p *codepipeline.GetPipelineOutput)) (awscloud.Page, error) {
	list, names, got, err := declarations(ctx, client(cfg, req), req)
	if err != nil {
		return awscloud.Page{}, err
	}
	page := awscloud.Page{Next: aws.ToString(list.NextToken)}
	for i, p := range got {
		if p == nil { // deleted since the listing
			continue
		}
		arn := ""
		if p.Metadata != nil {
			arn = aws.ToString(p.Metadata.PipelineArn)
		}
		add(&page, names[i], arn, p)
	}
	return page, nil
}

// pipelineNames lists the names of one page of pipelines and its next token.
func pipelineNames(list *codepipeline.ListPipelinesOutput) []string {
	names := make([]string, len(list.Pipelines))
	for i, p := range list.Pipelines {
		names[i] = aws.ToString(p.Name)
	}
	return names
}

// cursor is the page token of the history kinds: List is the AWS token of
// the page of pipelines being read (outerPage pipelines each), Outer the
// pipeline's index in it and Inner the AWS token of its history page.
type cursor struct {
	List  string `json:"l,omitempty"`
	Outer int    `json:"n,omitempty"`
	Inner string `json:"i,omitempty"`
}

// outerPage is how many pipelines a history page token walks through.
const outerPage = 100

func (c cursor) encode() string { return awscloud.EncodeToken(c) }

func decodeCursor(token string) (cursor, error) {
	var c cursor
	if err := awscloud.DecodeToken(token, &c); err != nil || c.Outer < 0 {
		return cursor{}, errors.New("codepipeline: malformed page token")
	}
	return c, nil
}

// historyPage is one page of a pipeline's history: the items to return, the
// AWS token of the next page ("" when the pipeline's window is done).
type historyPage struct {
	items []map[string]any
	next  string
}

// walkHistory returns the next non-empty page of history across pipelines:
// page reads one page of pipeline's history from token; a pipeline deleted
// since the listing yields gone=true and is passed over.
func walkHistory(ctx context.Context, c *codepipeline.Client, req awscloud.PageRequest,
	page func(ctx context.Context, pipeline, token string) (historyPage, bool, error)) (awscloud.Page, error) {
	cur, err := decodeCursor(req.Token)
	if err != nil {
		return awscloud.Page{}, err
	}
	list, err := pipelinePage(ctx, c, req, outerPage, cur.List)
	if err != nil {
		return awscloud.Page{}, err
	}
	names := pipelineNames(list)
	listNext := aws.ToString(list.NextToken)
	for ; cur.Outer < len(names); cur.Outer, cur.Inner = cur.Outer+1, "" {
		hp, gone, err := page(ctx, names[cur.Outer], cur.Inner)
		if err != nil {
			return awscloud.Page{}, err
		}
		if gone || (len(hp.items) == 0 && hp.next == "") {
			continue
		}
		next := cursor{List: cur.List, Outer: cur.Outer, Inner: hp.next}
		if hp.next == "" {
			next = cursor{List: cur.List, Outer: cur.Outer + 1}
			if next.Outer >= len(names) {
				next = cursor{List: listNext}
			}
		}
		out := awscloud.Page{Items: hp.items}
		if next != (cursor{}) {
			out.Next = next.encode()
		}
		return out, nil
	}
	out := awscloud.Page{}
	if listNext != "" {
		out.Next = cursor{List: listNext}.encode()
	}
	return out, nil
}
