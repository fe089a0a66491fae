package awsemu

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Admin HTTP endpoints under /_emulator/, for the local stack and for people
// poking at a running emulator with curl:
//
//	GET  /_emulator/summary              organization, accounts, resource counts, management keys
//	GET  /_emulator/requests             request log (?service=&operation=&account=&limit=)
//	POST /_emulator/reset-requests       empty the request log
//	GET  /_emulator/faults               configured faults
//	POST /_emulator/faults               {"rules":[FaultRule],"deny":[{"accountId","service","region"}],
//	                                      "latency":[{"service","ms"}],"rateLimits":[{"service","perSecond","burst"}]}
//	POST /_emulator/clear-faults
//	POST /_emulator/mutate               {"op":"add-resource"|"remove-resource"|"suspend-account"|
//	                                      "set-account-state"|"remove-account"|"deny-role"|
//	                                      "tag-account" (tags; "" removes a key)|
//	                                      "add-role" (role: path/name, externalId), ...}
//	POST /_emulator/credentials          {"accountId","userName"} static keys, or
//	                                     {"accountId","principal","ttlSeconds"} temporary keys
//	GET  /_emulator/web-identity-token   ?issuer=&subject=&audience=&ttlSeconds= → JWT text

const adminPrefix = "/_emulator/"

func isAdminPath(p string) bool { return strings.HasPrefix(p, adminPrefix) }

func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	route := r.Method + " " + strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, adminPrefix), "/")
	switch route {
	case "GET summary":
		writeAdminJSON(w, http.StatusOK, s.Summary())
	case "GET requests":
		s.adminRequests(w, r)
	case "POST reset-requests":
		s.ResetRequests()
		writeAdminJSON(w, http.StatusOK, map[string]bool{"ok": true})
	case "GET faults":
		writeAdminJSON(w, http.StatusOK, s.faults.Snapshot())
	case "POST faults":
		s.adminFaults(w, r)
	case "POST clear-faults":
		s.faults.Clear()
		writeAdminJSON(w, http.StatusOK, map[string]bool{"ok": true})
	case "POST mutate":
		s.adminMutate(w, r)
	case "POST credentials":
		s.adminCredentials(w, r)
	case "GET web-identity-token":
		q := r.URL.Query()
		ttl, _ := strconv.Atoi(q.Get("ttlSeconds"))
		issuer, subject, aud := q.Get("issuer"), q.Get("subject"), q.Get("audience")
		if issuer == "" {
			issuer = DefaultOIDCIssuer
		}
		if subject == "" {
			subject = DefaultServiceAccountSubject
		}
		if aud == "" {
			aud = "sts.amazonaws.com"
		}
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, s.MintWebIdentityToken(issuer, subject, aud, time.Duration(ttl)*time.Second))
	default:
		writeAdminJSON(w, http.StatusNotFound, map[string]string{"error": "unknown admin route " + route})
	}
}

func writeAdminJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func adminError(w http.ResponseWriter, status int, err error) {
	writeAdminJSON(w, status, map[string]string{"error": err.Error()})
}

// SummaryAccount is one account in Summary.
type SummaryAccount struct {
	ID        string         `json:"id"`
	Name      string         `json:"name"`
	Email     string         `json:"email"`
	State     string         `json:"state"`
	ParentID  string         `json:"parentId"`
	OU        string         `json:"ou"` // OU name, "Root" for the root
	Roles     []string       `json:"roles"`
	OIDC      []string       `json:"oidcProviders"`
	Regions   []string       `json:"enabledRegions"`
	Resources map[string]int `json:"resources"`
}

// SummaryView describes the served organization.
type SummaryView struct {
	Endpoint              string           `json:"endpoint"`
	OrganizationID        string           `json:"organizationId"`
	RootID                string           `json:"rootId"`
	Partition             string           `json:"partition"`
	ManagementAccountID   string           `json:"managementAccountId"`
	Accounts              []SummaryAccount `json:"accounts"`
	ResourceCounts        map[string]int   `json:"resourceCounts"`
	ManagementCredentials Credentials      `json:"managementCredentials"`
}

