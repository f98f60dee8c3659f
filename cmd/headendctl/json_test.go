package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/asalab/asalab/cmd/headendd/daemon"
	"github.com/asalab/asalab/keygen/smart"
)

// testDaemon is a headendd in the test's process: a temp data dir, a
// simulated clock at a fixed start, gRPC on an ephemeral loopback port.
type testDaemon struct {
	addr, dataDir string
	d             *daemon.Daemon
}

func startDaemon(t *testing.T) *testDaemon {
	t.Helper()
	dir := t.TempDir()
	d, err := daemon.Start(context.Background(), daemon.Config{
		DataDir: dir, GRPCAddr: "127.0.0.1:0", Clock: "sim", ClockStart: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC),
		LogLevel: "error",
	}, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Stop() })
	return &testDaemon{addr: d.Addrs().GRPC, dataDir: dir, d: d}
}

// ctl runs headendctl against the daemon.
func (td *testDaemon) ctl(args ...string) (stdout, stderr string, code int) {
	var o, e bytes.Buffer
	code = run(append([]string{"--addr", td.addr}, args...), &o, &e)
	return o.String(), e.String(), code
}

// oneDocument decodes out, which must be exactly one JSON document.
func oneDocument(out string) (map[string]any, error) {
	dec := json.NewDecoder(strings.NewReader(out))
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("not a JSON object: %v", err)
	}
	var more any
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("more than one JSON document (then %v, %v)", more, err)
	}
	return doc, nil
}

