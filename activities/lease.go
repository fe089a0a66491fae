package activities

import (
	"context"

	"go.temporal.io/sdk/client"

	"github.com/aws-port-sync/aws-port-sync/internal/temporalx"
)

// SetTemporalClient gives the activities the worker's Temporal client; only
// LeaseHolder uses it, to name the resync a refused one gave way to.
func (a *Activities) SetTemporalClient(c client.Client) { a.temporal = c }

// LeaseHolder returns the id of the resync that holds the integration's lease
// ("" when it cannot be told).
func (a *Activities) LeaseHolder(ctx context.Context, integration string) (string, error) {
	defer keepAlive(ctx)()
	if a.temporal == nil {
		return "", nil
	}
	return temporalx.LeaseHolder(ctx, a.temporal, integration)
}