// Summary describes the organization and returns the management account's keys.
func (s *Server) Summary() SummaryView {
	var v SummaryView
	hasMgmt := false
	s.View(func(org *Org) {
		v = SummaryView{
			Endpoint: s.URL(), OrganizationID: org.ID, RootID: org.RootID, Partition: org.partition(),
			ManagementAccountID: org.ManagementAccountID, ResourceCounts: org.ResourceCounts(),
		}
		hasMgmt = org.Accounts[org.ManagementAccountID] != nil
		for _, a := range org.OrderedAccounts() {
			sa := SummaryAccount{ID: a.ID, Name: a.Name, Email: a.Email, State: a.State, ParentID: a.ParentID,
				OU: "Root", Resources: map[string]int{}}
			if ou := org.OUs[a.ParentID]; ou != nil {
				sa.OU = ou.Name
			}
			for name := range a.Roles {
				sa.Roles = append(sa.Roles, org.RoleARN(a.ID, name))
			}
			sort.Strings(sa.Roles)
			for issuer := range a.OIDC {
				sa.OIDC = append(sa.OIDC, issuer)
			}
			sort.Strings(sa.OIDC)
			for region, st := range a.Regions {
				if st != RegionDisabled {
					sa.Regions = append(sa.Regions, region)
				}
			}
			sort.Strings(sa.Regions)
			for k, list := range a.Resources {
				sa.Resources[k.Kind] += len(list)
			}
			v.Accounts = append(v.Accounts, sa)
		}
	})
	if hasMgmt {
		v.ManagementCredentials = s.ManagementCredentials()
	}
	return v
}

func (s *Server) adminRequests(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	var out []RequestRecord
	for _, rec := range s.Requests() {
		if (q.Get("service") == "" || q.Get("service") == rec.Service) &&
			(q.Get("operation") == "" || q.Get("operation") == rec.Operation) &&
			(q.Get("account") == "" || q.Get("account") == rec.AccountID) {
			out = append(out, rec)
		}
	}
	if limit > 0 && len(out) > limit {
		out = out[len(out)-limit:]
	}
	if out == nil {
		out = []RequestRecord{}
	}
	writeAdminJSON(w, http.StatusOK, out)
}

type adminFaultsRequest struct {
	Rules []FaultRule `json:"rules"`
	Deny  []struct {
		AccountID string `json:"accountId"`
		Service   string `json:"service"`
		Region    string `json:"region"`
	} `json:"deny"`
	Latency []struct {
		Service string `json:"service"`
		MS      int    `json:"ms"`
	} `json:"latency"`
	RateLimits []struct {
		Service   string  `json:"service"`
		PerSecond float64 `json:"perSecond"`
		Burst     int     `json:"burst"`
	} `json:"rateLimits"`
}

func (s *Server) adminFaults(w http.ResponseWriter, r *http.Request) {
	var req adminFaultsRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		adminError(w, http.StatusBadRequest, fmt.Errorf("decode faults: %w", err))
		return
	}
	for _, rule := range req.Rules {
		s.faults.Add(rule)
	}
	for _, d := range req.Deny {
		s.faults.DenyAccess(d.AccountID, d.Service, d.Region)
	}
	for _, l := range req.Latency {
		s.faults.SetLatency(l.Service, time.Duration(l.MS)*time.Millisecond)
	}
	for _, rl := range req.RateLimits {
		s.faults.SetRateLimit(rl.Service, rl.PerSecond, rl.Burst)
	}
	writeAdminJSON(w, http.StatusOK, s.faults.Snapshot())
}

// MutateRequest is the body of POST /_emulator/mutate.
type MutateRequest struct {
	Op        string `json:"op"`
	AccountID string `json:"accountId"`
	Region    string `json:"region"`
	Kind      string `json:"kind"`
	ID        string `json:"id"`
	Role      string `json:"role"`
	State     string `json:"state"`
	// Tags for tag-account: each key set to its value, "" removes the key.
	Tags map[string]string `json:"tags"`
	// ExternalID for add-role: the ExternalId its trust policy requires.
	ExternalID string `json:"externalId"`
	Resource   *struct {
		ID         string            `json:"id"`
		Name       string            `json:"name"`
		ARN        string            `json:"arn"`
		Parent     string            `json:"parent"`
		CreatedAt  time.Time         `json:"createdAt"`
		Tags       map[string]string `json:"tags"`
		Attributes map[string]any    `json:"attributes"`
	} `json:"resource"`
}

// Mutate applies one admin mutation to the organization.
func (s *Server) Mutate(m MutateRequest) error {
	var err error
	s.Update(func(org *Org) { err = applyMutation(org, m) })
	return err
}

