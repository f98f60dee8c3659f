package scenario_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/keygen/portal"
	"github.com/asalab/asalab/sim"
	"github.com/asalab/asalab/sim/scenario"
)

// labStart is the lab clock's first reading: a Thursday, so that the
// scenarios start at the next Monday's 08:00 they can reach.
var labStart = time.Date(2029, 12, 6, 9, 30, 0, 0, time.UTC)

var testSecret = []byte("asalab-scenario-test-secret-0123456789")

// tlab is a lab on a store in a temp dir, with its scenario engine.
type tlab struct {
	t     testing.TB
	dir   string
	flush time.Duration // the usage flusher's interval
	store *sim.Store
	lab   *sim.Lab
	eng   *scenario.Engine
}

func openLab(t testing.TB) *tlab { return openLabFlushing(t, time.Hour) }

// openLabFlushing is openLab with the usage flusher (which also commits
// the refusals sampled) every flush of real time.
func openLabFlushing(t testing.TB, flush time.Duration) *tlab {
	t.Helper()
	tl := &tlab{t: t, dir: t.TempDir(), flush: flush}
	tl.open()
	t.Cleanup(tl.close)
	return tl
}

func (tl *tlab) open() {
	tl.t.Helper()
	store, err := sim.OpenStore(filepath.Join(tl.dir, "store"), nil)
	if err != nil {
		tl.t.Fatal(err)
	}
	master, err := keygen.NewSigner(testSecret)
	if err != nil {
		tl.t.Fatal(err)
	}
	serials := 0
	lab, err := sim.OpenLab(sim.Config{Store: store, Signer: master.ForLab(sim.DefaultLab), ClockMode: sim.ClockSimulated,
		// Reproducible "random" serials.
		Rand:       func(n int) int { serials++; return serials * 7919 % n },
		ClockStart: labStart, PeakSampleInterval: -1, UsageFlushInterval: tl.flush,
		PAKActivationDelay: sim.DefaultPAKActivationDelay})
	if err != nil {
		tl.t.Fatal(err)
	}
	eng, err := scenario.Open(lab)
	if err != nil {
		tl.t.Fatal(err)
	}
	tl.store, tl.lab, tl.eng = store, lab, eng
}

func (tl *tlab) close() {
	if tl.lab == nil {
		return
	}
	tl.lab.SetTraffic(0, nil)
	tl.lab.Close()
	tl.store.Close()
	tl.lab = nil
}

// restart closes the lab and opens it again from its store, as a daemon
// restart does.
func (tl *tlab) restart() {
	tl.t.Helper()
	tl.close()
	tl.open()
}

func (tl *tlab) start(name string) scenario.Status {
	tl.t.Helper()
	st, err := tl.eng.Start(name)
	if err != nil {
		tl.t.Fatal(err)
	}
	return st
}

// at moves the lab clock to hh:mm of the scenario's first day.
func (tl *tlab) at(st scenario.Status, hhmm string) {
	tl.t.Helper()
	d, err := time.Parse("15:04", hhmm)
	if err != nil {
		tl.t.Fatal(err)
	}
	day := st.StartedAt.Truncate(24 * time.Hour)
	if _, err := tl.lab.SetClock(day.Add(time.Duration(d.Hour())*time.Hour + time.Duration(d.Minute())*time.Minute)); err != nil {
		tl.t.Fatal(err)
	}
}

func (tl *tlab) advance(d time.Duration) {
	tl.t.Helper()
	if _, err := tl.lab.AdvanceClock(d); err != nil {
		tl.t.Fatal(err)
	}
}

// exec types lines on a headend's console; an ERROR fails the test.
func (tl *tlab) exec(host string, lines ...string) string {
	tl.t.Helper()
	r, err := tl.lab.Exec(host, lines)
	if err != nil {
		tl.t.Fatal(err)
	}
	if strings.Contains(r.Transcript, "ERROR") || strings.Contains(r.Transcript, "% Invalid") {
		tl.t.Fatalf("%s:\n%s", host, r.Transcript)
	}
	return r.Transcript
}

func (tl *tlab) serial(host string) string {
	tl.t.Helper()
	s, err := tl.lab.Get(host)
	if err != nil {
		tl.t.Fatal(err)
	}
	return s.Device.SerialNumber()
}

// order places one order line for the customer and waits for its PAK to
// become active.
func (tl *tlab) order(line portal.OrderLine) string {
	tl.t.Helper()
	o, err := tl.lab.PlaceOrder([]portal.OrderLine{line})
	if err != nil {
		tl.t.Fatal(err)
	}
	tl.advance(sim.DefaultPAKActivationDelay)
	return o.PAKs[0].ID
}

// register registers pak to host's serial with the migration and returns
// its key.
func (tl *tlab) register(pak, host string) string {
	tl.t.Helper()
	reg, err := tl.lab.RegisterPakWith(pak, tl.serial(host), portal.RegisterOptions{Migrate: true})
	if err != nil {
		tl.t.Fatal(err)
	}
	return reg.Key.Words.String()
}

func (tl *tlab) active(host string) int {
	tl.t.Helper()
	c, err := tl.lab.Counts(host)
	if err != nil {
		tl.t.Fatal(err)
	}
	return c.Total()
}

func (tl *tlab) grade() scenario.Grade {
	tl.t.Helper()
	g, err := tl.eng.Grade()
	if err != nil {
		tl.t.Fatal(err)
	}
	return g
}

// wantGrade checks the grade's lines: want are substrings, line by line.
func wantGrade(t *testing.T, g scenario.Grade, want ...string) {
	t.Helper()
	lines := g.Lines()
	if len(lines) != len(want) {
		t.Fatalf("grade has %d lines, want %d:\n%s", len(lines), len(want), strings.Join(lines, "\n"))
	}
	// A script reads the last line as it is: exactly "score N/M".
	if last := lines[len(lines)-1]; strings.HasPrefix(want[len(want)-1], "score ") && last != want[len(want)-1] {
		t.Fatalf("the grade's last line is %q, want exactly %q", last, want[len(want)-1])
	}
	for i, w := range want {
		if !strings.Contains(lines[i], w) {
			t.Fatalf("grade line %d is %q, want it to contain %q; the grade:\n%s", i+1, lines[i], w, strings.Join(lines, "\n"))
		}
	}
}

// eventLines are the lab's events that are not clock moves, for a test's
// log.
func (tl *tlab) eventLines() []string {
	var out []string
	for after := uint64(0); ; {
		evs, next, more, err := tl.lab.ListEvents(after, 1000, sim.EventFilter{})
		if err != nil {
			tl.t.Fatal(err)
		}
		for _, e := range evs {
			if e.Kind != sim.EventClock {
				out = append(out, e.At.Format("Mon 15:04:05")+" "+e.Headend+" "+e.Kind.String()+" "+e.Syslog+" "+e.Text)
			}
		}
		if !more {
			return out
		}
		after = next
	}
}
