package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/asalab/asalab/cmd/headendctl/cmdhelp"
)

// command is one headendctl command: the one table from which run
// dispatches and the usage, each command's help and the bash completion
// are made.
type command struct {
	name    string
	section int         // index in sections
	lines   []usageLine // the usage's lines of the command, in order
	// subs are the subcommands (one or two words: "token create"), for
	// help and completion.
	subs []string
	// hosts are the positions (from 0, after the command and its
	// subcommand) of the arguments that name a headend, for completion.
	hosts    map[string][]int
	examples []string
	// json says what -o json prints.
	json string
	// exit says what the exit status means where it is not the rule
	// the usage gives.
	exit string
	// run is the handler. It must parse its flags with subflags before
	// it sends or writes anything: help and completion read a command's
	// flags by running it with --help (flagsOf).
	run func(c *cli, args []string) error
}

// usageLine is a synopsis and what it does (lines joined by "\n").
type usageLine struct{ synopsis, text string }

var sections = []string{
	"Commands:",
	"Training scenarios (in an empty lab, whose clock becomes simulated):",
	"The licensing portal:",
	"The Smart Software Manager (ASAv Smart Licensing):",
	"Labs (isolated sets of headends, each with its own clock, portal, Smart Software\n" +
		"Manager, event log, SSH ports and tokens; the lab \"default\" always exists):",
	"Contexts (named connection settings, like kubectl's; the file is $ASALAB_CONFIG,\n" +
		"else $XDG_CONFIG_HOME/asalab/config.json, else ~/.config/asalab/config.json, mode 0600):",
}

// references are the word lists the usage ends with; a command's help
// shows those naming it.
var references = []struct {
	text     string
	commands []string
}{
	{`Smart tags: ASAv-STD-100M, ASAv-STD-1G, ASAv-STD-2G, ASAv-STD-10G, ASAv-STD-20G,
"AnyConnect Plus", "AnyConnect Apex", "AnyConnect VPN Only"`, []string{"smart"}},
	{`SKUs: L-AC-PLS-LIC=, L-AC-APX-LIC= (--users, --months 12-60, --start up to 60 days ahead),
L-AC-PLS-P-G (--users), L-AC-VPNO-<n>= (n: 25 50 100 250 500 750 1000 2500 5000 10000),
retired: L-ASA-SSL-<n>=, L-ASA-AC-E=, L-ASA-AC-M=, L-ASA-SSL-SHR-SRV-<n>=, L-ASA-SSL-SHR-PRT=,
L-ASA-SEC-PL=, L-ASA-SSL-TB-<n>= (--months 1-12)
IOS (portal register --udi): FL-SSLVPN10-K9, FL-SSLVPN25-K9, FL-SSLVPN100-K9 (SSL VPN seats),
SL-19-SEC-K9, SL-29-SEC-K9, SL-39-SEC-K9 (securityk9), SL-29-UC-K9, SL-39-UC-K9, SL-19-DATA-K9,
SL-29-DATA-K9, SL-39-DATA-K9`, []string{"portal"}},
	{`Features: sec-plus, 3des, failover=active-standby|active-active, contexts=N, vlans=N, premium=N,
essentials, mobile, phone, aea, shared-participant, shared-server=N, botnet, carrier, cluster,
tls-proxy=N, plus-apex, vpn-only=N`, []string{"keygen"}},
}

const usageHead = `usage: headendctl [--context NAME] [--addr HOST:PORT] [--lab NAME] [-o text|json] [--token T] [--ca FILE | --tls] [--insecure] [--call-timeout D] COMMAND [ARGS]

--addr defaults to $ASALAB_ADDR, then the context's (config use-context), then 127.0.0.1:50051;
--token to $ASALAB_TOKEN, then the context's, and --lab to the context's, but only when the
address is the context's own. --ca FILE or --tls: TLS (the CA in FILE, or the system's);
--insecure: send a token in plaintext to an address that is not loopback.
--call-timeout D: give up a call the daemon has not answered in D (default 30s, or the
command's own: wait --timeout, scenario start and reset 5m; events --follow is not bounded).
-o json (or --output json), before or after the command: one JSON document on
stdout, the daemon's response with proto JSON names and every field present
(headendctl help COMMAND names it); events --follow: one event a line (NDJSON).
Errors go to stderr as text, whatever -o says. help and completion print text only:
-o json with them is a usage error.
headendctl help COMMAND (or COMMAND --help): the command's flags and examples.

`

