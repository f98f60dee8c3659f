package console

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/cli"
	"github.com/asalab/asalab/headend/ios"
)

// What a command takes after its keywords.
const (
	argNone cli.ArgKind = iota
	argWords
)

type handler = cli.Handler[*Session]

// commands is the one command table of the IOS console. It is filled in
// init: `do` runs lines through it.
var commands = &cli.Registry[*Session]{}

func init() {
	addExec(commands)
	addConfig(commands)
	addLicense(commands)
	addXE(commands)
	addWebVPNShow(commands)
	addCryptoShow(commands)
	for _, d := range describes {
		commands.Describe(d.ms, d.path, d.help)
	}
}

// describes are the help texts of keywords that only lead to commands,
// set once every command is in the table.
var describes []struct {
	ms         cli.ModeSet
	path, help string
}

func describe(ms cli.ModeSet, path, help string) {
	describes = append(describes, struct {
		ms         cli.ModeSet
		path, help string
	}{ms, path, help})
}

func addExec(r *cli.Registry[*Session]) {
	r.Add(execModes, "enable", "Turn on privileged commands", argNone, "", cmdEnable)
	r.Add(privOnly, "disable", "Turn off privileged commands", argNone, "", func(s *Session, _ *cli.Call) { s.mode, s.priv = ModeUser, 1 })
	r.Add(execModes, "exit", "Exit from the EXEC", argNone, "", cmdExit)
	r.Add(execModes, "logout", "Exit from the EXEC", argNone, "", cmdExit)
	r.Add(execModes, "quit", "Exit from the EXEC", argNone, "", cmdExit)
	r.Add(execModes, "terminal length", "Set number of lines on a screen", argWords, "<0-512>  Number of lines on screen (0 for no pausing)", cmdTerminalLength)
	r.Add(execModes, "terminal width", "Set width of the display terminal", argWords, "<0-512>  Number of characters on a screen line", cmdTerminalWidth)
	describe(execModes, "terminal", "Set terminal line parameters")
	r.Add(privOnly, "configure", "Enter configuration mode", argNone, "", cmdConfigureAsk)
	r.Add(privOnly, "configure terminal", "Configure from the terminal", argNone, "", cmdConfigure)
	// `connect` is in every IOS EXEC: it makes "con" ambiguous with
	// `configure`, as students meet it on a real router.
	r.Add(execModes, "connect", "Open a terminal connection", argWords, "WORD  IP address or hostname of a remote system", cmdConnect)
	describe(privOnly, "configure", "Enter configuration mode")
	r.Add(privOnly, "write memory", "Write to NV memory", argNone, "", cmdWrite)
	r.Add(privOnly, "write", "Write running configuration to memory, network, or terminal", argNone, "", cmdWrite)
	r.Add(privOnly, "copy running-config startup-config", "Copy to startup configuration", argNone, "", cmdCopyRunStart)
	describe(privOnly, "copy", "Copy from one file to another")
	describe(privOnly, "copy running-config", "Copy from current system configuration")
	r.Add(privOnly, "reload", "Halt and perform a cold restart", argNone, "", cmdReload)
	r.Add(privOnly, "dir", "List files on a filesystem", argWords, "flash:  Directory or file name", cmdDir)
	r.Add(privOnly, "delete", "Delete a file", argWords, "flash:  Delete a file from flash", cmdDelete)

	show := func(ms cli.ModeSet, path, help string, run handler) { r.Add(ms, "show "+path, help, argNone, "", run) }
	describe(execModes, "show", "Show running system information")
	show(execModes, "version", "System hardware and software status", func(s *Session, _ *cli.Call) {
		s.view(func(d *ios.Device) { s.print(d.ShowVersion(s.now())) })
	})
	show(execModes, "clock", "Display the system clock", func(s *Session, _ *cli.Call) { s.print(ios.ShowClock(s.now())) })
	show(execModes, "privilege", "Show current privilege level", func(s *Session, _ *cli.Call) { s.print(ios.ShowPrivilege(s.priv)) })
	show(execModes, "inventory", "Show the physical inventory", func(s *Session, _ *cli.Call) {
		s.view(func(d *ios.Device) { s.print(d.ShowInventory()) })
	})
	show(execModes, "ip interface brief", "Brief summary of IP status and configuration", func(s *Session, _ *cli.Call) {
		s.view(func(d *ios.Device) { s.print(d.ShowIPInterfaceBrief()) })
	})
	describe(execModes, "show ip", "IP information")
	describe(execModes, "show ip interface", "IP interface status and configuration")
	show(privOnly, "logging", "Show the contents of logging buffers", func(s *Session, _ *cli.Call) {
		s.view(func(d *ios.Device) { s.print(d.ShowLogging(s.b.Admission())) })
	})
	runCfg := func(s *Session, _ *cli.Call) { s.view(func(d *ios.Device) { s.print(d.ShowRunningConfig()) }) }
	show(privOnly, "running-config", "Current operating configuration", runCfg)
	show(privOnly, "running-config all", "Configuration with defaults", runCfg)
	startCfg := func(s *Session, _ *cli.Call) { s.view(func(d *ios.Device) { s.print(d.ShowStartupConfig()) }) }
	show(privOnly, "startup-config", "Contents of startup configuration", startCfg)
	// `show configuration` is IOS's older name of show startup-config;
	// with `show cdp` it makes "show c" ambiguous, as on a real router.
	show(privOnly, "configuration", "Contents of Non-Volatile memory", startCfg)
	show(execModes, "cdp", "CDP information", func(s *Session, _ *cli.Call) {
		// The lab's routers run no CDP; IOS says so for `no cdp run`.
		s.fail("% CDP is not enabled")
	})
	show(privOnly, "flash:", "display information about flash: file system", cmdShowFlash)
	show(execModes, "users", "Display information about terminal lines", cmdShowUsers)
	show(execModes, "webvpn gateway", "Show webvpn gateway status", cmdShowGateways)
	show(execModes, "webvpn context", "Show webvpn context status", cmdShowContexts)
	describe(execModes, "show webvpn", "Show webvpn status")
}

