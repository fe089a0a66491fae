package codedeploy_test

import (
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"
)

// TestExamples maps the whole org's codedeploy resources with each example's
// mapping and checks the entities against the example's blueprint.
func TestExamples(t *testing.T) {
	awstest.CheckExamples(t, map[string]string{
		"CodeDeploy-Application":      "AWS::CodeDeploy::Application",
		"CodeDeploy-DeploymentGroup":  "AWS::CodeDeploy::DeploymentGroup",
		"CodeDeploy-Deployment":       "AWS::CodeDeploy::Deployment",
		"CodeDeploy-DeploymentTarget": "AWS::CodeDeploy::DeploymentTarget",
	})
}
