package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asalab/asalab/cmd/headendctl/ctlconf"
)

// TestContexts: set-context, use-context, get-contexts, current-context
// and delete-context keep named contexts in a 0600 file; tokens never
// show.
func TestContexts(t *testing.T) {
	path := useConfig(t)
	caPEM, _ := testPKI(t, "127.0.0.1")
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ca.pem"), caPEM, 0o644)
	t.Chdir(dir)

	steps := []struct {
		args   []string
		code   int
		stdout string
	}{
		{[]string{"config", "current-context"}, 1, ""},
		{[]string{"config", "set-context", "east", "--addr", "lab-east.example.com:443", "--token", "asalab_admin_SECRET1", "--ca", "ca.pem"}, 0,
			"context east created (headendctl config use-context east to use it)\n"},
		{[]string{"config", "set-context", "team-a", "--addr", "lb.example.com:443", "--token", "asalab_lab_SECRET2", "--lab", "team-a", "--tls"}, 0,
			"context team-a created (headendctl config use-context team-a to use it)\n"},
		{[]string{"config", "use-context", "team-a"}, 0, "switched to context team-a\n"},
		{[]string{"config", "set-context", "team-a", "--lab", "team-b"}, 0, "context team-a modified\n"},
		{[]string{"config", "current-context"}, 0, "team-a\n"},
		{[]string{"config", "get-contexts"}, 0, "" +
			"NAME    ADDR                      LAB     CURRENT\n" +
			"east    lab-east.example.com:443  -       \n" +
			"team-a  lb.example.com:443        team-b  *\n"},
		{[]string{"config", "use-context", "west"}, 1, ""},
		{[]string{"config", "delete-context", "team-a"}, 0, "deleted context team-a\n"},
		{[]string{"config", "current-context"}, 1, ""},
		{[]string{"config", "get-contexts"}, 0, "" +
			"NAME  ADDR                      LAB  CURRENT\n" +
			"east  lab-east.example.com:443  -    \n"},
	}
	for _, s := range steps {
		code, stdout, stderr := ctl(s.args...)
		if code != s.code || stdout != s.stdout {
			t.Errorf("%q: exit %d, want %d\n got %q\nwant %q\nstderr %q", s.args, code, s.code, stdout, s.stdout, stderr)
		}
		if strings.Contains(stdout+stderr, "SECRET") {
			t.Errorf("%q printed a token: %q %q", s.args, stdout, stderr)
		}
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", path, st.Mode().Perm())
	}
	var conf ctlconf.Config
	b, _ := os.ReadFile(path)
	if err := json.Unmarshal(b, &conf); err != nil {
		t.Fatal(err)
	}
	// The CA is kept by its absolute path: a context is used from
	// anywhere.
	if e := conf.Contexts["east"]; e == nil || e.CA != filepath.Join(dir, "ca.pem") || e.Token != "asalab_admin_SECRET1" {
		t.Errorf("context east = %+v", e)
	}

	code, stdout, _ := ctl("-o", "json", "config", "get-contexts")
	var got struct {
		Contexts []map[string]any
	}
	if err := json.Unmarshal([]byte(stdout), &got); code != 0 || err != nil || len(got.Contexts) != 1 {
		t.Fatalf("-o json get-contexts: exit %d, %v\n%s", code, err, stdout)
	}
	if c := got.Contexts[0]; c["name"] != "east" || c["hasToken"] != true || c["addr"] != "lab-east.example.com:443" || c["current"] != false {
		t.Errorf("-o json get-contexts: %v", c)
	}
}

