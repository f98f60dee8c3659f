package console

import (
	"fmt"
	"strings"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/headend/asa/console/command"
	"github.com/asalab/asalab/headend/asa/console/failovercmd"
	"github.com/asalab/asalab/headend/asa/console/logcmd"
	"github.com/asalab/asalab/headend/asa/console/smartcmd"
	"github.com/asalab/asalab/headend/asa/console/sshcmd"
	"github.com/asalab/asalab/headend/asa/console/vpncmd"
	"github.com/asalab/asalab/headend/asa/sessions"
	"github.com/asalab/asalab/keygen"
)

// commands is the console's command set: one registry for every mode.
// commands and smartCommands (smart.go) are built in init: a command
// (`failover exec`) opens sessions of its own, which take them.
var commands, smartCommands *registry

func init() {
	commands, smartCommands = buildCommands(false), buildCommands(true)
}

// buildCommands builds the command set of an activation-key ASA, or with
// smartLic of an ASAv (smart.go).
func buildCommands(smartLic bool) *registry {
	r := &registry{}
	execModes := modes(ModeUser, ModePriv)
	keyModes := modes(ModePriv, ModeConfig)

	// An ASAv has no activation keys: the word is unknown to its parser
	// (no capture of one typed there was found: UNSURE).
	if !smartLic {
		r.Add(keyModes, "activation-key", "Modify activation-key", argKey,
			"<key>  Enter the activation key as five hexadecimal words, then optionally activate or deactivate", cmdActivationKey)
	}
	r.Add(modes(ModePriv), "configure terminal", "Configure using terminal/console", argNone, "", cmdConfigure)
	r.Describe(anyMode, "configure", "Configure using various methods")
	// `enable` exists only in user EXEC mode: typed at `#` the ASA answers
	// with the caret error (clients check the prompt first).
	r.Add(modes(ModeUser), "enable", "Turn on privileged commands", argNone, "", cmdEnable)
	r.Add(modes(ModePriv), "disable", "Turn off privileged commands", argNone, "", cmdDisable)
	r.Add(execModes, "login", "Log-in as a particular user", argNone, "", cmdLogin)
	r.Add(execModes, "exit", "Exit from the EXEC", argNone, "", cmdExit)
	r.Add(configModes, "exit", "Exit from config mode", argNone, "", cmdExit)
	r.Add(execModes, "logout", "Exit from the EXEC", argNone, "", cmdLogout)
	r.Add(execModes, "quit", "Exit from the EXEC", argNone, "", cmdLogout)
	r.Add(configModes, "end", "Exit from configure mode", argNone, "", cmdEnd)

	r.Add(keyModes, "reload", "Halt and reload system", argNone, "", cmdReload(false, false))
	r.Add(keyModes, "reload noconfirm", "Reload without asking for confirmation", argNone, "", cmdReload(false, true))
	r.Add(keyModes, "reload save-config", "Save the running configuration before reloading", argNone, "", cmdReload(true, false))
	r.Add(keyModes, "reload save-config noconfirm", "Reload without asking for confirmation", argNone, "", cmdReload(true, true))

	r.Add(anyMode, "show version", "Display the system software version", argNone, "", cmdShowVersion)
	r.Add(anyMode, "show activation-key", "Show activation-key", argNone, "", cmdShowActivationKey(false))
	r.Add(anyMode, "show activation-key detail", "Show the activation keys in detail", argNone, "", cmdShowActivationKey(true))
	r.Add(privAndUp, "show logging", "Show logging buffer", argNone, "", cmdShowLogging)
	r.Add(anyMode, "show curpriv", "Display current privilege level", argNone, "", cmdShowCurpriv)
	r.Add(privAndUp, "show running-config", "Current operating configuration", argNone, "", cmdShowRunning(asa.SectionAll, false))
	r.Add(privAndUp, "show running-config all", "Current operating configuration including defaults", argNone, "", cmdShowRunning(asa.SectionAll, true))
	r.Add(privAndUp, "show running-config hostname", "Show hostname configuration", argNone, "", cmdShowRunning(asa.SectionHostname, false))
	r.Add(privAndUp, "show running-config webvpn", "Show webvpn configuration", argNone, "", cmdShowRunning(asa.SectionWebVPN, false))
	r.Add(privAndUp, "show running-config all webvpn", "Show webvpn configuration", argNone, "", cmdShowRunning(asa.SectionWebVPN, true))
	r.Add(privAndUp, "show running-config all hostname", "Show hostname configuration", argNone, "", cmdShowRunning(asa.SectionHostname, true))
	r.Add(privAndUp, "show startup-config", "Show the contents of configuration in flash memory", argNone, "", cmdShowStartup)
	r.Add(privAndUp, "show vpn-sessiondb", "Show VPN Session Database", argNone, "", cmdShowVPNSummary)
	r.Add(privAndUp, "show vpn-sessiondb summary", "Show VPN session summary", argNone, "", cmdShowVPNSummary)
	r.Add(privAndUp, "show vpn-sessiondb anyconnect", "AnyConnect sessions", argNone, "", cmdShowAnyConnect)
	r.Describe(anyMode, "show", "Show running system information")
	r.Add(keyModes, "vpn-sessiondb logoff all", "Logoff all sessions", argNone, "", cmdLogoffAll(false))
	r.Add(keyModes, "vpn-sessiondb logoff all noconfirm", "Logoff without confirmation", argNone, "", cmdLogoffAll(true))
	r.Describe(anyMode, "vpn-sessiondb", "Configure the VPN Session Manager")
	r.Describe(anyMode, "vpn-sessiondb logoff", "Logoff sessions")
	r.Add(privAndUp, "more", "Display the contents of a file", argWord,
		"WORD  system:running-config, the running configuration with its passwords hashed", cmdMore)

	r.Add(privAndUp, "write memory", "Write to NV memory", argNone, "", cmdWriteMemory)
	r.Describe(anyMode, "write", "Write running configuration to memory, network, or terminal")
	r.Add(modes(ModePriv), "copy running-config startup-config", "Copy to startup configuration", argNone, "", cmdCopyRunStart)
	r.Describe(anyMode, "copy", "Copy from one file to another")
	r.Describe(anyMode, "copy running-config", "Copy from current system configuration")

	// Terminal settings belong to the session, not the configuration.
	r.Add(anyMode, "terminal pager", "Control page length for pagination", argWord,
		"<0-2147483647>  Lines per page before the <--- More ---> prompt, 0 for none", cmdTerminalPager)
	r.Add(anyMode, "no terminal pager", "Turn off pagination", argNone, "", cmdNoTerminalPager)
	r.Describe(anyMode, "terminal", "Set terminal line parameters")
	r.Describe(anyMode, "no terminal", "Set terminal line parameters")
	r.Add(modes(ModeConfig), "terminal width", "Set width of the display terminal", argWord,
		"<40-511>  Number of characters per line", cmdTerminalWidth)
	r.Add(modes(ModeConfig), "pager", "Control page length for pagination", argWord,
		"<0-2147483647>  Default lines per page of new sessions, 0 for none", cmdPager)
	r.Add(modes(ModeConfig), "no pager", "Turn off pagination for new sessions", argNone, "", cmdNoPager)

	// The local user database and the enable password (SSH logins, login,
	// enable).
	r.Add(modes(ModeConfig), "username", "Configure user authentication local database", argWord,
		"WORD  Username string", cmdUsername)
	r.Add(modes(ModeConfig), "no username", "Remove a user from the local database", argWord,
		"WORD  Username string", cmdNoUsername)
	r.Add(modes(ModeConfig), "enable password", "Assign privileged level password", argWord,
		"WORD  The password", cmdEnablePassword)
	r.Describe(modes(ModeConfig), "enable", "Configure password for the enable command")
	// changeto is not registered: it exists only in multiple context mode,
	// and every simulated headend runs in single context mode, where the
	// ASA does not know the word ("ERROR: % Invalid input detected at '^'
	// marker.", under changeto).

	r.Add(modes(ModeConfig), "hostname", "Change host name of the system", argWord, "WORD  This system's network name", cmdHostname)
	r.Add(modes(ModeConfig), "webvpn", "Configure the WebVPN service", argNone, "", cmdWebVPN)
	r.Add(modes(ModeWebVPN), "anyconnect-essentials", "Enable AnyConnect Essentials", argNone, "", cmdEssentials(true))
	r.Add(modes(ModeWebVPN), "no anyconnect-essentials", "Disable AnyConnect Essentials", argNone, "", cmdEssentials(false))
	r.Describe(anyMode, "no", "Negate a command or set its defaults")
	registerInterfaces(r)
	registerExec(r)
	registerVPNSessions(r)
	logcmd.Register(groups{r})
	sshcmd.Register(groups{r})
	vpncmd.Register(groups{r})
	registerGrammar(r)
	registerACL(r)
	failovercmd.Register(groups{r})
	registerFailoverPair(r)
	registerShared(r)
	if smartLic { // last: its show license features replaces the ASA's
		smartcmd.Register(groups{r})
	}
	return r
}

