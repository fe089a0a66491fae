package deploy

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// The install steps in README.md and deploy/README.md are run by the tests
// as written: each shell command in a fenced code block is split into words
// as a POSIX shell would (quotes, backslashes, $VAR), with the variables below
// standing for the operator's values. A command carries the text of the
// comment line above it in its block, which the test table uses to find it.

// docFile is deploy/README.md, the operator's path.
const docFile = "README.md"

// docVars are the operator's values the documented commands refer to.
var docVars = map[string]string{
	"PORT_CLIENT_ID":        "doc-port-client-id",
	"PORT_CLIENT_SECRET":    "doc-port-client-secret-xyz",
	"AWS_ACCESS_KEY_ID":     "AKIADOCDOCDOCDOCDOC1",
	"AWS_SECRET_ACCESS_KEY": "doc-aws-secret-access-key-xyz",
	"TEMPORAL_API_KEY":      "doc-temporal-api-key-xyz",
	"REGISTRY":              "123456789012.dkr.ecr.us-east-1.amazonaws.com",
	"VERSION":               "0.1.0",
	"MGMT_ROLE_ARN":         "arn:aws:iam::111111111111:role/PortOceanReadRole",
	"ROLE_ARN":              "arn:aws:iam::222222222222:role/PortOceanReadRole",
}

// docSecrets are the docVars no rendered manifest may show in plain text.
var docSecrets = []string{docVars["PORT_CLIENT_SECRET"], docVars["AWS_SECRET_ACCESS_KEY"], docVars["AWS_ACCESS_KEY_ID"], docVars["TEMPORAL_API_KEY"]}

// docCommand is one documented shell command.
type docCommand struct {
	file    string
	line    int
	comment string   // the nearest comment line above it in the same block
	words   []string // after quote removal and variable expansion
	err     error    // the command could not be split (e.g. command substitution)
}

func (c docCommand) String() string {
	return fmt.Sprintf("%s:%d (%q): %s", c.file, c.line, c.comment, strings.Join(c.words, " "))
}

var fence = regexp.MustCompile("^\\s*```(sh|bash|shell)?\\s*$")

// docCommands reads every command of the shell blocks in a markdown file.
func docCommands(t *testing.T, file string) []docCommand {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out []docCommand
	lines := strings.Split(string(data), "\n")
	inBlock, shell := false, false
	comment := ""
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if m := fence.FindStringSubmatch(line); m != nil {
			if !inBlock {
				inBlock, shell, comment = true, m[1] != "", ""
			} else {
				inBlock = false
			}
			continue
		}
		if !inBlock || !shell {
			continue
		}
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			continue
		}
		if strings.HasPrefix(trimmed, "#") {
			comment = strings.TrimSpace(strings.TrimPrefix(trimmed, "#"))
			continue
		}
		start := i + 1
		logical := line
		for strings.HasSuffix(strings.TrimRight(logical, " "), "\\") && i+1 < len(lines) {
			logical = strings.TrimSuffix(strings.TrimRight(logical, " "), "\\") + " "
			i++
			logical += lines[i]
		}
		for _, cmd := range splitCommands(logical) {
			words, err := shellWords(cmd, docVars)
			out = append(out, docCommand{file: file, line: start, comment: comment, words: words, err: err})
		}
	}
	return out
}

// splitCommands splits a line on && and ; outside quotes.
func splitCommands(line string) []string {
	var out []string
	var cur strings.Builder
	quote := rune(0)
	rs := []rune(line)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case quote != 0:
			if r == '\\' && quote == '"' && i+1 < len(rs) {
				cur.WriteRune(r)
				i++
				r = rs[i]
			} else if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		case r == '\\' && i+1 < len(rs):
			cur.WriteRune(r)
			i++
			r = rs[i]
		case r == ';' || (r == '&' && i+1 < len(rs) && rs[i+1] == '&'):
			if r == '&' {
				i++
			}
			out = append(out, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteRune(r)
	}
	return append(out, cur.String())
}

