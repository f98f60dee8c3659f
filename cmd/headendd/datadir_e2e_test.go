package main

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// startFails runs headendd on dataDir as startDaemon does and returns its
// log, failing the test unless it exits non-zero before it is ready.
func startFails(t *testing.T, bin, dataDir string, extra ...string) string {
	t.Helper()
	ready := filepath.Join(t.TempDir(), "ready.json")
	args := append([]string{"--data-dir", dataDir, "--grpc-addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0",
		"--clock", "sim", "--boot-time", "0", "--ready-file", ready}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), daemonEnv...)
	log := &syncBuffer{}
	cmd.Stderr = log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case err := <-done:
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 1 {
				t.Fatalf("headendd exited with %v, want exit status 1\n%s", err, log)
			}
			return log.String()
		case <-deadline:
			_ = cmd.Process.Kill()
			<-done
			t.Fatalf("headendd neither started nor failed in 20s\n%s", log)
		case <-time.After(20 * time.Millisecond):
			if b, err := os.ReadFile(ready); err == nil && len(b) > 0 {
				_ = cmd.Process.Kill()
				<-done
				t.Fatalf("headendd started; want a refusal\n%s", log)
			}
		}
	}
}

// usedDataDir starts headendd on a new data dir, creates n headends and
// stops it with SIGTERM.
func usedDataDir(t *testing.T, n int, extra ...string) (dataDir string) {
	t.Helper()
	headendd, headendctl := buildBinaries(t)
	dataDir = filepath.Join(t.TempDir(), "data")
	d := startDaemon(t, headendd, dataDir, extra...)
	for i := 1; i <= n; i++ {
		mustCtl(t, headendctl, "--addr", d.grpc, "create", "--model", "ASA5525",
			"--hostname", fmt.Sprintf("asa%d", i), "--serial", fmt.Sprintf("FCH1947V%03d", i))
	}
	d.term()
	if d.waitErr != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", d.waitErr, d.log)
	}
	return dataDir
}

// hostnames lists the headends of the daemon.
func hostnames(t *testing.T, headendctl string, d *daemon) []string {
	t.Helper()
	var hs []string
	for _, l := range strings.Split(strings.TrimSpace(mustCtl(t, headendctl, "--addr", d.grpc, "list")), "\n")[1:] {
		hs = append(hs, strings.Fields(l)[0])
	}
	slices.Sort(hs)
	return hs
}

func wantLog(t *testing.T, log string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(log, w) {
			t.Errorf("log lacks %q:\n%s", w, log)
		}
	}
}

func TestEndToEndDataDirUsedWithoutSecret(t *testing.T) {
	headendd, headendctl := buildBinaries(t)
	dataDir := usedDataDir(t, 2)
	secret := filepath.Join(dataDir, "lab.secret")
	saved, err := os.ReadFile(secret)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(secret); err != nil {
		t.Fatal(err)
	}
	log := startFails(t, headendd, dataDir)
	wantLog(t, log, "data dir "+dataDir+" was used before but lab.secret is missing: every issued activation key would become invalid")
	if _, err := os.Stat(secret); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused start wrote a new lab.secret: %v", err)
	}
	// The secret given from outside will do.
	daemonEnv = []string{"ASALAB_SECRET=" + strings.TrimSpace(string(saved))}
	d := startDaemon(t, headendd, dataDir)
	daemonEnv = nil
	if got := hostnames(t, headendctl, d); !slices.Equal(got, []string{"asa1", "asa2"}) {
		t.Errorf("headends: %v", got)
	}
}

func TestEndToEndDataDirUsedWithoutManifestMarker(t *testing.T) {
	headendd, _ := buildBinaries(t)
	dataDir := usedDataDir(t, 2)
	markers, _ := filepath.Glob(filepath.Join(dataDir, "store", "marker.manifest.*"))
	if len(markers) != 1 {
		t.Fatalf("markers: %v", markers)
	}
	if err := os.Remove(markers[0]); err != nil {
		t.Fatal(err)
	}
	before, _ := filepath.Glob(filepath.Join(dataDir, "store", "*"))
	log := startFails(t, headendd, dataDir)
	wantLog(t, log, "but no marker.manifest.* file, which names the current MANIFEST; opening it would start an empty store and delete its tables")
	if after, _ := filepath.Glob(filepath.Join(dataDir, "store", "*")); !slices.Equal(before, after) {
		t.Errorf("a refused start changed the store:\nbefore %v\nafter  %v", before, after)
	}
}

