package ios

import (
	"testing"
	"time"
)

// IOS pads a one-digit day with a space in log timestamps, as real `show
// logging` prints "Jan  2 12:00:05.047:" (ntc-templates sample
// cisco_ios_show_logging).
func TestLogStampPadsTheDay(t *testing.T) {
	at := time.Date(2026, 1, 2, 12, 0, 5, 47e6, time.UTC)
	if got, want := logStamp(at), "*Jan  2 12:00:05.047"; got != want {
		t.Errorf("logStamp = %q, want %q", got, want)
	}
}
