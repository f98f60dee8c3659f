package sim

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// reopen closes a lab and opens it again from its store, as a daemon
// restart does.
func reopen(t *testing.T, dir string, lab *Lab, closeLab func()) (*Lab, func()) {
	t.Helper()
	if lab != nil {
		closeLab()
	}
	return consoleLab(t, dir, nil)
}

// TestRMARestoresSavedHostname: a unit renamed without saving comes back
// from an RMA under its saved hostname, found by it, and that name cannot
// be taken meanwhile.
func TestRMARestoresSavedHostname(t *testing.T) {
	dir := t.TempDir()
	lab, closeLab := consoleLab(t, dir, nil)
	if _, err := lab.Create("ASA5525", "r1", "FCH1947V0GY"); err != nil {
		t.Fatal(err)
	}
	if _, err := lab.Exec("r1", []string{"configure terminal", "hostname r1x", "end"}); err != nil {
		t.Fatal(err)
	}
	if _, err := lab.Create("ASA5525", "r1", ""); !errors.Is(err, ErrHostnameTaken) ||
		!strings.Contains(err.Error(), `"r1" is the saved hostname of r1x, which its next reload brings back`) {
		t.Fatalf("create r1 while it is r1x's saved hostname: %v", err)
	}
	if _, _, err := lab.ReturnForRepair("r1x", ""); err != nil {
		t.Fatal(err)
	}
	s, err := lab.Get("r1")
	if err != nil || s.Device.Hostname() != "r1" {
		t.Fatalf("get r1 after the RMA: %v %v", s.Device, err)
	}
	if _, err := lab.Get("r1x"); !errors.Is(err, ErrHeadendNotFound) {
		t.Fatalf("get r1x after the RMA: %v", err)
	}
	if _, err := lab.Create("ASA5525", "r1", ""); !errors.Is(err, ErrHostnameTaken) {
		t.Fatalf("create r1 after the RMA: %v", err)
	}
	if _, err := lab.Create("ASA5525", "r1x", ""); err != nil {
		t.Fatalf("create r1x, a name nobody holds any more: %v", err)
	}
	lab, closeLab = reopen(t, dir, lab, closeLab)
	defer closeLab()
	if err := lab.Delete("r1x"); err != nil {
		t.Fatal(err)
	}
	if s, err := lab.Get("r1"); err != nil || s.Device.SerialNumber() == "FCH1947V0GY" {
		t.Fatalf("r1 after deleting r1x: %v %v", s.Device, err)
	}
}

// TestHostnameIndexRandom drives random sequences of everything that
// changes a hostname (create, the console's hostname and write memory, a
// reload dropping an unsaved name, RMA, delete, a restart) over a few names,
// and checks after each step that the index and the store tell one truth.
func TestHostnameIndexRandom(t *testing.T) {
	for seed := range uint64(12) {
		dir := t.TempDir()
		lab, closeLab := consoleLab(t, dir, nil)
		r := rand.New(rand.NewPCG(seed, 8))
		names := []string{"a", "b", "c", "d"}
		pick := func() string { return names[r.IntN(len(names))] }
		var trace []string
		for step := range 150 {
			var op string
			switch n := r.IntN(8); n {
			case 0, 1:
				op = "create " + pick()
				_, err := lab.Create("ASA5516", op[7:], "")
				if err != nil && !errors.Is(err, ErrHostnameTaken) {
					t.Fatalf("seed %d: %s: %v", seed, op, err)
				}
			case 2, 3:
				h, to := pick(), pick()
				op = "hostname " + h + " -> " + to
				_, _ = lab.Exec(h, []string{"configure terminal", "hostname " + to, "end"})
			case 4:
				op = "write memory " + pick()
				_, _ = lab.Exec(op[13:], []string{"write memory"})
			case 5:
				op = "reload " + pick()
				if _, err := lab.Reload(op[7:], false); err != nil && !errors.Is(err, ErrHeadendNotFound) {
					t.Fatalf("seed %d: %s: %v\n%s", seed, op, err, strings.Join(trace, "\n"))
				}
			case 6:
				if r.IntN(2) == 0 {
					op = "rma " + pick()
					if _, _, err := lab.ReturnForRepair(op[4:], ""); err != nil && !errors.Is(err, ErrHeadendNotFound) {
						t.Fatalf("seed %d: %s: %v\n%s", seed, op, err, strings.Join(trace, "\n"))
					}
				} else {
					op = "delete " + pick()
					_ = lab.Delete(op[7:])
				}
			case 7:
				op = "restart"
				before := hostnameTable(t, lab)
				lab, closeLab = reopen(t, dir, lab, closeLab)
				if after := hostnameTable(t, lab); !slices.Equal(before, after) {
					t.Fatalf("seed %d: after a restart %v, before %v\n%s", seed, after, before, strings.Join(trace, "\n"))
				}
			}
			trace = append(trace, op)
			if err := checkIndex(lab); err != nil {
				t.Fatalf("seed %d step %d: %v\n%s", seed, step, err, strings.Join(trace, "\n"))
			}
		}
		closeLab()
	}
}

// hostnameTable lists "hostname serial saved-hostname" for every headend.
func hostnameTable(t *testing.T, lab *Lab) []string {
	t.Helper()
	ss, _ := lab.List("", 1000)
	var out []string
	for _, s := range ss {
		out = append(out, s.Device.Hostname()+" "+s.Device.SerialNumber()+" "+s.Device.SavedHostname())
	}
	return out
}

// checkIndex checks that every headend is found by its running hostname
// and nothing else, holds its saved one, and no name is held twice.
func checkIndex(lab *Lab) error {
	lab.mu.Lock()
	defer lab.mu.Unlock()
	found := 0
	var err error
	lab.names.Range(func(k string, h *Headend) bool {
		found++
		h.mu.Lock()
		defer h.mu.Unlock()
		switch {
		case h.deleted:
			err = errors.New("a deleted headend is found by " + k)
		case h.dev.Hostname() != k:
			err = errors.New("headend " + h.dev.Hostname() + " is found by " + k)
		case holder(lab, h.dev.Hostname()) != h || holder(lab, h.dev.SavedHostname()) != h:
			err = errors.New("headend " + h.dev.Hostname() + " does not hold its names")
		case lab.bySerial[h.dev.SerialNumber()] != h:
			err = errors.New("headend " + h.dev.Hostname() + " is not found by its serial")
		}
		return err == nil
	})
	if err != nil {
		return err
	}
	if found != len(lab.bySerial) {
		return errors.New("the hostname and serial indexes differ in size")
	}
	for n, h := range lab.names.Held() {
		if h.deleted || (h.dev.Hostname() != n && h.dev.SavedHostname() != n) {
			return errors.New("name " + n + " is held by a headend that has no such name")
		}
	}
	return nil
}

// holder is the headend holding the name n, nil if none.
func holder(lab *Lab, n string) *Headend {
	h, _ := lab.names.Holder(n)
	return h
}
