package app_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aws-port-sync/aws-port-sync/internal/app"
	"github.com/aws-port-sync/aws-port-sync/internal/port"
)

// pollersClient answers DescribeTaskQueue with fixed activity pollers.
type pollersClient struct {
	client.Client
	pollers []*taskqueuepb.PollerInfo
	err     error
}

func (c pollersClient) DescribeTaskQueue(_ context.Context, _ string, typ enumspb.TaskQueueType) (*workflowservice.DescribeTaskQueueResponse, error) {
	if typ != enumspb.TASK_QUEUE_TYPE_ACTIVITY {
		return nil, errors.New("workers are counted from activity pollers")
	}
	return &workflowservice.DescribeTaskQueueResponse{Pollers: c.pollers}, c.err
}

func poller(id string, ago time.Duration) *taskqueuepb.PollerInfo {
	return &taskqueuepb.PollerInfo{Identity: id, LastAccessTime: timestamppb.New(time.Now().Add(-ago))}
}

// Live workers are the distinct identities that polled recently, this one
// included even before its first poll; a worker gone quiet stops counting.
func TestLiveWorkersCountsRecentDistinctPollers(t *testing.T) {
	c := pollersClient{pollers: []*taskqueuepb.PollerInfo{
		poller("a", time.Second), poller("a", 30*time.Second), poller("b", 50*time.Second), poller("gone", 10*time.Minute),
	}}
	n, err := app.LiveWorkers(context.Background(), c, "q", "self", 2*time.Minute)
	if err != nil || n != 3 {
		t.Fatalf("LiveWorkers = %d, %v; want 3 (a, b and self)", n, err)
	}
	n, _ = app.LiveWorkers(context.Background(), pollersClient{}, "q", "self", 2*time.Minute)
	if n != 1 {
		t.Fatalf("no pollers: %d workers, want 1 (self)", n)
	}
}

// The share is set before SharePortCap returns, and a failed count keeps the
// last one.
func TestSharePortCapSetsShareBeforeReturning(t *testing.T) {
	lim := port.NewRateLimit(30, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := pollersClient{pollers: []*taskqueuepb.PollerInfo{poller("other-1", time.Second), poller("other-2", time.Second), poller("self", time.Second)}}
	app.SharePortCap(ctx, c, "q", "self", lim, time.Hour, slog.New(slog.DiscardHandler))
	if lim.Workers() != 3 || lim.Share() != 10 {
		t.Fatalf("workers %d share %v, want 3 and 10", lim.Workers(), lim.Share())
	}
	app.SharePortCap(ctx, pollersClient{err: errors.New("unavailable")}, "q", "self", lim, time.Hour, slog.New(slog.DiscardHandler))
	if lim.Workers() != 3 {
		t.Fatalf("a failed count changed the workers to %d", lim.Workers())
	}
}
