package main

import (
	"bytes"
	"testing"
	"time"
)

// TestNumbersOutOfRange: a number its field cannot hold is a usage error
// before anything is sent, not a wrapped value. The address has no daemon:
// a command that got as far as dialing would fail differently.
func TestNumbersOutOfRange(t *testing.T) {
	order := []string{"portal", "order", "--sku", "L-AC-PLS-LIC=", "--customer", "Acme Corp"}
	for _, c := range []struct {
		args []string
		want string
	}{
		{append(order, "--users", "4294967396"),
			`portal order: invalid value "4294967396" for flag -users: want a whole number from 0 to 2147483647`},
		{append(order, "--users", "2147483648"),
			`portal order: invalid value "2147483648" for flag -users: want a whole number from 0 to 2147483647`},
		{append(order, "--months", "-12"),
			`portal order: invalid value "-12" for flag -months: want a whole number from 0 to 2147483647`},
		{append(order, "--size", "1e3"),
			`portal order: invalid value "1e3" for flag -size: want a whole number from 0 to 2147483647`},
		{append(order, "--quantity", "99999999999999999999"),
			`portal order: invalid value "99999999999999999999" for flag -quantity: want a whole number from 0 to 2147483647`},
		{[]string{"keygen", "--serial", "FCH1947V0GY", "--days", "4294967326", "premium=25"},
			`keygen: invalid value "4294967326" for flag -days: want a whole number from 0 to 1023`},
		{[]string{"keygen", "--serial", "FCH1947V0GY", "--days", "30", "--nonce", "16", "premium=25"},
			`keygen: invalid value "16" for flag -nonce: want a whole number from -1 to 15`},
		{[]string{"release", "asa1", "18446744073709551616"},
			`release: SESSION must be the number admit printed`},
		{[]string{"clock", "advance", "106752d"},
			`clock advance: DURATION must be like 90m, 36h or 30d`},
	} {
		var stdout, stderr bytes.Buffer
		code := run(append([]string{"--addr", "127.0.0.1:1"}, c.args...), &stdout, &stderr)
		if got, want := stderr.String(), "headendctl: "+c.want+"\n"; code != 2 || got != want {
			t.Errorf("%q: exit %d\n got %q\nwant %q", c.args, code, got, want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"90m": 90 * time.Minute, "36h": 36 * time.Hour, "30d": 30 * 24 * time.Hour, "106751d": 106751 * 24 * time.Hour,
	} {
		if got, err := parseDuration(in); err != nil || got != want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"106752d", "-106752d", "9223372036854775808d", "1.5d", "d", "30x"} {
		if got, err := parseDuration(in); err == nil {
			t.Errorf("parseDuration(%q) = %v, want an error", in, got)
		}
	}
}
