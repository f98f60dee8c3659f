package main

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestEndToEndUsageSurvivesKill: unique users the daemon says it has synced
// are in the compliance report after a SIGKILL. Before, the records were
// committed without sync and half of 400 users could vanish.
func TestEndToEndUsageSurvivesKill(t *testing.T) {
	headendd, headendctl := buildBinaries(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	d := startDaemon(t, headendd, dataDir)
	run := func(args ...string) string {
		t.Helper()
		return mustCtl(t, headendctl, append([]string{"--addr", d.grpc}, args...)...)
	}
	run("create", "--model", "ASA5525", "--hostname", "asa1", "--serial", "FCH1947V0GY")
	run("create", "--model", "ASA5525", "--hostname", "asa2", "--serial", "JMX1628X0P9")
	pak := firstWord(t, run("portal", "order", "--sku", "L-AC-PLS-LIC=", "--users", "873", "--months", "12", "--customer", "Acme Corp"))
	run("clock", "advance", "4h")
	for host, serial := range map[string]string{"asa1": "FCH1947V0GY", "asa2": "JMX1628X0P9"} {
		key := keyLine(t, run("portal", "register", "--pak", pak, "--serial", serial), serial)
		run("exec", host, "activation-key "+key, "y", "configure terminal", "webvpn", "no anyconnect-essentials", "end")
	}
	run("clock", "set", "2026-01-06T10:00:00Z") // in the term, which starts the day after the order

	admitUsers(t, d, 400, 0)
	waitMetric(t, d, "asalab_lab_usage_records_synced_total", 400)
	d.kill()

	d = startDaemon(t, headendd, dataDir)
	if rep := run("portal", "compliance"); !strings.Contains(rep, "400 unique users seen") {
		t.Errorf("after SIGKILL, the compliance report lacks the 400 users synced:\n%s", rep)
	}
}

// waitMetric polls the daemon's /metrics until the metric (without labels)
// reaches want, for at most 20 seconds.
func waitMetric(t *testing.T, d *daemon, name string, want float64) {
	t.Helper()
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + ` (\S+)$`)
	deadline := time.Now().Add(20 * time.Second)
	got := "none"
	for time.Now().Before(deadline) {
		resp, err := http.Get(fmt.Sprintf("http://%s/metrics", d.metr))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if m := re.FindSubmatch(body); m != nil {
			got = string(m[1])
			if v, err := strconv.ParseFloat(got, 64); err == nil && v >= want {
				return
			}
		}
		time.Sleep(50 * time.Millisecond) // the poll interval: the flusher runs every 500 ms
	}
	t.Fatalf("%s is %s after 20s, want %v", name, got, want)
}
