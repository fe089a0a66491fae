package telemetry

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	"go.temporal.io/sdk/interceptor"

	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// Span attributes that let a tracing backend find an account's pages.
const (
	AttrAccountID = "aws.account.id"
	AttrKind      = "aws_port_sync.kind"
	AttrRegion    = "aws.region"
	AttrEntities  = "aws_port_sync.entities"
)

// activityAttributes names, on the activity's span (RunActivity:…, started
// by the tracing interceptor before this one runs), what the activity works
// on: account, kind and region. Identifiers only, never credentials or data.
type activityAttributes struct{ interceptor.InterceptorBase }

func (*activityAttributes) InterceptActivity(ctx context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	return &activityAttributesInbound{ActivityInboundInterceptorBase: interceptor.ActivityInboundInterceptorBase{Next: next}}
}

type activityAttributesInbound struct {
	interceptor.ActivityInboundInterceptorBase
}

func (a *activityAttributesInbound) ExecuteActivity(ctx context.Context, in *interceptor.ExecuteActivityInput) (any, error) {
	if span := trace.SpanFromContext(ctx); span.IsRecording() && len(in.Args) > 0 {
		span.SetAttributes(inputAttributes(in.Args[0])...)
	}
	return a.Next.ExecuteActivity(ctx, in)
}

func inputAttributes(arg any) []attribute.KeyValue {
	switch in := arg.(type) {
	case syncdef.SyncScopeInput:
		return []attribute.KeyValue{attribute.String(AttrAccountID, in.Account.ID), attribute.String(AttrKind, in.Kind)}
	case syncdef.Account: // AssumeRole
		return []attribute.KeyValue{attribute.String(AttrAccountID, in.ID)}
	case syncdef.ListRegionsInput:
		return []attribute.KeyValue{attribute.String(AttrAccountID, in.Account.ID)}
	case syncdef.UpsertInput:
		return []attribute.KeyValue{
			attribute.String(AttrAccountID, in.Scope.AccountID), attribute.String(AttrKind, in.Scope.Kind),
			attribute.Int(AttrEntities, len(in.Entities)),
		}
	}
	return nil
}
