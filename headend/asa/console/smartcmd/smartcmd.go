// Package smartcmd is the ASAv console's Smart Licensing commands: the
// `license smart` configuration sub-mode (`feature tier`, `throughput
// level`), `license smart reservation`, the `call-home` block, the exec
// commands that talk to the Smart Software Manager (register, renew,
// deregister, reservation request, install and cancel), `show license
// ...` and `show running-config license|call-home`. The console adds them
// to an ASAv session's command set only.
//
// Where no real ASAv answer was found, each command prints one
// documented line (UNSURE): the registration's in-progress line is the
// IOS-XE Smart Agent's (which the ASA shares), and the refusals are
// "ERROR: ..." lines of the simulator's.
package smartcmd

import (
	"errors"
	"strings"

	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/headend/asa/console/command"
	"github.com/asalab/asalab/headend/asav"
	"github.com/asalab/asalab/headend/cli"
)

// Lines the commands print.
const (
	// InProgress follows every registration the agent sends (IOS-XE
	// 16.9's Smart Agent, verbatim; ASAv UNSURE).
	InProgress     = "Registration process is in progress. Use the 'show license status' command to check the progress and result"
	alreadyRegLine = `Device is already registered. To re-register, use the "license smart register idtoken <token> force" command.`
	noEntitlement  = "ERROR: No entitlement configured: configure 'feature tier standard' and 'throughput level' under 'license smart' first"
	notRegistered  = "ERROR: The device is not registered with Smart Licensing"
	reservationOn  = "ERROR: License reservation is enabled: use 'license smart reservation request universal' and 'license smart reservation install'"
	reservationOff = "ERROR: License reservation is not enabled: configure 'license smart reservation' first"
	noRequest      = "ERROR: No license reservation request is outstanding: use 'license smart reservation request universal' first"
	// alreadyReserved and badCode are the IOS-XE agent's answers to a
	// request once a reservation is installed and to an authorization
	// code of another request (its install-file form; ASAv UNSURE).
	alreadyReserved = "Already registered"
	badCode         = "Reservation install failed: The Reservation Authorization Code does not match the Reservation Request Code"
	registeredLine  = "ERROR: The device is registered: use 'license smart deregister' first"
	requestCodeHead = "Enter this request code in the Cisco Smart Software Manager portal:"
	returnCodeHead  = "Enter this return code in Cisco Smart Software Manager portal:"
	notReserved     = "ERROR: No license reservation is installed"
)

