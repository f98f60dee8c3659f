package unitwrite

import (
	"errors"
	"slices"
	"sync"
	"testing"
)

// fake units: ints, with devices strings; it records what happened.
type fake struct {
	locked map[int]bool
	put    []string
	dev    map[int]string
	failAt int
}

func (f *fake) Lock(u int)   { f.locked[u] = true }
func (f *fake) Unlock(u int) { delete(f.locked, u) }
func (f *fake) Put(u int, d string) error {
	if u == f.failAt {
		return errors.New("disk full")
	}
	f.put = append(f.put, d)
	return nil
}
func (f *fake) Swap(u int, d string) { f.dev[u] = d }

func TestWriteAppliesAddedAndReleasesLocked(t *testing.T) {
	var run sync.Mutex
	f := &fake{locked: map[int]bool{}, dev: map[int]string{}, failAt: -1}
	w := New[int, string](&run, f)
	w.Hold()
	for _, u := range []int{1, 2, 3} {
		w.Lock(u)
		if u != 2 { // unit 2 is down: locked, not written
			w.Add(u, "new")
		}
	}
	if err := w.Put(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"new", "new"}; !slices.Equal(f.put, want) {
		t.Fatalf("put %v, want %v", f.put, want)
	}
	w.Apply()
	if f.dev[1] != "new" || f.dev[3] != "new" || f.dev[2] != "" {
		t.Fatalf("devices %v, want units 1 and 3 new only", f.dev)
	}
	var then []int
	w.Done(func(u int) {
		if !f.locked[u] {
			t.Errorf("unit %d released before then", u)
		}
		then = append(then, u)
	})
	if len(f.locked) != 0 || !slices.Equal(then, []int{1, 2, 3}) {
		t.Fatalf("after Done: locked %v, then ran on %v", f.locked, then)
	}
	if !run.TryLock() {
		t.Fatal("run lock still held after Done")
	}
}

func TestWritePutFailsAndDoneReleases(t *testing.T) {
	var run sync.Mutex
	f := &fake{locked: map[int]bool{}, dev: map[int]string{}, failAt: 2}
	w := New[int, string](&run, f)
	w.Hold()
	w.Lock(1)
	w.Add(1, "a")
	w.Lock(2)
	w.Add(2, "b")
	if err := w.Put(); err == nil {
		t.Fatal("Put succeeded with a failing unit")
	}
	w.Done(nil)
	if len(f.locked) != 0 || len(f.dev) != 0 || !run.TryLock() {
		t.Fatalf("after a failed Put and Done: locked %v, devices %v", f.locked, f.dev)
	}
}

func TestWriteWithoutHoldLeavesRunAlone(t *testing.T) {
	var run sync.Mutex
	f := &fake{locked: map[int]bool{}, dev: map[int]string{}, failAt: -1}
	w := New[int, string](&run, f)
	w.Done(nil)
	if !run.TryLock() {
		t.Fatal("run lock taken by a write that never held it")
	}
}
