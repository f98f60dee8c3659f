package sim

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asalab/asalab/keygen"
)

const day = 24 * time.Hour

// installTimed installs a time-based key of days on the headend and
// returns its words.
func installTimed(t *testing.T, lab *Lab, hostname, serial string, days, nonce int) string {
	t.Helper()
	w, err := lab.signer.Encode(keygen.Key{Serial: serial, Features: keygen.Features{PremiumPeers: 100}, Days: days, Nonce: nonce})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := lab.InstallKey(hostname, w.String(), KeyActivate); err != nil {
		t.Fatal(err)
	}
	return w.String()
}

// timedLines renders events as "AT KIND HEADEND SYSLOG" lines.
func timedLines(evs []Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, fmt.Sprintf("%s %s %s %s", e.At.Format(time.RFC3339), e.Kind, cmpOr(e.Headend, "-"), cmpOr(e.Syslog, e.Text)))
	}
	return out
}

func warnLine(key string, days int) string {
	return fmt.Sprintf("%%ASA-4-444005: Timebased license key %s will expire in %d days.", key, days)
}

func expiryPrefix(key string) string {
	return "%ASA-2-444007: Timebased activation key " + key + " has expired."
}

// eventsAfter lists the events after seq.
func eventsAfter(t *testing.T, lab *Lab, seq uint64) []Event {
	t.Helper()
	evs, _, more, err := lab.ListEvents(seq, 1<<30, EventFilter{})
	if err != nil || more {
		t.Fatalf("ListEvents: more %v, %v", more, err)
	}
	return evs
}

// TestTimedLinesAtClockMove: a clock move logs the lines the headends'
// time-based keys log as it passes them, as events right after its clock
// event, in lab-time order across headends, with their lab times, once:
// neither a later change nor a restart tells them again.
func TestTimedLinesAtClockMove(t *testing.T) {
	dir := t.TempDir()
	tl := openTestLab(t, dir)
	lab := tl.lab
	must(lab.Create("ASA5525", "asa1", "FCH1947V0GY"))
	must(lab.Create("ASA5525", "asa2", "FCH1947V0GZ"))
	must(lab.Create("ASA5525", "asa3", "FCH1947V0GX")) // no time-based key
	// 35 days: warnings at 30, 14, 7 and 1 days left, then the expiry.
	k1 := installTimed(t, lab, "asa1", "FCH1947V0GY", 35, 1)
	// 16 days: already below the 30-day warning, so 14, 7, 1 and the expiry.
	k2 := installTimed(t, lab, "asa2", "FCH1947V0GZ", 16, 2)
	last := lab.LastEvent()

	must(lab.AdvanceClock(36 * day))
	at := func(days int) string { return simStart.Add(time.Duration(days) * day).Format(time.RFC3339) }
	got := timedLines(eventsAfter(t, lab, last))
	want := []string{
		at(36) + " clock - clock set to " + at(36),
		at(2) + " syslog asa2 " + warnLine(k2, 14),
		at(5) + " syslog asa1 " + warnLine(k1, 30),
		at(9) + " syslog asa2 " + warnLine(k2, 7),
		at(15) + " syslog asa2 " + warnLine(k2, 1),
		at(16) + " syslog asa2 " + expiryPrefix(k2),
		at(21) + " syslog asa1 " + warnLine(k1, 14),
		at(28) + " syslog asa1 " + warnLine(k1, 7),
		at(34) + " syslog asa1 " + warnLine(k1, 1),
		at(35) + " syslog asa1 " + expiryPrefix(k1),
	}
	if len(got) != len(want) {
		t.Fatalf("events of the clock move:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("event %d of the clock move:\n%s\nwant:\n%s", i+1, got[i], want[i])
		}
	}

	// Neither a restart nor a read nor a change tells them again; nor
	// another move.
	tl.close()
	tl = openTestLab(t, dir)
	lab = tl.lab
	last = lab.LastEvent()
	must(lab.Get("asa1"))
	must(lab.Exec("asa1", []string{"show logging", "configure terminal", "logging buffered informational", "end"}))
	must(lab.Exec("asa2", []string{"configure terminal", "hostname edge2", "end"}))
	must(lab.AdvanceClock(day))
	for _, e := range eventsAfter(t, lab, last) {
		if e.Kind == EventSyslog {
			t.Errorf("after the restart, told again: %s", timedLines([]Event{e}))
		}
	}
	all := allEvents(t, lab, EventFilter{Kinds: []EventKind{EventSyslog}})
	if len(all) != 9 {
		t.Errorf("%d syslog events in all, want 9:\n%s", len(all), strings.Join(timedLines(all), "\n"))
	}
	s := must(lab.Get("asa1"))
	if log, _ := s.Device.LogEntries(); len(log) != 5 {
		t.Errorf("asa1's buffer holds %d lines, want 5: %v", len(log), log)
	}
}