func cmdExit(s *Session, _ *cli.Call) { s.closed = true }

// cmdEnable: `enable` asks the enable secret; IOS gives three tries,
// then "% Bad secrets". A router without an enable secret refuses a vty
// with "% No password set".
func cmdEnable(s *Session, _ *cli.Call) {
	if s.mode == ModePriv {
		return
	}
	set := false
	s.view(func(d *ios.Device) { set = d.Running.EnableSecret != "" })
	if !set {
		s.fail("% No password set")
		return
	}
	var try func(n int) func(s *Session, ans string)
	try = func(n int) func(s *Session, ans string) {
		return func(s *Session, ans string) {
			ok := false
			s.view(func(d *ios.Device) { ok = d.CheckEnable(ans) })
			switch {
			case ok:
				s.mode, s.priv = ModePriv, 15
			case n < 3:
				s.ask("Password: ", true, try(n+1))
			default:
				s.fail("% Bad secrets", "")
			}
		}
	}
	s.ask("Password: ", true, try(1))
}

func cmdTerminalLength(s *Session, c *cli.Call) {
	if n, ok := intArg(s, c, 0, 0, 512); ok {
		s.pager = n
	}
}

func cmdTerminalWidth(s *Session, c *cli.Call) { intArg(s, c, 0, 0, 512) }

// intArg reads argument i as a number in [lo, hi], marking it otherwise.
func intArg(s *Session, c *cli.Call, i, lo, hi int) (int, bool) {
	if len(c.Args) <= i {
		incomplete(s)
		return 0, false
	}
	n, err := strconv.Atoi(c.Args[i].Text)
	if err != nil || n < lo || n > hi {
		s.invalidArg(c, i)
		return 0, false
	}
	if len(c.Args) > i+1 {
		s.invalidArg(c, i+1)
		return 0, false
	}
	return n, true
}

