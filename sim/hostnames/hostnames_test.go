package hostnames

import (
	"errors"
	"strings"
	"testing"
)

type unit struct{ name string }

func newIndex() *Index[*unit] { return New(func(u *unit) string { return u.name }) }

// TestSavedNameIsTaken: a headend's saved hostname is held: another may
// not take it, and the error says whose next reload brings it back.
func TestSavedNameIsTaken(t *testing.T) {
	x := newIndex()
	a := &unit{name: "a"}
	x.Move(a, false, [2]string{}, "a", "a-saved")
	if err := x.Check(nil, "a"); !errors.Is(err, ErrTaken) {
		t.Errorf("a running name: %v", err)
	}
	if err := x.Check(nil, "a-saved"); !errors.Is(err, ErrTaken) || !strings.Contains(err.Error(), "saved hostname of a") {
		t.Errorf("a saved name: %v", err)
	}
	if err := x.Check(a, "a", "a-saved"); err != nil {
		t.Errorf("its own names: %v", err)
	}
	if h, ok := x.Lookup("a-saved"); ok {
		t.Errorf("a saved name finds %v", h)
	}
}

// TestMoveKeepsTheRunningName: a rename finds the headend by its new name
// and frees the names it no longer has.
func TestMoveKeepsTheRunningName(t *testing.T) {
	x := newIndex()
	a := &unit{name: "a"}
	x.Move(a, false, [2]string{}, "a", "a")
	x.Move(a, true, [2]string{"a", "a"}, "b", "a")
	a.name = "b"
	if h, ok := x.Lookup("b"); !ok || h != a {
		t.Errorf("lookup b: %v %v", h, ok)
	}
	if _, ok := x.Lookup("a"); ok {
		t.Error("the old running name still finds it")
	}
	if h, _ := x.Holder("a"); h != a {
		t.Error("the saved name is no longer held")
	}
	x.Release("a", a, false)
	x.Release("b", a, true)
	n := 0
	for range x.Held() {
		n++
	}
	if _, ok := x.Lookup("b"); ok || n != 0 {
		t.Errorf("after release: %d names held", n)
	}
}