// Register adds the commands.
func Register(r command.Registry) {
	cfg := cli.Modes(command.ModeConfig)
	exec := cli.Modes(command.ModePriv, command.ModeConfig)
	lic := cli.Modes(command.ModeSmartLic)
	ch := cli.Modes(command.ModeCallHome)
	prof := cli.Modes(command.ModeCallHomeProfile)

	r.Add(cfg, "license smart", "Configure Smart Licensing", command.ArgNone, "", func(s command.Session, _ *cli.Call) {
		s.EnterMode(command.ModeSmartLic, "")
	})
	r.Add(cfg, "no license smart", "Remove the Smart Licensing entitlement configuration", command.ArgNone, "", func(s command.Session, c *cli.Call) {
		smartConfig(s, c, func(l *asav.Config) error { l.Tier, l.Throughput = "", ""; return nil })
	})
	r.Add(cfg, "license smart reservation", "Enable Permanent License Reservation", command.ArgNone, "", func(s command.Session, c *cli.Call) {
		smartConfig(s, c, func(l *asav.Config) error { l.Reservation = true; return nil })
	})
	r.Add(cfg, "no license smart reservation", "Disable Permanent License Reservation", command.ArgNone, "", func(s command.Session, c *cli.Call) {
		smartConfig(s, c, func(l *asav.Config) error { l.Reservation = false; return nil })
	})
	r.Describe(cli.Modes(command.ModePriv, command.ModeConfig, command.ModeUser), "license", "Configure license features")
	r.Describe(cfg, "no license", "Configure license features")

	r.Add(lic, "feature tier", "Configure the feature tier", command.ArgWord, "standard  Standard tier", cmdFeatureTier(false))
	r.Add(lic, "no feature tier", "Configure the feature tier", command.ArgWord, "standard  Standard tier", cmdFeatureTier(true))
	r.Add(lic, "throughput level", "Configure the throughput level", command.ArgWord,
		strings.Join(asav.Levels, "|")+"  Throughput level", cmdThroughput(false))
	r.Add(lic, "no throughput level", "Configure the throughput level", command.ArgWord,
		strings.Join(asav.Levels, "|")+"  Throughput level", cmdThroughput(true))
	r.Describe(lic, "feature", "Configure features")
	r.Describe(lic, "throughput", "Configure throughput")
	r.Describe(lic, "no feature", "Configure features")
	r.Describe(lic, "no throughput", "Configure throughput")

	r.Add(exec, "license smart register idtoken", "Register with an ID token", command.ArgWord,
		"WORD  ID token from the Smart Software Manager, then optionally force", cmdRegister)
	r.Add(exec, "license smart renew id", "Renew the ID certificate (registration)", command.ArgNone, "", cmdRenew(false))
	r.Add(exec, "license smart renew auth", "Renew the license authorization", command.ArgNone, "", cmdRenew(true))
	r.Add(exec, "license smart deregister", "Deregister from the Smart Software Manager", command.ArgNone, "", cmdDeregister)
	r.Add(exec, "license smart reservation request universal", "Request a universal license reservation", command.ArgNone, "", cmdRequest)
	r.Add(exec, "license smart reservation install", "Install a license reservation authorization code", command.ArgWord,
		"WORD  Authorization code from the Smart Software Manager", cmdInstall)
	r.Add(exec, "license smart reservation return", "Return the installed license reservation", command.ArgNone, "", cmdReturn)
	r.Add(exec, "license smart reservation cancel", "Cancel the outstanding reservation request", command.ArgNone, "", cmdCancel)
	r.Describe(exec, "license smart register", "Register with the Smart Software Manager")
	r.Describe(exec, "license smart renew", "Renew the registration or the authorization")
	r.Describe(exec, "license smart reservation request", "Request a license reservation")

	r.Add(cfg, "call-home", "Enter cfg-call-home mode", command.ArgNone, "", func(s command.Session, _ *cli.Call) {
		s.EnterMode(command.ModeCallHome, "")
	})
	r.Add(ch, "profile", "Enter call-home profile configuration mode", command.ArgWord, "WORD  Profile name", cmdProfile)
	r.Add(ch, "no profile", "Remove a call-home profile", command.ArgWord, "WORD  Profile name", cmdNoProfile)
	for _, k := range []struct{ path, help string }{
		{"destination", "Message destination related configuration"},
		{"subscribe-to-alert-group", "Subscribe to alert-group"},
	} {
		r.Add(prof, k.path, k.help, command.ArgWord, "LINE  The "+k.path+" command's arguments", cmdProfileLine(k.path, false))
		r.Add(prof, "no "+k.path, k.help, command.ArgWord, "LINE  The "+k.path+" command's arguments", cmdProfileLine(k.path, true))
	}
	r.Add(prof, "active", "Activate the current profile", command.ArgNone, "", cmdProfileLine("active", false))
	r.Add(prof, "no active", "Activate the current profile", command.ArgNone, "", cmdProfileLine("no active", false))

	for _, what := range []string{"all", "status", "summary", "features", "udi"} {
		r.Add(command.AnyMode, "show license "+what, "Show license "+what, command.ArgNone, "", cmdShowLicense(what))
	}
	r.Describe(command.AnyMode, "show license", "Show license information")
	r.Add(command.PrivAndUp, "show running-config license", "Show license configuration", command.ArgNone, "", cmdShowRunLicense)
	r.Add(command.PrivAndUp, "show running-config all license", "Show license configuration", command.ArgNone, "", cmdShowRunLicense)
	r.Add(command.PrivAndUp, "show running-config call-home", "Show call-home configuration", command.ArgNone, "", cmdShowRunCallHome)
	r.Add(command.PrivAndUp, "show running-config all call-home", "Show call-home configuration", command.ArgNone, "", cmdShowRunCallHome)
}

// smartConfig changes the `license smart` configuration.
func smartConfig(s command.Session, _ *cli.Call, fn func(l *asav.Config) error) {
	err := s.ConfigChange(func(d *asa.Device) error { return d.SetSmartConfig(s.Now(), fn) })
	if err != nil {
		s.Println(command.ErrorLine(err))
	}
}

