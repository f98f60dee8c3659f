package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// noDaemon runs headendctl with an address nothing answers on: help must
// not need the daemon.
func noDaemon(args ...string) (stdout, stderr string, code int) {
	var o, e bytes.Buffer
	code = run(append([]string{"--addr", "127.0.0.1:1"}, args...), &o, &e)
	return o.String(), e.String(), code
}

// TestHelp: the usage and each command's help go to stdout with exit
// status 0; help of an unknown command is a usage error.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}} {
		out, errOut, code := noDaemon(args...)
		if code != 0 || out != usage() || errOut != "" {
			t.Errorf("headendctl %q: exit %d, stderr %q, stdout the usage: %v", args, code, errOut, out == usage())
		}
	}
	u := usage()
	for _, want := range []string{
		"usage: headendctl [--context NAME] [--addr HOST:PORT] [--lab NAME] [-o text|json]",
		"\n  get H                                        show a headend and its license\n",
		"\n  help [COMMAND [SUBCOMMAND]]                  this usage",
		"\n  completion bash                              a bash completion script",
		"\nExit status:\n  0  done\n  1  the command ran and failed",
		"\n  2  a usage error",
		"\nFeatures: sec-plus, 3des,",
	} {
		if !strings.Contains(u, want) {
			t.Errorf("the usage lacks %q", want)
		}
	}
	// No arguments at all: the usage on stderr, a usage error.
	if out, errOut, code := noDaemon(); code != 2 || out != "" || errOut != u {
		t.Errorf("headendctl alone: exit %d, stdout %q", code, out)
	}

	for _, c := range []struct {
		args  []string
		wants []string
	}{
		{[]string{"help", "get"}, []string{"usage: headendctl [GLOBAL FLAGS] get H\n", "\n  show a headend and its license\n",
			"\nExamples:\n  headendctl get asa1\n", "\n-o json: GetHeadendResponse.\n", "\nExit status:\n"}},
		{[]string{"get", "--help"}, []string{"usage: headendctl [GLOBAL FLAGS] get H\n"}},
		{[]string{"get", "asa1", "-h"}, []string{"usage: headendctl [GLOBAL FLAGS] get H\n"}},
		{[]string{"help", "keygen"}, []string{"usage: headendctl [GLOBAL FLAGS] keygen --serial S [--days N] [--nonce N] FEATURE...\n",
			"\nFlags:\n", "\n  --data-dir string\n        headendd data directory holding lab.secret (default ./data)\n",
			"\n  --nonce int\n        time-based keys: tells identical licenses apart, 0-15 (default: random) (default -1)\n",
			"\n-o json: an object: lab, serial, activationKey", "\nFeatures: sec-plus, 3des,"}},
		{[]string{"portal", "order", "--sku", "X", "--help"}, []string{
			"usage: headendctl [GLOBAL FLAGS] portal order --sku SKU [--users N] [--months N] [--start DATE] [--size N] [--quantity N] --customer NAME\n",
			"\n  --users int\n        authorized users (Plus/Apex)\n", "\nSKUs: L-AC-PLS-LIC="}},
		{[]string{"help", "portal", "register"}, []string{"usage: headendctl [GLOBAL FLAGS] portal register --pak PAK --serial S [--migrate]\n" +
			"       headendctl [GLOBAL FLAGS] portal register --pak PAK --udi PID:SN --out FILE\n", "\n  --migrate\n        Migration:"}},
		{[]string{"help", "smart", "token", "create"}, []string{"usage: headendctl [GLOBAL FLAGS] smart token create --account A",
			"\n  --days int\n"}},
		{[]string{"help", "portal"}, []string{"\nSubcommands: order, register, share, use-code, licenses, demo, rehost, compliance (headendctl help portal SUBCOMMAND)\n"}},
		{[]string{"help", "exec"}, []string{"Exit status of exec: 1 if a console line answered with an error"}},
		{[]string{"help", "replay"}, []string{"Exit status of replay: 1 if an output differs; 2 on any error", "\n  --ignore string\n"}},
		{[]string{"help", "events"}, []string{"with --follow one Event a line (NDJSON)", "\n  --follow\n        go on printing events as they happen\n"}},
		{[]string{"help", "wait"}, []string{"\n  --timeout duration\n        how long to wait (default 10s)\n"}},
	} {
		out, errOut, code := noDaemon(c.args...)
		if code != 0 || errOut != "" {
			t.Errorf("headendctl %q: exit %d, stderr %q", c.args, code, errOut)
		}
		for _, w := range c.wants {
			if !strings.Contains(out, w) {
				t.Errorf("headendctl %q lacks %q:\n%s", c.args, w, out)
			}
		}
	}

	// Every command and subcommand has a help that names what -o json prints.
	for _, c := range commands {
		paths := [][]string{{c.name}}
		for _, s := range c.subs {
			paths = append(paths, append([]string{c.name}, strings.Fields(s)...))
		}
		for _, p := range paths {
			out, _, code := noDaemon(append([]string{"help"}, p...)...)
			if code != 0 || !strings.HasPrefix(out, "usage: headendctl [GLOBAL FLAGS] "+c.name) || !strings.Contains(out, "\n-o json: ") {
				t.Errorf("help %q: exit %d:\n%s", p, code, out)
			}
		}
	}

	for _, c := range []struct {
		args []string
		err  string
	}{
		{[]string{"help", "nosuch"}, "headendctl: help: unknown command \"nosuch\" (headendctl help lists them)\n"},
		{[]string{"help", "portal", "nosuch"}, "headendctl: help: portal has no subcommand \"nosuch\" (order, register, share, use-code, licenses, demo, rehost, compliance)\n"},
		{[]string{"nosuch"}, "headendctl: unknown command \"nosuch\" (headendctl help lists them)\n"},
		{[]string{"completion", "zsh"}, "headendctl: usage: completion bash (then: source <(headendctl completion bash))\n"},
		{[]string{"help", "lab", "create", "extra"}, "headendctl: help: \"extra\" after lab create: help takes a command and its subcommand\n"},
		{[]string{"help", "get", "asa1"}, "headendctl: help: \"asa1\" after get: help takes a command and its subcommand\n"},
	} {
		if out, errOut, code := noDaemon(c.args...); code != 2 || out != "" || errOut != c.err {
			t.Errorf("headendctl %q: exit %d, stdout %q, stderr %q; want 2 and %q", c.args, code, out, errOut, c.err)
		}
	}
}

