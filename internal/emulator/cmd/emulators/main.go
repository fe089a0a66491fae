// Command emulators runs the AWS and Port API emulators on loopback with a
// generated demo organization, and prints their addresses and working
// credentials so that the worker, the AWS CLI and curl can be pointed at them.
// It also writes them as an env file that `starter dev` (make run) reads.
//
// With -only aws or -only port it runs one emulator alone, so either can be
// restarted while the other keeps running; the env file is then named after it.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
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
	cfg, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		os.Exit(2) // the flag package has printed the error and the usage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, os.Stdout, nil); err != nil {
		fmt.Fprintln(os.Stderr, "emulators:", err)
		os.Exit(1)
	}
}

// config is the command line.
type config struct {
	awsAddr, portAddr string
	stateDir          string
	seed              int64
	accounts, perKind int
	only              string   // "" (both), "aws" or "port"
	featureFlags      []string // the Port organization's feature flags
	partition         string   // aws, aws-us-gov or aws-cn
}

func (c config) runsAWS() bool  { return c.only != "port" }
func (c config) runsPort() bool { return c.only != "aws" }

// envFileName is where the emulators write their addresses and credentials:
// emulators.env when both run (what `starter dev` reads), else named after the
// one that runs, so two single-emulator processes never overwrite each other.
func (c config) envFileName() string {
	if c.only == "" {
		return "emulators.env"
	}
	return "emulators-" + c.only + ".env"
}

const usageText = `Usage: emulators [flags]

Runs the AWS and Port API emulators on loopback with a generated demo
organization, prints their addresses and working credentials, and writes them
to <state-dir>/emulators.env (KEY=VALUE lines) until Ctrl-C.

With -only aws or -only port it runs that emulator alone, so one can be
restarted while the other keeps running (start each in its own process); the
env file is then <state-dir>/emulators-aws.env or emulators-port.env and holds
only that emulator's variables.

Flags:
`

func parseFlags(args []string, output io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("emulators", flag.ContinueOnError)
	fs.SetOutput(output)
	fs.Usage = func() {
		fmt.Fprint(output, usageText)
		fs.PrintDefaults()
	}
	fs.StringVar(&c.awsAddr, "aws-addr", "127.0.0.1:4566", "loopback address of the AWS emulator")
	fs.StringVar(&c.portAddr, "port-addr", "127.0.0.1:5555", "loopback address of the Port emulator")
	fs.StringVar(&c.stateDir, "state-dir", ".dev", "directory for the Port state file, the env file and the web identity token")
	fs.Int64Var(&c.seed, "seed", 42, "seed of the generated organization")
	fs.IntVar(&c.accounts, "accounts", 8, "accounts in the organization")
	fs.IntVar(&c.perKind, "resources-per-kind", 2, "average resources per (account, region, kind)")
	fs.StringVar(&c.only, "only", "", "run one emulator alone: `name` is aws or port (default: both)")
	fs.StringVar(&c.partition, "partition", "aws", "partition of the organization: aws, aws-us-gov or aws-cn (its own regions, ARNs and home region)")
	flags := fs.String("port-feature-flags", "", "comma-separated feature flags of the Port organization (default none: Ocean changes mode on the ones it knows)")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		err := fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
		fmt.Fprintln(output, err)
		fs.Usage()
		return config{}, err
	}
	if c.only != "" && c.only != "aws" && c.only != "port" {
		err := fmt.Errorf("-only %q: want aws or port", c.only)
		fmt.Fprintln(output, err)
		fs.Usage()
		return config{}, err
	}
	if _, ok := awsemu.PartitionRegions[c.partition]; !ok && c.partition != "aws" {
		err := fmt.Errorf("-partition %q: want aws, aws-us-gov or aws-cn", c.partition)
		fmt.Fprintln(output, err)
		fs.Usage()
		return config{}, err
	}
	for _, f := range strings.Split(*flags, ",") {
		if f = strings.TrimSpace(f); f != "" {
			c.featureFlags = append(c.featureFlags, f)
		}
	}
	return c, nil
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

