// Command emulators runs the AWS and Port API emulators on loopback with a
// generated demo organization, and prints their addresses and working
// credentials so that the worker, the AWS CLI and curl can be pointed at them.
// It also writes them as an env file that `starter dev` (make run) reads.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
)

func main() {
	awsAddr := flag.String("aws-addr", "127.0.0.1:4566", "loopback address of the AWS emulator")
	portAddr := flag.String("port-addr", "127.0.0.1:5555", "loopback address of the Port emulator")
	stateDir := flag.String("state-dir", ".dev", "directory for the Port state file, the env file and the web identity token")
	seed := flag.Int64("seed", 42, "seed of the generated organization")
	accounts := flag.Int("accounts", 8, "accounts in the organization")
	perKind := flag.Int("resources-per-kind", 2, "average resources per (account, region, kind)")
	flag.Parse()
	if err := run(*awsAddr, *portAddr, *stateDir, *seed, *accounts, *perKind); err != nil {
		fmt.Fprintln(os.Stderr, "emulators:", err)
		os.Exit(1)
	}
}

// DemoSpec is the organization of the local stack: 8 accounts in 3 OUs, one
// suspended, one whose member role is missing, a few hundred resources in 4 regions.
func DemoSpec(seed int64, accounts, perKind int) awsemu.Spec {
	return awsemu.Spec{
		Seed:             seed,
		Accounts:         accounts,
		OUs:              3,
		Suspended:        1,
		MissingRole:      1,
		Regions:          []string{"us-east-1", "us-west-2", "eu-west-1", "eu-central-1"},
		OptInDisabled:    []string{"ap-east-1", "me-south-1"},
		ResourcesPerKind: perKind,
	}
}

func run(awsAddr, portAddr, stateDir string, seed int64, accounts, perKind int) error {
	for _, addr := range []string{awsAddr, portAddr} {
		if !strings.HasPrefix(addr, "127.") && !strings.HasPrefix(addr, "localhost:") && !strings.HasPrefix(addr, "[::1]:") {
			return fmt.Errorf("address %s is not loopback: the emulators only listen on 127.0.0.1/::1", addr)
		}
	}
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		return fmt.Errorf("create state dir: %w", err)
	}
	org := awsemu.Generate(DemoSpec(seed, accounts, perKind))
	awsSrv := awsemu.NewServer(org)
	if err := awsSrv.StartOn(awsAddr); err != nil {
		return fmt.Errorf("start AWS emulator on %s: %w", awsAddr, err)
	}
	defer awsSrv.Close()

	portOpts := portemu.Options{ClientID: "demo-client-id", ClientSecret: "demo-client-secret", StatePath: filepath.Join(stateDir, "port-state.json")}
	portSrv := portemu.New(portOpts)
	if err := portSrv.StartOn(portAddr); err != nil {
		return fmt.Errorf("start Port emulator on %s: %w", portAddr, err)
	}
	defer portSrv.Close()

	mgmt := awsSrv.ManagementCredentials()
	var issuer, subject, roleARN string
	awsSrv.View(func(o *awsemu.Org) {
		m := o.Accounts[o.ManagementAccountID]
		for _, r := range m.Roles {
			roleARN = fmt.Sprintf("arn:%s:iam::%s:role%s%s", o.Partition, m.ID, r.Path, r.Name)
			issuer = r.WebIdentityIssuer
			if len(r.WebIdentitySubjects) > 0 {
				subject = r.WebIdentitySubjects[0]
			}
		}
	})
	tokenFile := filepath.Join(stateDir, "web-identity-token")
	token := awsSrv.MintWebIdentityToken(issuer, subject, "sts.amazonaws.com", 24*time.Hour)
	if err := os.WriteFile(tokenFile, []byte(token), 0o600); err != nil {
		return fmt.Errorf("write web identity token: %w", err)
	}
	absToken, _ := filepath.Abs(tokenFile)

	env := map[string]string{
		"AWS_ENDPOINT_URL":                             awsSrv.URL(),
		"AWS_REGION":                                   "us-east-1",
		"AWS_ACCESS_KEY_ID":                            mgmt.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY":                        mgmt.SecretAccessKey,
		"AWS_EC2_METADATA_DISABLED":                    "true",
		"OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN": roleARN,
		"OCEAN__PORT__BASE_URL":                        portSrv.URL(),
		"OCEAN__PORT__CLIENT_ID":                       portOpts.ClientID,
		"OCEAN__PORT__CLIENT_SECRET":                   portOpts.ClientSecret,
		"OCEAN__INITIALIZE_PORT_RESOURCES":             "true",
	}
	envFile := filepath.Join(stateDir, "emulators.env")
	if err := writeEnv(envFile, env); err != nil {
		return err
	}

	printSummary(awsSrv, portSrv, env, absToken, envFile)
	slog.Info("emulators running; Ctrl-C stops them")
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
	_ = os.Remove(envFile)
	return nil
}

// writeEnv writes KEY=VALUE lines atomically, so a reader never sees half a file.
func writeEnv(path string, env map[string]string) error {
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%s\n", k, env[k])
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.Rename(tmp, path)
}

func printSummary(awsSrv *awsemu.Server, portSrv *portemu.Server, env map[string]string, tokenFile, envFile string) {
	fmt.Println("AWS emulator:  ", awsSrv.URL())
	fmt.Println("Port emulator: ", portSrv.URL(), "(open it in a browser to see the catalog)")
	awsSrv.View(func(o *awsemu.Org) {
		fmt.Printf("Organization %s, management account %s, %d accounts:\n", o.ID, o.ManagementAccountID, len(o.Accounts))
		for _, id := range o.AccountOrder {
			a := o.Accounts[id]
			n := 0
			for _, rs := range a.Resources {
				n += len(rs)
			}
			note := ""
			if len(a.Roles) == 0 {
				note = " (member role missing: its sync fails with AccessDenied)"
			}
			fmt.Printf("  %s  %-24s %-16s %4d resources%s\n", a.ID, a.Name, a.State, n, note)
		}
	})
	summary, _ := json.Marshal(map[string]string{"envFile": envFile, "webIdentityTokenFile": tokenFile})
	fmt.Println("Files:", string(summary))
	fmt.Println()
	fmt.Println("Try it:")
	fmt.Printf("  export AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_REGION=us-east-1\n", env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"])
	fmt.Printf("  aws --endpoint-url %s organizations list-accounts\n", env["AWS_ENDPOINT_URL"])
	fmt.Printf("  aws --endpoint-url %s sts assume-role-with-web-identity --role-arn %s --role-session-name demo --web-identity-token file://%s\n",
		env["AWS_ENDPOINT_URL"], env["OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN"], tokenFile)
	fmt.Printf("  curl -s -X POST %s/v1/auth/access_token -H 'content-type: application/json' -d '{\"clientId\":\"%s\",\"clientSecret\":\"%s\"}'\n",
		env["OCEAN__PORT__BASE_URL"], env["OCEAN__PORT__CLIENT_ID"], env["OCEAN__PORT__CLIENT_SECRET"])
}
