package codepipeline_test

import (
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"
)

// TestExamples maps the whole org's codepipeline resources with each example's
// mapping and checks the entities against the example's blueprint.
func TestExamples(t *testing.T) {
	awstest.CheckExamples(t, map[string]string{
		"CodePipeline-Pipeline":          "AWS::CodePipeline::Pipeline",
		"CodePipeline-Stage":             "AWS::CodePipeline::Stage",
		"CodePipeline-Action":            "AWS::CodePipeline::Action",
		"CodePipeline-PipelineExecution": "AWS::CodePipeline::PipelineExecution",
		"CodePipeline-ActionExecution":   "AWS::CodePipeline::ActionExecution",
	})
}
