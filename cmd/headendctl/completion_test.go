package main

import (
	"net"
	"strings"
	"testing"
	"time"
)

// TestCallTimeout: --call-timeout bounds each call, so that the
// completion's questions to a daemon that accepts and never answers end
// at once instead of after the default 30 s.
func TestCallTimeout(t *testing.T) {
	useConfig(t)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer lis.Close()
	go func() {
		for {
			c, err := lis.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, silent, until the test ends
		}
	}()
	began := time.Now()
	code, _, stderr := ctl("--addr", lis.Addr().String(), "--call-timeout", "100ms", "list")
	if code != 1 || !strings.Contains(stderr, "DeadlineExceeded") || time.Since(began) > 10*time.Second {
		t.Errorf("--call-timeout 100ms list: exit %d after %v, %q", code, time.Since(began), stderr)
	}
	for _, v := range []string{"0s", "-1s", "soon"} {
		if code, _, stderr := ctl("--call-timeout", v, "list"); code != 2 || !strings.Contains(stderr, "call-timeout") {
			t.Errorf("--call-timeout %s: exit %d, %q", v, code, stderr)
		}
	}
}
