package refusals

import (
	"fmt"
	"testing"
)

// TestCountReadsText: an event's count is itself and those its text says
// it suppressed, whatever the user's name holds.
func TestCountReadsText(t *testing.T) {
	const base = "connection of a (b) from laptop refused: session limit of 2 reached"
	for _, n := range []uint64{0, 1, 41} {
		text := base
		if n > 0 {
			text += fmt.Sprintf(suppressedFormat, n)
		}
		if got := Count(text); got != n+1 {
			t.Errorf("Count(%q) = %d, want %d", text, got, n+1)
		}
	}
}
