package console

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/cli"
	"github.com/asalab/asalab/headend/ios"
	"github.com/asalab/asalab/headend/ios/config"
)

func addConfig(r *cli.Registry[*Session]) {
	global := cli.Modes(ModeConfig)
	r.Add(configModes, "end", "Exit from configure mode", argNone, "", cmdEnd)
	r.Add(configModes, "exit", "Exit from configure mode", argNone, "", cmdConfigExit)
	r.Add(configModes, "do", "To run exec commands in config mode", argWords, "LINE  Exec Command", cmdDo)
	r.Add(global, "hostname", "Set system's network name", argWords, "WORD  This system's network name", cmdHostname)
	r.Add(global, "enable secret", "Assign the privileged level secret (MAX of 25 characters)", argWords, "LINE  The UNENCRYPTED (cleartext) 'enable' secret", cmdEnableSecret)
	describe(global, "enable", "Modify enable password parameters")
	r.Add(global, "username", "Establish User Name Authentication", argWords, "WORD  User name", cmdUsername)
	r.Add(global, "interface", "Select an interface to configure", argWords, "GigabitEthernet  GigabitEthernet IEEE 802.3z", cmdInterface)
	r.Add(global, "ip domain name", "Define the default domain name", argWords, "WORD  Default domain name", cmdDomain)
	r.Add(global, "ip domain-name", "Define the default domain name", argWords, "WORD  Default domain name", cmdDomain)
	describe(global, "ip", "Global IP configuration subcommands")
	describe(global, "ip domain", "IP DNS Resolver")
	r.Add(global, "logging buffered", "Set buffered logging parameters", argWords, "<4096-2147483647>  Logging buffer size", cmdLoggingBuffered)
	describe(global, "logging", "Modify message logging facilities")
	r.Add(global, "line vty", "Virtual terminal", argWords, "<0-4>  First Line number", cmdLineVTY)
	describe(global, "line", "Configure a terminal line")
	r.Add(global, "webvpn gateway", "Virtual Gateway configuration", argWords, "WORD  Virtual Gateway Name", cmdGateway)
	r.Add(global, "webvpn context", "Specify webvpn context", argWords, "WORD  Context name", cmdContext)
	describe(global, "webvpn", "WebVPN commands")
	r.Add(global, "crypto ikev2 profile", "Define IKEv2 profiles", argWords, "WORD  Name of IKEv2 profile", cmdIKEv2Profile)
	addIKEv2(r)
	r.Add(global, "crypto key generate rsa", "Generate RSA keys", argWords, "modulus  Provide number of modulus bits on the command line", cmdKeyGenerate)
	r.Add(global, "crypto key zeroize rsa", "Remove RSA keys", argNone, "", cmdKeyZeroize)
	describe(global, "crypto", "Encryption module")
	describe(global, "crypto ikev2", "Configure IKEv2 Options")
	describe(global, "crypto key", "Long term key operations")
	describe(global, "crypto key generate", "Generate new keys")
	describe(global, "crypto key zeroize", "Remove keys")
	addNo(r)

	ifm := cli.Modes(ModeIf)
	r.Add(ifm, "description", "Interface specific description", argWords, "LINE  Up to 240 characters describing this interface", cmdDescription)
	r.Add(ifm, "ip address", "Set the IP address of an interface", argWords, "A.B.C.D  IP address", cmdIfAddress)
	describe(ifm, "ip", "Interface Internet Protocol config commands")
	r.Add(ifm, "shutdown", "Shutdown the selected interface", argNone, "", cmdShutdown(true))

	gw := cli.Modes(ModeGateway)
	r.Add(gw, "ip address", "IP address and port for the gateway", argWords, "A.B.C.D  IP address", cmdGatewayAddress)
	describe(gw, "ip", "Configure ip address")
	r.Add(cli.Modes(ModeGateway, ModeContext), "inservice", "Enable", argNone, "", cmdInService(true))

	r.Add(cli.Modes(ModeContext), "gateway", "Associate a gateway with this context", argWords, "WORD  Gateway name", cmdContextGateway)

	ln := cli.Modes(ModeLine)
	r.Add(ln, "login local", "Local password checking", argNone, "", cmdLogin(true))
	r.Add(ln, "login", "Enable password checking", argNone, "", cmdLogin(false))
	r.Add(ln, "transport input", "Define which protocols to use when connecting to the terminal server", argWords, "ssh  TCP/IP SSH protocol", cmdTransport)
	describe(ln, "transport", "Define transport protocols for line")
	r.Add(ln, "exec-timeout", "Set the EXEC timeout", argWords, "<0-35791>  Timeout in minutes", cmdExecTimeout)
}

