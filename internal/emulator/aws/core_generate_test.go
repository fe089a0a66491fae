package awsemu_test

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestGenerateDeterministic(t *testing.T) {
	spec := coreSpec()
	a, b := awsemu.Generate(spec), awsemu.Generate(spec)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same spec generated different organizations")
	}
	spec.Seed++
	c := awsemu.Generate(spec)
	if reflect.DeepEqual(a, c) || a.ID == c.ID || a.ManagementAccountID == c.ManagementAccountID {
		t.Fatal("different seeds generated the same organization")
	}
}

var (
	accountIDRe = regexp.MustCompile(`^\d{12}$`)
	orgIDRe     = regexp.MustCompile(`^o-[a-z0-9]{10}$`)
	rootIDRe    = regexp.MustCompile(`^r-[a-z0-9]{4}$`)
	ouIDRe      = regexp.MustCompile(`^ou-[a-z0-9]{4}-[a-z0-9]{8}$`)
	instanceRe  = regexp.MustCompile(`^i-[0-9a-f]{17}$`)
	volumeRe    = regexp.MustCompile(`^vol-[0-9a-f]{17}$`)
	bucketRe    = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
)

func TestGenerateOrganizationFacts(t *testing.T) {
	spec := coreSpec()
	spec.Accounts = 12
	spec.OUs = 4
	spec.Partition = "aws-us-gov"
	org := awsemu.Generate(spec)

	if !orgIDRe.MatchString(org.ID) || !rootIDRe.MatchString(org.RootID) || org.Partition != "aws-us-gov" {
		t.Fatalf("org ids: %s %s %s", org.ID, org.RootID, org.Partition)
	}
	if len(org.AccountOrder) != 12 || org.AccountOrder[0] != org.ManagementAccountID {
		t.Fatalf("account order = %v (management %s)", org.AccountOrder, org.ManagementAccountID)
	}
	nested := 0
	for id, ou := range org.OUs {
		if !ouIDRe.MatchString(id) || !strings.HasPrefix(id, "ou-"+org.RootID[2:]+"-") {
			t.Fatalf("ou id %s", id)
		}
		if ou.ParentID != org.RootID {
			if org.OUs[ou.ParentID] == nil {
				t.Fatalf("ou %s has unknown parent %s", id, ou.ParentID)
			}
			nested++
		}
	}
	if len(org.OUs) != 4 || nested == 0 {
		t.Fatalf("%d OUs, %d nested", len(org.OUs), nested)
	}

	states := map[string]int{}
	missingRole, noOIDC := 0, 0
	kinds := map[string]int{}
	ids := map[string]bool{}
	for _, a := range org.OrderedAccounts() {
		if !accountIDRe.MatchString(a.ID) {
			t.Fatalf("account id %q", a.ID)
		}
		states[a.State]++
		if a.ID == org.ManagementAccountID {
			if a.ParentID != org.RootID {
				t.Fatalf("management account not in root")
			}
		} else if org.OUs[a.ParentID] == nil {
			t.Fatalf("member %s not in an OU (parent %s)", a.ID, a.ParentID)
		}
		role, ok := a.Roles[awsemu.DefaultRoleName]
		if !ok {
			missingRole++
		} else {
			want := []string{"arn:aws-us-gov:iam::" + org.ManagementAccountID + ":root", "arn:aws-us-gov:iam::" + a.ID + ":root"}
			if !reflect.DeepEqual(role.TrustedPrincipals, want) || role.ExternalID != "ext-123" || role.Path != "/" ||
				role.WebIdentityIssuer != awsemu.DefaultOIDCIssuer || role.WebIdentitySubjects[0] != awsemu.DefaultServiceAccountSubject {
				t.Fatalf("role of %s = %+v", a.ID, role)
			}
		}
		if _, ok := a.OIDC[awsemu.DefaultOIDCIssuer]; !ok {
			noOIDC++
		}
		// GovCloud's own regions only (no commercial opt-in region either).
		if a.Regions["us-gov-west-1"] != awsemu.RegionEnabledByDefault || a.Regions["us-gov-east-1"] != awsemu.RegionEnabledByDefault || len(a.Regions) != 2 {
			t.Fatalf("regions of %s = %v", a.ID, a.Regions)
		}
		clusters := map[string]*awsemu.Resource{}
		instances := map[string]string{} // id -> region
		for key, list := range a.Resources {
			if a.Regions[key.Region] == awsemu.RegionDisabled {
				t.Fatalf("resources in disabled region %s", key.Region)
			}
			for _, r := range list {
				kinds[key.Kind]++
				// Instance and volume ids and bucket names are unique
				// globally; every other kind's names per (account, region).
				uniq := a.ID + "/" + key.Region + "/" + key.Kind + "/" + r.ID
				if key.Kind == awsemu.KindEC2Instance || key.Kind == awsemu.KindEC2Volume || key.Kind == awsemu.KindS3Bucket {
					uniq = key.Kind + "/" + r.ID
				}
				if key.Kind == awsemu.KindCodeDeployDeploymentTarget { // an instance is a target of many deployments
					uniq += "/" + r.Parent
				}
				if ids[uniq] {
					t.Fatalf("duplicate %s", uniq)
				}
				ids[uniq] = true
				noARN := key.Kind == awsemu.KindCodeDeployDeployment || key.Kind == awsemu.KindCodePipelinePipelineExecution ||
					key.Kind == awsemu.KindCodePipelineActionExecution // history records have ids, not ARNs
				if (!strings.HasPrefix(r.ARN, "arn:aws-us-gov:") && !noARN) ||
					r.CreatedAt.IsZero() || r.Name == "" {
					t.Fatalf("resource %+v", r)
				}
				switch key.Kind {
				case awsemu.KindEC2Instance:
					instances[r.ID] = key.Region
					if !instanceRe.MatchString(r.ID) || r.AttrString("InstanceType") == "" || r.AttrTime("LaunchTime").IsZero() ||
						!strings.HasPrefix(r.AttrString("ReservationId"), "r-") || !strings.HasPrefix(r.AttrString("VpcId"), "vpc-") {
						t.Fatalf("instance %+v", r)
					}
				case awsemu.KindECSCluster:
					clusters[r.ARN] = r
				case awsemu.KindEC2Volume:
					if !volumeRe.MatchString(r.ID) || r.AttrInt("Size") == 0 {
						t.Fatalf("volume %+v", r)
					}
				case awsemu.KindS3Bucket:
					if !bucketRe.MatchString(r.ID) || r.AttrTime("CreationDate").IsZero() {
						t.Fatalf("bucket %+v", r)
					}
				case awsemu.KindLambdaFunction:
					if r.AttrString("Runtime") == "" || r.AttrInt("MemorySize") == 0 || !strings.Contains(r.AttrString("Role"), ":role/") {
						t.Fatalf("function %+v", r)
					}
				}
			}
		}
		// Services point at a cluster of the same account; counts agree.
		services := map[string]int64{}
		for key, list := range a.Resources {
			if key.Kind != awsemu.KindECSService {
				continue
			}
			for _, s := range list {
				if clusters[s.Parent] == nil || !strings.Contains(s.Parent, ":"+key.Region+":") {
					t.Fatalf("service %s parent %s not a cluster of region %s", s.ID, s.Parent, key.Region)
				}
				services[s.Parent]++
			}
		}
		for arn, c := range clusters {
			if c.AttrInt("ActiveServicesCount") != services[arn] {
				t.Fatalf("cluster %s ActiveServicesCount %d, services %d", arn, c.AttrInt("ActiveServicesCount"), services[arn])
			}
		}
		for key, list := range a.Resources {
			if key.Kind != awsemu.KindEC2Volume {
				continue
			}
			for _, v := range list {
				if att := v.AttrString("Attachments"); att != "" && instances[att] != key.Region {
					t.Fatalf("volume %s attached to %s outside its region", v.ID, att)
				}
			}
		}
	}
	if states["SUSPENDED"] != 1 || states["PENDING_CLOSURE"] != 1 || states["ACTIVE"] != 10 || missingRole != 1 || noOIDC != 1 {
		t.Fatalf("states %v, missing role %d, no OIDC %d", states, missingRole, noOIDC)
	}
	for _, k := range []string{awsemu.KindEC2Instance, awsemu.KindEC2Volume, awsemu.KindECSCluster, awsemu.KindECSService,
		awsemu.KindLambdaFunction, awsemu.KindS3Bucket} {
		if kinds[k] == 0 {
			t.Fatalf("no %s generated: %v", k, kinds)
		}
	}
	if got := org.ResourceCounts(); !reflect.DeepEqual(got, kinds) {
		t.Fatalf("ResourceCounts %v != %v", got, kinds)
	}
}

