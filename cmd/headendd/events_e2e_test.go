package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// watchAll follows the daemon's events after from until the stream ends,
// sending each sequence number to seqs; it returns the stream's error.
func watchAll(ctx context.Context, d *daemon, t *testing.T, from uint64, seqs chan<- *headendv1.Event) error {
	stream, err := headendv1.NewEventServiceClient(d.dial(t)).WatchEvents(ctx, &headendv1.WatchEventsRequest{FromSequence: from})
	if err != nil {
		return err
	}
	for {
		resp, err := stream.Recv()
		if err != nil {
			return err
		}
		for _, e := range resp.GetEvents() {
			seqs <- e
		}
	}
}

// TestEndToEndEventsResumeAfterSIGKILL: a watcher that follows the event
// log while changes are made, sees the daemon killed with SIGKILL and
// resumes from the last sequence number it received once the daemon is
// back gets every event exactly once, in order, and the event of every
// change that was acknowledged before the kill.
func TestEndToEndEventsResumeAfterSIGKILL(t *testing.T) {
	headendd, headendctl := buildBinaries(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	d := startDaemon(t, headendd, dataDir)

	received := make(chan *headendv1.Event, 100000)
	watchDone := make(chan error, 1)
	go func() { watchDone <- watchAll(context.Background(), d, t, 0, received) }()

	// Writers: creations, reloads and clock moves, until the kill.
	hc := headendv1.NewHeadendServiceClient(d.dial(t))
	lc := headendv1.NewLabServiceClient(d.dial(t))
	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				name := fmt.Sprintf("asa%d-%d", g, i)
				cx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				_, err := hc.CreateHeadend(cx, &headendv1.CreateHeadendRequest{Model: "ASA5525", Hostname: name})
				if err == nil {
					mu.Lock()
					acked = append(acked, "created "+name)
					mu.Unlock()
					if _, err = hc.Reload(cx, &headendv1.ReloadRequest{Hostname: name}); err == nil {
						mu.Lock()
						acked = append(acked, "reloaded "+name)
						mu.Unlock()
					}
				}
				if g == 0 {
					_, _ = lc.AdvanceClock(cx, &headendv1.AdvanceClockRequest{Duration: durationpb.New(time.Minute)})
				}
				cancel()
				if err != nil {
					return // the daemon is gone
				}
			}
		}()
	}
	var before []*headendv1.Event
	for len(before) < 300 {
		before = append(before, <-received)
	}
	d.kill() // mid-stream, writers running
	mu.Lock()
	ackedAtKill := append([]string(nil), acked...)
	mu.Unlock()
	close(stop)
	wg.Wait()
	if err := <-watchDone; err == nil {
		t.Fatal("the watch ended cleanly after SIGKILL")
	}
	for drained := false; !drained; {
		select {
		case e := <-received:
			before = append(before, e)
		default:
			drained = true
		}
	}
	last := before[len(before)-1].GetSequence()

	d = startDaemon(t, headendd, dataDir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	received = make(chan *headendv1.Event, 100000)
	watchDone = make(chan error, 1)
	go func() { watchDone <- watchAll(ctx, d, t, last, received) }()
	list, err := headendv1.NewEventServiceClient(d.dial(t)).ListEvents(ctx, &headendv1.ListEventsRequest{PageSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	end := list.GetLastSequence()
	after := []*headendv1.Event{}
	for end > last && (len(after) == 0 || after[len(after)-1].GetSequence() < end) {
		select {
		case e := <-received:
			after = append(after, e)
		case err := <-watchDone:
			t.Fatalf("the resumed watch ended: %v", err)
		}
	}
	all := append(before, after...)
	seen := map[string]bool{}
	for i, e := range all {
		if e.GetSequence() != uint64(i+1) {
			t.Fatalf("event %d received has sequence %d (last before the kill: %d)", i+1, e.GetSequence(), last)
		}
		seen[strings.ToLower(strings.TrimPrefix(e.GetKind().String(), "EVENT_KIND_"))+" "+e.GetHeadend()] = true
	}
	for _, a := range ackedAtKill {
		if !seen[a] {
			t.Errorf("%s was acknowledged before the kill; its event is missing", a)
		}
	}
	t.Logf("%d events before the kill, %d after the restart, %d changes acknowledged at the kill", len(before), len(after), len(ackedAtKill))

	// headendctl events: one line per event, filtered.
	out := mustCtl(t, headendctl, "--addr", d.grpc, "events", "--headend", "asa1-0", "--kind", "created", "--kind", "reloaded")
	line := regexp.MustCompile(`^\d+ 2026-\d\d-\d\dT\d\d:\d\d:\d\dZ asa1-0 (created created: model ASA5525, serial \w+, version 9\.14\(4\)|reloaded %ASA-6-199005: Startup begin \| reloaded; up at 2026-\S+)$`)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !line.MatchString(lines[0]) || !line.MatchString(lines[1]) || !strings.Contains(lines[0], " created ") {
		t.Errorf("headendctl events --headend asa1-0 --kind created --kind reloaded:\n%s", out)
	}
	since := strings.Fields(lines[0])[0]
	if out := mustCtl(t, headendctl, "--addr", d.grpc, "events", "--headend", "asa1-0", "--since", since); strings.TrimSpace(out) != lines[1] {
		t.Errorf("events --since %s:\n%s", since, out)
	}
	if _, errOut, code := ctl(t, headendctl, "--addr", d.grpc, "events", "--kind", "nosuch"); code != 2 || !strings.Contains(errOut, "unknown kind") {
		t.Errorf("events --kind nosuch: exit %d, %s", code, errOut)
	}

	// --follow prints an event as it happens.
	follow := exec.Command(headendctl, "--addr", d.grpc, "events", "--follow", "--kind", "created")
	stdout, err := follow.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := follow.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = follow.Process.Kill(); _ = follow.Wait() }()
	// The events by kind, for Prometheus.
	mustCtl(t, headendctl, "--addr", d.grpc, "create", "--model", "ASA5525", "--hostname", "asa-after")
	guard := time.AfterFunc(time.Minute, func() { _ = follow.Process.Kill() }) // never a hung test
	defer guard.Stop()
	sc, found := bufio.NewScanner(stdout), false
	for !found && sc.Scan() {
		found = strings.Contains(sc.Text(), " asa-after created created: model ASA5525")
	}
	if !found {
		t.Errorf("events --follow did not print asa-after's creation (%v)", sc.Err())
	}
	resp, err := http.Get("http://" + d.metr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !regexp.MustCompile(`(?m)^asalab_lab_events_total\{kind="created"\} [1-9]`).Match(body) {
		t.Errorf("/metrics lacks asalab_lab_events_total{kind=\"created\"}")
	}

	// SIGTERM ends the open watch cleanly.
	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-d.done
	if d.waitErr != nil {
		t.Errorf("exit after SIGTERM: %v\n%s", d.waitErr, d.log)
	}
	if err := <-watchDone; !errors.Is(err, io.EOF) {
		t.Errorf("the watch at SIGTERM ended with %v, want its clean end", err)
	}
}
