package sim

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/asalab/asalab/keygen"
)

// TestExecStopsAtResponseLimit: Exec stops at the first line that takes the
// answer past MaxExecResponseBytes, so what it built stays within the limit
// plus that one line, the later lines do not run, and the refusal is logged
// at warn level.
func TestExecStopsAtResponseLimit(t *testing.T) {
	store, err := OpenStore(filepath.Join(t.TempDir(), "store"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	core, logs := observer.New(zap.WarnLevel)
	master, _ := keygen.NewSigner([]byte("sim-test-secret-0123456789abcdef"))
	lab, err := OpenLab(Config{Store: store, Signer: master.ForLab(DefaultLab), ClockMode: ClockSimulated, Log: zap.New(core),
		RealNow: func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	defer lab.Close()
	if _, err := lab.Create("ASA5525", "asa1", ""); err != nil {
		t.Fatal(err)
	}
	users := []string{"configure terminal"}
	for i := range 200 {
		users = append(users, fmt.Sprintf("username user%03d password secret%03d", i, i))
	}
	if _, err := lab.Exec("asa1", users); err != nil {
		t.Fatal(err)
	}

	// The last line would save the configuration: it must not run.
	lines := append(slices.Repeat([]string{"show running-config"}, MaxExecLines-1), "write memory")
	res, err := lab.Exec("asa1", lines)
	if !errors.Is(err, ErrExecTooLarge) {
		t.Fatalf("err = %v, want ErrExecTooLarge", err)
	}
	size := len(res.Transcript)
	for _, r := range res.Results {
		size += len(r.Input) + len(r.Output)
	}
	one := len(res.Results[0].Output)
	if size <= MaxExecResponseBytes || size > MaxExecResponseBytes+3*one {
		t.Errorf("built %d bytes before stopping; want just past the limit of %d (a line adds about %d)", size, MaxExecResponseBytes, 2*one)
	}
	if n := len(res.Results); n >= MaxExecLines-1 {
		t.Errorf("%d lines ran", n)
	}
	snap, err := lab.Get("asa1")
	if err != nil {
		t.Fatal(err)
	}
	if !snap.Device.ConfigUnsaved() {
		t.Error("write memory ran after the limit was passed")
	}
	entries := logs.FilterMessage("exec stopped: response too large").All()
	if len(entries) != 1 || entries[0].Level != zap.WarnLevel {
		t.Fatalf("log: %v", logs.All())
	}
	if f := entries[0].ContextMap(); f["hostname"] != "asa1" || f["lines_run"] != int64(len(res.Results)) || f["lines"] != int64(MaxExecLines) {
		t.Errorf("log fields: %v", f)
	}

	if _, err := lab.Exec("asa1", make([]string, MaxExecLines+1)); !errors.Is(err, ErrExecTooLarge) {
		t.Errorf("%d lines: err = %v, want ErrExecTooLarge", MaxExecLines+1, err)
	}
}