func TestEndToEndDataDirUsedWithoutStore(t *testing.T) {
	headendd, _ := buildBinaries(t)
	dataDir := usedDataDir(t, 1)
	if err := os.RemoveAll(filepath.Join(dataDir, "store")); err != nil {
		t.Fatal(err)
	}
	log := startFails(t, headendd, dataDir)
	wantLog(t, log, "data dir "+dataDir+" was used before but its store "+filepath.Join(dataDir, "store")+" is missing: every headend of the lab would be gone")
	if _, err := os.Stat(filepath.Join(dataDir, "store")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused start created a store: %v", err)
	}
}

// A fresh directory, even one made beforehand with wide permissions, starts
// and is made the owner's only.
func TestEndToEndDataDirFreshAndTightened(t *testing.T) {
	headendd, headendctl := buildBinaries(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dataDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dataDir, 0o755); err != nil { // whatever the umask
		t.Fatal(err)
	}
	d := startDaemon(t, headendd, dataDir)
	wantLog(t, d.log.String(), `"msg":"data dir made readable by its owner only"`)
	mustCtl(t, headendctl, "--addr", d.grpc, "create", "--model", "ASA5525", "--hostname", "asa1", "--serial", "FCH1947V001")
	d.term()
	err := filepath.Walk(dataDir, func(path string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if fi.IsDir() && fi.Mode().Perm() != 0o700 || !fi.IsDir() && fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s: mode %#o, want the owner's only", path, fi.Mode().Perm())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// With the secret from ASALAB_SECRET or --secret-file there is no
// lab.secret to miss, but the secret must be given again.
func TestEndToEndDataDirSecretFromOutside(t *testing.T) {
	headendd, headendctl := buildBinaries(t)
	secret := hex.EncodeToString([]byte("e2e-outside-secret-0123456789abc"))
	secretFile := filepath.Join(t.TempDir(), "secret.hex")
	if err := os.WriteFile(secretFile, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		env   []string
		extra []string
	}{
		{"ASALAB_SECRET", []string{"ASALAB_SECRET=" + secret}, nil},
		{"--secret-file", nil, []string{"--secret-file", secretFile}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			daemonEnv = tc.env
			defer func() { daemonEnv = nil }()
			dataDir := usedDataDir(t, 1, tc.extra...)
			if _, err := os.Stat(filepath.Join(dataDir, "lab.secret")); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("lab.secret with the secret given by %s: %v", tc.name, err)
			}
			d := startDaemon(t, headendd, dataDir, tc.extra...)
			if got := hostnames(t, headendctl, d); !slices.Equal(got, []string{"asa1"}) {
				t.Errorf("headends after a restart: %v", got)
			}
			d.term()
			daemonEnv = nil
			log := startFails(t, headendd, dataDir)
			wantLog(t, log, "data dir "+dataDir+" was used with the lab secret given by "+tc.name+", and neither ASALAB_SECRET nor --secret-file is given now")
		})
	}
}

// A data dir used with one secret refuses another, wherever each comes
// from: the keys issued under the first would all be invalid.
func TestEndToEndDataDirSecretChanged(t *testing.T) {
	headendd, headendctl := buildBinaries(t)
	secret := hex.EncodeToString([]byte("e2e-first-secret-0123456789abcde"))
	other := "ASALAB_SECRET=" + hex.EncodeToString([]byte("e2e-other-secret-0123456789abcde"))
	for _, tc := range []struct {
		name, from string
		env        []string // of the first start
	}{
		{"ASALAB_SECRET then another", "ASALAB_SECRET", []string{"ASALAB_SECRET=" + secret}},
		{"lab.secret then ASALAB_SECRET", "lab.secret", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			daemonEnv = tc.env
			defer func() { daemonEnv = nil }()
			dataDir := usedDataDir(t, 1)
			marker, _ := os.ReadFile(filepath.Join(dataDir, "asalab-datadir.json"))
			daemonEnv = []string{other}
			log := startFails(t, headendd, dataDir)
			wantLog(t, log, "data dir "+dataDir+": the lab secret given by ASALAB_SECRET is not the one the lab used before: every issued activation key would become invalid",
				"(last given by "+tc.from+")")
			if now, _ := os.ReadFile(filepath.Join(dataDir, "asalab-datadir.json")); !bytes.Equal(now, marker) {
				t.Errorf("a refused start changed the marker: %s, was %s", now, marker)
			}
			// Started over on purpose: without the marker, the new secret
			// is taken and kept.
			if err := os.Remove(filepath.Join(dataDir, "asalab-datadir.json")); err != nil {
				t.Fatal(err)
			}
			d := startDaemon(t, headendd, dataDir)
			if got := hostnames(t, headendctl, d); !slices.Equal(got, []string{"asa1"}) {
				t.Errorf("headends after starting over: %v", got)
			}
			d.term()
		})
	}
}

