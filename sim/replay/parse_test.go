package replay

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// TestParseNetmikoLog: a Netmiko session log of an ASA (login in user
// EXEC, enable, terminal pager 0, terminal width 511 in configuration
// mode, a command, the prompt it ends on), with CR LF line ends and a
// pager remnant, gives the commands typed and their outputs.
func TestParseNetmikoLog(t *testing.T) {
	log := strings.Join([]string{
		"",
		"Type help or '?' for a list of available commands.",
		"asa1> ",
		"asa1> enable",
		"Password: ********",
		"asa1# terminal pager 0",
		"asa1# ",
		"asa1# configure terminal",
		"asa1(config)# terminal width 511",
		"asa1(config)# end",
		"asa1# show inventory",
		`Name: "Chassis", DESCR: "ASA 5515-X with SW, 6 GE Data, 1 GE Mgmt, AC"`,
		"PID: ASA5515           , VID: V03     , SN: FTX1930101U",
		"<--- More --->\r              \r",
		`Name: "power supply", DESCR: "ASA/IPS 180W AC Power Supply"`,
		"PID: ASA-180W-PWR-AC   , VID: V01     , SN: DTN111381AC",
		"asa1# show clock",
		"12:00:00.000 UTC Fri Nov 27 2026",
		"asa1# ",
	}, "\r\n")
	tr, err := Parse(log)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Host != "asa1" || tr.StartMode != ">" {
		t.Errorf("host %q, start mode %q", tr.Host, tr.StartMode)
	}
	type cmd struct {
		Line          int
		Prompt, Input string
		Expected      []string
		NextMode      string
	}
	var got []cmd
	for _, c := range tr.Commands {
		got = append(got, cmd{c.Line, c.Prompt, c.Input, c.Expected, c.NextMode})
	}
	want := []cmd{
		{4, "asa1>", "enable", []string{"Password: ********"}, "#"},
		{6, "asa1#", "terminal pager 0", nil, "#"},
		{8, "asa1#", "configure terminal", nil, "(config)#"},
		{9, "asa1(config)#", "terminal width 511", nil, "(config)#"},
		{10, "asa1(config)#", "end", nil, "#"},
		{11, "asa1#", "show inventory", []string{
			`Name: "Chassis", DESCR: "ASA 5515-X with SW, 6 GE Data, 1 GE Mgmt, AC"`,
			"PID: ASA5515           , VID: V03     , SN: FTX1930101U",
			`Name: "power supply", DESCR: "ASA/IPS 180W AC Power Supply"`,
			"PID: ASA-180W-PWR-AC   , VID: V01     , SN: DTN111381AC",
		}, "#"},
		// Its line number counts the pager's line, which is dropped.
		{17, "asa1#", "show clock", []string{"12:00:00.000 UTC Fri Nov 27 2026"}, "#"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("commands:\n got %#v\nwant %#v", got, want)
	}
}

// TestParseForms: prompt parts, pager remnants, backspaces, escape
// sequences, a renamed host, and output lines that look like another
// device's prompt.
func TestParseForms(t *testing.T) {
	text := "asa1/pri/act# show clock\n" +
		"\x1b[K12:00:00.000 UTC Fri Nov 27 2026\n" +
		"asa1/pri/act# configure terminal\n" +
		"asa1/pri/act(config)# hostname fw2\n" +
		"fw2/pri/act(config)# show run banner\n" +
		"banner motd other>\n" +
		"<--- More ---> banner motd x\n" +
		"abcd\b\b\bxy\n" +
		"fw2/pri/act(config)# exit\n" +
		"fw2/pri/act# "
	tr, err := Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	var inputs []string
	for _, c := range tr.Commands {
		inputs = append(inputs, c.Input)
	}
	if want := []string{"show clock", "configure terminal", "hostname fw2", "show run banner", "exit"}; !reflect.DeepEqual(inputs, want) {
		t.Fatalf("inputs %q, want %q", inputs, want)
	}
	if got := tr.Commands[0].Expected; !reflect.DeepEqual(got, []string{"12:00:00.000 UTC Fri Nov 27 2026"}) {
		t.Errorf("show clock: %q", got)
	}
	if got, want := tr.Commands[3].Expected, []string{"banner motd other>", "banner motd x", "axyd"}; !reflect.DeepEqual(got, want) {
		t.Errorf("show run banner: %q, want %q", got, want)
	}
	if c := tr.Commands[2]; c.NextMode != "(config)#" || c.NextPrompt != "fw2/pri/act(config)#" || c.Prompt != "asa1/pri/act(config)#" {
		t.Errorf("hostname: %+v", tr.Commands[2])
	}
}

// TestParseRefuses: text without a prompt line, and a capture that starts
// in a configuration sub-mode.
func TestParseRefuses(t *testing.T) {
	for _, text := range []string{"", "Cisco Adaptive Security Appliance Software Version 9.14(4)\nasa1 up 3 days\n", "Password: \n"} {
		if _, err := Parse(text); !errors.Is(err, ErrNoPrompt) {
			t.Errorf("%q: err = %v, want ErrNoPrompt", text, err)
		}
	}
	_, err := Parse("asa1(config-if)# nameif inside\nasa1(config-if)# ")
	if !errors.Is(err, ErrStartMode) || !strings.Contains(err.Error(), "asa1(config-if)#") {
		t.Errorf("sub-mode: err = %v", err)
	}
	if tr, err := Parse("asa1(config)# show run hostname\nhostname asa1\n"); err != nil || tr.StartMode != "(config)#" {
		t.Errorf("config: %+v, %v", tr, err)
	}
}

// A bare output replays as the output of the command given, at a
// privileged prompt of the headend; a transcript given a command is
// refused, naming its prompt line.
func TestFromOutput(t *testing.T) {
	out := "\nCisco Adaptive Security Appliance Software Version 9.9(2)32\nasa1 up 2 days\n"
	text, err := FromOutput("tw3", "show version", out)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Commands) != 1 || tr.Host != "tw3" || tr.Commands[0].Input != "show version" || tr.Commands[0].Line != 1 ||
		strings.Join(tr.Commands[0].Expected, "\n") != strings.TrimSuffix(out, "\n") {
		t.Errorf("transcript %+v", tr)
	}
	_, err = FromOutput("tw3", "show version", "x\nasa1# show version\nCisco Adaptive Security Appliance\n")
	if !errors.Is(err, ErrNotBareOutput) || !strings.Contains(err.Error(), "line 2 is a prompt line (asa1# show version)") {
		t.Errorf("a transcript with a command: %v", err)
	}
	for _, cmd := range []string{"", "  ", "show version\nreload"} {
		if _, err := FromOutput("tw3", cmd, out); !errors.Is(err, ErrNotBareOutput) {
			t.Errorf("command %q: %v", cmd, err)
		}
	}
}
