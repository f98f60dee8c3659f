package daemon

import (
	"strings"
	"testing"
	"time"
)

func TestParseFlagsClockStart(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    time.Time
		wantErr string
	}{
		{name: "default: machine time", args: []string{"--clock", "sim"}},
		{name: "fixed", args: []string{"--clock", "sim", "--clock-start", "2026-01-05T09:00:00Z"},
			want: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)},
		{name: "offset", args: []string{"--clock", "sim", "--clock-start", "2026-01-05T10:00:00+01:00"},
			want: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)},
		{name: "real clock", args: []string{"--clock-start", "2026-01-05T09:00:00Z"}, wantErr: "--clock-start needs --clock sim"},
		{name: "not RFC 3339", args: []string{"--clock", "sim", "--clock-start", "2026-01-05"}, wantErr: "not an RFC 3339 time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseFlags(tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !f.ClockStart.Equal(tt.want) {
				t.Errorf("clock start %v, want %v", f.ClockStart, tt.want)
			}
		})
	}
}
