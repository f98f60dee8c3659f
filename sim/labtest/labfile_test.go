package labtest_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim/labtest"
)

// TestLabFile: WithLabFile applies a file (by path, or YAML given
// inline) to the test's lab, whatever lab the file names; applying it again
// changes nothing; a file that does not read fails the test naming the
// file, line and field.
func TestLabFile(t *testing.T) {
	const example = "../../docs/examples/lab.yaml"
	l := labtest.Start(t, labtest.WithLabFile(example))
	resp, err := l.Headends.ListHeadends(context.Background(), &headendv1.ListHeadendsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, h := range resp.GetHeadends() {
		names = append(names, h.GetHostname())
	}
	if want := []string{"asa1", "asa2", "branch1", "srv"}; !slices.Equal(names, want) {
		t.Errorf("lab %s holds %v after %s, want %v", l.Name, names, example, want)
	}
	if out := l.Exec("srv", "show version | include AnyConnect Premium Peers"); !strings.Contains(out, ": 500 ") {
		t.Errorf("srv's premium peers after the file's keys:\n%s", out)
	}
	b, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	if changes := l.Apply(string(b)); len(changes) != 0 {
		t.Errorf("the file applied a second time changed %q, want nothing", changes)
	}

	other := l.NewLab(t, labtest.WithLabFile("headends:\n  - {hostname: r1, model: ASA5515, keys: [premium=25]}\n"))
	if n := other.Get("r1").GetLicense().GetFeatures().GetAnyconnectPremiumPeers(); n != 25 {
		t.Errorf("r1 from inline YAML: %d premium peers, want 25", n)
	}

	msg := fatal(t, l, func(l *labtest.Lab) { l.Apply("headends:\n  - {hostname: x1, model: ASA9999}\n") })
	for _, want := range []string{"labtest: applying lab.yaml to lab fail-", "lab.yaml:2:", "headends[0].model", `unknown model "ASA9999"`} {
		if !strings.Contains(msg, want) {
			t.Errorf("a bad file failed the test with %q, want it to hold %q", msg, want)
		}
	}
}
