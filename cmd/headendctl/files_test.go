package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestFileAndUDIUsage: put, get-file and portal register with a UDI refuse
// a malformed command line, or a file too large to put, before anything
// is sent (the address has no daemon).
func TestFileAndUDIUsage(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.bin")
	if err := os.WriteFile(big, make([]byte, maxFileBytes+1), 0o644); err != nil {
		t.Fatal(err)
	}
	register := "usage: portal register --pak PAK --serial S [--migrate] | portal register --pak PAK --udi PID:SN --out FILE"
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"put", "r1", "flash:a.lic"}, 2, "usage: put HOSTNAME flash:NAME FILE"},
		{[]string{"put", "r1", "flash:a.lic", filepath.Join(dir, "none.lic")}, 1,
			"stat " + filepath.Join(dir, "none.lic") + ": no such file or directory"},
		{[]string{"put", "r1", "flash:a.lic", dir}, 1, dir + " is not a regular file"},
		{[]string{"put", "r1", "flash:big.bin", big}, 1, big + " is 1048577 bytes; a headend's flash takes files of at most 1048576"},
		{[]string{"get-file", "r1"}, 2, "usage: get-file HOSTNAME flash:NAME [--out FILE]"},
		{[]string{"portal", "register", "--pak", "P", "--udi", "CISCO2911/K9:FTX1628838P"}, 2, register},
		{[]string{"portal", "register", "--pak", "P", "--out", "x.lic"}, 2, register},
		{[]string{"portal", "register", "--pak", "P", "--udi", "CISCO2911/K9:FTX1628838P", "--out", "x.lic", "--serial", "FTX1628838P"}, 2, register},
	} {
		var stdout, stderr bytes.Buffer
		code := run(append([]string{"--addr", "127.0.0.1:1"}, c.args...), &stdout, &stderr)
		if got, want := stderr.String(), "headendctl: "+c.want+"\n"; code != c.code || got != want {
			t.Errorf("%q: exit %d\n got %q\nwant %q (exit %d)", c.args, code, got, want, c.code)
		}
	}
}