// leaveConfig ends configuration mode, logging %SYS-5-CONFIG_I as IOS does
// whenever a session leaves it.
func leaveConfig(s *Session) {
	s.mode, s.target = ModePriv, ""
	s.update(func(d *ios.Device) error {
		d.Logf(s.now(), "%%SYS-5-CONFIG_I: Configured from console by %s on vty0", s.user)
		return nil
	})
}

func cmdEnd(s *Session, _ *cli.Call) { leaveConfig(s) }

func cmdConfigExit(s *Session, _ *cli.Call) {
	if s.mode == ModeConfig {
		leaveConfig(s)
		return
	}
	s.mode, s.target = ModeConfig, ""
}

// cmdDo runs an EXEC command from configuration mode, in privileged EXEC,
// and stays in the mode.
func cmdDo(s *Session, c *cli.Call) {
	if len(c.Args) == 0 {
		incomplete(s)
		return
	}
	mode, target := s.mode, s.target
	rest := c.Line[c.Args[0].Pos:]
	s.mode = ModePriv
	pad := strings.Repeat(" ", c.Args[0].Pos)
	s.run(pad+rest, c.Prompt)
	if s.mode == ModePriv && !s.closed {
		s.mode, s.target = mode, target
	}
}

// rest is the text of the arguments from i on, as typed.
func rest(c *cli.Call, i int) string {
	if i >= len(c.Args) {
		return ""
	}
	return strings.TrimSpace(c.Line[c.Args[i].Pos:])
}

func incomplete(s *Session) { s.fail("% Incomplete command.", "") }

// argCount reports whether the command has exactly n arguments, and
// otherwise says what IOS says: incomplete when too few, a caret under
// the first extra word when too many.
func argCount(s *Session, c *cli.Call, n int) bool {
	switch {
	case len(c.Args) < n:
		incomplete(s)
		return false
	case len(c.Args) > n:
		s.invalidArg(c, n)
		return false
	}
	return true
}

func cmdHostname(s *Session, c *cli.Call) {
	if !argCount(s, c, 1) {
		return
	}
	if err := headend.ValidateHostname(c.Args[0].Text); err != nil {
		s.invalidArg(c, 0)
		return
	}
	s.configure(func(d *ios.Device) error { return d.Running.SetHostname(c.Args[0].Text) })
}

// secretArg reads "[0|5] S" from argument i: 0 (or none) is a clear-text
// secret to hash, 5 a type 5 secret as the configuration prints it.
func secretArg(s *Session, c *cli.Call, i int) (string, bool) {
	if len(c.Args) <= i {
		incomplete(s)
		return "", false
	}
	typ, j := "0", i
	if t := c.Args[i].Text; (t == "0" || t == "5") && len(c.Args) > i+1 {
		typ, j = t, i+1
	}
	if len(c.Args) > j+1 {
		s.invalidArg(c, j+1)
		return "", false
	}
	v := c.Args[j].Text
	if typ == "5" {
		if !config.ValidSecret(v) {
			s.fail("ERROR: The secret you entered is not a valid encrypted secret.",
				"To enter an UNENCRYPTED secret, do not specify type 5 encryption.",
				"When you properly enter an UNENCRYPTED secret, it will be encrypted.", "")
			return "", false
		}
		return v, true
	}
	if err := config.ValidPassword(v); err != nil {
		s.fail("% Overly long Password truncation", "")
		return "", false
	}
	return config.HashSecret(v), true
}

func cmdEnableSecret(s *Session, c *cli.Call) {
	if sec, ok := secretArg(s, c, 0); ok {
		s.configure(func(d *ios.Device) error { d.Running.EnableSecret = sec; return nil })
	}
}