func cmdConfigure(s *Session, _ *call) {
	s.mode = ModeConfig
	warnStandby(s)
}

func cmdWebVPN(s *Session, _ *call) { s.mode = ModeWebVPN }

func cmdEnd(s *Session, _ *call) { s.mode = ModePriv }

func cmdDisable(s *Session, _ *call) { s.mode, s.priv = ModeUser, 1 }

func cmdExit(s *Session, c *call) {
	switch s.mode {
	case ModeWebVPN, ModeIf, ModeGroupPolicy, command.ModeSmartLic, command.ModeCallHome:
		s.mode = ModeConfig
	case command.ModeCallHomeProfile:
		s.mode = command.ModeCallHome
	case ModeConfig:
		s.mode = ModePriv
	default:
		cmdLogout(s, c)
	}
}

func cmdLogout(s *Session, _ *call) {
	s.println("", "Logoff", "")
	s.closed = true
}

func cmdShowCurpriv(s *Session, _ *call) {
	mode := "P_PRIV"
	switch s.mode {
	case ModeUser:
		mode = "P_UNPR"
	case ModeConfig, ModeWebVPN, ModeIf, ModeGroupPolicy, command.ModeSmartLic, command.ModeCallHome, command.ModeCallHomeProfile:
		mode = "P_CONF"
	}
	s.println("Username : "+s.user, fmt.Sprintf("Current privilege level : %d", s.priv), "Current Mode/s : "+mode)
}

