package labexec

import (
	"errors"
	"testing"
)

func TestCheckAllowsMaxLinesOnly(t *testing.T) {
	if err := Check(make([]string, MaxLines)); err != nil {
		t.Fatalf("%d lines: %v", MaxLines, err)
	}
	err := Check(make([]string, MaxLines+1))
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("%d lines: %v, want ErrTooLarge", MaxLines+1, err)
	}
	if want := "sim: Exec request too large: 1001 lines, at most 1000 per request"; err.Error() != want {
		t.Fatalf("error %q, want %q", err, want)
	}
}