// cmdUsername: `username NAME [privilege N] secret [0|5] S`.
func cmdUsername(s *Session, c *cli.Call) {
	if len(c.Args) < 2 {
		incomplete(s)
		return
	}
	name := c.Args[0].Text
	if config.ValidName(name) != nil {
		s.invalidArg(c, 0)
		return
	}
	priv, i := 1, 1
	if w := cli.Pick(c.Args[1].Text, "privilege", "secret"); w == "privilege" {
		if len(c.Args) < 3 {
			incomplete(s)
			return
		}
		n, err := strconv.Atoi(c.Args[2].Text)
		if err != nil || n < 0 || n > 15 {
			s.invalidArg(c, 2)
			return
		}
		priv, i = n, 3
	}
	if i >= len(c.Args) {
		incomplete(s)
		return
	}
	switch cli.Pick(c.Args[i].Text, "password", "secret") {
	case "secret":
	case "password":
		userPassword(s, c, name, priv, i+1)
		return
	default:
		s.invalidArg(c, i)
		return
	}
	sec, ok := secretArg(s, c, i+1)
	if !ok {
		return
	}
	s.configure(func(d *ios.Device) error { return d.Running.SetUser(name, priv, sec) })
}

// userPassword is the rest of `username NAME [privilege N] password [0] P`
// from argument i: the password is kept as typed (type 0); type 7 is not
// taken.
func userPassword(s *Session, c *cli.Call, name string, priv, i int) {
	if i >= len(c.Args) {
		incomplete(s)
		return
	}
	if c.Args[i].Text == "0" && len(c.Args) > i+1 {
		i++
	}
	if len(c.Args) > i+1 {
		s.invalidArg(c, i+1)
		return
	}
	if config.ValidPassword(c.Args[i].Text) != nil {
		s.invalidArg(c, i)
		return
	}
	s.configure(func(d *ios.Device) error { return d.Running.SetUserPassword(name, priv, c.Args[i].Text) })
}

// interfaceName reads an interface name as IOS takes it: the type by
// unique prefix ("gi", "g", "GigabitEthernet"), then the slot/port, in
// one word or two ("gi0/1", "gigabitEthernet 0/1").
func interfaceName(args []cli.Token) (name string, used int, ok bool) {
	if len(args) == 0 {
		return "", 0, false
	}
	w := args[0].Text
	i := strings.IndexAny(w, "0123456789")
	typ, num := w, ""
	if i >= 0 {
		typ, num = w[:i], w[i:]
	}
	if typ != "" && num != "" && strings.HasPrefix("virtual-template", strings.ToLower(typ)) {
		return virtualTemplate(num, args)
	}
	if typ == "" || !strings.HasPrefix("gigabitethernet", strings.ToLower(typ)) {
		return "", 0, false
	}
	used = 1
	if num == "" {
		if len(args) < 2 {
			return "", 0, false
		}
		num, used = args[1].Text, 2
	}
	return "GigabitEthernet" + num, used, true
}

func cmdInterface(s *Session, c *cli.Call) {
	name, used, ok := interfaceName(c.Args)
	if !ok {
		if len(c.Args) == 0 {
			incomplete(s)
		} else {
			s.invalidArg(c, 0)
		}
		return
	}
	if len(c.Args) > used {
		s.invalidArg(c, used)
		return
	}
	if n, ok := strings.CutPrefix(name, "Virtual-Template"); ok && used == 3 {
		// `type tunnel` makes the template when it is new.
		v, _ := strconv.Atoi(n)
		if !s.configure(func(d *ios.Device) error { return d.Running.AddVirtualTemplate(v) }) {
			return
		}
	}
	found := false
	s.view(func(d *ios.Device) { _, found = d.Running.Interface(name) })
	if !found {
		s.invalidArg(c, 0)
		return
	}
	s.mode, s.target = ModeIf, name
}

func cmdDomain(s *Session, c *cli.Call) {
	if !argCount(s, c, 1) {
		return
	}
	s.configure(func(d *ios.Device) error { return d.Running.SetDomain(c.Args[0].Text) })
}

func cmdLoggingBuffered(s *Session, c *cli.Call) {
	size := 0
	if len(c.Args) > 0 {
		n, ok := intArg(s, c, 0, config.MinLogBuffer, config.MaxLogBuffer)
		if !ok {
			return
		}
		size = n
	}
	s.configure(func(d *ios.Device) error {
		d.Running.LogBuffer, d.Running.NoLogBuffer = size, false
		return nil
	})
}

