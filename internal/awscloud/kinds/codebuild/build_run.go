package codebuild

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codebuild"
	cbtypes "github.com/aws/aws-sdk-go-v2/service/codebuild/types"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
)

// KindBuildRun is history: a ListBuilds page (≤100 ids, newest first), then
// one BatchGetBuilds for them. With PageRequest.Since set, the page keeps the
// builds started at or after it and ends the listing at the first older one
// (the rest are older still); ListBuilds has no time filter of its own.
// Builds deleted since the listing (buildsNotFound) are left out. Fields as
// for projects: Ocean's declared members, PascalCase at the top, camelCase below.
const KindBuildRun = "AWS::CodeBuild::BuildRun"

var buildFields = []string{"Arn", "Artifacts", "AutoRetryConfig", "BuildBatchArn", "BuildComplete", "BuildNumber", "BuildStatus",
	"Cache", "CurrentPhase", "DebugSession", "EncryptionKey", "EndTime", "Environment", "ExportedEnvironmentVariables",
	"FileSystemLocations", "Id", "Initiator", "Logs", "NetworkInterface", "Phases", "ProjectName", "QueuedTimeoutInMinutes",
	"ReportArns", "ResolvedSourceVersion", "SecondaryArtifacts", "SecondarySources", "SecondarySourceVersions", "ServiceRole",
	"Source", "SourceVersion", "StartTime", "TimeoutInMinutes", "VpcConfig"}

type buildRunKind struct{}

func init() { awscloud.RegisterKind(buildRunKind{}) }

func (buildRunKind) Name() string      { return KindBuildRun }
func (buildRunKind) Global() bool      { return false }
func (buildRunKind) Actions() []string { return nil }
func (buildRunKind) History() bool     { return true }

func (buildRunKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	client := codebuild.NewFromConfig(cfg)
	in := &codebuild.ListBuildsInput{SortOrder: cbtypes.SortOrderTypeDescending}
	if req.Token != "" {
		in.NextToken = aws.String(req.Token)
	}
	out, err := client.ListBuilds(ctx, in)
	if err != nil {
		return awscloud.Page{}, fmt.Errorf("list CodeBuild builds in %s: %w", cfg.Region, err)
	}
	page := awscloud.Page{Next: aws.ToString(out.NextToken)}
	if len(out.Ids) == 0 {
		return page, nil
	}
	got, err := client.BatchGetBuilds(ctx, &codebuild.BatchGetBuildsInput{Ids: out.Ids})
	if err != nil {
		return awscloud.Page{}, fmt.Errorf("batch get %d CodeBuild builds in %s: %w", len(out.Ids), cfg.Region, err)
	}
	byID := make(map[string]cbtypes.Build, len(got.Builds))
	for _, b := range got.Builds {
		byID[aws.ToString(b.Id)] = b
	}
	for _, id := range out.Ids { // the listing's order: newest first
		b, ok := byID[id]
		if !ok {
			continue // deleted since the listing
		}
		if !req.Since.IsZero() && b.StartTime != nil && b.StartTime.Before(req.Since) {
			page.Next = "" // this build and every later one started before the window
			break
		}
		page.Items = append(page.Items, awscloud.NewItem(KindBuildRun, pick(awscloud.Props(b, awscloud.LowerCamel), buildFields), awscloud.ExtraContext(req, true)))
	}
	return page, nil
}