// shellWords splits one simple command as sh does: single quotes keep
// everything, double quotes keep all but \$ \" \\ \` and $VAR, a backslash
// outside quotes escapes the next character, # at a word's start begins a
// comment. Command substitution, globs and redirections are errors: the
// commands the tests run do not need them.
func shellWords(s string, vars map[string]string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	rs := []rune(s)
	expand := func(i int) (int, error) { // rs[i] == '$'
		if i+1 < len(rs) && rs[i+1] == '(' {
			return i, fmt.Errorf("command substitution in %q", s)
		}
		j := i + 1
		braces := j < len(rs) && rs[j] == '{'
		if braces {
			j++
		}
		k := j
		for k < len(rs) && (rs[k] == '_' || rs[k] >= 'A' && rs[k] <= 'Z' || rs[k] >= 'a' && rs[k] <= 'z' || rs[k] >= '0' && rs[k] <= '9') {
			k++
		}
		name := string(rs[j:k])
		if name == "" {
			cur.WriteRune('$')
			return i, nil
		}
		if braces {
			if k >= len(rs) || rs[k] != '}' {
				return i, fmt.Errorf("unsupported ${…} in %q", s)
			}
			k++
		}
		v, ok := vars[name]
		if !ok {
			return i, fmt.Errorf("$%s is not a variable the tests know (docVars)", name)
		}
		cur.WriteString(v)
		return k - 1, nil
	}
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case r == '#' && !inWord:
			return words, nil
		case r == '\\':
			inWord = true
			if i+1 < len(rs) {
				i++
				cur.WriteRune(rs[i])
			}
		case r == '\'':
			inWord = true
			j := i + 1
			for j < len(rs) && rs[j] != '\'' {
				j++
			}
			if j == len(rs) {
				return nil, fmt.Errorf("unterminated ' in %q", s)
			}
			cur.WriteString(string(rs[i+1 : j]))
			i = j
		case r == '"':
			inWord = true
			i++
			for ; i < len(rs) && rs[i] != '"'; i++ {
				switch {
				case rs[i] == '\\' && i+1 < len(rs) && strings.ContainsRune("$`\"\\", rs[i+1]):
					i++
					cur.WriteRune(rs[i])
				case rs[i] == '$':
					var err error
					if i, err = expand(i); err != nil {
						return nil, err
					}
				case rs[i] == '`':
					return nil, fmt.Errorf("command substitution in %q", s)
				default:
					cur.WriteRune(rs[i])
				}
			}
			if i == len(rs) {
				return nil, fmt.Errorf("unterminated \" in %q", s)
			}
		case r == '$':
			inWord = true
			var err error
			if i, err = expand(i); err != nil {
				return nil, err
			}
		case strings.ContainsRune("`|<>*?", r):
			return nil, fmt.Errorf("%q: %c is beyond what the tests run", s, r)
		default:
			inWord = true
			cur.WriteRune(r)
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// parseHelmArgs reads the arguments after `helm`, as the CLI's flags do.
// dir resolves relative paths (the chart, -f and --set-file files).
func parseHelmArgs(args []string, dir string) (helmInstall, error) {
	in := helmInstall{dir: dir}
	if len(args) < 2 || args[0] != "upgrade" && args[0] != "install" && args[0] != "template" {
		return in, fmt.Errorf("not helm install/upgrade/template: %v", args)
	}
	var positional []string
	rest := args[1:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if !strings.HasPrefix(a, "-") {
			positional = append(positional, a)
			continue
		}
		name, value, hasValue := strings.Cut(a, "=")
		takesValue := map[string]*[]string{
			"--set": &in.values, "--set-string": &in.stringValues, "--set-json": &in.jsonValues,
			"--set-file": &in.fileValues, "--set-literal": &in.literalValues, "-f": &in.valueFiles, "--values": &in.valueFiles,
		}
		switch name {
		case "--install", "--create-namespace", "--atomic", "--wait", "--debug":
			continue
		case "-n", "--namespace":
			if !hasValue {
				i++
				if i == len(rest) {
					return in, fmt.Errorf("%s needs a value", name)
				}
				value = rest[i]
			}
			in.namespace = value
			continue
		}
		dst, ok := takesValue[name]
		if !ok {
			return in, fmt.Errorf("flag %s is not one the tests understand", name)
		}
		if !hasValue {
			i++
			if i == len(rest) {
				return in, fmt.Errorf("%s needs a value", name)
			}
			value = rest[i]
		}
		if name == "-f" || name == "--values" {
			value = filepath.Join(dir, value)
		}
		*dst = append(*dst, value)
	}
	if len(positional) != 2 {
		return in, fmt.Errorf("want RELEASE CHART, got %v", positional)
	}
	in.release, in.chart = positional[0], filepath.Join(dir, positional[1])
	if in.namespace == "" {
		in.namespace = "default"
	}
	return in, nil
}

// docSecretsCreated are the Secrets the docs create with
// `kubectl create secret generic NAME --from-literal=KEY=VALUE`, as the
// cluster would hold them when the install that names them runs.
func docSecretsCreated(t *testing.T, cmds []docCommand) map[string]*corev1.Secret {
	t.Helper()
	out := map[string]*corev1.Secret{}
	for _, c := range cmds {
		w := c.words
		if len(w) < 5 || w[0] != "kubectl" || w[1] != "create" || w[2] != "secret" || w[3] != "generic" {
			continue
		}
		if c.err != nil {
			t.Fatalf("%s: %v", c, c.err)
		}
		s := &corev1.Secret{Data: map[string][]byte{}}
		s.Name = w[4]
		for _, a := range w[5:] {
			if lit, ok := strings.CutPrefix(a, "--from-literal="); ok {
				k, v, _ := strings.Cut(lit, "=")
				s.Data[k] = []byte(v)
			}
		}
		out[s.Name] = s
	}
	return out
}

func TestShellWords(t *testing.T) {
	vars := map[string]string{"A": "a b", "SECRET": "s"}
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{`helm --set x="$A" --set 'y=$A'`, []string{"helm", "--set", "x=a b", "--set", "y=$A"}},
		{`--set podServiceAccount.annotations."eks\.amazonaws\.com/role-arn"="${SECRET}"`, []string{`--set`, `podServiceAccount.annotations.eks\.amazonaws\.com/role-arn=s`}},
		{`--set a='["x"]' # comment`, []string{"--set", `a=["x"]`}},
		{`a\ b "c\"d"`, []string{"a b", `c"d`}},
	} {
		got, err := shellWords(tc.in, vars)
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%s: got %q, want %q", tc.in, got, tc.want)
		}
	}
	if _, err := shellWords(`echo $(date)`, vars); err == nil {
		t.Error("command substitution went through")
	}
	if _, err := shellWords(`echo $UNKNOWN`, vars); err == nil {
		t.Error("an unknown variable went through")
	}
}