// cmdLineVTY: `line vty 0 4` (the lab's router has vty 0 to 4, one
// block).
func cmdLineVTY(s *Session, c *cli.Call) {
	if len(c.Args) == 0 {
		incomplete(s)
		return
	}
	if n, err := strconv.Atoi(c.Args[0].Text); err != nil || n < 0 || n > 4 {
		s.invalidArg(c, 0)
		return
	}
	if len(c.Args) > 1 {
		if n, err := strconv.Atoi(c.Args[1].Text); err != nil || n < 1 || n > 4 {
			s.invalidArg(c, 1)
			return
		}
	}
	if len(c.Args) > 2 {
		s.invalidArg(c, 2)
		return
	}
	s.mode, s.target = ModeLine, "vty"
}

// oneName reads the single name argument of a command.
func oneName(s *Session, c *cli.Call) (string, bool) {
	switch {
	case len(c.Args) == 0:
		incomplete(s)
		return "", false
	case len(c.Args) > 1:
		s.invalidArg(c, 1)
		return "", false
	case config.ValidName(c.Args[0].Text) != nil:
		s.invalidArg(c, 0)
		return "", false
	}
	return c.Args[0].Text, true
}

// noWebVPN marks `webvpn` invalid on the IOS XE routers, which have no SSL
// VPN server here (ios.XE), as IOS marks a command its image has not.
func noWebVPN(s *Session, c *cli.Call) bool {
	return !xeOnly(s, c, func(d *ios.Device) bool { return !d.IsXE() }, 1)
}

func cmdGateway(s *Session, c *cli.Call) {
	if noWebVPN(s, c) {
		return
	}
	if name, ok := oneName(s, c); ok && s.configure(func(d *ios.Device) error { return d.Running.AddGateway(name) }) {
		s.mode, s.target = ModeGateway, name
	}
}

func cmdContext(s *Session, c *cli.Call) {
	if noWebVPN(s, c) {
		return
	}
	if name, ok := oneName(s, c); ok && s.configure(func(d *ios.Device) error { return d.Running.AddContext(name) }) {
		s.mode, s.target = ModeContext, name
	}
}

func cmdIKEv2Profile(s *Session, c *cli.Call) {
	if name, ok := oneName(s, c); ok && s.configure(func(d *ios.Device) error { return d.Running.AddIKEv2Profile(name) }) {
		s.mode, s.target = ModeIKEv2, name
	}
}

// cmdKeyGenerate: `crypto key generate rsa [modulus N]`; without the
// modulus IOS asks for it. A domain name is needed first (the key is named
// HOSTNAME.DOMAIN).
func cmdKeyGenerate(s *Session, c *cli.Call) {
	domain, host := "", ""
	s.view(func(d *ios.Device) { domain, host = d.Running.DomainName, d.Hostname() })
	if domain == "" {
		s.fail("% Please define a domain-name first.")
		return
	}
	gen := func(s *Session, bits int) {
		s.println(fmt.Sprintf("%% Generating %d bit RSA keys, keys will be non-exportable...", bits))
		if s.update(func(d *ios.Device) error { d.RSAKeyBits = bits; return nil }) {
			s.println("[OK] (elapsed time was 1 seconds)", "")
		}
	}
	if len(c.Args) > 0 {
		if cli.Pick(c.Args[0].Text, "modulus") != "modulus" {
			s.invalidArg(c, 0)
			return
		}
		s.println("The name for the keys will be: " + host + "." + domain)
		if n, ok := intArg(s, c, 1, 360, 4096); ok {
			gen(s, n)
		}
		return
	}
	s.println("The name for the keys will be: "+host+"."+domain,
		"Choose the size of the key modulus in the range of 360 to 4096 for your",
		"  General Purpose Keys. Choosing a key modulus greater than 512 may take",
		"  a few minutes.", "")
	s.ask("How many bits in the modulus [512]: ", false, func(s *Session, ans string) {
		bits := 512
		if a := strings.TrimSpace(ans); a != "" {
			n, err := strconv.Atoi(a)
			if err != nil || n < 360 || n > 4096 {
				s.fail("% You must specify a number in the range 360 to 4096.", "")
				return
			}
			bits = n
		}
		gen(s, bits)
	})
}

func cmdKeyZeroize(s *Session, _ *cli.Call) {
	s.ask("% All RSA keys will be removed.\n% All router certs issued using these keys will also be removed.\nDo you really want to remove these keys? [yes/no]: ", false,
		func(s *Session, ans string) {
			if strings.ToLower(strings.TrimSpace(ans)) == "yes" {
				s.update(func(d *ios.Device) error { d.RSAKeyBits = 0; return nil })
			}
		})
}