func TestEndToEndDataDirInUse(t *testing.T) {
	headendd, _ := buildBinaries(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	d := startDaemon(t, headendd, dataDir)
	log := startFails(t, headendd, dataDir)
	wantLog(t, log, "data dir "+dataDir+" is in use by another headendd (pebble LOCK held)")
	d.term()
	if d.waitErr != nil {
		t.Errorf("the first daemon: %v\n%s", d.waitErr, d.log)
	}
}

// Acknowledged creates are in the write-ahead log when the daemon is
// killed; a byte changed in one makes the daemon refuse to start, saying
// what would be lost, until --accept-data-loss.
func TestEndToEndDataDirWALDamaged(t *testing.T) {
	headendd, headendctl := buildBinaries(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	d := startDaemon(t, headendd, dataDir)
	for i := 1; i <= 3; i++ {
		mustCtl(t, headendctl, "--addr", d.grpc, "create", "--model", "ASA5525",
			"--hostname", fmt.Sprintf("asa%d", i), "--serial", fmt.Sprintf("FCH1947V%03d", i))
	}
	d.kill()
	logs, _ := filepath.Glob(filepath.Join(dataDir, "store", "*.log"))
	slices.Sort(logs)
	wal := logs[len(logs)-1]
	b, err := os.ReadFile(wal)
	if err != nil {
		t.Fatal(err)
	}
	// Damage asa2's create: it and asa3's after it are lost.
	i := bytes.Index(b, []byte("asa2"))
	if i < 0 {
		t.Fatalf("asa2 is not in %s", wal)
	}
	b[i+3] = '9'
	if err := os.WriteFile(wal, b, 0o600); err != nil {
		t.Fatal(err)
	}
	log := startFails(t, headendd, dataDir)
	wantLog(t, log, "write-ahead log is damaged", filepath.Base(wal)+": the records from offset",
		"(a record there fails its checksum); they hold 2 write(s): set headend id 2 of lab default, set event 3 of lab default; "+
			"set headend id 3 of lab default, set event 4 of lab default",
		"Start with --accept-data-loss to open the store without them")

	d = startDaemon(t, headendd, dataDir, "--accept-data-loss")
	wantLog(t, d.log.String(), `"level":"error"`, `"msg":"store write-ahead log damaged: its end is dropped"`, `"writes_lost":2`)
	if got := hostnames(t, headendctl, d); !slices.Equal(got, []string{"asa1"}) {
		t.Errorf("headends after --accept-data-loss: %v, want asa1", got)
	}
	d.term()
	// What is left starts without the flag.
	d = startDaemon(t, headendd, dataDir)
	if got := hostnames(t, headendctl, d); !slices.Equal(got, []string{"asa1"}) {
		t.Errorf("headends after a restart: %v", got)
	}
}

// A byte changed in the middle of the store's current MANIFEST makes the
// daemon refuse to start, naming the file, until --accept-data-loss.
func TestEndToEndDataDirManifestDamaged(t *testing.T) {
	headendd, _ := buildBinaries(t)
	dataDir := usedDataDir(t, 1)
	d := startDaemon(t, headendd, dataDir) // a second start: a MANIFEST of several records
	d.term()
	markers, _ := filepath.Glob(filepath.Join(dataDir, "store", "marker.manifest.*"))
	slices.Sort(markers)
	if len(markers) == 0 {
		t.Fatal("no marker.manifest.* file")
	}
	m := filepath.Join(dataDir, "store", filepath.Base(markers[len(markers)-1])[strings.Index(filepath.Base(markers[len(markers)-1]), "MANIFEST-"):])
	b, err := os.ReadFile(m)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x40
	if err := os.WriteFile(m, b, 0o600); err != nil {
		t.Fatal(err)
	}
	log := startFails(t, headendd, dataDir)
	wantLog(t, log, "the store's MANIFEST is damaged", m+": the records from offset", "(a record there fails its checksum)",
		"Restore the store from a backup, or start with --accept-data-loss")

	d = startDaemon(t, headendd, dataDir, "--accept-data-loss")
	wantLog(t, d.log.String(), `"msg":"store MANIFEST damaged: the tables listed at its end are dropped"`)
	d.term()
}