func cmdShowVPNSummary(s *Session, _ *call) {
	a := s.b.Admission()
	s.print(sessions.ShowVPNSummary(a.Counts(), a.Policy().Capacity()))
}

func cmdShowAnyConnect(s *Session, _ *call) {
	a := s.b.Admission()
	pol := a.Policy()
	var views []asa.SessionView
	a.Sessions(0, func(si asa.SessionInfo) bool {
		views = append(views, sessions.ViewSession(si, s.b.PrincipalByIndex(si.Principal)))
		return true
	})
	s.print(sessions.ShowAnyConnectSessions(views, s.b.Now(), pol.Serial))
}

// cmdLogoffAll: vpn-sessiondb logoff all [noconfirm].
func cmdLogoffAll(noconfirm bool) handler {
	logoff := func(s *Session) {
		n := s.b.Admission().LogoffAll()
		s.println(fmt.Sprintf("INFO: Number of sessions logged off : %d", n))
	}
	return func(s *Session, _ *call) {
		s.confirm(noconfirm, "Do you want to logoff the VPN session(s)? [confirm]", logoff)
	}
}

// confirm runs proceed at once with noconfirm; otherwise it asks prompt, and
// an empty answer, y or yes proceeds while any other drops the command.
func (s *Session) confirm(noconfirm bool, prompt string, proceed func(s *Session)) {
	if noconfirm {
		proceed(s)
		return
	}
	s.ask(prompt, false, func(s *Session, ans string) {
		switch strings.ToLower(strings.TrimSpace(ans)) {
		case "", "y", "yes":
			proceed(s)
		}
	})
}

func cmdShowLogging(s *Session, _ *call) {
	s.view(func(d *asa.Device) { s.print(d.ShowLogging(s.b.Admission())) })
}

func cmdShowVersion(s *Session, _ *call) {
	st := s.b.FailoverStatus()
	s.view(func(d *asa.Device) { s.print(d.ShowVersionPaired(s.b.Now(), st)) })
}

func cmdShowActivationKey(detail bool) handler {
	return func(s *Session, _ *call) {
		s.view(func(d *asa.Device) { s.print(d.ShowActivationKey(s.b.Now(), detail)) })
	}
}

func cmdShowRunning(section asa.ConfigSection, all bool) handler {
	return func(s *Session, _ *call) {
		s.view(func(d *asa.Device) { s.print(d.RenderConfig(d.Running, section, all)) })
	}
}

func cmdShowStartup(s *Session, _ *call) {
	s.view(func(d *asa.Device) { s.print(d.RenderConfig(d.Startup, asa.SectionAll, false)) })
}

func cmdWriteMemory(s *Session, _ *call) { saveConfig(s, true) }

// cmdCopyRunStart is `copy running-config startup-config`: the ASA asks for
// the source and the destination even though the command names them, then
// reports like write memory without its first and last lines.
func cmdCopyRunStart(s *Session, _ *call) {
	s.ask("Source filename [running-config]? ", false, func(s *Session, ans string) {
		if src := strings.TrimSpace(ans); src != "" && src != "running-config" {
			if !strings.Contains(src, ":") {
				src = "disk0:/" + src
			}
			s.println("%Error opening " + src + " (No such file or directory)")
			return
		}
		askCopyDestination(s)
	})
}

