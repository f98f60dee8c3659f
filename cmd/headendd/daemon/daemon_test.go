package daemon

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
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

func TestParseFlagsHTTPAddr(t *testing.T) {
	f, err := ParseFlags(nil)
	if err != nil {
		t.Fatal(err)
	}
	if f.HTTPAddr != "127.0.0.1:8080" {
		t.Errorf("default --http-addr %q, want 127.0.0.1:8080", f.HTTPAddr)
	}
	for _, ok := range []string{"", "127.0.0.1:0", "[::1]:8080", "localhost:8080"} {
		if _, err := ParseFlags([]string{"--http-addr", ok}); err != nil {
			t.Errorf("--http-addr %q: %v", ok, err)
		}
	}
	for _, bad := range []string{"0.0.0.0:8080", ":8080", "192.0.2.1:8080", "nonsense"} {
		_, err := ParseFlags([]string{"--http-addr", bad})
		if err == nil || !strings.Contains(err.Error(), "--http-addr") {
			t.Errorf("--http-addr %q: %v, want an error naming the flag", bad, err)
		}
	}
}

// TestStartServesTheWebConsole: a daemon with --http-addr serves the
// console there, says so in its ready file, and stops it.
func TestStartServesTheWebConsole(t *testing.T) {
	dir := t.TempDir()
	ready := filepath.Join(dir, "ready.json")
	cfg, err := ParseFlags([]string{"--data-dir", filepath.Join(dir, "data"), "--grpc-addr", "127.0.0.1:0", "--metrics-addr", "",
		"--http-addr", "127.0.0.1:0", "--clock", "sim", "--clock-start", "2026-01-05T09:00:00Z", "--ready-file", ready})
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("ASALAB_SECRET", "")
	d, err := Start(context.Background(), cfg, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			d.Stop()
		}
	}()
	addr := d.Addrs().HTTP
	if addr == "" {
		t.Fatal("no web console address")
	}
	b, err := os.ReadFile(ready)
	if err != nil {
		t.Fatal(err)
	}
	var addrs map[string]string
	if err := json.Unmarshal(b, &addrs); err != nil || addrs["http_addr"] != addr {
		t.Fatalf("ready file %s, want http_addr %s", b, addr)
	}
	resp, err := http.Get("http://" + addr + "/labs/default/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `<h1>Fleet of default</h1>`) {
		t.Fatalf("fleet page: %d\n%s", resp.StatusCode, body)
	}
	// An open event stream does not hold the daemon up.
	resp, err = http.Get("http://" + addr + "/labs/default/events/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := d.Stop(); err != nil {
		t.Fatal(err)
	}
	stopped = true
	if _, err := http.Get("http://" + addr + "/"); err == nil {
		t.Error("the web console still answers after Stop")
	}
}