// PartitionSpec moves spec into partition: that partition's regions (all
// enabled, none opt-in) instead of the commercial ones.
func PartitionSpec(spec awsemu.Spec, partition string) awsemu.Spec {
	if regions, ok := awsemu.PartitionRegions[partition]; ok {
		spec.Partition = partition
		spec.Regions = append([]string(nil), regions...)
		spec.OptInDisabled = nil
	}
	return spec
}

// homeRegion is the region the env file and the printed examples use: the
// partition's home region, where its global services (IAM, Organizations)
// live (us-east-1, us-gov-west-1, cn-north-1); not PartitionRegions' first.
func homeRegion(partition string) string {
	switch partition {
	case "aws-us-gov":
		return "us-gov-west-1"
	case "aws-cn":
		return "cn-north-1"
	}
	return "us-east-1"
}

// running is what run started, handed to its ready callback.
type running struct {
	AWS     *awsemu.Server  // nil with -only port
	Port    *portemu.Server // nil with -only aws
	EnvFile string
	Env     map[string]string
}

// run starts the emulators cfg asks for, writes the env file, prints the
// summary to out, calls ready (when not nil) and serves until ctx is done; it
// then stops them and removes the env file.
func run(ctx context.Context, cfg config, out io.Writer, ready func(running)) error {
	var addrs []string
	if cfg.runsAWS() {
		addrs = append(addrs, cfg.awsAddr)
	}
	if cfg.runsPort() {
		addrs = append(addrs, cfg.portAddr)
	}
	for _, addr := range addrs {
		if !strings.HasPrefix(addr, "127.") && !strings.HasPrefix(addr, "localhost:") && !strings.HasPrefix(addr, "[::1]:") {
			return fmt.Errorf("address %s is not loopback: the emulators only listen on 127.0.0.1/::1", addr)
		}
	}
	if err := os.MkdirAll(cfg.stateDir, 0o755); err != nil {
		return fmt.Errorf("create state dir: %w", err)
	}

	r := running{Env: map[string]string{}}
	var tokenFile string
	if cfg.runsAWS() {
		spec := PartitionSpec(DemoSpec(cfg.seed, cfg.accounts, cfg.perKind), cfg.partition)
		// Generated history (deployments, pipeline executions) ends now, so a
		// selector's history window finds the recent part of it.
		spec.HistoryEnd = time.Now().UTC().Truncate(time.Hour)
		r.AWS = awsemu.NewServer(awsemu.Generate(spec))
		if err := r.AWS.StartOn(cfg.awsAddr); err != nil {
			return fmt.Errorf("start AWS emulator on %s: %w", cfg.awsAddr, err)
		}
		defer r.AWS.Close()
		var err error
		if tokenFile, err = awsEnv(r.AWS, cfg.stateDir, r.Env); err != nil {
			return err
		}
	}
	if cfg.runsPort() {
		opts := portemu.Options{ClientID: "demo-client-id", ClientSecret: "demo-client-secret",
			StatePath: filepath.Join(cfg.stateDir, "port-state.json"), FeatureFlags: cfg.featureFlags}
		r.Port = portemu.New(opts)
		if err := r.Port.StartOn(cfg.portAddr); err != nil {
			return fmt.Errorf("start Port emulator on %s: %w", cfg.portAddr, err)
		}
		defer r.Port.Close()
		r.Env["OCEAN__PORT__BASE_URL"] = r.Port.URL()
		r.Env["OCEAN__PORT__CLIENT_ID"] = opts.ClientID
		r.Env["OCEAN__PORT__CLIENT_SECRET"] = opts.ClientSecret
		r.Env["OCEAN__INITIALIZE_PORT_RESOURCES"] = "true"
	}

	r.EnvFile = filepath.Join(cfg.stateDir, cfg.envFileName())
	if err := writeEnv(r.EnvFile, r.Env); err != nil {
		return err
	}
	defer os.Remove(r.EnvFile)

	printSummary(out, r, tokenFile)
	fmt.Fprintln(out, "Emulators running; Ctrl-C stops them.")
	if ready != nil {
		ready(r)
	}
	<-ctx.Done()
	return nil
}