// TestTimedLinesRealClock: with a real clock the usage flush logs the
// lines the clock has passed, whether or not a read advanced the headend
// first, once.
func TestTimedLinesRealClock(t *testing.T) {
	sink := &syslogSink{}
	var now atomic.Int64
	now.Store(simStart.UnixNano())
	lab := openTestLabWith(t, t.TempDir(), Config{ClockMode: ClockReal,
		RealNow: func() time.Time { return time.Unix(0, now.Load()) }, Syslog: sink.add,
		UsageFlushInterval: time.Millisecond, PeakSampleInterval: -1}).lab
	must(lab.Create("ASA5525", "asa1", "FCH1947V0GY"))
	k := installTimed(t, lab, "asa1", "FCH1947V0GY", 35, 1)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// waitFor waits for the next syslog event.
	from := lab.LastEvent()
	waitFor := func(want string) {
		t.Helper()
		var got []Event
		errDone := fmt.Errorf("done")
		err := lab.WatchEvents(ctx, from, EventFilter{Kinds: []EventKind{EventSyslog}}, func(evs []Event) error {
			got = append(got, evs...)
			return errDone
		})
		if err != errDone || len(got) != 1 || got[0].Syslog != want {
			t.Fatalf("waiting for %q: %v, %s", want, err, timedLines(got))
		}
		from = got[0].Seq
	}

	now.Add(int64(6 * day))
	waitFor(warnLine(k, 30))
	// A read first: it forwards the line at once, the flush logs it.
	now.Add(int64(16 * day))
	must(lab.Get("asa1"))
	waitFor(warnLine(k, 14))
	last := from
	must(lab.Exec("asa1", []string{"configure terminal", "logging buffered informational", "end"}))
	for _, e := range eventsAfter(t, lab, last) {
		if e.Kind == EventSyslog {
			t.Errorf("the change told %s again", e.Syslog)
		}
	}
	if got := sink.take(); len(got) != 2 || !strings.HasSuffix(got[0], warnLine(k, 30)) || !strings.HasSuffix(got[1], warnLine(k, 14)) {
		t.Errorf("forwarded %q, want the 30- and 14-day warnings once", got)
	}
}

// TestSyslogForwardsTimedLinesAtClockMove: the collectors get a headend's
// time-driven lines as the clock move passes them, before anyone looks.
func TestSyslogForwardsTimedLinesAtClockMove(t *testing.T) {
	sink := &syslogSink{}
	lab := openTestLabWith(t, t.TempDir(), Config{ClockMode: ClockSimulated, RealNow: simNow, Syslog: sink.add}).lab
	must(lab.Create("ASA5525", "asa1", "FCH1947V0GY"))
	k := installTimed(t, lab, "asa1", "FCH1947V0GY", 35, 1)
	must(lab.AdvanceClock(22 * day))
	want := []string{
		simStart.Add(5*day).Format(time.RFC3339) + " asa1 " + warnLine(k, 30),
		simStart.Add(21*day).Format(time.RFC3339) + " asa1 " + warnLine(k, 14),
	}
	if got := sink.take(); !slices.Equal(got, want) {
		t.Errorf("forwarded at the clock move\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	must(lab.Get("asa1"))
	must(lab.Exec("asa1", []string{"configure terminal", "logging buffered informational", "end"}))
	if got := sink.take(); len(got) != 0 {
		t.Errorf("forwarded again: %q", got)
	}
}

// TestSyslogForwardsLinesBeforeReload: a line due when a reload comes,
// before any catch-up logged it, reaches the syslog collectors before the
// reload empties the buffer, and its event is told once.
func TestSyslogForwardsLinesBeforeReload(t *testing.T) {
	sink := &syslogSink{}
	var now atomic.Int64
	now.Store(simStart.UnixNano())
	lab := openTestLabWith(t, t.TempDir(), Config{ClockMode: ClockReal,
		RealNow: func() time.Time { return time.Unix(0, now.Load()) }, Syslog: sink.add,
		UsageFlushInterval: time.Hour, PeakSampleInterval: -1}).lab
	must(lab.Create("ASA5525", "asa1", "FCH1947V0GY"))
	k := installTimed(t, lab, "asa1", "FCH1947V0GY", 35, 1)
	from := lab.LastEvent()
	now.Add(int64(6 * day))
	must(lab.Reload("asa1", false))
	if got := sink.take(); len(got) != 1 || !strings.HasSuffix(got[0], warnLine(k, 30)) {
		t.Errorf("forwarded %q, want the 30-day warning", got)
	}
	n := 0
	for _, e := range eventsAfter(t, lab, from) {
		if e.Kind == EventSyslog {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d syslog events, want the warning once", n)
	}
}