func applyMutation(org *Org, m MutateRequest) error {
	switch m.Op {
	case "add-resource":
		if m.Resource == nil || m.Resource.ID == "" || m.Kind == "" || m.Region == "" {
			return fmt.Errorf("add-resource needs accountId, region, kind and resource.id")
		}
		res := &Resource{ID: m.Resource.ID, Name: m.Resource.Name, ARN: m.Resource.ARN, Parent: m.Resource.Parent,
			CreatedAt: m.Resource.CreatedAt, Tags: m.Resource.Tags, Attributes: m.Resource.Attributes}
		if res.Name == "" {
			res.Name = res.ID
		}
		if res.CreatedAt.IsZero() {
			res.CreatedAt = orgEpoch
		}
		return org.AddResource(m.AccountID, ResourceKey{Region: m.Region, Kind: m.Kind}, res)
	case "remove-resource":
		key := ResourceKey{Region: m.Region, Kind: m.Kind}
		if m.Region == "" {
			k, _, found := org.FindResource(m.AccountID, m.Kind, m.ID)
			if !found {
				return fmt.Errorf("remove-resource: %s %s not found in account %s", m.Kind, m.ID, m.AccountID)
			}
			key = k
		}
		if !org.RemoveResource(m.AccountID, key, m.ID) {
			return fmt.Errorf("remove-resource: %s %s not found in account %s region %s", m.Kind, m.ID, m.AccountID, m.Region)
		}
		return nil
	case "suspend-account":
		return org.SuspendAccount(m.AccountID)
	case "set-account-state":
		return org.SetAccountState(m.AccountID, m.State)
	case "remove-account":
		return org.RemoveAccount(m.AccountID)
	case "deny-role":
		return org.DenyRole(m.AccountID, m.Role)
	case "tag-account":
		a := org.Accounts[m.AccountID]
		if a == nil || len(m.Tags) == 0 {
			return fmt.Errorf("tag-account needs the accountId of an organization account and tags")
		}
		for k, v := range m.Tags {
			if v == "" {
				delete(a.Tags, k)
			} else {
				a.Tags[k] = v
			}
		}
		return nil
	case "add-role":
		// A role trusted by the management account and the account itself,
		// e.g. the differently named role of an acquired account
		// (accountRoleOverrides). Role is "name" or "path/name".
		a := org.Accounts[m.AccountID]
		if a == nil || m.Role == "" {
			return fmt.Errorf("add-role needs the accountId of an organization account and role (name or path/name)")
		}
		name, path := m.Role, "/"
		if i := strings.LastIndex(strings.Trim(m.Role, "/"), "/"); i >= 0 {
			trimmed := strings.Trim(m.Role, "/")
			name, path = trimmed[i+1:], "/"+trimmed[:i+1]
		}
		a.AddRole(&Role{Name: name, Path: path, ExternalID: m.ExternalID, MaxSessionDuration: 3600,
			TrustedPrincipals: []string{"arn:" + org.partition() + ":iam::" + org.ManagementAccountID + ":root", "arn:" + org.partition() + ":iam::" + a.ID + ":root"}})
		return nil
	default:
		return fmt.Errorf("unknown mutation op %q", m.Op)
	}
}

func (s *Server) adminMutate(w http.ResponseWriter, r *http.Request) {
	var m MutateRequest
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		adminError(w, http.StatusBadRequest, fmt.Errorf("decode mutation: %w", err))
		return
	}
	if err := s.Mutate(m); err != nil {
		adminError(w, http.StatusBadRequest, err)
		return
	}
	writeAdminJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

func (s *Server) adminCredentials(w http.ResponseWriter, r *http.Request) {
	var req struct {
		AccountID  string `json:"accountId"`
		UserName   string `json:"userName"`
		Principal  string `json:"principal"`
		TTLSeconds int    `json:"ttlSeconds"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.AccountID == "" {
		adminError(w, http.StatusBadRequest, fmt.Errorf("credentials need accountId and userName or principal"))
		return
	}
	var exists bool
	s.View(func(org *Org) { exists = org.Accounts[req.AccountID] != nil })
	if !exists {
		adminError(w, http.StatusNotFound, fmt.Errorf("account %s not found", req.AccountID))
		return
	}
	if req.Principal != "" {
		writeAdminJSON(w, http.StatusOK, s.IssueCredentials(req.AccountID, req.Principal, time.Duration(req.TTLSeconds)*time.Second))
		return
	}
	if req.UserName == "" {
		req.UserName = "admin"
	}
	writeAdminJSON(w, http.StatusOK, s.StaticCredentials(req.AccountID, req.UserName))
}