// TestSetContextBadInput: a bad value is a usage error and the file stays
// as it was.
func TestSetContextBadInput(t *testing.T) {
	path := useConfig(t)
	if code, _, stderr := ctl("config", "set-context", "lab1", "--addr", "127.0.0.1:50051"); code != 0 {
		t.Fatalf("set-context: exit %d: %s", code, stderr)
	}
	before, _ := os.ReadFile(path)
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "key.txt")
	os.WriteFile(notPEM, []byte("hello\n"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"config", "set-context", "lab1", "--lab", "Team_A"},
			`config set-context: --lab: "Team_A" is not a lab name: 1-63 of a-z, 0-9 and -, starting with a letter or digit`},
		{[]string{"config", "set-context", "lab1", "--addr", "no-port"}, `config set-context: --addr "no-port" is not HOST:PORT`},
		{[]string{"config", "set-context", "lab1", "--token", "abc\n"},
			`config set-context: --token: the token holds '\n'; a token is printable ASCII without spaces (a line break from a file?)`},
		{[]string{"config", "set-context", "lab1", "--ca", notPEM}, "config set-context: --ca " + notPEM + ": no PEM certificate in it"},
		{[]string{"config", "set-context", "bad name", "--addr", "127.0.0.1:1"},
			`"bad name" is not a context name: 1-63 of letters, digits, '.', '_' and '-', starting with a letter or digit`},
		{[]string{"config", "set-context"}, "usage: config set-context NAME [--addr HOST:PORT] [--token T | --token-file FILE] [--ca FILE] [--lab L] [--tls] [--insecure]"},
		{[]string{"config", "use-context"}, "usage: config use-context NAME"},
		{[]string{"config", "rename-context", "a", "b"},
			`config: unknown subcommand "rename-context" (set-context, use-context, get-contexts, current-context, delete-context)`},
	} {
		code, stdout, stderr := ctl(c.args...)
		if code != 2 || stdout != "" || stderr != "headendctl: "+c.want+"\n" {
			t.Errorf("%q: exit %d\nstdout %q\n got %q\nwant %q", c.args, code, stdout, stderr, "headendctl: "+c.want+"\n")
		}
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Errorf("bad input changed the file:\n%s\nwas\n%s", after, before)
	}
}