func cmdDescription(s *Session, c *cli.Call) {
	text := rest(c, 0)
	if text == "" {
		incomplete(s)
		return
	}
	if len(text) > 240 {
		s.invalidArg(c, 0)
		return
	}
	name := s.target
	s.configure(func(d *ios.Device) error {
		f, ok := d.Running.Interface(name)
		if !ok {
			return config.ErrNoInterface
		}
		f.Description = text
		return nil
	})
}

func cmdIfAddress(s *Session, c *cli.Call) {
	if len(c.Args) < 2 {
		incomplete(s)
		return
	}
	if len(c.Args) > 2 {
		s.invalidArg(c, 2)
		return
	}
	p, err := config.ParseAddress(c.Args[0].Text, c.Args[1].Text)
	switch {
	case errors.Is(err, config.ErrBadAddress):
		s.invalidArg(c, 0)
		return
	case err != nil:
		s.fail(badMask(c.Args[0].Text, c.Args[1].Text))
		return
	}
	name := s.target
	var perr error
	s.b.Update(func(d *ios.Device) error {
		if perr = d.SetAddress(name, p); perr != nil {
			return perr
		}
		d.ConfigChanged(s.user, s.now())
		return nil
	})
	if errors.Is(perr, config.ErrOverlap) {
		s.fail(fmt.Sprintf("%% %s overlaps with %s", p.Masked().Addr(), strings.TrimPrefix(perr.Error(), config.ErrOverlap.Error()+": "+p.Masked().Addr().String()+" overlaps with ")))
	} else if perr != nil {
		s.fail(errorLine(perr))
	}
}

// cmdShutdown: `shutdown` / `no shutdown`, logging the link's changes as
// IOS does.
func cmdShutdown(down bool) handler {
	return func(s *Session, _ *cli.Call) {
		name := s.target
		s.configure(func(d *ios.Device) error {
			f, ok := d.Running.Interface(name)
			if !ok {
				return config.ErrNoInterface
			}
			if f.Shutdown == down {
				return nil
			}
			f.Shutdown = down
			now := s.now()
			if down {
				d.Logf(now, "%%LINK-5-CHANGED: Interface %s, changed state to administratively down", name)
				d.Logf(now, "%%LINEPROTO-5-UPDOWN: Line protocol on Interface %s, changed state to down", name)
			} else {
				d.Logf(now, "%%LINK-3-UPDOWN: Interface %s, changed state to up", name)
				d.Logf(now, "%%LINEPROTO-5-UPDOWN: Line protocol on Interface %s, changed state to up", name)
			}
			return nil
		})
	}
}

// cmdGatewayAddress: `ip address A port N` under a webvpn gateway.
func cmdGatewayAddress(s *Session, c *cli.Call) {
	if len(c.Args) < 1 {
		incomplete(s)
		return
	}
	a, err := parseIPv4(c.Args[0].Text)
	if err != nil {
		s.invalidArg(c, 0)
		return
	}
	port := 443
	if len(c.Args) > 1 {
		if cli.Pick(c.Args[1].Text, "port") != "port" {
			s.invalidArg(c, 1)
			return
		}
		n, ok := intArg(s, c, 2, 1, 65535)
		if !ok {
			return
		}
		port = n
	}
	name := s.target
	s.configure(func(d *ios.Device) error {
		g, ok := d.Running.Gateway(name)
		if !ok {
			return config.ErrNoGateway
		}
		g.Address, g.Port = a, port
		return nil
	})
}

// cmdInService: `inservice` under a gateway or a context.
func cmdInService(on bool) handler {
	return func(s *Session, _ *cli.Call) {
		name, mode := s.target, s.mode
		var err error
		s.b.Update(func(d *ios.Device) error {
			if mode == ModeGateway {
				err = d.Running.SetGatewayInService(name, on)
			} else {
				x, ok := d.Running.Context(name)
				if !ok {
					err = config.ErrNoGateway
				} else {
					changed := x.InService != on
					x.InService = on
					if changed {
						st := "DOWN"
						if on {
							st = "UP"
						}
						d.Logf(s.now(), "%%SSLVPN-5-UPDOWN: sslvpn context : %s changed state to %s", name, st)
					}
				}
			}
			if err != nil {
				return err
			}
			d.ConfigChanged(s.user, s.now())
			return nil
		})
		if errors.Is(err, config.ErrNoGatewayAddr) {
			s.fail("% Please configure an IP address before enabling the gateway", "")
		} else if err != nil {
			s.fail(errorLine(err))
		}
	}
}