func cmdFeatureTier(no bool) command.Handler {
	return func(s command.Session, c *cli.Call) {
		if !no && len(c.Args) == 0 {
			s.Incomplete()
			return
		}
		if !command.ArgCount(s, c, 0, 1) {
			return
		}
		if len(c.Args) == 1 && !strings.HasPrefix("standard", strings.ToLower(c.Args[0].Text)) {
			s.InvalidArg(c, 0)
			return
		}
		smartConfig(s, c, func(l *asav.Config) error {
			l.Tier = "standard"
			if no {
				l.Tier = ""
			}
			return nil
		})
	}
}

func cmdThroughput(no bool) command.Handler {
	return func(s command.Session, c *cli.Call) {
		if !no && len(c.Args) == 0 {
			s.Incomplete()
			return
		}
		if !command.ArgCount(s, c, 0, 1) {
			return
		}
		level := ""
		if len(c.Args) == 1 {
			t, ok := asav.TierOfLevel(strings.ToUpper(c.Args[0].Text))
			if !ok {
				s.InvalidArg(c, 0)
				return
			}
			level = t.Level
		}
		smartConfig(s, c, func(l *asav.Config) error {
			if no {
				l.Throughput = ""
			} else {
				l.Throughput = level
			}
			return nil
		})
	}
}

// refusal is the line of an agent's refusal; ok is false for an error
// that is not one.
func refusal(err error) (string, bool) {
	switch {
	case errors.Is(err, asav.ErrNoEntitlement):
		return noEntitlement, true
	case errors.Is(err, asav.ErrNotRegistered):
		return notRegistered, true
	case errors.Is(err, asav.ErrReserved):
		return alreadyReserved, true
	case errors.Is(err, asav.ErrNoRequest):
		return noRequest, true
	case errors.Is(err, asav.ErrNotReserved):
		return notReserved, true
	case errors.Is(err, asav.ErrAlreadyRegistered):
		return registeredLine, true
	}
	return "", false
}

// agentCmd runs an agent command through s.Change: an error of the agent
// that changes nothing prints its line.
func agentCmd(s command.Session, reservation bool, fn func(d *asa.Device) error) bool {
	err := s.Change(fn)
	if err == nil {
		return true
	}
	line, ok := refusal(err)
	switch {
	case ok:
	case errors.Is(err, asav.ErrReservationMode) && reservation:
		line = reservationOff
	case errors.Is(err, asav.ErrReservationMode):
		line = reservationOn
	default:
		line = command.ErrorLine(err)
	}
	s.Println(line)
	return false
}

// cmdRegister: license smart register idtoken TOKEN [force]. A
// registration the agent sent prints the in-progress line, whatever the
// outcome, which `show license status` tells; registered already without
// force prints the IOS-XE agent's line (UNSURE).
func cmdRegister(s command.Session, c *cli.Call) {
	if len(c.Args) == 0 {
		s.Incomplete()
		return
	}
	if !command.ArgCount(s, c, 1, 2) {
		return
	}
	force := false
	if len(c.Args) == 2 {
		if !strings.HasPrefix("force", strings.ToLower(c.Args[1].Text)) {
			s.InvalidArg(c, 1)
			return
		}
		force = true
	}
	var failed error
	if !agentCmd(s, false, func(d *asa.Device) (err error) {
		failed, err = d.SmartRegister(c.Args[0].Text, force, s.Now(), s.Smart())
		return err
	}) {
		return
	}
	if errors.Is(failed, asav.ErrAlreadyRegistered) {
		s.Println(alreadyRegLine)
		return
	}
	s.Println(InProgress)
}

// cmdRenew: license smart renew id|auth. It prints nothing: the outcome
// is in `show license all` (UNSURE).
func cmdRenew(auth bool) command.Handler {
	return func(s command.Session, _ *cli.Call) {
		agentCmd(s, false, func(d *asa.Device) error {
			_, err := d.SmartRenewNow(auth, s.Now(), s.Smart())
			return err
		})
	}
}

// cmdDeregister: license smart deregister, which prints nothing (Cisco's
// ASAv scripts expect the prompt alone).
func cmdDeregister(s command.Session, _ *cli.Call) {
	agentCmd(s, false, func(d *asa.Device) error { return d.SmartDeregister(s.Now(), s.Smart()) })
}