// cmdConfigureAsk: `configure` alone asks where from; Enter takes the
// default, the terminal.
func cmdConfigureAsk(s *Session, c *cli.Call) {
	s.ask("Configuring from terminal, memory, or network [terminal]? ", false, func(s *Session, ans string) {
		a := strings.TrimSpace(ans)
		if a == "" {
			cmdConfigure(s, c)
			return
		}
		switch w := cli.Pick(a, "terminal", "memory", "network"); w {
		case "terminal":
			cmdConfigure(s, c)
		case "memory", "network":
			// The lab keeps no merge from NVRAM or a server: say
			// so rather than pretend.
			s.fail("% Configuring from "+w+" is not supported in this lab; use configure terminal", "")
		default:
			s.fail(`?Must be "terminal", "memory" or "network"`)
		}
	})
}

// cmdConnect: the lab has no telnet between its boxes; a name it cannot
// resolve gets IOS's line, an address is refused as a router without
// telnet enabled refuses it.
func cmdConnect(s *Session, c *cli.Call) {
	if len(c.Args) == 0 {
		incomplete(s)
		return
	}
	host := c.Args[0].Text
	if _, err := netip.ParseAddr(host); err != nil {
		s.fail("Translating \""+host+"\"", "% Unknown command or computer name, or unable to find computer address")
		return
	}
	s.fail("Trying "+host+" ... ", "% Connection refused by remote host", "")
}

func cmdConfigure(s *Session, _ *cli.Call) {
	s.println("Enter configuration commands, one per line.  End with CNTL/Z.")
	s.mode, s.target = ModeConfig, ""
}

// save writes the running configuration to NVRAM with IOS's lines.
func save(s *Session) {
	if s.update(func(d *ios.Device) error {
		d.SaveConfig(s.user, s.now())
		return nil
	}) {
		s.println("Building configuration...", "[OK]")
	}
}

func cmdWrite(s *Session, _ *cli.Call) { save(s) }

func cmdCopyRunStart(s *Session, _ *cli.Call) {
	s.ask("Destination filename [startup-config]? ", false, func(s *Session, ans string) {
		if a := strings.TrimSpace(ans); a != "" && a != "startup-config" {
			s.fail("%Error opening nvram:"+a+" (No such file or directory)", "")
			return
		}
		save(s)
	})
}

// cmdReload offers to save a modified configuration, then asks for
// confirmation; the router logs %SYS-5-RELOAD and the session ends.
func cmdReload(s *Session, _ *cli.Call) {
	proceed := func(s *Session) {
		s.println("")
		if s.update(func(d *ios.Device) error {
			d.Logf(s.now(), "%%SYS-5-RELOAD: Reload requested by %s on vty0. Reload Reason: Reload Command.", s.user)
			d.Reload(s.now(), s.b.BootTime())
			return nil
		}) {
			s.closed = true
		}
	}
	confirm := func(s *Session) {
		s.ask("Proceed with reload? [confirm]", false, func(s *Session, ans string) {
			switch strings.ToLower(strings.TrimSpace(ans)) {
			case "", "y", "yes":
				proceed(s)
			}
		})
	}
	unsaved := false
	s.view(func(d *ios.Device) { unsaved = d.ConfigUnsaved() })
	if !unsaved {
		confirm(s)
		return
	}
	var askSave func(s *Session)
	askSave = func(s *Session) {
		s.ask("System configuration has been modified. Save? [yes/no]: ", false, func(s *Session, ans string) {
			switch strings.ToLower(strings.TrimSpace(ans)) {
			case "y", "yes":
				save(s)
				confirm(s)
			case "n", "no":
				confirm(s)
			default:
				s.println("% Please answer 'yes' or 'no'.")
				askSave(s)
			}
		})
	}
	askSave(s)
}