func cmdContextGateway(s *Session, c *cli.Call) {
	gw, ok := oneName(s, c)
	if !ok {
		return
	}
	name := s.target
	var err error
	s.b.Update(func(d *ios.Device) error {
		if err = d.Running.SetContextGateway(name, gw); err != nil {
			return err
		}
		d.ConfigChanged(s.user, s.now())
		return nil
	})
	if err != nil {
		s.fail("% Invalid gateway " + gw)
	}
}

func cmdLogin(local bool) handler {
	return func(s *Session, _ *cli.Call) {
		s.configure(func(d *ios.Device) error { d.Running.VTY.LoginLocal = local; return nil })
	}
}

// cmdTransport: `transport input ssh|telnet|all|none`, or several
// protocols ("telnet ssh"), which IOS keeps as they are typed.
func cmdTransport(s *Session, c *cli.Call) {
	if len(c.Args) == 0 {
		incomplete(s)
		return
	}
	var words []string
	for i, a := range c.Args {
		w := cli.Pick(a.Text, "all", "none", "ssh", "telnet")
		if w == "" || (w == "all" || w == "none") && len(c.Args) > 1 {
			s.invalidArg(c, i)
			return
		}
		words = append(words, w)
	}
	t := strings.Join(words, " ")
	if t == "telnet ssh" || t == "ssh telnet" {
		t = "telnet ssh"
	}
	s.configure(func(d *ios.Device) error { d.Running.VTY.Transport = t; return nil })
}

func cmdExecTimeout(s *Session, c *cli.Call) {
	if len(c.Args) == 0 {
		incomplete(s)
		return
	}
	m, err := strconv.Atoi(c.Args[0].Text)
	if err != nil || m < 0 || m > 35791 {
		s.invalidArg(c, 0)
		return
	}
	if len(c.Args) > 1 {
		if sec, err := strconv.Atoi(c.Args[1].Text); err != nil || sec < 0 || sec > 2147483 {
			s.invalidArg(c, 1)
			return
		}
	}
	if m == 0 {
		// `exec-timeout 0`: the session never times out.
		m = config.NoExecTimeout
	}
	s.configure(func(d *ios.Device) error { d.Running.VTY.ExecTimeout = m; return nil })
}