// cmdRequest: license smart reservation request universal prints the
// request code (its framing line UNSURE).
func cmdRequest(s command.Session, _ *cli.Call) {
	var code string
	if agentCmd(s, true, func(d *asa.Device) (err error) {
		code, err = d.SmartReservationRequest(s.Now())
		return err
	}) {
		s.Println(requestCodeHead, code)
	}
}

// cmdInstall: license smart reservation install CODE, checked offline.
func cmdInstall(s command.Session, c *cli.Call) {
	if len(c.Args) == 0 {
		s.Incomplete()
		return
	}
	if !command.ArgCount(s, c, 1, 1) {
		return
	}
	err := s.Change(func(d *asa.Device) error { return d.SmartReservationInstall(c.Args[0].Text, s.Now(), s.Smart()) })
	if err == nil {
		return
	}
	if line, ok := refusal(err); ok {
		s.Println(line)
		return
	}
	if errors.Is(err, asav.ErrReservationMode) {
		s.Println(reservationOff)
		return
	}
	s.Println(badCode)
}

// cmdReturn: license smart reservation return prints the return code in
// the IOS-XE Smart Agent's words, without its confirmation question (the
// ASA's wording is not known; automation answers none).
func cmdReturn(s command.Session, _ *cli.Call) {
	var code string
	if agentCmd(s, true, func(d *asa.Device) (err error) {
		code, err = d.SmartReservationReturn(s.Now(), s.Smart())
		return err
	}) {
		s.Println(returnCodeHead, code)
	}
}

func cmdCancel(s command.Session, _ *cli.Call) {
	agentCmd(s, true, func(d *asa.Device) error { return d.SmartReservationCancel(s.Now()) })
}

func cmdShowLicense(what string) command.Handler {
	return func(s command.Session, _ *cli.Call) {
		s.View(func(d *asa.Device) { s.Print(d.ShowLicense(what, s.Now())) })
	}
}

func cmdShowRunLicense(s command.Session, _ *cli.Call) {
	s.View(func(d *asa.Device) { s.Print(lines(d.Running.SmartLicense.Lines())) })
}

func cmdShowRunCallHome(s command.Session, _ *cli.Call) {
	s.View(func(d *asa.Device) { s.Print(lines(d.Running.CallHome.Lines())) })
}

func lines(ls []string) string {
	if len(ls) == 0 {
		return ""
	}
	return strings.Join(ls, "\n") + "\n"
}

// cmdProfile: profile NAME under call-home.
func cmdProfile(s command.Session, c *cli.Call) {
	if len(c.Args) == 0 {
		s.Incomplete()
		return
	}
	if !command.ArgCount(s, c, 1, 1) {
		return
	}
	name := c.Args[0].Text
	err := s.ConfigChange(func(d *asa.Device) error { d.Running.CallHome.AddProfile(name); return nil })
	if err != nil {
		s.Println(command.ErrorLine(err))
		return
	}
	s.EnterMode(command.ModeCallHomeProfile, name)
}

func cmdNoProfile(s command.Session, c *cli.Call) {
	if len(c.Args) == 0 {
		s.Incomplete()
		return
	}
	if !command.ArgCount(s, c, 1, 1) {
		return
	}
	err := s.ConfigChange(func(d *asa.Device) error {
		if !d.Running.CallHome.RemoveProfile(c.Args[0].Text) {
			return errNoProfile
		}
		return nil
	})
	if err != nil {
		s.Println("ERROR: Profile " + c.Args[0].Text + " does not exist")
	}
}

var errNoProfile = errors.New("no such profile")

// cmdProfileLine keeps a line of a call-home profile as typed; its `no`
// form removes it.
func cmdProfileLine(cmd string, no bool) command.Handler {
	return func(s command.Session, c *cli.Call) {
		words := []string{cmd}
		for _, a := range c.Args {
			words = append(words, a.Text)
		}
		if len(words) == 1 && cmd != "active" && cmd != "no active" {
			s.Incomplete()
			return
		}
		line := strings.Join(words, " ")
		err := s.ConfigChange(func(d *asa.Device) error {
			d.Running.CallHome.SetLine(s.SubName(), asav.LineKey(line), line, no)
			return nil
		})
		if err != nil {
			s.Println(command.ErrorLine(err))
		}
	}
}
