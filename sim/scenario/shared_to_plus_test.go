package scenario_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/keygen/portal"
)

func TestSharedToPlusStart(t *testing.T) {
	tl := openLab(t)
	st := tl.start("shared-to-plus")
	if got := st.StartedAt.Format("Mon 2006-01-02 15:04"); got != "Mon 2030-01-07 08:00" {
		t.Fatalf("started at %s", got)
	}
	for _, p := range []string{"p1", "p2", "p3"} {
		if n := tl.active(p); n != 100 {
			t.Fatalf("%s: %d users at 08:00, want 100", p, n)
		}
	}
	tl.at(st, "10:00")
	for _, p := range []string{"p1", "p2", "p3"} {
		if n := tl.active(p); n != 200 {
			t.Fatalf("%s: %d users at 10:00, want 200", p, n)
		}
	}
	out := tl.exec("srv", "show shared license")
	if !strings.Contains(out, "Utilized          :      600") {
		t.Fatalf("srv:\n%s", out)
	}
}

// convert moves host to the Plus key: anyconnect-essentials off first
// (or, wrong, after the reload), the key, saved, reloaded on the console.
func (tl *tlab) convert(host, key string, essentialsFirst bool) {
	tl.t.Helper()
	if essentialsFirst {
		tl.exec(host, "configure terminal", "webvpn", "no anyconnect-essentials", "exit", "end")
	}
	lines := []string{"configure terminal", "activation-key " + key}
	if !essentialsFirst {
		lines = append(lines, "y") // agree to the warning that Essentials is not in the key
	}
	tl.exec(host, append(lines, "end", "write memory")...)
	tl.exec(host, "reload", "")
}

// TestSharedToPlusRightWay solves the scenario as Cisco's FAQ says: Plus
// for the 600 users, registered with the migration to every serial; on
// each participant anyconnect-essentials off, the key, saved, reloaded;
// its license-server line removed once its key runs; the server last.
func TestSharedToPlusRightWay(t *testing.T) {
	tl := openLab(t)
	st := tl.start("shared-to-plus")
	tl.at(st, "08:10")
	pak := tl.order(portal.OrderLine{SKU: "L-AC-PLS-LIC=", Users: 600, Months: 12, Customer: "Acme Corp"})
	for _, p := range []string{"p1", "p2", "p3"} {
		tl.convert(p, tl.register(pak, p), true)
		tl.advance(5 * time.Minute)
		tl.exec(p, "configure terminal", "no license-server address", "end", "write memory")
		tl.advance(5 * time.Minute)
	}
	tl.exec("srv", "configure terminal", "no license-server enable", "no license-server secret", "end", "write memory")
	tl.convert("srv", tl.register(pak, "srv"), true)
	tl.advance(30 * time.Minute)
	t.Log(strings.Join(tl.eventLines(), "\n"))
	wantGrade(t, tl.grade(),
		"PASS every unit runs a permanent key registered at the portal that carries Plus or Apex",
		"PASS no anyconnect-essentials, saved, on every unit",
		"PASS no license-server configuration left, saved",
		"PASS the Plus/Apex order covers at least 600 users",
		"PASS at grade time the lab connects all 600 users (200 a unit) without a refusal",
		"PASS no user was refused during the conversion",
		"PASS every participant kept its shared sessions until its own key was in",
		// The reloads the conversion needs, at the working day's peak,
		// drop the users: no goal fails, the trainer remarks on each.
		"note p1 reloaded at 12:10 lab time with 173 users connected: they were dropped and had to connect again",
		"note p2 reloaded at 12:20 lab time with 177 users connected",
		"note p3 reloaded at 12:30 lab time with 180 users connected",
		"score 7/7")
}

// TestSharedToPlusKeyBeforeEssentials: p2's Plus key goes in and runs
// (saved, reloaded) while anyconnect-essentials is still on: p2 has its 2
// base Premium peers until the flag goes, and the grade names p2, the
// users it refused and when.
func TestSharedToPlusKeyBeforeEssentials(t *testing.T) {
	keyBeforeEssentials(t, openLab(t))
}

