package sshd

import (
	"fmt"
	"strings"
	"testing"
)

// TestSameInterpreterAsExec: the console over SSH and over the gRPC Exec
// call is one interpreter. The same lines, typed into an SSH shell after
// enable and sent through Lab.Exec to an identical headend of another lab,
// print the same transcript once the terminal's CR LF line ends are
// normalised (the shell echoes what is typed, Exec echoes each line).
func TestSameInterpreterAsExec(t *testing.T) {
	lines := []string{
		"terminal pager 0",
		"show version",
		"show activation-key",
		"show curpriv",
		"configure terminal",
		"hostname edge1",
		"webvpn",
		"no anyconnect-essentials",
		// A hashed password, so that both configurations (and their
		// Cryptochecksums) are the same.
		"username bob password $sha512$5000$emJvYi1zYWx0LTAwMDIuLg==$h0Gu5DBPSquffbn0QVxFpw== pbkdf2 privilege 5",
		"show running-config webvpn",
		"end",
		"show running-config",
		"sh run | include checksum:",
		"write memory",
		"show startup-config | include username|anyconnect",
		"copy running-config startup-config",
		"",
		"",
		"nosuch command",
		"show activation-keys",
		"conf t",
		"hostname",
		"exit",
		"more system:running-config | include ^username",
		"login",
		"bob",
		"s3cret",
		"show curpriv",
		"changeto system",
		"exit",
	}

	sshLab := newTestLab(t, Options{}, 0)
	addr := sshLab.create("asa1", "FCH1947V0GY")
	sh := enabledShell(t, addr)
	// Everything typed at once: the terminal takes it as type-ahead.
	sh.send(strings.Join(lines, "\r") + "\r")
	overSSH := "asa1# " + strings.ReplaceAll(sh.closedByServer(), "\r\n", "\n")

	execLab := newTestLab(t, Options{}, 0)
	execLab.create("asa1", "FCH1947V0GY")
	res, err := execLab.lab.Exec("asa1", lines)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Closed {
		t.Fatal("the Exec session did not end with exit")
	}
	if overSSH != res.Transcript {
		t.Errorf("SSH and Exec differ:\n%s", lineDiff(overSSH, res.Transcript))
	}
	for _, want := range []string{"edge1(config)# show running-config webvpn\nwebvpn\n no anyconnect-essentials\n",
		"Username : bob\nCurrent privilege level : 5\n", "[OK]\n"} {
		if !strings.Contains(overSSH, want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
}

func lineDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n ssh: %q\nexec: %q", i+1, x, y)
		}
	}
	return ""
}
