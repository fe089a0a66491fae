package awsemu_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func coreAdmin(t *testing.T, srv *awsemu.Server, method, path string, body any, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, srv.URL()+"/_emulator/"+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("decode %s: %v (%s)", path, err, raw)
		}
	}
	return resp.StatusCode
}

func TestAdminSummaryAndRequests(t *testing.T) {
	srv := coreStart(t, awsemu.Generate(coreSpec()))
	var sum awsemu.SummaryView
	if st := coreAdmin(t, srv, http.MethodGet, "summary", nil, &sum); st != 200 {
		t.Fatalf("summary status %d", st)
	}
	if len(sum.Accounts) != 8 || sum.Accounts[0].ID != sum.ManagementAccountID || sum.Accounts[0].OU != "Root" ||
		sum.Accounts[1].OU == "Root" || sum.ResourceCounts[awsemu.KindEC2Instance] == 0 || sum.Endpoint != srv.URL() ||
		!strings.HasPrefix(sum.ManagementCredentials.AccessKeyID, "AKIA") || len(sum.Accounts[0].Regions) != 4 {
		t.Fatalf("summary = %+v", sum)
	}
	// The printed management keys work.
	out, err := sts.NewFromConfig(coreCfg(srv, sum.ManagementCredentials, "us-east-1")).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(out.Account) != sum.ManagementAccountID {
		t.Fatalf("summary credentials: %v", err)
	}
	var recs []awsemu.RequestRecord
	coreAdmin(t, srv, http.MethodGet, "requests?service=sts", nil, &recs)
	if len(recs) != 1 || recs[0].Operation != "GetCallerIdentity" {
		t.Fatalf("requests = %+v", recs)
	}
	coreAdmin(t, srv, http.MethodPost, "reset-requests", nil, nil)
	coreAdmin(t, srv, http.MethodGet, "requests", nil, &recs)
	if len(recs) != 0 {
		t.Fatalf("after reset: %+v", recs)
	}
	if st := coreAdmin(t, srv, http.MethodGet, "nope", nil, nil); st != 404 {
		t.Fatalf("unknown route status %d", st)
	}

	var tokenResp *http.Response
	tokenResp, err = http.Get(srv.URL() + "/_emulator/web-identity-token")
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := io.ReadAll(tokenResp.Body)
	tokenResp.Body.Close()
	_, err = sts.NewFromConfig(aws.Config{Region: "us-east-1", Credentials: aws.AnonymousCredentials{}, BaseEndpoint: aws.String(srv.URL())}).
		AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
			RoleArn: aws.String("arn:aws:iam::" + sum.ManagementAccountID + ":role/" + awsemu.DefaultRoleName), RoleSessionName: aws.String("cli"),
			WebIdentityToken: aws.String(string(tok))})
	if err != nil {
		t.Fatalf("admin web identity token rejected: %v", err)
	}
}

