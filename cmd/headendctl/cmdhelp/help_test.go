package cmdhelp

import (
	"strings"
	"testing"
)

// table is a small table of two commands, one with a group of
// subcommands.
func table() *Table {
	return &Table{
		Head:     "usage: headendctl COMMAND\n\n",
		Sections: []string{"Commands:", "Smart:"},
		Commands: []*Command{
			{Name: "reload", Lines: []Line{{"reload H [--save]", "reload H\n(--save: write memory first)"}},
				Hosts: map[string][]int{"": {0}}, Examples: []string{"headendctl reload asa1 --save"}, JSON: "ReloadResponse",
				Flags: map[string][]Flag{"": {{Name: "save", Usage: "write memory first", Default: "false", Switch: true},
					{Name: "o", Type: "string", Usage: "output", Default: "text"}}}},
			{Name: "smart", Section: 1, Lines: []Line{
				{"smart token create --account A [--days N]", "an ID token"},
				{"smart token revoke T", "revoke an ID token"},
				{"smart usage --account A with a synopsis longer than the column", "per tag"}},
				Subs:     []string{"token create", "token revoke", "usage"},
				Examples: []string{"headendctl smart token create --account Acme", "headendctl smart usage --account Acme"},
				JSON:     "CreateTokenResponse, RevokeTokenResponse or GetUsageResponse", Exit: "1 if the account has none",
				Flags: map[string][]Flag{"": {}, "token create": {{Name: "account", Type: "string", Usage: "the account"},
					{Name: "days", Type: "int", Usage: "days", Default: "30"}}, "token revoke": {}}},
		},
		Meta:        []*Command{{Name: "help", Lines: []Line{{"help [COMMAND]", "this usage"}}, JSON: "not taken"}},
		References:  []Reference{{"Tags: ASAv-STD-1G", []string{"smart"}}},
		ExitStatus:  "Exit status: 0 done\n",
		GlobalFlags: "Global flags: --addr",
		ValueFlags:  []string{"--addr", "-o"}, BoolFlags: []string{"--tls"},
		Kinds: []string{"anyconnect"}, EventKinds: []string{"reloaded"},
	}
}

// TestUsage: the commands' lines by section, their texts from column 47
// (on the next line after a longer synopsis), help's lines closing the
// first section, the references, the exit status.
func TestUsage(t *testing.T) {
	want := "usage: headendctl COMMAND\n\n" +
		"Commands:\n" +
		"  reload H [--save]                            reload H\n" +
		"                                               (--save: write memory first)\n" +
		"  help [COMMAND]                               this usage\n" +
		"\nSmart:\n" +
		"  smart token create --account A [--days N]    an ID token\n" +
		"  smart token revoke T                         revoke an ID token\n" +
		"  smart usage --account A with a synopsis longer than the column\n" +
		"                                               per tag\n" +
		"\nTags: ASAv-STD-1G\n" +
		"\nExit status: 0 done\n"
	if got := table().Usage(); got != want {
		t.Errorf("Usage:\n%s\nwant\n%s", got, want)
	}
}

