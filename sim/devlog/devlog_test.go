package devlog

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/sim/eventlog"
)

var simStart = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func eventLines(evs []eventlog.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, fmt.Sprintf("%d %s %s %s|%s", e.Seq, e.Kind, cmpOr(e.Headend, "-"), e.Syslog, e.Text))
	}
	return out
}

func cmpOr(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// TestLogEventsAfterCountRestart: when a device's count of logged lines
// starts again (a buffer emptied at boot), the lines it holds are new.
func TestLogEventsAfterCountRestart(t *testing.T) {
	d, err := asa.NewDevice("ASA5525", "FCH1947V0GY", "asa1", simStart)
	if err != nil {
		t.Fatal(err)
	}
	d.Log = []family.LogEntry{{Time: simStart, Msg: "%ASA-4-444005: one"}, {Time: simStart, Msg: "%ASA-4-444005: two"}}
	d.LogCount = 2
	if got := eventLines(Events(d, 40)); len(got) != 2 {
		t.Errorf("after a restart of the count: %q", got)
	}
	if got := eventLines(Events(d, 1)); len(got) != 1 || !strings.Contains(got[0], "two") {
		t.Errorf("one new line: %q", got)
	}
}
