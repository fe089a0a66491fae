package workflows

import (
	"fmt"

	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// releaseSignal ends a lease: its resync is done.
const releaseSignal = "release"

// ResyncLeaseWorkflow is the child a running resync holds under the fixed id
// syncdef.LeaseID(integration). The server keeps one running workflow per id,
// so a second resync of the integration (from the schedule, a trigger, `starter
// run` or the temporal CLI) cannot start its lease and refuses to run. The
// lease ends when its resync releases it, and at the latest when the resync
// closes (ParentClosePolicy TERMINATE: a resync that crashes, times out or is
// terminated never leaves the integration locked).
func ResyncLeaseWorkflow(ctx workflow.Context, holder string) error {
	workflow.GetSignalChannel(ctx, releaseSignal).Receive(ctx, nil)
	return nil
}

// lease is a held ResyncLease child.
type lease struct {
	future workflow.ChildWorkflowFuture
}

// acquireLease starts the lease child. held is false when another resync
// holds the lease; any other failure is returned.
func acquireLease(ctx workflow.Context, in syncdef.ResyncInput, resyncID string) (l *lease, held bool, err error) {
	opts := workflow.ChildWorkflowOptions{
		WorkflowID:            syncdef.LeaseID(in.Integration),
		ParentClosePolicy:     enums.PARENT_CLOSE_POLICY_TERMINATE,
		WorkflowIDReusePolicy: enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		StaticSummary:         "one resync of " + in.Integration + " at a time: held by " + resyncID,
		RetryPolicy:           &temporal.RetryPolicy{MaximumAttempts: 1},
	}
	if timeout := workflow.GetInfo(ctx).WorkflowExecutionTimeout; timeout > 0 {
		opts.WorkflowExecutionTimeout = timeout
	}
	f := workflow.ExecuteChildWorkflow(workflow.WithChildOptions(ctx, opts), syncdef.ResyncLeaseWorkflowName, resyncID)
	if err := f.GetChildWorkflowExecution().Get(ctx, nil); err != nil {
		if temporal.IsWorkflowExecutionAlreadyStartedError(err) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("start lease %s: %w", syncdef.LeaseID(in.Integration), err)
	}
	return &lease{future: f}, true, nil
}

// release ends the lease and waits until it has ended, so that a resync
// started right after this one finds the integration free.
func (l *lease) release(ctx workflow.Context) {
	if l == nil {
		return
	}
	// A disconnected context: a cancelled resync still releases.
	ctx, _ = workflow.NewDisconnectedContext(ctx)
	if err := l.future.SignalChildWorkflow(ctx, releaseSignal, nil).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("Could not release the resync lease; it ends with this resync", "error", err)
		return
	}
	_ = l.future.Get(ctx, nil)
}