func TestGenerateDefaultsAndMutations(t *testing.T) {
	org := awsemu.Generate(awsemu.Spec{Seed: 1})
	if len(org.Accounts) != 1 || len(org.Accounts[org.ManagementAccountID].Resources) != 0 {
		t.Fatalf("default spec: %d accounts", len(org.Accounts))
	}
	org = awsemu.Generate(coreSpec())
	member := org.AccountOrder[1]
	key := awsemu.ResourceKey{Region: "us-east-1", Kind: awsemu.KindS3Bucket}
	before := len(org.Accounts[member].Resources[key])
	if err := org.AddResource(member, key, &awsemu.Resource{ID: "added-bucket", Name: "added-bucket"}); err != nil {
		t.Fatal(err)
	}
	if len(org.Accounts[member].Resources[key]) != before+1 {
		t.Fatal("resource not added")
	}
	if !org.RemoveResource(member, key, "added-bucket") || org.RemoveResource(member, key, "added-bucket") {
		t.Fatal("remove resource: wrong result")
	}
	if err := org.SuspendAccount(member); err != nil || org.Accounts[member].State != "SUSPENDED" {
		t.Fatalf("suspend: %v", err)
	}
	if err := org.RemoveAccount(org.ManagementAccountID); err == nil {
		t.Fatal("management account removed")
	}
	if err := org.RemoveAccount(member); err != nil || org.Accounts[member] != nil || len(org.AccountOrder) != 7 {
		t.Fatalf("remove account: %v", err)
	}
	if err := org.DenyRole(org.ManagementAccountID, awsemu.DefaultRoleName); err != nil ||
		!org.Accounts[org.ManagementAccountID].Roles[awsemu.DefaultRoleName].Denied {
		t.Fatalf("deny role: %v", err)
	}
	if err := org.DenyRole(org.ManagementAccountID, "Nope"); err == nil {
		t.Fatal("deny unknown role succeeded")
	}
}

func TestHandBuiltOrg(t *testing.T) {
	org := awsemu.NewOrg("")
	mgmt := org.AddAccount("111111111111", "Management", "")
	ou := org.AddOU("ou-a1b2-00000001", "Workloads", "")
	member := org.AddAccount("222222222222", "Workload A", ou.ID)
	member.AddRole(&awsemu.Role{Name: "Reader", TrustedPrincipals: []string{"arn:aws:iam::111111111111:root"}})
	mgmt.AddOIDCProvider("https://issuer.example.com")
	if org.ManagementAccountID != "111111111111" || member.ParentID != ou.ID || mgmt.OIDC["issuer.example.com"] == nil ||
		org.RoleARN("222222222222", "Reader") != "arn:aws:iam::222222222222:role/Reader" || member.Email != "workload-a@example.com" {
		t.Fatalf("hand-built org wrong: %+v", org)
	}
}
