package temporalx

import (
	"context"
	"errors"
	"fmt"

	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// LeaseHolder returns the workflow id of the resync that holds the
// integration's lease (a running ResyncLease child under syncdef.LeaseID), or
// "" when no resync holds it. The starter asks it before starting a resync; a
// refused resync asks it to name the one it gave way to.
func LeaseHolder(ctx context.Context, c client.Client, integration string) (string, error) {
	d, err := c.DescribeWorkflow(ctx, syncdef.LeaseID(integration), "")
	var notFound *serviceerror.NotFound
	switch {
	case errors.As(err, &notFound):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("describe the resync lease %s: %w", syncdef.LeaseID(integration), err)
	}
	info := d.RawResponse.GetWorkflowExecutionInfo()
	if info.GetStatus() != enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
		return "", nil
	}
	return info.GetParentExecution().GetWorkflowId(), nil
}