func TestAdminFaultsAndMutations(t *testing.T) {
	srv := coreStart(t, awsemu.Generate(coreSpec()))
	ca := corePick(t, srv)
	ctx := context.Background()
	client := sts.NewFromConfig(coreCfg(srv, srv.ManagementCredentials(), "us-east-1"))

	body := map[string]any{
		"rules":      []map[string]any{{"Service": "sts", "Status": 500, "Count": 1}},
		"deny":       []map[string]string{{"accountId": ca.member, "service": "sts"}},
		"rateLimits": []map[string]any{{"service": "ec2", "perSecond": 5, "burst": 2}},
	}
	var snap awsemu.FaultSnapshot
	if st := coreAdmin(t, srv, http.MethodPost, "faults", body, &snap); st != 200 || len(snap.Rules) != 1 || len(snap.Denied) != 1 || snap.RateLimits["ec2"] != 5 {
		t.Fatalf("faults = %d %+v", st, snap)
	}
	_, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	coreAPIError(t, err, "InternalFailure")
	_, err = sts.NewFromConfig(coreCfg(srv, srv.StaticCredentials(ca.member, "dev"), "us-east-1")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	coreAPIError(t, err, "AccessDenied")
	coreAdmin(t, srv, http.MethodPost, "clear-faults", nil, nil)
	if _, err := sts.NewFromConfig(coreCfg(srv, srv.StaticCredentials(ca.member, "dev"), "us-east-1")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("after clear-faults: %v", err)
	}

	mutations := []map[string]any{
		{"op": "add-resource", "accountId": ca.member, "region": "us-west-2", "kind": awsemu.KindS3Bucket,
			"resource": map[string]any{"id": "admin-added", "tags": map[string]string{"env": "x"}}},
		{"op": "suspend-account", "accountId": ca.other},
		{"op": "deny-role", "accountId": ca.member, "role": awsemu.DefaultRoleName},
		{"op": "remove-account", "accountId": ca.noOIDC},
		{"op": "tag-account", "accountId": ca.member, "tags": map[string]string{"port-sync": "yes", "env": ""}},
		{"op": "add-role", "accountId": ca.member, "role": "acq/LegacyRead", "externalId": "legacy-ext"},
	}
	for _, m := range mutations {
		if st := coreAdmin(t, srv, http.MethodPost, "mutate", m, nil); st != 200 {
			t.Fatalf("mutate %v: status %d", m["op"], st)
		}
	}
	srv.View(func(o *awsemu.Org) {
		if _, r, ok := o.FindResource(ca.member, awsemu.KindS3Bucket, "admin-added"); !ok || r.Tags["env"] != "x" {
			t.Fatal("resource not added")
		}
		if o.Accounts[ca.other].State != "SUSPENDED" || !o.Accounts[ca.member].Roles[awsemu.DefaultRoleName].Denied || o.Accounts[ca.noOIDC] != nil {
			t.Fatal("mutations not applied")
		}
		m := o.Accounts[ca.member]
		if _, hasEnv := m.Tags["env"]; m.Tags["port-sync"] != "yes" || hasEnv {
			t.Fatalf("tag-account: tags %v", m.Tags)
		}
		if r := m.Roles["LegacyRead"]; r == nil || r.Path != "/acq/" || r.ExternalID != "legacy-ext" {
			t.Fatalf("add-role: %+v", r)
		}
	})
	// The new role is assumable with its ExternalId only.
	legacy := "arn:aws:iam::" + ca.member + ":role/acq/LegacyRead"
	if _, err := client.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(legacy), RoleSessionName: aws.String("admin-test"), ExternalId: aws.String("legacy-ext")}); err != nil {
		t.Fatalf("assume the added role: %v", err)
	}
	if st := coreAdmin(t, srv, http.MethodPost, "mutate", map[string]any{"op": "tag-account", "accountId": "000000000000", "tags": map[string]string{"a": "b"}}, nil); st != 400 {
		t.Fatalf("tag-account of an unknown account: status %d", st)
	}
	if st := coreAdmin(t, srv, http.MethodPost, "mutate", map[string]any{"op": "remove-resource", "accountId": ca.member, "kind": awsemu.KindS3Bucket, "id": "admin-added"}, nil); st != 200 {
		t.Fatalf("remove-resource status %d", st)
	}
	if st := coreAdmin(t, srv, http.MethodPost, "mutate", map[string]any{"op": "remove-resource", "accountId": ca.member, "kind": awsemu.KindS3Bucket, "id": "admin-added"}, nil); st != 400 {
		t.Fatalf("second remove-resource status %d", st)
	}
	if st := coreAdmin(t, srv, http.MethodPost, "mutate", map[string]any{"op": "explode"}, nil); st != 400 {
		t.Fatalf("unknown op status %d", st)
	}

	var creds awsemu.Credentials
	coreAdmin(t, srv, http.MethodPost, "credentials", map[string]any{"accountId": ca.member, "principal": "arn:aws:sts::" + ca.member + ":assumed-role/X/y"}, &creds)
	id, err := sts.NewFromConfig(coreCfg(srv, creds, "us-east-1")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Account) != ca.member {
		t.Fatalf("admin-issued credentials: %v", err)
	}
}