// TestContextPrecedence: a flag beats the environment, which beats the
// context, which beats the default; --context picks a context other than
// the current one.
func TestContextPrecedence(t *testing.T) {
	useConfig(t)
	d1, addr1 := startFake(t, "d1", nil)
	d2, addr2 := startFake(t, "d2", nil)
	for _, args := range [][]string{
		{"config", "set-context", "one", "--addr", addr1, "--token", "ctx-token-1", "--lab", "lab-one"},
		{"config", "set-context", "two", "--addr", addr2, "--token", "ctx-token-2"},
		{"config", "use-context", "one"},
	} {
		if code, _, stderr := ctl(args...); code != 0 {
			t.Fatalf("%q: exit %d: %s", args, code, stderr)
		}
	}
	for _, c := range []struct {
		name   string
		env    map[string]string
		args   []string
		daemon *fakeDaemon
		token  string
		lab    string
	}{
		{"the current context", nil, nil, d1, "ctx-token-1", "lab-one"},
		{"--context", nil, []string{"--context", "two"}, d2, "ctx-token-2", ""},
		// Another daemon than the context's gets neither its token
		// (another daemon's credential, which it could keep) nor its lab.
		{"ASALAB_ADDR over the context", map[string]string{"ASALAB_ADDR": addr2}, nil, d2, "", ""},
		{"ASALAB_TOKEN over the context", map[string]string{"ASALAB_TOKEN": "env-token"}, nil, d1, "env-token", "lab-one"},
		{"--addr over ASALAB_ADDR", map[string]string{"ASALAB_ADDR": addr1}, []string{"--addr", addr2}, d2, "", ""},
		{"--addr the context's own", nil, []string{"--addr", addr1}, d1, "ctx-token-1", "lab-one"},
		{"--addr elsewhere, --token", nil, []string{"--addr", addr2, "--token", "flag-token"}, d2, "flag-token", ""},
		{"--token over ASALAB_TOKEN", map[string]string{"ASALAB_TOKEN": "env-token"}, []string{"--token", "flag-token"}, d1, "flag-token", "lab-one"},
		{"--lab over the context", nil, []string{"--lab", "lab-flag"}, d1, "ctx-token-1", "lab-flag"},
	} {
		t.Run(c.name, func(t *testing.T) {
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			// main.go reads the environment into its flags' defaults
			// when run parses them, as a fresh process would.
			n1, n2 := d1.count(), d2.count()
			code, _, stderr := ctl(append(c.args, "lab", "list")...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if got := map[*fakeDaemon]int{d1: d1.count() - n1, d2: d2.count() - n2}; got[c.daemon] != 1 || got[d1]+got[d2] != 1 {
				t.Fatalf("the call went to d1 %d times, d2 %d times; want %s", got[d1], got[d2], c.daemon.name)
			}
			got := c.daemon.last(t)
			auth := ""
			if c.token != "" {
				auth = "Bearer " + c.token
			}
			if strings.Join(got.auth, "") != auth || strings.Join(got.lab, "") != c.lab {
				t.Errorf("authorization %q, asalab-lab %q; want Bearer %s, %q", got.auth, got.lab, c.token, c.lab)
			}
		})
	}
	if code, _, stderr := ctl("--context", "three", "lab", "list"); code != 2 || !strings.Contains(stderr, `headendctl: no context "three" in `) {
		t.Errorf("--context three: exit %d, %q", code, stderr)
	}
}

// TestConfigUnreadable: a config file that does not read stops the
// commands that would use it, naming the file; the config commands still
// say what is wrong.
func TestConfigUnreadable(t *testing.T) {
	path := useConfig(t)
	os.MkdirAll(filepath.Dir(path), 0o700)
	os.WriteFile(path, []byte("{not json"), 0o600)
	code, _, stderr := ctl("--addr", "127.0.0.1:1", "lab", "list")
	if code != 2 || !strings.HasPrefix(stderr, "headendctl: "+path+": invalid character") || !strings.HasSuffix(stderr, "(mend it, or remove it to start over)\n") {
		t.Errorf("lab list: exit %d, %q", code, stderr)
	}
	code, _, stderr = ctl("config", "get-contexts")
	if code != 1 || !strings.HasPrefix(stderr, "headendctl: "+path+": ") {
		t.Errorf("config get-contexts: exit %d, %q", code, stderr)
	}
}

// TestSetContextConcurrent: contexts set side by side (CI jobs each
// adding theirs) are all kept; a writer that read the file before another
// one saved must not write its stale copy over it.
func TestSetContextConcurrent(t *testing.T) {
	useConfig(t)
	const n = 20
	codes := make(chan string, n)
	for i := range n {
		go func() {
			code, _, stderr := ctl("config", "set-context", fmt.Sprintf("c%d", i), "--addr", fmt.Sprintf("127.0.0.1:%d", 1000+i))
			codes <- fmt.Sprintf("%d %s", code, stderr)
		}()
	}
	for range n {
		if got := <-codes; got != "0 " {
			t.Errorf("set-context: exit %s", got)
		}
	}
	code, stdout, stderr := ctl("-o", "json", "config", "get-contexts")
	var got struct{ Contexts []map[string]any }
	if err := json.Unmarshal([]byte(stdout), &got); code != 0 || err != nil {
		t.Fatalf("get-contexts: exit %d, %v: %s", code, err, stderr)
	}
	if len(got.Contexts) != n {
		t.Errorf("%d contexts kept of %d set", len(got.Contexts), n)
	}
}

// TestSetContextTokenFromFile: a context's token can come from a file
// (--token-file FILE) or stdin (--token-file -), so that it never shows in
// ps or the shell's history; the line break a file ends with is not part
// of it.
func TestSetContextTokenFromFile(t *testing.T) {
	path := useConfig(t)
	file := filepath.Join(t.TempDir(), "admin.token")
	os.WriteFile(file, []byte("asalab_admin_FROMFILE\n"), 0o600)
	if code, _, stderr := ctl("config", "set-context", "f", "--addr", "127.0.0.1:1", "--token-file", file); code != 0 {
		t.Fatalf("--token-file: exit %d: %s", code, stderr)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	w.WriteString("asalab_lab_FROMSTDIN\r\n")
	w.Close()
	old := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = old; r.Close() }()
	if code, _, stderr := ctl("config", "set-context", "s", "--token-file", "-"); code != 0 {
		t.Fatalf("--token-file -: exit %d: %s", code, stderr)
	}
	var conf ctlconf.Config
	b, _ := os.ReadFile(path)
	if err := json.Unmarshal(b, &conf); err != nil {
		t.Fatal(err)
	}
	if got := conf.Contexts["f"].Token + " " + conf.Contexts["s"].Token; got != "asalab_admin_FROMFILE asalab_lab_FROMSTDIN" {
		t.Errorf("tokens %q", got)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"config", "set-context", "f", "--token", "x", "--token-file", file}, "config set-context: --token and --token-file: give one"},
		{[]string{"config", "set-context", "f", "--token-file", file + ".missing"},
			"config set-context: --token-file: open " + file + ".missing: no such file or directory"},
	} {
		if code, _, stderr := ctl(c.args...); code != 2 || stderr != "headendctl: "+c.want+"\n" {
			t.Errorf("%q: exit %d, %q; want %q", c.args, code, stderr, c.want)
		}
	}
}