// field is the value at a dotted path of a document ("headends.0.hostname"),
// and whether it is there.
func field(doc any, path string) (any, bool) {
	v := doc
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[k]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// TestJSONOutputOfEveryCommand runs every command of the table with
// -o json against a daemon: each prints exactly one JSON document on
// stdout (events --follow: one a line), in proto JSON names with every
// field present, exits as it does with text, and prints its errors on
// stderr with nothing on stdout.
func TestJSONOutputOfEveryCommand(t *testing.T) {
	td := startDaemon(t)
	covered := map[string]bool{}
	// doc runs a command with -o json where pos says (before the command,
	// after it, or --output=json) and checks the exit status, the
	// document and the fields (path -> the value's text, "" for any).
	n := 0
	doc := func(wantCode int, args []string, fields ...string) map[string]any {
		t.Helper()
		covered[args[0]] = true
		var full []string
		switch n++; n % 3 {
		case 0:
			full = append([]string{"-o", "json"}, args...)
		case 1:
			full = append(slices.Clone(args), "-o", "json")
		default:
			full = append(slices.Clone(args), "--output=json")
		}
		out, errOut, code := td.ctl(full...)
		if code != wantCode {
			t.Fatalf("headendctl %q: exit %d, want %d; stderr %q", full, code, wantCode, errOut)
		}
		d, err := oneDocument(out)
		if err != nil {
			t.Fatalf("headendctl %q: %v:\n%s", full, err, out)
		}
		for i := 0; i < len(fields); i += 2 {
			v, ok := field(d, fields[i])
			if !ok {
				t.Errorf("headendctl %q: no %s in\n%s", full, fields[i], out)
			} else if want := fields[i+1]; want != "" && fmt.Sprint(v) != want {
				t.Errorf("headendctl %q: %s = %v, want %s", full, fields[i], v, want)
			}
		}
		return d
	}
	str := func(d map[string]any, path string) string {
		t.Helper()
		v, ok := field(d, path)
		s, isStr := v.(string)
		if !ok || !isStr {
			t.Fatalf("no string %s in %v", path, d)
		}
		return s
	}

	doc(0, []string{"wait", "--timeout", "10s"}, "status", "SERVING")
	doc(0, []string{"platforms"}, "platforms.0.model", "")

	// A scenario, in the lab while it is empty.
	doc(0, []string{"scenario", "list"}, "scenarios.0.name", "")
	doc(0, []string{"scenario", "start", "shared-to-plus"}, "status.name", "shared-to-plus")
	doc(0, []string{"scenario", "status"}, "status.goals.0.line", "")
	doc(0, []string{"scenario", "hint"}, "number", "1", "hint", "")
	doc(1, []string{"scenario", "grade"}, "lines.0", "", "passed", "", "total", "7")
	doc(0, []string{"scenario", "reset"}, "status.name", "shared-to-plus", "keptHeadends", "[]")
	doc(0, []string{"scenario", "stop"}, "name", "shared-to-plus")

	doc(0, []string{"create", "--model", "ASA5525", "--hostname", "asa1", "--serial", "FCH1947V0GY"},
		"headend.hostname", "asa1", "headend.serial", "FCH1947V0GY", "headend.sshAddress", "", "headend.license.reloadPending", "false")
	doc(0, []string{"create", "--model", "ASA5525", "--hostname", "asa2", "--serial", "JMX1628X0P9"}, "headend.hostname", "asa2")
	doc(0, []string{"get", "asa1"}, "headend.model", "ASA5525", "headend.configUnsaved", "")
	doc(0, []string{"list"}, "headends.0.hostname", "asa1", "headends.1.hostname", "asa2", "nextPageToken", "")

	sv := doc(0, []string{"exec", "asa1", "show version"}, "transcript", "", "results.0.input", "show version", "results.0.error", "false")
	doc(1, []string{"exec", "asa1", "show bogus"}, "results.0.error", "true")

	k := doc(0, []string{"keygen", "--data-dir", td.dataDir, "--serial", "FCH1947V0GY", "premium=250", "mobile"},
		"lab", "default", "serial", "FCH1947V0GY", "features", "", "days", "0", "nonce", "0")
	doc(0, []string{"install-key", "asa1", str(k, "activationKey")}, "messages.0", "")
	doc(0, []string{"keygen", "--data-dir", td.dataDir, "--serial", "FCH1947V0GY", "--days", "30", "--nonce", "3", "premium=500"},
		"days", "30", "nonce", "3")
	doc(0, []string{"reload", "asa1", "--save"}, "headend.hostname", "asa1")

	doc(0, []string{"clock"}, "clock.mode", "CLOCK_MODE_SIMULATED", "clock.now", "")
	doc(0, []string{"clock", "advance", "1h"}, "clock.now", "")
	doc(0, []string{"clock", "set", "2031-01-06T09:00:00Z"}, "clock.now", "2031-01-06T09:00:00Z")

	a := doc(0, []string{"admit", "asa1", "--user", "alice", "--kind", "anyconnect"}, "admitted", "true", "sessionId", "")
	doc(0, []string{"sessions", "asa1"}, "sessions.0.user", "alice", "sessions.0.kind", "CONNECTION_KIND_ANYCONNECT")
	doc(0, []string{"release", "asa1", str(a, "sessionId")})

	doc(0, []string{"link", "cut", "asa1", "asa2"})
	doc(0, []string{"link", "list"}, "links.0.headendA", "asa1", "links.0.cutSince", "")
	doc(0, []string{"link", "restore", "asa1", "asa2"})
	doc(0, []string{"power", "off", "asa2"}, "sessionsEnded", "0")
	doc(0, []string{"power", "on", "asa2"}, "headend.hostname", "asa2")

	transcript := filepath.Join(t.TempDir(), "session.txt")
	if err := os.WriteFile(transcript, []byte(str(sv, "transcript")), 0o644); err != nil {
		t.Fatal(err)
	}
	// Captured before the key and the reload: an output differs, exit 1,
	// and the document says how.
	doc(1, []string{"replay", "asa1", transcript}, "differs", "true", "diff", "")
	capture := filepath.Join("..", "..", "sim", "twin", "testdata", "genie_golden_output4.txt")
	doc(0, []string{"twin", "--from", capture}, "headend.hostname", "", "notes", "")

	doc(0, []string{"events", "--headend", "asa1", "--kind", "reloaded"}, "events.0.kind", "EVENT_KIND_RELOADED", "events.0.sequence", "")

	// The portal.
	o := doc(0, []string{"portal", "order", "--sku", "L-AC-PLS-LIC=", "--users", "100", "--months", "12", "--customer", "Acme Corp"},
		"paks.0.pak", "", "salesOrder", "")
	doc(0, []string{"portal", "register", "--pak", str(o, "paks.0.pak"), "--serial", "FCH1947V0GY"}, "email", "", "licenseFile", "")
	sh := doc(0, []string{"portal", "share", "--source", "FCH1947V0GY", "--target", "JMX1628X0P9"}, "activationCode", "", "shareable.0.sku", "")
	doc(0, []string{"portal", "use-code", "--code", str(sh, "activationCode")}, "activationKeys.0.serial", "JMX1628X0P9")
	doc(0, []string{"portal", "licenses", "--serial", "FCH1947V0GY"}, "licenses.0.sku", "L-AC-PLS-LIC=", "rehostedTo", "")
	doc(0, []string{"portal", "demo", "--serial", "FCH1947V0GY"}, "email", "")
	doc(0, []string{"portal", "compliance"}, "generatedAt", "", "customers.0.customer", "Acme Corp")
	doc(0, []string{"rma", "asa1", "--serial", "FCH2648BCDE"}, "oldSerial", "FCH1947V0GY", "headend.serial", "FCH2648BCDE")
	doc(0, []string{"portal", "rehost", "--old", "FCH1947V0GY", "--new", "FCH2648BCDE"}, "email", "")
	doc(0, []string{"create", "--model", "CISCO2911", "--hostname", "r1", "--serial", "FTX1628838P"}, "headend.iosLicense.udi", "CISCO2911/K9:FTX1628838P")
	file := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(file, []byte("hello flash\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	doc(0, []string{"put", "r1", "flash:notes.txt", file}, "file.path", "flash:notes.txt", "file.size", "")
	doc(0, []string{"get-file", "r1", "flash:notes.txt"}, "data", "aGVsbG8gZmxhc2gK")
	copyTo := filepath.Join(t.TempDir(), "copy.txt")
	doc(0, []string{"get-file", "r1", "flash:notes.txt", "--out", copyTo}, "file.path", "flash:notes.txt")
	if b, err := os.ReadFile(copyTo); err != nil || string(b) != "hello flash\n" {
		t.Errorf("get-file --out -o json wrote %q, %v", b, err)
	}

	ios := doc(0, []string{"portal", "order", "--sku", "FL-SSLVPN10-K9", "--customer", "Acme Corp"}, "paks.0.pak", "")
	lic := filepath.Join(t.TempDir(), "r1.lic")
	doc(0, []string{"portal", "register", "--pak", str(ios, "paks.0.pak"), "--udi", "CISCO2911/K9:FTX1628838P", "--out", lic},
		"licenseFile", "", "licenseFileName", "")
	if st, err := os.Stat(lic); err != nil || st.Size() == 0 {
		t.Errorf("portal register --udi --out -o json wrote no license file: %v", err)
	}

	// The Smart Software Manager.
	doc(0, []string{"smart", "account", "create", "Acme Corp"}, "account.name", "Acme Corp", "account.virtualAccounts.0", "DEFAULT")
	doc(0, []string{"smart", "entitlement", "add", "--account", "Acme Corp", "--tag", "ASAv-STD-1G", "--count", "2"}, "entitlement.count", "2")
	tok := doc(0, []string{"smart", "token", "create", "--account", "Acme Corp"}, "token.token", "", "token.expiresAt", "")
	doc(0, []string{"smart", "token", "revoke", str(tok, "token.token")}, "token.token", str(tok, "token.token"))
	doc(0, []string{"smart", "reserve", "--account", "Acme Corp", "--request", smart.RequestCode("9AT1L9EX0DF", "AQGskTvD6")},
		"authorizationCode", "", "tag", "ASAv-STD-1G")
	doc(0, []string{"smart", "devices", "--account", "Acme Corp"}, "devices.0.udi", "PID:ASAv,SN:9AT1L9EX0DF")
	doc(0, []string{"smart", "usage", "--account", "Acme Corp"}, "tags.0.tag", "ASAv-STD-1G", "inCompliance", "true")

	doc(0, []string{"delete", "asa2"})

	// An error: text on stderr, nothing on stdout, the exit status of text.
	for _, args := range [][]string{{"-o", "json", "get", "nosuch"}, {"get", "nosuch", "-o", "json"}} {
		out, errOut, code := td.ctl(args...)
		if code != 1 || out != "" || !strings.HasPrefix(errOut, "headendctl: ") || !strings.Contains(errOut, "NotFound") {
			t.Errorf("headendctl %q: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
	if out, errOut, code := td.ctl("-o", "json", "replay", "nosuch", transcript); code != 2 || out != "" || errOut == "" {
		t.Errorf("replay of an unknown headend -o json: exit %d, stdout %q, stderr %q", code, out, errOut)
	}

	doc(0, []string{"lab", "create", "jsonlab", "--clock-start", "2026-01-05T09:00:00Z"}, "lab.name", "jsonlab", "lab.headends", "0", "token", "")
	doc(0, []string{"lab", "list"}, "labs.0.name", "default", "labs.1.name", "jsonlab")
	doc(0, []string{"lab", "get", "jsonlab"}, "lab.name", "jsonlab", "lab.clock.mode", "CLOCK_MODE_SIMULATED")
	doc(0, []string{"lab", "token", "jsonlab"}, "token", "")
	labFile := filepath.Join(t.TempDir(), "lab.yaml")
	if err := os.WriteFile(labFile, []byte("lab: jsonlab\nheadends:\n  - {hostname: j1, model: ASA5525}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	doc(0, []string{"apply", "-f", labFile}, "lab.name", "jsonlab", "lab.headends", "1", "changes.0", "")
	if d := doc(0, []string{"apply", "-f", labFile}, "lab.name", "jsonlab"); len(d["changes"].([]any)) != 0 {
		t.Errorf("second apply: changes %v, want none", d["changes"])
	}
	doc(0, []string{"lab", "reset", "jsonlab"}, "lab.name", "jsonlab", "lab.headends", "0")
	doc(0, []string{"lab", "delete", "jsonlab"})

	// events --follow: one event a line, until the daemon stops.
	covered["events"] = true
	pr, pw := io.Pipe()
	lines := make(chan string, 1000)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(pr)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	done := make(chan int, 1)
	var errOut bytes.Buffer
	go func() {
		done <- run([]string{"--addr", td.addr, "events", "--follow", "--headend", "asa1", "-o", "json"}, pw, &errOut)
	}()
	var seen int
	for l := range lines {
		var ev map[string]any
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatalf("events --follow -o json: a line is no JSON document: %v\n%s", err, l)
		}
		if _, ok := ev["sequence"]; !ok || ev["headend"] != "asa1" {
			t.Fatalf("events --follow -o json: %s", l)
		}
		if seen++; ev["kind"] == "EVENT_KIND_RMA" {
			break
		}
	}
	if err := td.d.Stop(); err != nil {
		t.Fatal(err)
	}
	if code := <-done; code != 0 || seen < 2 {
		t.Errorf("events --follow -o json: exit %d after %d events; stderr %q", code, seen, errOut.String())
	}
	pw.Close()
	for range lines {
	}

	// Contexts live in a local file: this test's own.
	t.Setenv("ASALAB_CONFIG", filepath.Join(t.TempDir(), "config.json"))
	doc(0, []string{"config", "set-context", "here", "--addr", td.addr}, "context.name", "here", "context.hasToken", "false", "created", "true")
	doc(0, []string{"config", "use-context", "here"}, "currentContext", "here")
	doc(0, []string{"config", "get-contexts"}, "contexts.0.name", "here", "contexts.0.current", "true", "currentContext", "here")
	doc(0, []string{"config", "current-context"}, "currentContext", "here")
	doc(0, []string{"config", "delete-context", "here"}, "deleted", "here")

	for _, c := range commands {
		if !covered[c.name] {
			t.Errorf("command %s has no -o json case here", c.name)
		}
	}
}

// TestOutputFlagPlacement: -o may come before the command or after it,
// but a console line that holds -o stays one argument, and -o with
// another format is a usage error.
func TestOutputFlagPlacement(t *testing.T) {
	for _, c := range []struct {
		in, want []string
		output   string
	}{
		{[]string{"asa1", "-o", "json"}, []string{"asa1"}, "json"},
		{[]string{"-o", "text", "asa1"}, []string{"asa1"}, "text"},
		{[]string{"asa1", "--output", "json"}, []string{"asa1"}, "json"},
		{[]string{"asa1", "-o=json"}, []string{"asa1"}, "json"},
		{[]string{"asa1", "--output=text"}, []string{"asa1"}, "text"},
		{[]string{"asa1", "show run | include -o"}, []string{"asa1", "show run | include -o"}, ""},
		{[]string{"asa1", "-o", "show version"}, []string{"asa1", "-o", "show version"}, ""},
		{[]string{"asa1", "--", "-o", "json"}, []string{"asa1", "--", "-o", "json"}, ""},
	} {
		var output string
		if got := outputFlags(c.in, &output); !slices.Equal(got, c.want) || output != c.output {
			t.Errorf("outputFlags(%q) = %q, -o %q; want %q, -o %q", c.in, got, output, c.want, c.output)
		}
	}
	for _, args := range [][]string{{"-o", "yaml", "list"}, {"list", "-o=yaml"}} {
		var out, errOut bytes.Buffer
		if code := run(append([]string{"--addr", "127.0.0.1:1"}, args...), &out, &errOut); code != 2 || out.Len() != 0 ||
			errOut.String() != "headendctl: -o must be text or json, not \"yaml\"\n" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, out.String(), errOut.String())
		}
	}
}

// TestKeygenJSONOffline: keygen -o json needs no daemon, and its document
// holds the key keygen prints as text.
func TestKeygenJSONOffline(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "lab.secret")
	if err := os.WriteFile(secret, []byte(strings.Repeat("ab", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"--addr", "127.0.0.1:1", "keygen", "--secret-file", secret, "--serial", "FCH1947V0GY", "premium=250", "3des"}
	var text, errOut bytes.Buffer
	if code := run(args, &text, &errOut); code != 0 {
		t.Fatalf("keygen: exit %d, %s", code, errOut.String())
	}
	var out bytes.Buffer
	if code := run(append(args, "-o", "json"), &out, &errOut); code != 0 {
		t.Fatalf("keygen -o json: exit %d, %s", code, errOut.String())
	}
	d, err := oneDocument(out.String())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"lab": "default", "serial": "FCH1947V0GY", "activationKey": strings.TrimSpace(text.String()),
		"features": d["features"], "days": 0.0, "nonce": 0.0}
	if fmt.Sprint(d) != fmt.Sprint(want) || !strings.Contains(d["features"].(string), "3des") {
		t.Errorf("keygen -o json = %v, want %v", d, want)
	}
}

// TestTextOutputUnchanged: -o text (the default) prints what headendctl
// printed before -o json existed, to the byte.
func TestTextOutputUnchanged(t *testing.T) {
	td := startDaemon(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"clock"}, "2026-01-05T09:00:00Z (simulated)\n"},
		{[]string{"create", "--model", "ASA5525", "--hostname", "asa1", "--serial", "FCH1947V0GY"}, "hostname:       asa1\n" +
			"model:          ASA5525 (software 9.14(4))\nserial:         FCH1947V0GY\nstate:          up since 2026-01-05T09:00:00Z\n" +
			"running key:    0x00000000 0x00000000 0x00000000 0x00000000 0x00000000\n" +
			"flash key:      0x00000000 0x00000000 0x00000000 0x00000000 0x00000000\n" +
			"reload pending: no\nessentials:     on (saved: on)\nconfig unsaved: no\nssh:            none\n" +
			"vpn peers:      premium 2, other 750, total 750\n" +
			"features:       contexts 2, vlans 200, failover active/active; 3des-aes \n"},
		{[]string{"list"}, "HOSTNAME  MODEL    SERIAL       STATE  PREMIUM  TOTAL  RELOAD PENDING  ESSENTIALS  LICENSE\n" +
			"asa1      ASA5525  FCH1947V0GY  up     2        750    no              on          activation keys\n"},
		{[]string{"events", "--kind", "created"}, "2 2026-01-05T09:00:00Z asa1 created created: model ASA5525, serial FCH1947V0GY, version 9.14(4)\n"},
		{[]string{"exec", "asa1", "show clock"}, "asa1# show clock\n09:00:00.000 UTC Mon Jan 5 2026\nasa1# \n"},
		{[]string{"delete", "asa1"}, "deleted asa1\n"},
	} {
		for _, args := range [][]string{c.args, append(slices.Clone(c.args), "-o", "text")} {
			out, errOut, code := td.ctl(args...)
			if code != 0 || out != c.want {
				t.Errorf("headendctl %q: exit %d, stderr %q\n got %q\nwant %q", args, code, errOut, out, c.want)
			}
			if c.args[0] == "create" || c.args[0] == "delete" {
				break // the -o text run would repeat a change
			}
		}
	}
}
