package workflows

import (
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// Register registers the workflows under the names schedules and children use.
func Register(w worker.WorkflowRegistry) {
	w.RegisterWorkflowWithOptions(ResyncWorkflow, workflow.RegisterOptions{Name: syncdef.ResyncWorkflowName})
	w.RegisterWorkflowWithOptions(AccountSyncWorkflow, workflow.RegisterOptions{Name: syncdef.AccountSyncWorkflowName})
	w.RegisterWorkflowWithOptions(ResyncLeaseWorkflow, workflow.RegisterOptions{Name: syncdef.ResyncLeaseWorkflowName})
	w.RegisterWorkflowWithOptions(ResyncWatcherWorkflow, workflow.RegisterOptions{Name: syncdef.ResyncWatcherWorkflowName})
}