// TestPage: a command's page, a subcommand's (its lines, flags and
// examples alone) and a group's (its subcommands, no flags).
func TestPage(t *testing.T) {
	tb := table()
	for _, c := range []struct {
		cmd  string
		args []string
		want string
	}{
		{"reload", nil, "usage: headendctl [GLOBAL FLAGS] reload H [--save]\n\n  reload H\n  (--save: write memory first)\n" +
			"\nFlags:\n  --save\n        write memory first\n  -o string\n        output (default text)\n" +
			"\nExamples:\n  headendctl reload asa1 --save\n\n-o json: ReloadResponse.\n\nExit status: 0 done\n\nGlobal flags: --addr\n"},
		{"smart", []string{"token", "create", "--account"}, "usage: headendctl [GLOBAL FLAGS] smart token create --account A [--days N]\n\n  an ID token\n" +
			"\nFlags:\n  --account string\n        the account\n  --days int\n        days (default 30)\n" +
			"\nExamples:\n  headendctl smart token create --account Acme\n" +
			"\n-o json: CreateTokenResponse, RevokeTokenResponse or GetUsageResponse.\n\nTags: ASAv-STD-1G\n" +
			"\nExit status of smart: 1 if the account has none; otherwise as for every command:\nExit status: 0 done\n\nGlobal flags: --addr\n"},
		{"smart", []string{"token"}, "usage: headendctl [GLOBAL FLAGS] smart token create --account A [--days N]\n" +
			"       headendctl [GLOBAL FLAGS] smart token revoke T\n\n  an ID token\n\n  revoke an ID token\n" +
			"\nSubcommands: token create, token revoke (headendctl help smart token SUBCOMMAND)\n" +
			"\nExamples:\n  headendctl smart token create --account Acme\n" +
			"\n-o json: CreateTokenResponse, RevokeTokenResponse or GetUsageResponse.\n\nTags: ASAv-STD-1G\n" +
			"\nExit status of smart: 1 if the account has none; otherwise as for every command:\nExit status: 0 done\n\nGlobal flags: --addr\n"},
	} {
		cmd := tb.Find(c.cmd)
		if got := tb.Page(cmd, Subcommand(cmd, c.args)); got != c.want {
			t.Errorf("page of %s %q:\n%s\nwant\n%s", c.cmd, c.args, got, c.want)
		}
	}
	if tb.Find("help") != nil || tb.Find("nosuch") != nil {
		t.Error("Find found help or nosuch")
	}
}

func TestSubcommand(t *testing.T) {
	cmd := table().Commands[1]
	for args, want := range map[string]string{
		"token create x": "token create", "token revoke": "token revoke", "token": "token", "token nosuch": "token",
		"usage --account A": "usage", "": "", "nosuch": "", "--help": "",
	} {
		if got := Subcommand(cmd, strings.Fields(args)); got != want {
			t.Errorf("Subcommand(%q) = %q, want %q", args, got, want)
		}
	}
}

// TestFlagName: help and completion write a one-letter flag as -f (apply
// -f FILE), the others as --name.
func TestFlagName(t *testing.T) {
	for in, want := range map[string]string{"f": "-f", "o": "-o", "dry-run": "--dry-run", "save": "--save"} {
		if got := FlagName(in); got != want {
			t.Errorf("FlagName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestBashCompletionTables: the script's tables hold the commands, the
// subcommands by first word, the flags of each path that takes any
// (those taking a value end in "="), the hostname positions and the
// kinds. main's TestBashCompletion runs the script in bash.
func TestBashCompletionTables(t *testing.T) {
	script := table().BashCompletion()
	for _, want := range []string{
		"\n_headendctl_commands=\"reload smart help completion\"\n",
		"\n_headendctl_globals=\"--addr -o\"\n_headendctl_globalbools=\"--tls\"\n_headendctl_timeout=\"2s\"\n",
		"\n  [\"smart\"]=\"token usage\"\n", "\n  [\"smart token\"]=\"create revoke\"\n",
		"\n  [help]=\"reload smart\"\n  [completion]=\"bash\"\n)\n",
		"\n  [\"reload\"]=\"--save -o=\"\n", "\n  [\"smart\"]=\"\"\n", "\n  [\"smart token create\"]=\"--account= --days=\"\n",
		"\n  [\"smart token revoke\"]=\"\"\n",
		"\ndeclare -gA _headendctl_hosts=(\n  [\"reload\"]=\"0\"\n)\n",
		"\n_headendctl_kinds=\"anyconnect\"\n_headendctl_eventkinds=\"reloaded\"\n",
		"\ncomplete -o bashdefault -o default -F _headendctl headendctl\n",
	} {
		if !strings.Contains(script, want) {
			t.Errorf("the script lacks %q", want)
		}
	}
	if strings.Contains(script, `["smart usage"]=`) {
		t.Error("the script lists flags of smart usage, which takes none")
	}
}
