// Package codebuild holds the AWS CodeBuild kinds.
package codebuild

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codebuild"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
)

// KindProject: a ListProjects page (≤100 names, AWS's fixed page), then one
// BatchGetProjects for them. Ocean's model renames the top-level members to
// PascalCase and keeps only those it declares; nested structures stay in
// CodeBuild's camelCase, as boto returns them. Projects deleted since the
// listing come back in projectsNotFound and are left out.
const KindProject = "AWS::CodeBuild::Project"

var projectFields = []string{"Arn", "Artifacts", "AutoRetryLimit", "Badge", "BuildBatchConfig", "Cache", "ConcurrentBuildLimit",
	"Created", "Description", "EncryptionKey", "Environment", "FileSystemLocations", "LastModified", "LogsConfig", "Name",
	"ProjectVisibility", "PublicProjectAlias", "QueuedTimeoutInMinutes", "ResourceAccessRole", "SecondaryArtifacts",
	"SecondarySources", "SecondarySourceVersions", "ServiceRole", "Source", "SourceVersion", "Tags", "TimeoutInMinutes",
	"VpcConfig", "Webhook"}

type projectKind struct{}

func init() { awscloud.RegisterKind(projectKind{}) }

func (projectKind) Name() string      { return KindProject }
func (projectKind) Global() bool      { return false }
func (projectKind) Actions() []string { return nil }

func (projectKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	client := codebuild.NewFromConfig(cfg)
	in := &codebuild.ListProjectsInput{}
	if req.Token != "" {
		in.NextToken = aws.String(req.Token)
	}
	out, err := client.ListProjects(ctx, in)
	if err != nil {
		return awscloud.Page{}, fmt.Errorf("list CodeBuild projects in %s: %w", cfg.Region, err)
	}
	page := awscloud.Page{Next: aws.ToString(out.NextToken)}
	if len(out.Projects) == 0 {
		return page, nil
	}
	got, err := client.BatchGetProjects(ctx, &codebuild.BatchGetProjectsInput{Names: out.Projects})
	if err != nil {
		return awscloud.Page{}, fmt.Errorf("batch get %d CodeBuild projects in %s: %w", len(out.Projects), cfg.Region, err)
	}
	for _, p := range got.Projects {
		page.Items = append(page.Items, awscloud.NewItem(KindProject, pick(awscloud.Props(p, awscloud.LowerCamel), projectFields), awscloud.ExtraContext(req, true)))
	}
	return page, nil
}

// pick keeps the members Ocean's model declares.
func pick(all map[string]any, fields []string) map[string]any {
	out := make(map[string]any, len(fields))
	for _, f := range fields {
		if v, ok := all[f]; ok {
			out[f] = v
		}
	}
	return out
}