// TestRefusalsWithBusyFlusher: the lab's usage flusher, which runs on the
// machine's clock, also commits the refusals sampled, and may do so in the
// middle of a traffic step (two events of the same lab time, which the
// grade counts as one step's); running it all the time changes nothing in
// the grade.
func TestRefusalsWithBusyFlusher(t *testing.T) {
	for range 3 {
		keyBeforeEssentials(t, openLabFlushing(t, 50*time.Microsecond))
	}
}

func keyBeforeEssentials(t *testing.T, tl *tlab) {
	st := tl.start("shared-to-plus")
	tl.at(st, "08:10")
	pak := tl.order(portal.OrderLine{SKU: "L-AC-PLS-LIC=", Users: 600, Months: 12, Customer: "Acme Corp"})
	tl.convert("p2", tl.register(pak, "p2"), false) // 12:10
	tl.advance(5 * time.Minute)
	tl.exec("p2", "configure terminal", "webvpn", "no anyconnect-essentials", "exit", "end", "write memory") // 12:15
	g := tl.grade()
	lines := strings.Join(g.Lines(), "\n")
	want := "FAIL no user was refused during the conversion: p2 refused 173 users between 12:11 and 12:15 lab time: Plus key installed while anyconnect-essentials was still on"
	if !strings.Contains(lines, want) {
		t.Fatalf("the grade lacks %q:\n%s", want, lines)
	}
	if g.Passed == len(g.Goals) || !strings.HasSuffix(lines, "score "+strconv.Itoa(g.Passed)+"/7") {
		t.Fatalf("score:\n%s", lines)
	}
}

// TestSharedToPlusServerFirst: the server's shared licensing goes before
// the participants' keys are in: each participant logs that its server
// stopped answering, and the grade names them and when.
func TestSharedToPlusServerFirst(t *testing.T) {
	tl := openLab(t)
	st := tl.start("shared-to-plus")
	tl.at(st, "08:20")
	tl.exec("srv", "configure terminal", "no license-server enable", "no license-server secret", "end", "write memory")
	tl.at(st, "10:30")
	lines := strings.Join(tl.grade().Lines(), "\n")
	for _, p := range []string{"p1", "p2", "p3"} {
		want := p + " lost its shared sessions at 08:2"
		if !strings.Contains(lines, want) {
			t.Fatalf("the grade lacks %q:\n%s", want, lines)
		}
	}
	if !strings.Contains(lines, "FAIL every participant kept its shared sessions until its own key was in: the server's shared licensing went first: p1 lost") {
		t.Fatalf("grade:\n%s", lines)
	}
	t.Log(lines)
}

// TestReloadNotes: a unit reloaded with the scenario's users on it drops
// them, and the grade names the unit, the lab time and the users; one
// reloaded at night, its users gone home, gets no note.
func TestReloadNotes(t *testing.T) {
	tl := openLab(t)
	st := tl.start("shared-to-plus")
	tl.at(st, "10:00")
	if n := tl.active("p2"); n != 200 {
		t.Fatalf("p2 at 10:00: %d users", n)
	}
	tl.exec("p2", "reload", "")
	if n := tl.active("p2"); n != 0 {
		t.Fatalf("p2 after its reload: %d users", n)
	}
	tl.at(st, "23:00")
	tl.exec("p1", "reload", "")
	var notes []string
	for _, l := range tl.grade().Lines() {
		if strings.HasPrefix(l, "note ") {
			notes = append(notes, l)
		}
	}
	want := "note p2 reloaded at 10:00 lab time with 200 users connected: they were dropped and had to connect again"
	if len(notes) != 1 || notes[0] != want {
		t.Fatalf("notes %q, want %q", notes, want)
	}
}