const exitStatus = `Exit status:
  0  done
  1  the command ran and failed: the daemon refused it or did not answer (a gRPC
     error), a local file did not read or write, keygen refused a feature or
     found no secret, wait saw no daemon in time; exec: a console line answered
     with an error; scenario grade: a goal failed; events --follow: its lab was
     deleted (0 when the daemon stopped or the lab was reset; stderr says which)
  2  a usage error (an unknown command or flag, a missing or malformed argument);
     replay: any error (1 says an output differs)
`

// commands is the table of commands, in the usage's order.
var commands = []*command{
	{name: "wait", lines: []usageLine{{"wait [--timeout D]", "wait until the daemon answers (default 10s), for scripts"}},
		examples: []string{"headendd --data-dir ./lab & headendctl wait --timeout 30s"},
		json:     "the health check's response (grpc.health.v1.HealthCheckResponse): {\"status\": \"SERVING\"}",
		run:      (*cli).wait},
	{name: "create", lines: []usageLine{{"create --model M --hostname H [--serial S] [--username U --password P] [--enable-password E] [--version V]",
		"add a headend (Base license; SSH login admin/admin,\nenable password admin unless given)"}},
		examples: []string{"headendctl create --model ASA5525 --hostname asa1 --serial FCH1947V0GY",
			"headendctl -o json create --model ASAv30 --hostname asav1"},
		json: "CreateHeadendResponse", run: (*cli).create},
	{name: "twin", lines: []usageLine{{"twin [--hostname H] --from FILE [--activation-key FILE]",
		"add the twin of a real ASA 5500/5500-X from its captured\nshow version (and show activation-key): its model, release,\n" +
			"serial, hostname and licensed features (keys of the lab);\n\"note:\" lines on stderr name the capture's lines the twin\n" +
			"prints otherwise (a unit of a failover pair, an indented block)"}},
		examples: []string{"headendctl twin --from fw1-show-version.txt --activation-key fw1-show-activation-key.txt"},
		json:     "CreateTwinResponse (its notes included; none on stderr)", run: (*cli).twin},
	{name: "get", lines: []usageLine{{"get H", "show a headend and its license"}}, hosts: at(""),
		examples: []string{"headendctl get asa1", "headendctl get asa1 -o json"},
		json:     "GetHeadendResponse", run: (*cli).get},
	{name: "list", lines: []usageLine{{"list", "list the headends"}},
		examples: []string{"headendctl list", "headendctl list -o json"},
		json:     "ListHeadendsResponse with every page's headends (next_page_token empty)", run: (*cli).list},
	{name: "delete", lines: []usageLine{{"delete H", "remove a headend"}}, hosts: at(""),
		examples: []string{"headendctl delete asa1"}, json: "DeleteHeadendResponse ({})", run: (*cli).delete},
	{name: "exec", lines: []usageLine{{"exec H 'LINE' ['LINE'...]", "run console lines (privileged mode), print the console;\nexit status 1 if a line answered with an error"}},
		hosts:    at(""),
		examples: []string{"headendctl exec asa1 'show version'", "headendctl exec asa1 'configure terminal' webvpn 'no anyconnect-essentials' end 'write memory'"},
		json:     "ExecResponse (the transcript and each line's output and error flag), also when a line answered with an error",
		exit:     "1 if a console line answered with an error (after the whole transcript is printed)",
		run:      (*cli).exec},
	{name: "install-key", lines: []usageLine{{"install-key H KEY [--deactivate]", "activation-key KEY on H"}}, hosts: at(""),
		examples: []string{"headendctl install-key asa1 \"$(headendctl keygen --serial FCH1947V0GY premium=250)\""},
		json:     "InstallActivationKeyResponse", run: (*cli).installKey},
	{name: "reload", lines: []usageLine{{"reload H [--save]", "reload H (--save: write memory first)"}}, hosts: at(""),
		examples: []string{"headendctl reload asa1 --save"}, json: "ReloadResponse", run: (*cli).reload},
	{name: "put", lines: []usageLine{{"put H flash:NAME FILE", "copy a local file to H's flash (an IOS router's\nlicense file; at most 1 MiB)"}},
		hosts: at(""), examples: []string{"headendctl put r1 flash:FHH1234A0BC_2026.lic r1.lic"},
		json: "PutFileResponse", run: (*cli).put},
	{name: "get-file", lines: []usageLine{{"get-file H flash:NAME [--out FILE]", "a file of H's flash, to stdout or FILE"}}, hosts: at(""),
		examples: []string{"headendctl get-file r1 flash:FHH1234A0BC_2026.lic --out r1.lic"},
		json:     "GetFileResponse (data in base64; with --out the file is written too)", run: (*cli).getFile},
	{name: "rma", lines: []usageLine{{"rma H [--serial S]", "replace H's unit (new serial, keys lost)"}}, hosts: at(""),
		examples: []string{"headendctl rma asa1 --serial FCH2648BCDE"}, json: "ReturnForRepairResponse", run: (*cli).rma},
	{name: "clock", lines: []usageLine{{"clock [set TIME | advance DURATION]", "show or move the lab clock (TIME: RFC 3339; DURATION: 90m, 36h, 30d)"}},
		subs:     []string{"set", "advance"},
		examples: []string{"headendctl clock", "headendctl clock advance 30d", "headendctl clock set 2026-12-01T09:00:00Z"},
		json:     "GetClockResponse, SetClockResponse or AdvanceClockResponse", run: (*cli).clock},
	{name: "link", lines: []usageLine{
		{"link cut A B | link restore A B", "cut every lab network path between headends A and B\n(both ways), or restore it; B smart: A's path to the\n" +
			"lab's Smart Software Manager (a headend named smart\ngoes first: link cut smart B)"},
		{"link list", "list the cut links: A B cut since TIME"}},
		subs: []string{"cut", "restore", "list"}, hosts: map[string][]int{"cut": {0, 1}, "restore": {0, 1}},
		examples: []string{"headendctl link cut asa1 asa2", "headendctl link cut asav1 smart", "headendctl link list"},
		json:     "CutLinkResponse, RestoreLinkResponse or ListLinksResponse", run: (*cli).link},
	{name: "power", lines: []usageLine{{"power off H | power on H", "switch H off (its sessions end; it answers nothing)\nor on (it boots with its saved configuration)"}},
		subs: []string{"off", "on"}, hosts: map[string][]int{"off": {0}, "on": {0}},
		examples: []string{"headendctl power off asa1", "headendctl power on asa1"},
		json:     "PowerOffResponse or PowerOnResponse", run: (*cli).power},
	{name: "platforms", lines: []usageLine{{"platforms", "list the platform catalog"}},
		examples: []string{"headendctl platforms"}, json: "ListPlatformsResponse", run: (*cli).platforms},
	{name: "admit", lines: []usageLine{{"admit H --user U [--device D] --kind K", "admit one VPN connection (K: anyconnect, clientless,\nikev2-third-party, ipsec-ikev1, site-to-site, phone, mobile)"}},
		hosts: at(""), examples: []string{"headendctl admit asa1 --user alice --kind anyconnect"},
		json: "AdmitConnectionResponse (admitted false and the reason when refused)", run: (*cli).admit},
	{name: "release", lines: []usageLine{{"release H SESSION", "end a session"}}, hosts: at(""),
		examples: []string{"headendctl release asa1 1"}, json: "ReleaseConnectionResponse ({})", run: (*cli).release},
	{name: "sessions", lines: []usageLine{{"sessions H", "list the active sessions"}}, hosts: at(""),
		examples: []string{"headendctl sessions asa1"}, json: "ListSessionsResponse with every page's sessions", run: (*cli).sessions},
	{name: "events", lines: []usageLine{{"events [--follow] [--headend H] [--kind K] [--since SEQ]",
		"the lab's event log: SEQ TIME HEADEND KIND SYSLOG | TEXT\n(--follow: go on as events happen; --headend, --kind repeatable)"}},
		examples: []string{"headendctl events --headend asa1 --kind reloaded --kind rma", "headendctl events --follow -o json"},
		json:     "ListEventsResponse with every page's events; with --follow one Event a line (NDJSON), as each happens",
		exit: "--follow ends only when the daemon ends the stream, saying why on stderr (\"the event stream ended: ...\"): " +
			"1 when its lab was deleted, 0 when the daemon stopped or the lab was reset",
		run: (*cli).events},
	{name: "keygen", lines: []usageLine{{"keygen --serial S [--days N] [--nonce N] FEATURE...", "mint a key offline (--data-dir D or --secret-file F)"}},
		examples: []string{"headendctl keygen --data-dir ./data --serial FCH1947V0GY premium=250 mobile",
			"headendctl keygen --serial FCH1947V0GY --days 30 premium=500"},
		json: "an object: lab, serial, activationKey (the five words), features (the key's features as words, \"none\" for none), " +
			"days (0: permanent) and nonce (time-based keys; 0 otherwise)",
		run: (*cli).keygen},
	{name: "replay", lines: []usageLine{{"replay H FILE [--ignore REGEX]... [--command CMD]",
		"run the commands of a transcript captured on a real\ndevice (FILE, - for stdin) on H; print a unified diff\n" +
			"per command whose output differs, then a summary;\nuptime, times, MACs, serials, keys, checksums and\n" +
			"session counters are not compared (--ignore: more);\nexit status 1 if an output differs, 2 on an error;\n" +
			"--command CMD: FILE is CMD's bare output, with no prompt\nline (the show version file twin --from took)"}},
		hosts:    at(""),
		examples: []string{"headendctl replay asa1 asa1-session.txt", "headendctl replay fw1 fw1-show-version.txt --command 'show version'"},
		json:     "ReplayResponse (the diff, differs and the per-command results), also when an output differs",
		exit:     "1 if an output differs; 2 on any error (a malformed command line, an unreadable file, a refused transcript, an unknown headend)",
		run:      (*cli).replay},
	{name: "scenario", section: 1, lines: []usageLine{
		{"scenario list", "the scenarios: NAME TITLE (goals, hints)"},
		{"scenario start NAME", "set the scenario up and start its traffic"},
		{"scenario status", "the scenario, the lab time, its goals now, hints used"},
		{"scenario hint", "the next hint (counted)"},
		{"scenario grade", "one PASS or FAIL line per goal, \"note\" lines (a unit\nreloaded with users on it), \"hints used N\" if any,\n" +
			"then \"score N/M\" as the last line;\nexit status 1 unless every goal passes"},
		{"scenario reset", "start the running scenario over: its headends deleted\nand set up again; the lab's others are kept (named)"},
		{"scenario stop", "end the running scenario: its traffic stops, its\nheadends are deleted, the lab's others kept (named)"}},
		subs:     []string{"list", "start", "status", "hint", "grade", "reset", "stop"},
		examples: []string{"headendctl scenario list", "headendctl scenario start shared-to-plus", "headendctl scenario grade"},
		json: "ListScenariosResponse, StartScenarioResponse, GetScenarioStatusResponse, GetScenarioHintResponse, " +
			"GradeScenarioResponse (also when a goal failed), ResetScenarioResponse or StopScenarioResponse",
		exit: "scenario grade: 1 unless every goal passes",
		run:  (*cli).scenario},
	{name: "portal", section: 2, lines: []usageLine{
		{"portal order --sku SKU [--users N] [--months N] [--start DATE] [--size N] [--quantity N] --customer NAME", "buy one order line; prints its PAK first"},
		{"portal register --pak PAK --serial S [--migrate]", "register a PAK to an ASA; prints the license e-mail\nwith the key (\"S: 0x... 0x... 0x... 0x... 0x...\");\n" +
			"--migrate: a Plus, Apex or VPN Only PAK replaces the\nserial's retired AnyConnect licenses"},
		{"portal register --pak PAK --udi PID:SN --out FILE", "register an IOS PAK (FL-SSLVPN10-K9...) to a router's UDI;\nwrites its license file to FILE"},
		{"portal share --source S --target T", "Share License Process; prints the activation code first"},
		{"portal use-code --code C [--sku SKU|PAK]...", "use an activation code; prints the target's keys"},
		{"portal licenses --serial S", "the licenses and keys registered to a serial"},
		{"portal demo --serial S", "the 4-week Apex demo license (a time-based key)"},
		{"portal rehost --old S --new T", "move a returned unit's licenses to its replacement (RMA)"},
		{"portal compliance [--customer NAME]", "honor-system report: users bought vs users seen"}},
		subs: []string{"order", "register", "share", "use-code", "licenses", "demo", "rehost", "compliance"},
		examples: []string{"headendctl portal order --sku L-AC-PLS-LIC= --users 100 --months 12 --customer 'Acme Corp'",
			"headendctl portal register --pak \"$PAK\" --serial FCH1947V0GY"},
		json: "the portal's response: PlaceOrderResponse, RegisterPakResponse (with --out the file is written too), " +
			"GetActivationCodeResponse, UseActivationCodeResponse, ListLicensesResponse, RequestDemoLicenseResponse, " +
			"RehostForRmaResponse or GetComplianceReportResponse",
		run: (*cli).portal},
	{name: "smart", section: 3, lines: []usageLine{
		{"smart account create NAME", "a Smart Account with its DEFAULT virtual account"},
		{"smart entitlement add --account A [--virtual-account V] --tag TAG --count N [--ends DATE]", "buy licenses of a tag (DATE: YYYY-MM-DD)"},
		{"smart token create --account A [--virtual-account V] [--days N] [--uses N]", "an ID token (default 30 days, at most 365); prints it first"},
		{"smart token revoke T", "revoke an ID token"},
		{"smart devices --account A", "the registered devices and their authorization state"},
		{"smart usage --account A", "per tag: purchased, in use, balance"},
		{"smart reserve --account A [--virtual-account V] --request CODE [--tag TAG]", "Permanent License Reservation; prints the authorization code first"}},
		subs: []string{"account create", "entitlement add", "token create", "token revoke", "devices", "usage", "reserve"},
		examples: []string{"headendctl smart account create Acme", "headendctl smart entitlement add --account Acme --tag ASAv-STD-1G --count 2",
			"headendctl smart token create --account Acme"},
		json: "the Smart Software Manager's response: CreateAccountResponse, AddEntitlementResponse, CreateTokenResponse, " +
			"RevokeTokenResponse, ListDevicesResponse, GetUsageResponse or ReserveResponse",
		run: (*cli).smart},
	{name: "lab", section: 4, lines: []usageLine{
		{"lab create NAME [--clock sim|real] [--clock-start TIME]", "make an empty lab (default: simulated clock starting at\n" +
			"the machine's time; TIME: RFC 3339); prints its token,\nshown once (admin token only)"},
		{"lab delete NAME", "remove a lab and everything of it (admin token only)"},
		{"lab list", "the labs: NAME HEADENDS CLOCK CREATED (admin token only)"},
		{"lab get [NAME]", "describe a lab (default: --lab, or the token's lab)"},
		{"lab reset [NAME]", "empty a lab; its name, clock settings and tokens stay"},
		{"lab token NAME", "one more token for a lab, shown once (admin token only)"}},
		subs:     []string{"create", "delete", "list", "get", "reset", "token"},
		examples: []string{"headendctl lab create team-b --clock-start 2026-01-05T09:00:00Z", "headendctl lab list -o json"},
		json:     "CreateLabResponse, DeleteLabResponse, ListLabsResponse, GetLabResponse, ResetLabResponse or CreateLabTokenResponse",
		run:      (*cli).labCmd},
	{name: "apply", section: 4, lines: []usageLine{{"apply -f FILE [--dry-run]", "make the lab match a lab file (YAML; - for stdin): print\n" +
		"each change, or \"no changes: lab L matches FILE\", then\n\"note: ...\" lines; with no change but work to come (an\n" +
		"order waiting for its PAK, a key for a reload) the first\nline is \"no changes now; pending: ...\"; a lab the file names\n" +
		"that does not exist is created and its token printed;\n" +
		"exit status 1 if the daemon refuses the file\n(FILE:LINE: FIELD: why; nothing is applied)"}},
		examples: []string{"headendctl apply -f lab.yaml", "headendctl apply -f lab.yaml --dry-run -o json"},
		json:     "ApplyLabResponse", run: (*cli).apply},
	{name: "config", section: 5, lines: []usageLine{
		{"config set-context NAME [--addr A] [--token T | --token-file FILE] [--ca FILE] [--lab L] [--tls] [--insecure]",
			"make or change a context (only the flags given change;\n--token \"\" forgets the token; --token-file: the token\nfrom FILE, - for stdin, kept out of ps and history)"},
		{"config use-context NAME", "the context every command takes unless --context"},
		{"config get-contexts", "NAME ADDR LAB CURRENT (tokens are never printed)"},
		{"config current-context", "the current context's name"},
		{"config delete-context NAME", "forget a context"}},
		subs: []string{"set-context", "use-context", "get-contexts", "current-context", "delete-context"},
		examples: []string{"headendctl config set-context lab-a --addr lab-a.example:50051 --token-file admin.token --ca ca.pem",
			"headendctl config use-context lab-a"},
		json: "get-contexts: {\"contexts\": [{\"name\", \"addr\", \"lab\", \"ca\", \"tls\", \"insecure\", \"hasToken\", \"current\"}], \"currentContext\"}; " +
			"set-context: {\"context\": {...}, \"created\" or \"modified\": true}; use-context and current-context: {\"currentContext\"}; " +
			"delete-context: {\"deleted\"}",
		run: (*cli).config},
}

