package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pytestHint says how to get what the pytest plugin's tests need.
const pytestHint = "run .ci/run as root, or: apt-get install python3-pytest python3-netmiko"

// TestEndToEndPytestPlugin runs the pytest plugin's own tests (python/tests) with
// Debian's pytest against the headendd and headendctl of this tree, found
// as a user's suite finds them: ASALAB_HEADENDD, and headendctl beside it.
// Netmiko missing fails, as the SSH client tests do; python3-pytest missing
// fails in CI (CI=true: a skipped test would hide that the plugin went
// untested) and skips elsewhere.
func TestEndToEndPytestPlugin(t *testing.T) {
	if out, err := exec.Command(debianPython, "-c", "import pytest").CombinedOutput(); err != nil {
		msg := fmt.Sprintf("pytest is not installed for %s (%v: %s); %s", debianPython, err, strings.TrimSpace(string(out)), pytestHint)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		// Outside CI a developer without python3-pytest still runs the
		// rest; msg says which package to install.
		t.Skip(msg)
	}
	if out, err := exec.Command(debianPython, "-c", "import netmiko").CombinedOutput(); err != nil {
		t.Fatalf("Netmiko is not installed for %s (%v: %s); %s", debianPython, err, strings.TrimSpace(string(out)), pytestHint)
	}
	headendd, _ := buildBinaries(t)
	pyDir, err := filepath.Abs("../../python")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	env := clientEnv(filepath.Join(dir, "home"))
	env = append(env, "PYTHONPATH="+pyDir, "ASALAB_HEADENDD="+headendd, "PYTHONDONTWRITEBYTECODE=1")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// -p no:cacheprovider: nothing written into the tree; --basetemp: the
	// daemons' data dirs go where the test cleans up.
	cmd := exec.CommandContext(ctx, debianPython, "-m", "pytest", "-p", "pytest_asalab", "-p", "no:cacheprovider",
		"--basetemp", filepath.Join(dir, "pytest"), "-rfEs", "-q", filepath.Join(pyDir, "tests"))
	cmd.Dir, cmd.Env = pyDir, env
	start := time.Now()
	out, err := cmd.CombinedOutput()
	t.Logf("pytest took %s", time.Since(start).Round(time.Millisecond))
	if err != nil {
		t.Fatalf("pytest %v:\n%s", err, out)
	}
	// Netmiko was found (checked above), so nothing of the suite may skip.
	if strings.Contains(string(out), "SKIPPED") {
		t.Errorf("pytest skipped tests:\n%s", out)
	}
	t.Logf("%s", out)
}

// TestPytestPluginWithoutPytest runs TestEndToEndPytestPlugin in this test
// binary with an `import pytest` that fails, as on a machine without
// python3-pytest: in CI it must fail, not skip, and say how to install it.
func TestPytestPluginWithoutPytest(t *testing.T) {
	shadow := t.TempDir()
	if err := os.WriteFile(filepath.Join(shadow, "pytest.py"), []byte("raise ImportError('no pytest here')\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, ci := range []string{"true", ""} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestEndToEndPytestPlugin$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), "PYTHONPATH="+shadow, "CI="+ci)
		out, err := cmd.CombinedOutput()
		switch {
		case ci == "true" && (err == nil || !strings.Contains(string(out), "--- FAIL: TestEndToEndPytestPlugin")):
			t.Errorf("CI=true: want a failure (%v):\n%s", err, out)
		case ci == "" && (err != nil || !strings.Contains(string(out), "--- SKIP: TestEndToEndPytestPlugin")):
			t.Errorf("CI unset: want a skip (%v):\n%s", err, out)
		}
		if !strings.Contains(string(out), "apt-get install python3-pytest") {
			t.Errorf("CI=%q: the message does not say how to install pytest:\n%s", ci, out)
		}
	}
}