func cmdDir(s *Session, c *cli.Call) {
	if len(c.Args) > 1 || len(c.Args) == 1 && !isFlashFS(c.Args[0].Text) {
		s.invalidArg(c, min(len(c.Args)-1, 1))
		return
	}
	s.view(func(d *ios.Device) { s.print(d.ShowDir()) })
}

func cmdShowFlash(s *Session, _ *cli.Call) { s.view(func(d *ios.Device) { s.print(d.ShowDir()) }) }

// isFlashFS reports whether w names the flash file system itself.
func isFlashFS(w string) bool {
	switch strings.ToLower(w) {
	case "flash:", "flash0:", "flash:/", "flash0:/":
		return true
	}
	return false
}

// cmdDelete: `delete flash:NAME`, confirmed twice as IOS asks.
func cmdDelete(s *Session, c *cli.Call) {
	if len(c.Args) != 1 {
		incomplete(s)
		return
	}
	name, err := ios.FlashName(c.Args[0].Text)
	if err != nil {
		s.invalidArg(c, 0)
		return
	}
	s.ask("Delete filename ["+name+"]? ", false, func(s *Session, ans string) {
		if a := strings.TrimSpace(ans); a != "" {
			if name, err = ios.FlashName(a); err != nil {
				s.fail("%Error deleting flash0:/"+a+" (No such file or directory)", "")
				return
			}
		}
		s.ask("Delete flash0:/"+name+"? [confirm]", false, func(s *Session, ans string) {
			if a := strings.ToLower(strings.TrimSpace(ans)); a != "" && a != "y" && a != "yes" {
				return
			}
			if err := s.b.Update(func(d *ios.Device) error { return d.DeleteFile(name) }); err != nil {
				s.fail("%Error deleting flash0:/"+name+" (No such file or directory)", "")
			}
		})
	})
}

// cmdShowUsers lists this session's line: the lab does not tell a
// console of the others.
func cmdShowUsers(s *Session, _ *cli.Call) {
	s.println("    Line       User       Host(s)              Idle       Location",
		fmt.Sprintf("*  2 vty 0     %-10s idle                 00:00:00 ", s.user),
		"", "  Interface    User               Mode         Idle     Peer Address", "")
}

// cmdShowGateways and cmdShowContexts print the webvpn gateways and
// contexts with their admin and operational state. UNSURE: their columns
// are recalled, not checked against a real output; no parser reads them.
func cmdShowGateways(s *Session, _ *cli.Call) {
	s.view(func(d *ios.Device) {
		s.println("Gateway Name                            Admin  Operation",
			"------------                            -----  ---------")
		for _, g := range d.Running.Gateways {
			st := "down"
			if g.InService {
				st = "up"
			}
			s.println(fmt.Sprintf("%-39s %-6s %s", g.Name, st, st))
		}
	})
}

func cmdShowContexts(s *Session, _ *cli.Call) {
	s.view(func(d *ios.Device) {
		s.println("Codes: AS - Admin Status, OS - Operation Status", "       VHost - Virtual Host", "",
			"Context Name        Gateway    Domain/VHost     VRF       AS    OS", "------------        -------    ------------     -------   ----  --------")
		for _, x := range d.Running.Contexts {
			st, op := "down", "down"
			if x.InService {
				st = "up"
				if d.Running.SSLVPNInService() {
					op = "up"
				}
			}
			gw := x.Gateway
			if gw == "" {
				gw = "-"
			}
			s.println(fmt.Sprintf("%-19s %-10s %-16s %-9s %-5s %s", x.Name, gw, "-", "-", st, op))
		}
	})
}

// sslInUse is the SSL VPN sessions the router holds, the SSL_VPN seats
// in use `show license` counts.
func sslInUse(a *admission.Admission) int {
	c := a.Counts()
	n := 0
	for k, v := range c.Active {
		if k == int(headend.KindAnyConnect) || k == int(headend.KindMobile) || k == int(headend.KindClientless) {
			n += v
		}
	}
	return n
}