// awsEnv writes the web identity token and adds the AWS emulator's variables
// to env. It returns the token file's absolute path.
func awsEnv(srv *awsemu.Server, stateDir string, env map[string]string) (string, error) {
	var issuer, subject, roleARN, partition string
	srv.View(func(o *awsemu.Org) {
		partition = o.Partition
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
	token := srv.MintWebIdentityToken(issuer, subject, "sts.amazonaws.com", 24*time.Hour)
	if err := os.WriteFile(tokenFile, []byte(token), 0o600); err != nil {
		return "", fmt.Errorf("write web identity token: %w", err)
	}
	abs, err := filepath.Abs(tokenFile)
	if err != nil {
		abs = tokenFile
	}
	mgmt := srv.ManagementCredentials()
	env["AWS_ENDPOINT_URL"] = srv.URL()
	// The SDKs and AWS CLI v2 read AWS_REGION; AWS CLI v1 and boto3 read only
	// AWS_DEFAULT_REGION ("You must specify a region" without it).
	env["AWS_REGION"] = homeRegion(partition)
	env["AWS_DEFAULT_REGION"] = homeRegion(partition)
	env["AWS_ACCESS_KEY_ID"] = mgmt.AccessKeyID
	env["AWS_SECRET_ACCESS_KEY"] = mgmt.SecretAccessKey
	env["AWS_EC2_METADATA_DISABLED"] = "true"
	env["OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN"] = roleARN
	return abs, nil
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

func printSummary(out io.Writer, r running, tokenFile string) {
	env := r.Env
	if r.AWS != nil {
		fmt.Fprintln(out, "AWS emulator:  ", r.AWS.URL())
	}
	if r.Port != nil {
		fmt.Fprintln(out, "Port emulator: ", r.Port.URL(), "(open it in a browser to see the catalog)")
	}
	if r.AWS != nil {
		r.AWS.View(func(o *awsemu.Org) {
			fmt.Fprintf(out, "Organization %s, management account %s, %d accounts:\n", o.ID, o.ManagementAccountID, len(o.Accounts))
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
				fmt.Fprintf(out, "  %s  %-24s %-16s %4d resources%s\n", a.ID, a.Name, a.State, n, note)
			}
		})
	}
	files := map[string]string{"envFile": r.EnvFile}
	if tokenFile != "" {
		files["webIdentityTokenFile"] = tokenFile
	}
	summary, _ := json.Marshal(files)
	fmt.Fprintln(out, "Files:", string(summary))
	fmt.Fprintln(out)
	fmt.Fprintln(out, "Try it:")
	if r.AWS != nil {
		fmt.Fprintf(out, "  export AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_REGION=%s AWS_DEFAULT_REGION=%s\n",
			env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], env["AWS_REGION"], env["AWS_DEFAULT_REGION"])
		fmt.Fprintf(out, "  aws --endpoint-url %s organizations list-accounts\n", env["AWS_ENDPOINT_URL"])
		fmt.Fprintf(out, "  aws --endpoint-url %s sts assume-role-with-web-identity --role-arn %s --role-session-name demo --web-identity-token file://%s\n",
			env["AWS_ENDPOINT_URL"], env["OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN"], tokenFile)
	}
	if r.Port != nil {
		fmt.Fprintf(out, "  curl -s -X POST %s/v1/auth/access_token -H 'content-type: application/json' -d '{\"clientId\":\"%s\",\"clientSecret\":\"%s\"}'\n",
			env["OCEAN__PORT__BASE_URL"], env["OCEAN__PORT__CLIENT_ID"], env["OCEAN__PORT__CLIENT_SECRET"])
	}
}