// addNo registers the `no` forms IOS has for the commands above.
func addNo(r *cli.Registry[*Session]) {
	global, ifm, gw, ctx, ln := cli.Modes(ModeConfig), cli.Modes(ModeIf), cli.Modes(ModeGateway), cli.Modes(ModeContext), cli.Modes(ModeLine)
	set := func(fn func(d *ios.Device, c *cli.Call) error) handler {
		return func(s *Session, c *cli.Call) { s.configure(func(d *ios.Device) error { return fn(d, c) }) }
	}
	r.Add(global, "no hostname", "Set system's network name", argNone, "", set(func(d *ios.Device, _ *cli.Call) error {
		return d.Running.SetHostname("Router")
	}))
	r.Add(global, "no enable secret", "Assign the privileged level secret", argWords, "", set(func(d *ios.Device, _ *cli.Call) error {
		d.Running.EnableSecret = ""
		return nil
	}))
	r.Add(global, "no username", "Establish User Name Authentication", argWords, "WORD  User name", func(s *Session, c *cli.Call) {
		if len(c.Args) == 0 {
			incomplete(s)
			return
		}
		s.configure(func(d *ios.Device) error { d.Running.RemoveUser(c.Args[0].Text); return nil })
	})
	noDomain := set(func(d *ios.Device, _ *cli.Call) error { return d.Running.SetDomain("") })
	r.Add(global, "no ip domain name", "Define the default domain name", argWords, "", noDomain)
	r.Add(global, "no ip domain-name", "Define the default domain name", argWords, "", noDomain)
	r.Add(global, "no logging buffered", "Set buffered logging parameters", argWords, "", set(func(d *ios.Device, _ *cli.Call) error {
		d.Running.LogBuffer, d.Running.NoLogBuffer = 0, true
		return nil
	}))
	r.Add(global, "no webvpn gateway", "Virtual Gateway configuration", argWords, "WORD  Virtual Gateway Name", func(s *Session, c *cli.Call) {
		if name, ok := oneName(s, c); ok {
			var err error
			s.b.Update(func(d *ios.Device) error {
				if err = d.Running.RemoveGateway(name); err != nil {
					return err
				}
				d.ConfigChanged(s.user, s.now())
				return nil
			})
			if errors.Is(err, config.ErrGatewayInUse) {
				s.fail("% Gateway " + name + " is in use by a context")
			} else if err != nil {
				s.fail("% Invalid gateway " + name)
			}
		}
	})
	r.Add(global, "no webvpn context", "Specify webvpn context", argWords, "WORD  Context name", func(s *Session, c *cli.Call) {
		if name, ok := oneName(s, c); ok {
			s.configure(func(d *ios.Device) error { d.Running.RemoveContext(name); return nil })
		}
	})
	r.Add(global, "no crypto ikev2 profile", "Define IKEv2 profiles", argWords, "WORD  Name of IKEv2 profile", func(s *Session, c *cli.Call) {
		if name, ok := oneName(s, c); ok {
			s.configure(func(d *ios.Device) error { d.Running.RemoveIKEv2Profile(name); return nil })
		}
	})
	r.Add(ifm, "no shutdown", "Shutdown the selected interface", argNone, "", cmdShutdown(false))
	r.Add(ifm, "no description", "Interface specific description", argWords, "", func(s *Session, _ *cli.Call) {
		name := s.target
		s.configure(func(d *ios.Device) error {
			if f, ok := d.Running.Interface(name); ok {
				f.Description = ""
			}
			return nil
		})
	})
	r.Add(ifm, "no ip address", "Set the IP address of an interface", argWords, "", func(s *Session, _ *cli.Call) {
		name := s.target
		s.configure(func(d *ios.Device) error { return d.SetAddress(name, netip.Prefix{}) })
	})
	r.Add(gw, "no ip address", "IP address and port for the gateway", argWords, "", func(s *Session, _ *cli.Call) {
		name := s.target
		s.configure(func(d *ios.Device) error {
			if g, ok := d.Running.Gateway(name); ok {
				g.Address, g.Port, g.InService = netip.Addr{}, 0, false
			}
			return nil
		})
	})
	r.Add(cli.Modes(ModeGateway, ModeContext), "no inservice", "Enable", argNone, "", cmdInService(false))
	r.Add(ctx, "no gateway", "Associate a gateway with this context", argWords, "", func(s *Session, _ *cli.Call) {
		name := s.target
		s.configure(func(d *ios.Device) error { return d.Running.SetContextGateway(name, "") })
	})
	r.Add(ln, "no login", "Enable password checking", argWords, "", cmdLogin(false))
	r.Add(ln, "no exec-timeout", "Set the EXEC timeout", argWords, "", set(func(d *ios.Device, _ *cli.Call) error {
		d.Running.VTY.ExecTimeout = 0
		return nil
	}))
	r.Add(ln, "no transport input", "Define which protocols to use when connecting to the terminal server", argWords, "", set(func(d *ios.Device, _ *cli.Call) error {
		d.Running.VTY.Transport = "none"
		return nil
	}))
	describe(cli.Modes(ModeConfig, ModeIf, ModeGateway, ModeContext, ModeLine), "no", "Negate a command or set its defaults")
}

// parseIPv4 reads a dotted IPv4 address.
func parseIPv4(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return netip.Addr{}, config.ErrBadAddress
	}
	return a, nil
}

// badMask is IOS's refusal of `ip address A M`: a mask that is not
// contiguous prints in hex, one that makes A the subnet's network or
// broadcast address as a prefix length.
func badMask(a, m string) string {
	mask, err := netip.ParseAddr(m)
	if err != nil || !mask.Is4() {
		return "Bad mask " + m + " for address " + a
	}
	if n, ok := headend.MaskLen(mask); ok {
		return fmt.Sprintf("Bad mask /%d for address %s", n, a)
	}
	b := mask.As4()
	return fmt.Sprintf("Bad mask 0x%02X%02X%02X%02X for address %s", b[0], b[1], b[2], b[3], a)
}

// virtualTemplate reads `Virtual-TemplateN [type tunnel]`; used is 3 with
// the type, which makes the template when it is new.
func virtualTemplate(num string, args []cli.Token) (name string, used int, ok bool) {
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || n > 4096 {
		return "", 0, false
	}
	used = 1
	if len(args) >= 3 && strings.EqualFold(args[1].Text, "type") && strings.EqualFold(args[2].Text, "tunnel") {
		used = 3
	}
	return config.VirtualTemplate(n), used, true
}