func askCopyDestination(s *Session) {
	s.ask("Destination filename [startup-config]? ", false, func(s *Session, ans string) {
		if dst := strings.TrimSpace(ans); dst != "" && dst != "startup-config" {
			// Only the startup configuration is simulated.
			if !strings.Contains(dst, ":") {
				dst = "disk0:/" + dst
			}
			s.println("%Error opening " + dst + " (Permission denied)")
			return
		}
		saveConfig(s, false)
	})
}

// saveConfig saves the running configuration; report adds write memory's
// "Building configuration..." and "[OK]".
func saveConfig(s *Session, report bool) bool {
	var lines []string
	ok := s.update(func(d *asa.Device) error {
		d.WriteMemory()
		lines = d.WriteMemoryReport()
		return nil
	})
	if !ok {
		return false
	}
	if report {
		s.println("Building configuration...")
	}
	s.println(lines...)
	if report {
		s.println("[OK]")
	}
	return true
}

func cmdHostname(s *Session, c *call) {
	switch {
	case len(c.Args) == 0:
		s.incomplete()
		return
	case len(c.Args) > 1:
		s.invalidArg(c, 1)
		return
	}
	name := c.Args[0].Text
	if headend.ValidateHostname(name) != nil {
		s.invalidArg(c, 0)
		return
	}
	s.update(func(d *asa.Device) error {
		d.Running.Hostname = name
		d.ConfigChanged(s.user, s.b.Now())
		return nil
	})
}

func cmdEssentials(on bool) handler {
	return func(s *Session, _ *call) {
		s.update(func(d *asa.Device) error {
			d.Running.Essentials, d.Running.EssentialsTyped = on, on
			d.ConfigChanged(s.user, s.b.Now())
			return nil
		})
	}
}

// cmdActivationKey: activation-key <w1> <w2> <w3> <w4> <w5> [activate|deactivate].
func cmdActivationKey(s *Session, c *call) {
	var words []string
	for i, a := range c.Args {
		if i == 5 {
			break
		}
		if _, err := keygen.ParseWord(a.Text); err != nil {
			s.invalidArg(c, i)
			return
		}
		words = append(words, a.Text)
	}
	if len(words) < 5 {
		s.incomplete()
		return
	}
	action := asa.KeyActivate
	if len(c.Args) > 5 {
		switch pick(c.Args[5].Text, "activate", "deactivate") {
		case "activate":
			action = asa.KeyActivate
		case "deactivate":
			action = asa.KeyDeactivate
		default:
			s.invalidArg(c, 5)
			return
		}
	}
	if len(c.Args) > 6 {
		s.invalidArg(c, 6)
		return
	}
	w, err := keygen.ParseWordList(words)
	if err != nil {
		s.println(errorLine(err))
		return
	}
	installKey(s, w, action)
}

// cmdReload: reload [save-config] [noconfirm]. Unsaved changes are offered
// for saving first, then the reload is confirmed; the session ends with the
// device going down.
func cmdReload(save, noconfirm bool) handler {
	return func(s *Session, _ *call) {
		proceed := func(s *Session) {
			s.println("", "***", "*** --- START GRACEFUL SHUTDOWN ---", "Shutting down isakmp", "Shutting down webvpn",
				"Shutting down File system", "", "***", "*** --- SHUTDOWN NOW ---")
			if s.update(func(d *asa.Device) error {
				d.Reload(s.b.Now(), s.b.BootTime())
				return nil
			}) {
				s.closed = true
			}
		}
		confirm := func(s *Session) { s.confirm(noconfirm, "Proceed with reload? [confirm]", proceed) }
		if save {
			if saveConfig(s, true) {
				confirm(s)
			}
			return
		}
		unsaved := false
		s.view(func(d *asa.Device) { unsaved = d.ConfigUnsaved() })
		if !unsaved || noconfirm {
			confirm(s)
			return
		}
		var askSave func(s *Session)
		askSave = func(s *Session) {
			s.ask("System config has been modified. Save? [Y]es/[N]o: ", false, func(s *Session, ans string) {
				switch strings.ToLower(strings.TrimSpace(ans)) {
				case "y", "yes":
					if saveConfig(s, true) {
						confirm(s)
					}
				case "n", "no":
					confirm(s)
				default:
					askSave(s)
				}
			})
		}
		askSave(s)
	}
}