// TestWantsHelp: -h or --help as an argument of its own asks for help; in
// a console line, or after --, it does not.
func TestWantsHelp(t *testing.T) {
	for _, c := range []struct {
		args []string
		want bool
	}{
		{[]string{"--help"}, true}, {[]string{"asa1", "-h"}, true}, {[]string{"-help"}, true},
		{[]string{"asa1", "show run | include -h"}, false}, {[]string{"asa1", "--", "-h"}, false}, {nil, false},
	} {
		if got := wantsHelp(c.args); got != c.want {
			t.Errorf("wantsHelp(%q) = %v", c.args, got)
		}
	}
}

// TestBashCompletion sources the completion script in bash and completes
// command lines as a user's Tab would: commands, subcommands, flags, -o's
// formats, --kind's words, and hostnames the daemon lists.
func TestBashCompletion(t *testing.T) {
	// The script is bash's, and bash is on every Debian machine (an
	// essential package): without it this test cannot run, and says so.
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatalf("bash is not on PATH (%v): the completion script is tested in bash", err)
	}
	td := startDaemon(t)
	for _, h := range []string{"asa1", "asa2"} {
		if _, errOut, code := td.ctl("create", "--model", "ASA5525", "--hostname", h); code != 0 {
			t.Fatalf("create %s: %s", h, errOut)
		}
	}
	script, errOut, code := noDaemon("completion", "bash")
	if code != 0 || errOut != "" {
		t.Fatalf("completion bash: exit %d, %s", code, errOut)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "headendctl.bash")
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	// The script asks the command as typed (COMP_WORDS[0]) for the
	// hostnames. Here that is a shell function that prints what this
	// daemon answers to list -o json, and notes the arguments it got.
	listed, errOut, code := td.ctl("list", "-o", "json")
	if code != 0 {
		t.Fatalf("list -o json: %s", errOut)
	}
	listFile, argsFile := filepath.Join(dir, "list.json"), filepath.Join(dir, "args")
	if err := os.WriteFile(listFile, []byte(listed), 0o644); err != nil {
		t.Fatal(err)
	}
	scenarios, errOut, code := td.ctl("scenario", "list", "-o", "json")
	if code != 0 {
		t.Fatalf("scenario list -o json: %s", errOut)
	}
	scenFile := filepath.Join(dir, "scenarios.json")
	if err := os.WriteFile(scenFile, []byte(scenarios), 0o644); err != nil {
		t.Fatal(err)
	}
	useConfig(t)
	for _, cx := range []string{"east", "west"} {
		if code, _, errOut := ctl("config", "set-context", cx, "--addr", "127.0.0.1:1"); code != 0 {
			t.Fatalf("set-context: %s", errOut)
		}
	}
	contexts, errOut, code := noDaemon("-o", "json", "config", "get-contexts")
	if code != 0 {
		t.Fatalf("get-contexts: %s", errOut)
	}
	ctxFile := filepath.Join(dir, "contexts.json")
	if err := os.WriteFile(ctxFile, []byte(contexts), 0o644); err != nil {
		t.Fatal(err)
	}
	fake := "fake_headendctl() { echo \"$*\" >> " + argsFile + "; case \"$*\" in *'scenario list -o json') cat " + scenFile + ";; " +
		"*'list -o json') cat " + listFile + ";; *'get-contexts -o json') cat " + ctxFile + ";; esac; }\n"
	complete := func(words ...string) string {
		t.Helper()
		var q []string
		for _, w := range append([]string{"fake_headendctl"}, words...) {
			q = append(q, "'"+strings.ReplaceAll(w, "'", `'\''`)+"'")
		}
		sh := "source " + file + "\n" + fake + "COMP_WORDS=(" + strings.Join(q, " ") + ")\nCOMP_CWORD=" + strconv.Itoa(len(words)) +
			"\n_headendctl\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n"
		out, err := exec.Command("bash", "--norc", "--noprofile", "-c", sh).CombinedOutput()
		if err != nil {
			t.Fatalf("bash: %v\n%s", err, out)
		}
		return strings.Join(strings.Fields(string(out)), " ")
	}
	all := []string{}
	for _, c := range commands {
		all = append(all, c.name)
	}
	all = append(all, "help", "completion")
	for _, c := range []struct {
		words []string
		want  string
	}{
		{[]string{""}, strings.Join(all, " ")},
		{[]string{"po"}, "power portal"},
		{[]string{"portal", ""}, "order register share use-code licenses demo rehost compliance"},
		{[]string{"smart", "token", ""}, "create revoke"},
		{[]string{"smart", "to"}, "token"},
		{[]string{"create", "--mo"}, "--model"},
		{[]string{"--lab", "x", "reload", "asa1", "--"}, "--save --help --output"},
		{[]string{"admit", "asa1", "--kind", "ip"}, "ipsec-ikev1"},
		{[]string{"-o", "j"}, "json"},
		{[]string{"get", "asa1", "--output", ""}, "text json"},
		{[]string{"--a"}, "--addr"},
		{[]string{"help", "sc"}, "scenario"},
		{[]string{"completion", ""}, "bash"},
		{[]string{"--addr", td.addr, "get", ""}, "asa1 asa2"},
		{[]string{"--addr", td.addr, "link", "cut", "asa1", "a"}, "asa1 asa2"},
		{[]string{"--addr", td.addr, "events", "--headend", ""}, "asa1 asa2"},
		{[]string{"--addr", td.addr, "exec", "asa1", ""}, ""},
		{[]string{"--addr", td.addr, "portal", "order", "--customer", "x", "--s"}, "--size --sku --start"},
		{[]string{"apply", "-"}, "--dry-run -f --help -o --output"},
		{[]string{"config", "set-context", "x", "--t"}, "--tls --token --token-file"},
		{[]string{"--context", "x", "lab", ""}, "create delete list get reset token"},
		{[]string{"--t"}, "--token --tls"},
		{[]string{"--i"}, "--insecure"},
		{[]string{"--c"}, "--ca --context --call-timeout"},
		{[]string{"events", "--kind", "key_"}, "key_installed"},
		{[]string{"--context", ""}, "east west"},
		{[]string{"config", "use-context", ""}, "east west"},
		{[]string{"config", "delete-context", "w"}, "west"},
		{[]string{"help", "po"}, "power portal"},
		{[]string{"help", "portal", "o"}, "order"},
		{[]string{"help", "smart", "token", ""}, "create revoke"},
		{[]string{"--addr", td.addr, "scenario", "start", ""}, scenarioNames(t, scenarios)},
	} {
		if got := complete(c.words...); got != c.want {
			t.Errorf("completing %q: %q, want %q", c.words, got, c.want)
		}
	}
	// The hostnames came from the daemon the command line names.
	b, err := os.ReadFile(argsFile)
	if want := strings.Repeat("--addr "+td.addr+" --call-timeout 2s list -o json\n", 3) + strings.Repeat("config get-contexts -o json\n", 3) +
		"--addr " + td.addr + " --call-timeout 2s scenario list -o json\n"; err != nil || string(b) != want {
		t.Errorf("the completion ran headendctl with\n%s\nwant\n%s", b, want)
	}
}

