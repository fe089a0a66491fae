package activities

import (
	"context"
	"errors"
	"fmt"

	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"

	"github.com/aws-port-sync/aws-port-sync/internal/port"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// GetResyncRequest reads the integration's resync request in Port (Ocean's
// POLLING trigger). An integration Port does not know yet has none.
func (a *Activities) GetResyncRequest(ctx context.Context, integration string) (syncdef.GetResyncRequestOutput, error) {
	r, err := a.port.GetResyncRequest(ctx, integration)
	if port.IsNotFound(err) {
		return syncdef.GetResyncRequestOutput{}, nil
	}
	if err != nil {
		return syncdef.GetResyncRequestOutput{}, err
	}
	return syncdef.GetResyncRequestOutput{Found: true, Request: syncdef.ResyncRequest{ID: r.ID, UpdatedAt: r.UpdatedAt}}, nil
}

// RunningResync returns the id of the integration's running resync (the
// holder of its lease), "" when none runs. Every resync, however started,
// holds the lease while it runs.
func (a *Activities) RunningResync(ctx context.Context, integration string) (string, error) {
	if a.temporal == nil {
		return "", nil
	}
	d, err := a.temporal.DescribeWorkflow(ctx, syncdef.LeaseID(integration), "")
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("describe lease %s: %w", syncdef.LeaseID(integration), err)
	}
	info := d.RawResponse.GetWorkflowExecutionInfo()
	if info.GetStatus() != enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
		return "", nil
	}
	if holder := info.GetParentExecution().GetWorkflowId(); holder != "" {
		return holder, nil
	}
	return syncdef.LeaseID(integration), nil
}
