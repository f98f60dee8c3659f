package faults

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/asalab/asalab/headend"
)

func TestLinksSorted(t *testing.T) {
	at := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	ls := []Link{NewLink("c", "a", at), NewLink("b", "a", at), NewLink("a", "b", at)}
	Sort(ls)
	want := []Link{{A: "a", B: "b", Since: at}, {A: "a", B: "b", Since: at}, {A: "a", B: "c", Since: at}}
	if !slices.Equal(ls, want) {
		t.Errorf("links %+v, want %+v", ls, want)
	}
}

func TestPoweredOffIsUnavailable(t *testing.T) {
	err := OffError("r1", time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC))
	if !errors.Is(err, ErrPoweredOff) || !errors.Is(err, headend.ErrUnavailable) ||
		err.Error() != "sim: the headend is powered off: r1 was powered off at 2026-11-27T12:00:00Z; power it on first" {
		t.Errorf("%v", err)
	}
}
