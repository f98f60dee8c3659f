package console

import (
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/headend/cli"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen"
)

// memBackend is a headend in memory: the console's Backend without a lab.
type memBackend struct {
	mu  sync.Mutex
	dev *asa.Device
	now time.Time
	adm *asa.Admission
}

func newMemBackend(t *testing.T) *memBackend {
	t.Helper()
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	d, err := asa.NewDevice("ASA5525", "FCH1947V0GY", "asa1", now)
	if err != nil {
		t.Fatal(err)
	}
	adm := admission.NewAdmission(1, d.Platform().VPNMax, d.AdmissionPolicy(now), now.Unix(), nil)
	return &memBackend{dev: d, now: now, adm: adm}
}

func (b *memBackend) Now() time.Time { return b.now }

func (b *memBackend) View(fn func(d *asa.Device)) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	fn(b.dev)
	return nil
}

func (b *memBackend) Update(fn func(d *asa.Device) error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := b.dev.Clone()
	if err := fn(c); err != nil {
		return err
	}
	b.dev = c
	return nil
}

func (b *memBackend) Signer() *keygen.Signer {
	m, _ := keygen.NewSigner([]byte("console-test-secret-0123456789ab"))
	return m.ForLab("default")
}

func (b *memBackend) BootTime() time.Duration { return 0 }

func (b *memBackend) Admission() *asa.Admission { return b.adm }

func (b *memBackend) PrincipalByIndex(uint32) *asa.Principal { return nil }
func (b *memBackend) SSHSessions() []asa.SSHSession          { return nil }
func (b *memBackend) Reachable(netip.Addr) (string, bool)    { return "", false }
func (b *memBackend) FailoverStatus() family.FailoverStatus  { return family.FailoverStatus{} }
func (b *memBackend) Failover(family.FailoverCommand) error  { return family.ErrNotSupported }
func (b *memBackend) Mate() (family.Host, bool)              { return nil, false }
func (b *memBackend) Smart() family.SmartManager             { return nil }

func newTerminal(t *testing.T, mode Mode) *cli.Terminal {
	t.Helper()
	return cli.NewTerminal(New(newMemBackend(t), Options{User: "admin", Mode: mode, Pager: DefaultPager}))
}

// typed feeds input and checks the exact bytes the terminal answers.
func typed(t *testing.T, term *cli.Terminal, in, want string) {
	t.Helper()
	if got := string(term.Input([]byte(in))); got != want {
		t.Errorf("typing %q:\n got %q\nwant %q", in, got, want)
	}
}

func TestTerminalLogin(t *testing.T) {
	term := newTerminal(t, ModeUser)
	if got, want := string(term.Start()), "Type help or '?' for a list of available commands.\r\nasa1> "; got != want {
		t.Fatalf("start: %q, want %q", got, want)
	}
	typed(t, term, "\n", "\r\nasa1> ")
	typed(t, term, "show curpriv\r", "show curpriv\r\nUsername : admin\r\nCurrent privilege level : 1\r\nCurrent Mode/s : P_UNPR\r\nasa1> ")
	typed(t, term, "enable\r", "enable\r\nPassword: ")
	typed(t, term, "nope\r", "****\r\nInvalid password\r\nasa1> ")
	typed(t, term, "enable\n", "enable\r\nPassword: ")
	typed(t, term, "admin\n", "*****\r\nasa1# ")
	typed(t, term, "enable\r\n", "enable\r\n      ^\r\nERROR: % Invalid input detected at '^' marker.\r\nasa1# ")
}

func TestTerminalEnterForms(t *testing.T) {
	for _, tc := range []struct{ name, enter string }{
		{"CR", "\r"}, {"LF", "\n"}, {"CRLF", "\r\n"}, {"CRNUL", "\r\x00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			term := newTerminal(t, ModePriv)
			term.Start()
			// Two lines typed ahead in one write, then an empty line: each
			// Enter form counts once.
			in := "terminal pager 0" + tc.enter + "show curpriv" + tc.enter + tc.enter
			want := "terminal pager 0\r\nasa1# show curpriv\r\nUsername : admin\r\nCurrent privilege level : 15\r\n" +
				"Current Mode/s : P_PRIV\r\nasa1# \r\nasa1# "
			typed(t, term, in, want)
		})
	}
}

func TestTerminalEditing(t *testing.T) {
	term := newTerminal(t, ModePriv)
	term.Start()
	// Backspace and DEL erase; an arrow key is swallowed; Ctrl-U kills the line.
	typed(t, term, "shox\x7f", "shox\b \b")
	typed(t, term, "\x1b[A\x1bOB", "")
	typed(t, term, "w cur\x08", "w cur\b \b")
	typed(t, term, "\x15", strings.Repeat("\b \b", len("show cu")))
	typed(t, term, "conf t\rwebvpn\rexit\rend\r",
		"conf t\r\nasa1(config)# webvpn\r\nasa1(config-webvpn)# exit\r\nasa1(config)# end\r\nasa1# ")
}

