package labtest_test

import (
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim/labtest"
)

// fatalTB records what a helper fails with instead of failing the test.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

var seq atomic.Int64

// fatal runs do as a test of its own goroutine and returns what it failed
// with ("" if it did not).
func fatal(t *testing.T, d *labtest.Lab, do func(l *labtest.Lab)) string {
	f := &fatalTB{TB: t}
	l := d.NewLab(f, labtest.WithLab(fmt.Sprintf("fail-%d", seq.Add(1))))
	done := make(chan struct{})
	go func() {
		defer close(done)
		do(l)
	}()
	<-done
	return f.msg
}

// TestHelpersFail: a helper the daemon refuses fails the test, naming
// what it did, the headend, the lab and the daemon's reason.
func TestHelpersFail(t *testing.T) {
	d := labtest.Start(t, labtest.WithSSHPorts(0))
	for _, tc := range []struct {
		name string
		do   func(l *labtest.Lab)
		want []string
	}{
		{"unknown model", func(l *labtest.Lab) { l.CreateHeadend("ASA9999", "asa1") },
			[]string{"labtest: creating headend asa1 (ASA9999) in lab fail-", "InvalidArgument"}},
		{"bad feature", func(l *labtest.Lab) { l.CreateHeadend("ASA5525", "asa1", "premium=many") },
			[]string{`labtest: key features ["premium=many"]`, `"premium" needs a positive number`}},
		{"no headend", func(l *labtest.Lab) { l.Exec("asa9", "show version") },
			[]string{`labtest: exec ["show version"] on asa9 in lab fail-`, "NotFound"}},
		{"no such headend to admit", func(l *labtest.Lab) {
			l.Admit("asa9", "alice", headendv1.ConnectionKind_CONNECTION_KIND_ANYCONNECT)
		}, []string{"labtest: admitting alice on asa9 in lab fail-", "NotFound"}},
		{"no consoles", func(l *labtest.Lab) { l.CreateHeadend("ASA5525", "asa1"); l.SSHAddr("asa1") },
			[]string{"labtest: headend asa1 in lab fail-", "has no SSH console"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := fatal(t, d, tc.do)
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("failed with %q, want it to hold %q", msg, w)
				}
			}
		})
	}
}
