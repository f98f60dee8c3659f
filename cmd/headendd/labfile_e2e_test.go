package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// TestEndToEndLabFile: headendd --lab-file makes the lab the file
// declares before it serves; started again with the same file it changes
// nothing; a bad file stops the start with the file, line and field on
// stderr.
func TestEndToEndLabFile(t *testing.T) {
	bin, _ := buildBinaries(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dir := t.TempDir()
	file := filepath.Join(dir, "lab.yaml")
	src := `clock: {mode: simulated, start: 2026-01-06T09:00:00Z}
headends:
  - hostname: asa1
    model: ASA5525
    keys: [premium=250, 3des]
    config: ["username alice password s3cret privilege 15"]
  - {hostname: asa2, model: ASA5515}
`
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	d := startDaemon(t, bin, data, "--lab-file", file)
	hc := headendv1.NewHeadendServiceClient(d.dial(t))
	list, err := hc.ListHeadends(ctx, &headendv1.ListHeadendsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.GetHeadends()) != 2 {
		t.Fatalf("headends %v", list.GetHeadends())
	}
	got, err := hc.GetHeadend(ctx, &headendv1.GetHeadendRequest{Hostname: "asa1"})
	if err != nil {
		t.Fatal(err)
	}
	if got.GetHeadend().GetLicense().GetFeatures().GetAnyconnectPremiumPeers() != 250 {
		t.Fatalf("asa1 has no key: %v", got.GetHeadend())
	}
	if !strings.Contains(d.log.String(), `"changes":5`) {
		t.Fatalf("the start did not log the file's 5 changes:\n%s", d.log)
	}
	d.kill()

	d = startDaemon(t, bin, data, "--lab-file", file)
	if !strings.Contains(d.log.String(), `"changes":0`) {
		t.Fatalf("the second start changed the lab:\n%s", d.log)
	}
	d.kill()

	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("headends:\n  - hostname: asa3\n    model: ASA5525\n    keys: [premium=250, premum]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	log := startFails(t, bin, data, "--lab-file", bad)
	want := `headendd: ` + bad + `:4:25: headends[0].keys[1]: unknown feature "premum"`
	if !strings.Contains(log, want) {
		t.Fatalf("stderr lacks %q:\n%s", want, log)
	}

	// A line the console refuses is found before the first change: the
	// start stops naming it, and the data dir has no lab of the file.
	refused := filepath.Join(dir, "refused.yaml")
	if err := os.WriteFile(refused, []byte("lab: bad1\nheadends:\n  - {hostname: a, model: ASA5525, keys: [3des], config: [\"this is not a command\"]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	log = startFails(t, bin, data, "--lab-file", refused)
	want = `headendd: ` + refused + `:3:58: headends[0].config[0]: the console refused "this is not a command": ERROR: % Invalid input detected at '^' marker.`
	if !strings.Contains(log, want) {
		t.Fatalf("stderr lacks %q:\n%s", want, log)
	}
	d = startDaemon(t, bin, data)
	labs, err := headendv1.NewLabsServiceClient(d.dial(t)).ListLabs(ctx, &headendv1.ListLabsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range labs.GetLabs() {
		if l.GetName() == "bad1" {
			t.Fatalf("the refused file left its lab: %v", l)
		}
	}
	d.kill()
}
