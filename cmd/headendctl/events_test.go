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
// daemon ends the stream it says why on stderr and with its exit status:
// 1 when its lab was deleted, 0 when the lab was reset or the daemon
// stopped (a stopping daemon may still answer for the lab, so the line
// names either). Stdout keeps the events alone (NDJSON with -o json).
func TestFollowEnds(t *testing.T) {
	td := startDaemon(t)
	if _, errOut, code := td.ctl("lab", "create", "evl", "--clock-start", "2026-01-05T09:00:00Z"); code != 0 {
		t.Fatalf("lab create: %s", errOut)
	}
	// follow runs events --follow -o json on lab and returns when it has
	// printed its first event; end waits for its exit.
	follow := func(lab string) (end func() (code int, stdout, stderr string)) {
		t.Helper()
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
		return func() (int, string, string) {
			code := <-done
			<-scanned
			return code, out.String(), errOut.String()
		}
	}

	// A deleted lab is not found for good: no need to give it the
	// seconds a reset may take.
	window := resetWindow
	t.Cleanup(func() { resetWindow = window })
	resetWindow = 100 * time.Millisecond
	end := follow("evl")
	if _, errOut, code := td.ctl("lab", "delete", "evl"); code != 0 {
		t.Fatalf("lab delete: %s", errOut)
	}
	code, stdout, stderr := end()
	if want := "headendctl: the event stream ended: lab evl was deleted\n"; code != 1 || stderr != want {
		t.Errorf("lab deleted: exit %d, stderr %q; want 1, %q", code, stderr, want)
	}
	if !strings.HasPrefix(stdout, "{") || strings.Contains(stdout, "headendctl") {
		t.Errorf("lab deleted: stdout %q", stdout)
	}

	resetWindow = window
	if _, errOut, code := td.ctl("lab", "create", "evr", "--clock-start", "2026-01-05T09:00:00Z"); code != 0 {
		t.Fatalf("lab create: %s", errOut)
	}
	end = follow("evr")
	if _, errOut, code := td.ctl("lab", "reset", "evr"); code != 0 {
		t.Fatalf("lab reset: %s", errOut)
	}
	code, _, stderr = end()
	if want := "headendctl: the event stream ended: the daemon ended it (lab evr was reset, or the daemon is stopping)\n"; code != 0 || stderr != want {
		t.Errorf("lab reset: exit %d, stderr %q; want 0, %q", code, stderr, want)
	}

	end = follow("default")
	if err := td.d.Stop(); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = end()
	if code != 0 || stderr != "headendctl: the event stream ended: the daemon closed it (it stopped)\n" &&
		stderr != "headendctl: the event stream ended: the daemon ended it (lab default was reset, or the daemon is stopping)\n" {
		t.Errorf("daemon stopped: exit %d, stderr %q; want 0 and why", code, stderr)
	}
}
