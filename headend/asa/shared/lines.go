package shared

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/keygen"
)

// LineKind is which `license-server` line a Line is.
type LineKind int

// The license-server lines (Cisco ASA command reference, "license-server"
// commands, as recalled; the stored sources confirm only `secret`,
// `enable` and `address ... secret`).
const (
	Secret        LineKind = iota + 1 // server: secret S
	Enable                            // server: enable IFNAME
	Refresh                           // server: refresh-interval N
	Port                              // server: port N
	Backup                            // server: backup A backup-id SERIAL [ha-backup-id SERIAL]
	BackupEnable                      // backup server: backup enable IFNAME
	Address                           // participant: address A secret S [port N]
	BackupAddress                     // participant: backup address A
)

// ServerLine reports whether a line is one of the server's, which need a
// shared licensing server license; the others need a participant's (the
// backup server "only needs a participant license", Cisco ASA 5500 Series
// Configuration Guide using the CLI, 8.4, p. 3-24).
func (k LineKind) ServerLine() bool { return k >= Secret && k <= Backup }

// Line is one `license-server` line, or its `no` form.
type Line struct {
	Kind LineKind
	No   bool
	// Text is the secret (Secret, Address) or the interface name
	// (Enable, BackupEnable; "" in a `no` form: every interface).
	Text     string
	Addr     netip.Addr
	ID, HAID string // Backup's serial numbers
	N        int    // Refresh, Port, Address's port (0: not given)
}

// Fault is why the words of a line were refused: missing words
// (Incomplete), or the word to mark with the caret (Arg).
type Fault struct {
	Incomplete bool
	Arg        int
}

// Parse reads the words after the keywords of a license-server line of
// kind (not a `no` form). ok is false with the fault otherwise.
func Parse(kind LineKind, args []string) (l Line, f Fault, ok bool) {
	l.Kind = kind
	bad := func(i int) (Line, Fault, bool) { return Line{}, Fault{Arg: i}, false }
	want := []int{1}
	switch kind {
	case Backup, Address:
		want = []int{3, 5} // the optional keyword and its value
	}
	switch n := len(args); {
	case n < want[0] || n > want[0] && n < want[len(want)-1]:
		return Line{}, Fault{Incomplete: true}, false
	case n > want[len(want)-1]:
		return bad(want[len(want)-1])
	}
	secret := func(w string) bool {
		l.Text = w
		return len(w) >= config.SharedSecretMin && len(w) <= config.SharedSecretMax
	}
	number := func(w string, lo, hi int) bool {
		n, err := strconv.Atoi(w)
		l.N = n
		return err == nil && n >= lo && n <= hi
	}
	addr := func(w string) bool {
		a, err := netip.ParseAddr(w)
		l.Addr = a
		return err == nil && a.Is4()
	}
	serial := func(w string, id *string) bool {
		*id = strings.ToUpper(w)
		return keygen.ValidSerial(*id)
	}
	keyword := func(w, kw string) bool { return len(w) > 0 && strings.HasPrefix(kw, strings.ToLower(w)) }
	switch kind {
	case Secret:
		if !secret(args[0]) {
			return bad(0)
		}
	case Enable, BackupEnable:
		l.Text = args[0]
	case Refresh:
		if !number(args[0], config.SharedRefreshMin, config.SharedRefreshMax) {
			return bad(0)
		}
	case Port:
		if !number(args[0], 1, 65535) {
			return bad(0)
		}
	case BackupAddress:
		if !addr(args[0]) {
			return bad(0)
		}
	case Backup:
		for i, ok := range []bool{addr(args[0]), keyword(args[1], "backup-id"), serial(args[2], &l.ID)} {
			if !ok {
				return bad(i)
			}
		}
		if len(args) == 5 {
			if !keyword(args[3], "ha-backup-id") {
				return bad(3)
			}
			if !serial(args[4], &l.HAID) {
				return bad(4)
			}
		}
	case Address:
		for i, ok := range []bool{addr(args[0]), keyword(args[1], "secret"), secret(args[2])} {
			if !ok {
				return bad(i)
			}
		}
		if len(args) == 5 {
			if !keyword(args[3], "port") {
				return bad(3)
			}
			if !number(args[4], 1, 65535) {
				return bad(4)
			}
		}
	default:
		return bad(0)
	}
	return l, Fault{}, true
}
