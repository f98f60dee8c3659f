package main

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// TestPrintEvent: an event with both a syslog line and a text prints both,
// so that what the line leaves out (the sessions a switchover kept) shows;
// one with either prints it alone.
func TestPrintEvent(t *testing.T) {
	at := timestamppb.New(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	for _, c := range []struct {
		ev   *headendv1.Event
		want string
	}{
		{&headendv1.Event{Sequence: 7, Time: at, Headend: "fo-b", Kind: headendv1.EventKind_EVENT_KIND_FAILOVER_SWITCHOVER,
			Syslog: "%ASA-1-104001: (Secondary) Switching to ACTIVE - Set by the config command.",
			Text:   "switchover (Set by the config command): fo-b is the active unit; 400 session(s) kept over the stateful failover link"},
			"7 2026-03-01T09:00:00Z fo-b failover_switchover %ASA-1-104001: (Secondary) Switching to ACTIVE - Set by the config command. | switchover (Set by the config command): fo-b is the active unit; 400 session(s) kept over the stateful failover link\n"},
		{&headendv1.Event{Sequence: 8, Time: at, Headend: "fo-a", Kind: headendv1.EventKind_EVENT_KIND_SYSLOG,
			Syslog: "%ASA-1-105005: (Primary) Lost Failover communications with mate on interface folink."},
			"8 2026-03-01T09:00:00Z fo-a syslog %ASA-1-105005: (Primary) Lost Failover communications with mate on interface folink.\n"},
		{&headendv1.Event{Sequence: 9, Time: at, Kind: headendv1.EventKind_EVENT_KIND_CLOCK, Text: "clock advanced 1h"},
			"9 2026-03-01T09:00:00Z - clock clock advanced 1h\n"},
	} {
		var out bytes.Buffer
		printEvent(&out, c.ev)
		if out.String() != c.want {
			t.Errorf("got  %q\nwant %q", out.String(), c.want)
		}
	}
}

// TestFollowEnds: events --follow has no end of its own, so when the
// daemon ends the stream it says why on stderr and with its exit status,
// as the stream's trailer tells it, at once: 1 when its lab was deleted
// (also when a lab of the same name is created right after, as a test
// suite reusing lab names does), 0 when the lab was reset or the daemon
// stopped. Stdout keeps the events alone (NDJSON with -o json).
func TestFollowEnds(t *testing.T) {
	td := startDaemon(t)
	// follow runs events --follow -o json on a new lab and returns when it
	// has printed its first event; end waits for its exit, at most within.
	follow := func(lab string) (end func(within time.Duration) (code int, stdout, stderr string)) {
		t.Helper()
		if lab != "default" {
			if _, errOut, code := td.ctl("lab", "create", lab, "--clock-start", "2026-01-05T09:00:00Z"); code != 0 {
				t.Fatalf("lab create: %s", errOut)
			}
		}
		pr, pw := io.Pipe()
		var out, errOut bytes.Buffer
		first, scanned := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(scanned)
			sc := bufio.NewScanner(pr)
			for n := 0; sc.Scan(); n++ {
				out.WriteString(sc.Text() + "\n")
				if n == 0 {
					close(first)
				}
			}
		}()
		done := make(chan int, 1)
		go func() {
			code := run([]string{"--addr", td.addr, "--lab", lab, "events", "--follow", "-o", "json"}, pw, &errOut)
			pw.Close()
			done <- code
		}()
		if _, errOut, code := td.ctl("--lab", lab, "create", "--model", "ASA5525", "--hostname", "asa1"); code != 0 {
			t.Fatalf("create: %s", errOut)
		}
		select {
		case <-first:
		case code := <-done:
			t.Fatalf("events --follow ended at once: exit %d, %s", code, errOut.String())
		}
		return func(within time.Duration) (int, string, string) {
			t.Helper()
			select {
			case code := <-done:
				<-scanned
				return code, out.String(), errOut.String()
			case <-time.After(within):
				t.Fatalf("events --follow on lab %s still running %v after its stream ended", lab, within)
				return 0, "", ""
			}
		}
	}

	// The trailer says the lab was deleted: no need to give it the
	// seconds a reset may take (the guess without a trailer took 2 s).
	end := follow("evl")
	if _, errOut, code := td.ctl("lab", "delete", "evl"); code != 0 {
		t.Fatalf("lab delete: %s", errOut)
	}
	code, stdout, stderr := end(time.Second)
	if want := "headendctl: the event stream ended: lab evl was deleted\n"; code != 1 || stderr != want {
		t.Errorf("lab deleted: exit %d, stderr %q; want 1, %q", code, stderr, want)
	}
	if !strings.HasPrefix(stdout, "{") || strings.Contains(stdout, "headendctl") {
		t.Errorf("lab deleted: stdout %q", stdout)
	}

	// A lab deleted and at once created again under its name was
	// deleted all the same: its log, and the events awaited, are gone.
	end = follow("evc")
	for _, args := range [][]string{{"lab", "delete", "evc"}, {"lab", "create", "evc"}} {
		if _, errOut, code := td.ctl(args...); code != 0 {
			t.Fatalf("%q: %s", args, errOut)
		}
	}
	code, _, stderr = end(10 * time.Second)
	if want := "headendctl: the event stream ended: lab evc was deleted\n"; code != 1 || stderr != want {
		t.Errorf("lab deleted and created again: exit %d, stderr %q; want 1, %q", code, stderr, want)
	}

	end = follow("evr")
	if _, errOut, code := td.ctl("lab", "reset", "evr"); code != 0 {
		t.Fatalf("lab reset: %s", errOut)
	}
	code, _, stderr = end(10 * time.Second)
	if want := "headendctl: the event stream ended: lab evr was reset\n"; code != 0 || stderr != want {
		t.Errorf("lab reset: exit %d, stderr %q; want 0, %q", code, stderr, want)
	}

	end = follow("default")
	if err := td.d.Stop(); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = end(10 * time.Second)
	if want := "headendctl: the event stream ended: the daemon is stopping\n"; code != 0 || stderr != want {
		t.Errorf("daemon stopped: exit %d, stderr %q; want 0, %q", code, stderr, want)
	}
}

// TestFollowEndsWithoutTrailer: a stream that ends without the daemon's
// reason (an older daemon), or with one headendctl does not know, is told
// by asking for the lab: still there, a reset or the daemon stopping
// (0); not found, deleted (1).
func TestFollowEndsWithoutTrailer(t *testing.T) {
	useConfig(t)
	f, addr := startFake(t, "d1", nil)
	window := resetWindow
	t.Cleanup(func() { resetWindow = window })
	resetWindow = 100 * time.Millisecond
	for _, c := range []struct {
		lab    string
		code   int
		stderr string
	}{
		{"team-a", 0, "headendctl: the event stream ended: the daemon ended it (lab team-a was reset, or the daemon is stopping)\n"},
		{"archived", 0, "headendctl: the event stream ended: the daemon ended it (lab archived was reset, or the daemon is stopping)\n"},
		{"gone", 1, "headendctl: the event stream ended: lab gone was deleted\n"},
	} {
		code, stdout, stderr := ctl("--addr", addr, "--lab", c.lab, "events", "--follow")
		if code != c.code || stderr != c.stderr || stdout != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want %d, %q", c.lab, code, stdout, stderr, c.code, c.stderr)
		}
		if got := f.lastOf(t, "GetLab"); got.req.(*headendv1.GetLabRequest).GetLab() != c.lab {
			t.Errorf("%s: asked for lab %q", c.lab, got.req.(*headendv1.GetLabRequest).GetLab())
		}
	}
}