// at is hosts for a command whose first argument is a hostname; sub is
// its subcommand, "" for none.
func at(sub string) map[string][]int { return map[string][]int{sub: {0}} }

// metaLines are the usage's lines of help and completion, which run
// answers itself (the table cannot name them: they read it).
var metaLines = []usageLine{
	{"help [COMMAND [SUBCOMMAND]]", "this usage, or a command's: its flags, examples and what\n-o json prints (also: COMMAND --help)"},
	{"completion bash", "a bash completion script: source <(headendctl completion bash)\n(bash 4.2 or later)"},
}

// metaCommands are help and completion as commands, for their own help
// pages; run answers them itself.
var metaCommands = []*command{
	{name: "help", lines: metaLines[:1],
		examples: []string{"headendctl help", "headendctl help smart token", "headendctl exec --help"},
		json:     "not taken: help prints text only (-o json with it is a usage error, exit status 2)"},
	{name: "completion", lines: metaLines[1:2],
		examples: []string{"source <(headendctl completion bash)", "headendctl completion bash > /etc/bash_completion.d/headendctl"},
		json:     "not taken: completion prints a bash script (-o json with it is a usage error, exit status 2)"},
}

// textOnly is the refusal of -o json by what prints text alone.
const textOnly = "help and completion print text only (leave out -o json)"

