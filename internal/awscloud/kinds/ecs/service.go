package ecs

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
)

// KindService is one item per ECS service: ListClusters, then ListServices
// per cluster, then DescribeServices (include TAGS) in batches of 10, its
// limit (Ocean's default actions; no includeActions). Like Ocean, the item's
// __ExtraContext carries the ClusterArn. Properties are Ocean's model: its
// fields only, PascalCase at the top level, nested members in ECS's camelCase.
const KindService = "AWS::ECS::Service"

// describeServicesBatch is DescribeServices' limit of services per call.
const describeServicesBatch = 10

// ecsConcurrency bounds the per-batch (services) and per-item (task
// definitions) calls in flight.
const ecsConcurrency = 10

// maxClustersPerPage bounds the empty clusters one Collect walks past before
// it returns an empty page with a token, so a page stays short.
const maxClustersPerPage = 100

// serviceFields are the members Ocean's ECS service model keeps.
var serviceFields = []string{
	"AvailabilityZoneRebalancing", "CapacityProviderStrategy", "ClusterArn", "CreatedAt", "CreatedBy",
	"DeploymentConfiguration", "DeploymentController", "Deployments", "DesiredCount", "EnableECSManagedTags",
	"EnableExecuteCommand", "Events", "HealthCheckGracePeriodSeconds", "LaunchType", "LoadBalancers",
	"NetworkConfiguration", "PendingCount", "PlacementConstraints", "PlacementStrategy", "PlatformFamily",
	"PlatformVersion", "PropagateTags", "RoleArn", "RunningCount", "SchedulingStrategy", "ServiceArn",
	"ServiceName", "ServiceRegistries", "Status", "Tags", "TaskDefinition", "TaskSets", "UpdatedAt",
}

// keep is the subset of p that a model with these fields keeps.
func keep(p map[string]any, fields []string) map[string]any {
	out := make(map[string]any, len(fields))
	for _, f := range fields {
		if v, ok := p[f]; ok {
			out[f] = v
		}
	}
	return out
}

type serviceKind struct{}

func init() { awscloud.RegisterKind(serviceKind{}) }

func (serviceKind) Name() string      { return KindService }
func (serviceKind) Global() bool      { return false }
func (serviceKind) Actions() []string { return nil }

// serviceToken is where the next page starts: the ListClusters token of the
// cluster page (""= first), the cluster (by ARN, and its position in case it
// was deleted meanwhile) and the ListServices token within it.
type serviceToken struct {
	Clusters string `json:"c,omitempty"`
	Index    int    `json:"i,omitempty"`
	Cluster  string `json:"a,omitempty"`
	Services string `json:"s,omitempty"`
}

func (t serviceToken) encode() string {
	b, _ := json.Marshal(t)
	return string(b)
}

func (serviceKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	client := ecs.NewFromConfig(cfg)
	var tok serviceToken
	if req.Token != "" {
		if err := json.Unmarshal([]byte(req.Token), &tok); err != nil {
			return awscloud.Page{}, fmt.Errorf("ecs services in %s: bad page token %q: %w", cfg.Region, req.Token, err)
		}
	}
	walked := 0
	for {
		in := &ecs.ListClustersInput{MaxResults: aws.Int32(100)}
		if tok.Clusters != "" {
			in.NextToken = aws.String(tok.Clusters)
		}
		list, err := client.ListClusters(ctx, in)
		if err != nil {
			return awscloud.Page{}, fmt.Errorf("list clusters in %s: %w", cfg.Region, err)
		}
		arns, listing, nextListing := list.ClusterArns, tok.Clusters, aws.ToString(list.NextToken)
		if tok.Cluster != "" {
			if i := slices.Index(arns, tok.Cluster); i >= 0 {
				tok.Index = i
			} else { // the cluster went away: its successor took its place
				tok.Services = ""
			}
		}
		// Walk this listing's clusters until one has services.
		for tok.Clusters == listing && tok.Index < len(arns) {
			cluster := arns[tok.Index]
			items, next, err := collectServices(ctx, client, req, cluster, tok.Services)
			if err != nil {
				return awscloud.Page{}, err
			}
			walked++
			switch { // where the next page starts
			case next != "": // more services of this cluster
				tok = serviceToken{Clusters: listing, Index: tok.Index, Cluster: cluster, Services: next}
			case tok.Index+1 < len(arns): // the next cluster of this listing
				tok = serviceToken{Clusters: listing, Index: tok.Index + 1, Cluster: arns[tok.Index+1]}
			case nextListing != "": // the next listing page
				tok = serviceToken{Clusters: nextListing}
			default:
				return awscloud.Page{Items: items}, nil
			}
			if len(items) > 0 || next != "" || walked >= maxClustersPerPage {
				return awscloud.Page{Items: items, Next: tok.encode()}, nil
			}
		}
		if tok.Clusters == listing { // past this listing's last cluster
			if nextListing == "" {
				return awscloud.Page{}, nil
			}
			tok = serviceToken{Clusters: nextListing}
		}
	}
}

// collectServices reads one ListServices page of a cluster and describes it.
func collectServices(ctx context.Context, client *ecs.Client, req awscloud.PageRequest, cluster, token string) ([]map[string]any, string, error) {
	in := &ecs.ListServicesInput{Cluster: aws.String(cluster), MaxResults: aws.Int32(awscloud.PageSize(req, 1, 100))}
	if token != "" {
		in.NextToken = aws.String(token)
	}
	list, err := client.ListServices(ctx, in)
	if err != nil {
		if awscloud.Classify(err) == awscloud.ErrNotFound { // ClusterNotFoundException
			return nil, "", nil // the cluster was deleted since its listing
		}
		return nil, "", fmt.Errorf("list services of %s: %w", cluster, err)
	}
	arns := list.ServiceArns
	batches := (len(arns) + describeServicesBatch - 1) / describeServicesBatch
	described := make([][]map[string]any, batches)
	err = awscloud.ForEach(ctx, batches, ecsConcurrency, func(ctx context.Context, b int) error {
		batch := arns[b*describeServicesBatch : min((b+1)*describeServicesBatch, len(arns))]
		out, err := client.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: batch,
			Include: []ecstypes.ServiceField{ecstypes.ServiceFieldTags}})
		if err != nil {
			if awscloud.Classify(err) == awscloud.ErrNotFound {
				return nil // the cluster was deleted since the listing
			}
			return fmt.Errorf("describe %d services of %s: %w", len(batch), cluster, err)
		}
		// A service deleted since the listing is reported MISSING; any other
		// failure would silently drop a service, so it fails the page.
		for _, f := range out.Failures {
			if aws.ToString(f.Reason) != "MISSING" {
				return fmt.Errorf("describe service %s: %s %s", aws.ToString(f.Arn), aws.ToString(f.Reason), aws.ToString(f.Detail))
			}
		}
		for _, s := range out.Services {
			extra := awscloud.ExtraContext(req, true)
			extra["ClusterArn"] = cluster
			described[b] = append(described[b], awscloud.NewItem(KindService, keep(awscloud.Props(s, awscloud.LowerCamel), serviceFields), extra))
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	var items []map[string]any
	for _, d := range described {
		items = append(items, d...)
	}
	return items, aws.ToString(list.NextToken), nil
}