// TestTerminalHelp: `?` is answered as typed, and the line is offered again;
// the Enter that follows runs it (Ansible's `show running-config ?`).
func TestTerminalHelp(t *testing.T) {
	term := newTerminal(t, ModePriv)
	term.Start()
	typed(t, term, "terminal pager 0\r", "terminal pager 0\r\nasa1# ")
	out := string(term.Input([]byte("show running-config ?")))
	want := "\r\n  all                        Current operating configuration including defaults\r\n"
	if !strings.HasPrefix(out, "show running-config ?\r\n\r\n") || !strings.Contains(out, want) || !strings.HasSuffix(out, "  <cr>\r\nasa1# show running-config ") {
		t.Fatalf("help:\n%q", out)
	}
	out = string(term.Input([]byte("\r")))
	if !strings.HasPrefix(out, "\r\n: Saved\r\n") || !strings.HasSuffix(out, ": end\r\nasa1# ") {
		t.Fatalf("Enter after help:\n%q", out)
	}
	// At a password prompt `?` is a character.
	typed(t, term, "disable\renable\r", "disable\r\nasa1> enable\r\nPassword: ")
	typed(t, term, "a?\r", "**\r\nInvalid password\r\nasa1> ")
}

func TestTerminalPager(t *testing.T) {
	term := newTerminal(t, ModePriv)
	term.Start()
	typed(t, term, "terminal pager 5\r", "terminal pager 5\r\nasa1# ")
	out := string(term.Input([]byte("show running-config\r")))
	want := "show running-config\r\n: Saved\r\n\r\n:\r\n: Serial Number: FCH1947V0GY\r\n" +
		": Hardware:   ASA5525, 8192 MB RAM, CPU Lynnfield 2394 MHz, 1 CPU (4 cores)\r\n<--- More --->"
	if out != want {
		t.Fatalf("first page:\n got %q\nwant %q", out, want)
	}
	if !term.Paging() {
		t.Fatal("not paging at the More prompt")
	}
	erase := "\r              \r"
	// Other keys are ignored; space shows a page; Enter one line; q quits.
	typed(t, term, "x", "")
	typed(t, term, " ", erase+":\r\nASA Version 9.14(4)\r\n!\r\nhostname asa1\r\nenable password ***** pbkdf2\r\n<--- More --->")
	typed(t, term, "\r\n", erase+"names\r\n<--- More --->")
	typed(t, term, "q", erase+"asa1# ")
	if term.Paging() {
		t.Fatal("still paging after q")
	}
	// Paged to the end: the prompt follows the last line.
	typed(t, term, "terminal pager 3\r", "terminal pager 3\r\nasa1# ")
	typed(t, term, "show curpriv\r", "show curpriv\r\nUsername : admin\r\nCurrent privilege level : 15\r\nCurrent Mode/s : P_PRIV\r\nasa1# ")
	out = string(term.Input([]byte("show version\r")))
	if !strings.HasSuffix(out, "<--- More --->") || strings.Count(out, "\r\n") != 4 {
		t.Fatalf("show version, pager 3: %q", out)
	}
	for i := 0; term.Paging(); i++ {
		out = string(term.Input([]byte(" ")))
		if i > 100 {
			t.Fatal("pager never ends")
		}
	}
	if !strings.HasSuffix(out, "\r\nasa1# ") {
		t.Fatalf("last page: %q", out)
	}
}

func TestTerminalLogout(t *testing.T) {
	term := newTerminal(t, ModeUser)
	term.Start()
	typed(t, term, "exit\rshow version\r", "exit\r\n\r\nLogoff\r\n\r\n")
	if !term.Closed() {
		t.Fatal("session not closed after exit")
	}
	typed(t, term, "show version\r", "")
}

// TestTerminalCtrlCAtQuestion: Ctrl-C at a question abandons the command;
// the Enter after it is an empty line, not the answer.
func TestTerminalCtrlCAtQuestion(t *testing.T) {
	b := newMemBackend(t)
	term := cli.NewTerminal(New(b, Options{User: "admin", Mode: ModePriv, Pager: DefaultPager}))
	term.Start()
	boots := func() int {
		t.Helper()
		n := 0
		_ = b.View(func(d *asa.Device) { n = d.Boots })
		return n
	}
	before := boots()
	typed(t, term, "reload\r", "reload\r\nProceed with reload? [confirm]")
	typed(t, term, "\x03", "^C\r\nasa1# ")
	typed(t, term, "\r", "\r\nasa1# ")
	if term.Closed() || boots() != before {
		t.Fatalf("Ctrl-C at [confirm] did not abandon the reload: closed %v, boots %d, want %d", term.Closed(), boots(), before)
	}
	// What was typed before Ctrl-C is dropped with the question.
	typed(t, term, "reload\r", "reload\r\nProceed with reload? [confirm]")
	typed(t, term, "y\x03\r", "y^C\r\nasa1# \r\nasa1# ")
	// The unsaved-configuration question and enable's Password: too.
	typed(t, term, "configure terminal\rhostname edge1\rend\r",
		"configure terminal\r\nasa1(config)# hostname edge1\r\nedge1(config)# end\r\nedge1# ")
	typed(t, term, "reload\r", "reload\r\nSystem config has been modified. Save? [Y]es/[N]o: ")
	typed(t, term, "\x03", "^C\r\nedge1# ")
	typed(t, term, "disable\renable\r", "disable\r\nedge1> enable\r\nPassword: ")
	typed(t, term, "adm\x03", "***^C\r\nedge1> ")
	if term.Closed() || boots() != before {
		t.Fatalf("closed %v, boots %d, want %d", term.Closed(), boots(), before)
	}
	// A confirmed reload still reloads.
	typed(t, term, "enable\radmin\r", "enable\r\nPassword: *****\r\nedge1# ")
	out := string(term.Input([]byte("reload noconfirm\r")))
	if !term.Closed() || boots() != before+1 {
		t.Fatalf("reload noconfirm: closed %v, boots %d\n%q", term.Closed(), boots(), out)
	}
}