func findCommand(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// globalFlags closes every command's help page.
const globalFlags = "Global flags (before the command; -o and --output after it too): --addr HOST:PORT, --lab NAME, -o text|json, --token T, --ca FILE, --tls, --insecure, --context NAME, --call-timeout D"

// globalValueFlags are the global flags that take a value;
// globalBoolFlags those that take none.
var (
	globalValueFlags = []string{"--addr", "--lab", "-o", "--output", "--token", "--ca", "--context", "--call-timeout"}
	globalBoolFlags  = []string{"--tls", "--insecure"}
)

// helpTable is the table of commands as package cmdhelp takes it, made
// once: the commands' flags are read by running their handlers (flagsOf).
var helpTable = sync.OnceValue(func() *cmdhelp.Table {
	t := &cmdhelp.Table{Head: usageHead, Sections: sections, ExitStatus: exitStatus, GlobalFlags: globalFlags,
		ValueFlags: globalValueFlags, BoolFlags: globalBoolFlags, Kinds: kinds, EventKinds: eventKindNames()}
	for _, c := range commands {
		t.Commands = append(t.Commands, helpCommand(c))
	}
	for _, c := range metaCommands {
		t.Meta = append(t.Meta, helpCommand(c))
	}
	for _, r := range references {
		t.References = append(t.References, cmdhelp.Reference{Text: r.text, Commands: r.commands})
	}
	return t
})

// helpCommand is what the help tells of cmd, its flags included.
func helpCommand(cmd *command) *cmdhelp.Command {
	hc := &cmdhelp.Command{Name: cmd.name, Section: cmd.section, Subs: cmd.subs, Hosts: cmd.hosts,
		Examples: cmd.examples, JSON: cmd.json, Exit: cmd.exit, Flags: map[string][]cmdhelp.Flag{}}
	for _, l := range cmd.lines {
		hc.Lines = append(hc.Lines, cmdhelp.Line{Synopsis: l.synopsis, Text: l.text})
	}
	for _, sub := range append([]string{""}, cmd.subs...) {
		if fs := flagsOf(cmd, sub); fs != nil {
			hc.Flags[sub] = helpFlags(fs)
		}
	}
	return hc
}

// helpFlags are the flags of a FlagSet as the help names them; a set of
// none is an empty list, not nil.
func helpFlags(fs *flag.FlagSet) []cmdhelp.Flag {
	fl := []cmdhelp.Flag{}
	fs.VisitAll(func(f *flag.Flag) {
		typ, use := flag.UnquoteUsage(f)
		switch f.Value.(type) {
		case intFlag[int], intFlag[int32]:
			typ = "int"
		case *listFlag, *eventsFlag:
			typ = "string"
		}
		bf, ok := f.Value.(interface{ IsBoolFlag() bool })
		fl = append(fl, cmdhelp.Flag{Name: f.Name, Type: typ, Usage: use, Default: f.DefValue, Switch: ok && bf.IsBoolFlag()})
	})
	return fl
}

// usage is the top-level usage: the table's lines by section.
func usage() string { return helpTable().Usage() }

// helpRequest is subflags' answer to -h or --help: the command's flags.
type helpRequest struct{ fs *flag.FlagSet }

func (helpRequest) Error() string { return "help requested" }

// help prints the usage (no arguments) or a command's help to stdout:
// `help COMMAND [SUBCOMMAND]`, or COMMAND's arguments with --help in them.
func (c *cli) help(args []string) int {
	if c.output == "json" {
		fmt.Fprintln(c.stderr, "headendctl:", textOnly)
		return 2
	}
	if len(args) == 0 {
		fmt.Fprint(c.stdout, usage())
		return 0
	}
	if wantsHelp(args[:1]) {
		args = []string{"help"}
	}
	t := helpTable()
	cmd := t.Find(args[0])
	for _, m := range t.Meta {
		if m.Name == args[0] {
			cmd = m
		}
	}
	if cmd == nil {
		fmt.Fprintf(c.stderr, "headendctl: help: unknown command %q (headendctl help lists them)\n", args[0])
		return 2
	}
	sub := cmdhelp.Subcommand(cmd, args[1:])
	if sub == "" && len(args) > 1 && len(cmd.Subs) > 0 && !strings.HasPrefix(args[1], "-") {
		fmt.Fprintf(c.stderr, "headendctl: help: %s has no subcommand %q (%s)\n", cmd.Name, args[1], strings.Join(cmd.Subs, ", "))
		return 2
	}
	fmt.Fprint(c.stdout, t.Page(cmd, sub))
	return 0
}

// extraHelpWords refuses words of `help COMMAND [SUBCOMMAND]` past the
// subcommand, which help would otherwise pass over in silence (COMMAND
// --help takes the command's whole line, arguments and all).
func extraHelpWords(args []string) error {
	if len(args) < 2 {
		return nil
	}
	cmd := helpTable().Find(args[0])
	if cmd == nil {
		return nil // help says it is unknown
	}
	n := 1
	sub := cmdhelp.Subcommand(cmd, args[1:])
	if sub == "" && len(cmd.Subs) > 0 {
		return nil // help names the subcommands
	}
	n += len(strings.Fields(sub))
	for _, a := range args[n:] {
		if !wantsHelp([]string{a}) {
			return usagef("help: %q after %s: help takes a command and its subcommand", a, strings.Join(args[:n], " "))
		}
	}
	return nil
}

// completion prints a shell completion script: `completion bash`.
func (c *cli) completion(args []string) int {
	if c.output == "json" || wantsHelp(args) {
		return c.help([]string{"completion"})
	}
	if len(args) != 1 || args[0] != "bash" {
		fmt.Fprintln(c.stderr, "headendctl: usage: completion bash (then: source <(headendctl completion bash))")
		return 2
	}
	fmt.Fprint(c.stdout, helpTable().BashCompletion())
	return 0
}

// flagsOf is the flags of a command or subcommand: its handler runs with
// --help, which subflags answers with the FlagSet it built before
// anything is sent or written. A handler that takes no flags finds a
// closed connection and returns another error: no flags.
func flagsOf(cmd *command, sub string) *flag.FlagSet {
	if cmd.run == nil {
		return nil // help and completion
	}
	conn, err := grpc.NewClient("passthrough:///flags", grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil
	}
	conn.Close()
	c := &cli{output: "text", stdout: io.Discard, stderr: io.Discard, conn: conn}
	err = cmd.run(c, append(strings.Fields(sub), "--help"))
	var h helpRequest
	if errors.As(err, &h) {
		return h.fs
	}
	return nil
}