// TestHelpOfHelpAndGroups: help and completion take --help like every
// command and have pages of their own; a two-word subcommand's first word
// (smart token) is a group whose help lists its subcommands; help prints
// text only, so -o json with it is a usage error.
func TestHelpOfHelpAndGroups(t *testing.T) {
	for _, c := range []struct {
		args  []string
		wants []string
	}{
		{[]string{"help", "--help"}, []string{"usage: headendctl [GLOBAL FLAGS] help [COMMAND [SUBCOMMAND]]\n"}},
		{[]string{"help", "-h"}, []string{"usage: headendctl [GLOBAL FLAGS] help [COMMAND [SUBCOMMAND]]\n"}},
		{[]string{"help", "completion"}, []string{"usage: headendctl [GLOBAL FLAGS] completion bash\n", "bash 4.2"}},
		{[]string{"completion", "--help"}, []string{"usage: headendctl [GLOBAL FLAGS] completion bash\n"}},
		{[]string{"smart", "token", "--help"}, []string{"usage: headendctl [GLOBAL FLAGS] smart token create --account A",
			"\n       headendctl [GLOBAL FLAGS] smart token revoke T\n", "\nSubcommands: token create, token revoke (headendctl help smart token SUBCOMMAND)\n"}},
		{[]string{"help", "smart", "account"}, []string{"usage: headendctl [GLOBAL FLAGS] smart account create NAME\n"}},
		{[]string{"smart", "entitlement", "-h"}, []string{"usage: headendctl [GLOBAL FLAGS] smart entitlement add --account A"}},
	} {
		out, errOut, code := noDaemon(c.args...)
		if code != 0 || errOut != "" {
			t.Errorf("headendctl %q: exit %d, stderr %q", c.args, code, errOut)
		}
		for _, w := range c.wants {
			if !strings.Contains(out, w) {
				t.Errorf("headendctl %q lacks %q:\n%.300s", c.args, w, out)
			}
		}
	}
	for _, args := range [][]string{
		{"-o", "json", "help"}, {"-o", "json", "help", "wait"}, {"help", "get", "-o", "json"},
		{"completion", "bash", "-o", "json"}, {"--output", "json", "completion", "bash"}, {"-o", "json", "get", "--help"},
	} {
		if out, errOut, code := noDaemon(args...); code != 2 || out != "" || errOut != "headendctl: help and completion print text only (leave out -o json)\n" {
			t.Errorf("headendctl %q: exit %d, stdout %.100q, stderr %q", args, code, out, errOut)
		}
	}
}

// scenarioNames are the names scenario list -o json gives, in its order.
func scenarioNames(t *testing.T, doc string) string {
	var resp struct{ Scenarios []struct{ Name string } }
	if err := json.Unmarshal([]byte(doc), &resp); err != nil || len(resp.Scenarios) == 0 {
		t.Fatalf("scenario list -o json: %v\n%s", err, doc)
	}
	var names []string
	for _, s := range resp.Scenarios {
		names = append(names, s.Name)
	}
	return strings.Join(names, " ")
}
