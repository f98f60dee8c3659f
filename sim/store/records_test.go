package store

import (
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// TestRecords: the lab-file and scenario records read back as written,
// each lab's its own; a lab without one has none; what a read returns is
// the caller's to keep (a later write does not change it); a nil scenario
// deletes the record.
func TestRecords(t *testing.T) {
	s, err := OpenBare("store", vfs.NewMem(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	read := map[string]func(lab string) ([]byte, bool, error){"LabFile": s.LabFile, "Scenario": s.Scenario}
	for name, get := range read {
		if v, ok, err := get("a"); v != nil || ok || err != nil {
			t.Errorf("%s of a lab without one = %q, %v, %v", name, v, ok, err)
		}
	}
	write := func(lab, labfile string, scenario []byte) {
		t.Helper()
		b := s.NewBatch(lab)
		defer b.Close()
		if err := b.PutLabFile([]byte(labfile)); err != nil {
			t.Fatal(err)
		}
		if err := b.PutScenario(scenario); err != nil {
			t.Fatal(err)
		}
		if err := s.Commit(b); err != nil {
			t.Fatal(err)
		}
	}
	write("a", "labfile a", []byte("scenario a"))
	write("b", "labfile b", []byte("scenario b"))
	kept := map[string][]byte{}
	for name, get := range read {
		for _, lab := range []string{"a", "b"} {
			v, ok, err := get(lab)
			if want := map[string]string{"LabFile": "labfile ", "Scenario": "scenario "}[name] + lab; string(v) != want || !ok || err != nil {
				t.Errorf("%s(%s) = %q, %v, %v; want %q", name, lab, v, ok, err, want)
			}
			kept[name+lab] = v
		}
	}
	write("a", "labfile a2", nil)
	if v := kept["LabFilea"]; string(v) != "labfile a" {
		t.Errorf("a later write changed what LabFile returned before: %q", v)
	}
	if v, ok, err := s.LabFile("a"); string(v) != "labfile a2" || !ok || err != nil {
		t.Errorf("LabFile(a) = %q, %v, %v after the second write", v, ok, err)
	}
	if v, ok, err := s.Scenario("a"); v != nil || ok || err != nil {
		t.Errorf("Scenario(a) = %q, %v, %v after PutScenario(nil)", v, ok, err)
	}
	if v, ok, err := s.Scenario("b"); string(v) != "scenario b" || !ok || err != nil {
		t.Errorf("Scenario(b) = %q, %v, %v", v, ok, err)
	}
}
