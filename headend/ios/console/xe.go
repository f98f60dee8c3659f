package console

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/asalab/asalab/headend/asav"
	"github.com/asalab/asalab/headend/cli"
	"github.com/asalab/asalab/headend/ios"
	"github.com/asalab/asalab/headend/ios/license"
)

// The licensing commands of the IOS XE routers. A CSR 1000V's Smart
// Agent: `license smart register idtoken T [force]`, `license smart renew
// id|auth`, `license smart deregister` in privileged EXEC, `license boot
// level` and `platform hardware throughput level MB N` in global
// configuration, `show license all|status|summary|usage`. An ASR
// 1001-X's right-to-use licenses: `license right-to-use activate|deactivate
// ipsec` (UNSURE: the lab's one form; activation shows the EULA and asks
// for it to be accepted, as `license boot module` does on an ISR). On a
// router without the licensing a command names, its keyword is marked
// invalid, as IOS marks a command its image has not.
//
// What the Smart Agent prints is the IOS-XE 16.9 agent's: registration
// answers "Registration process is in progress..." and its outcome shows
// in `show license status`; renewals and deregistration print nothing.
// The already-registered line and the refusals are UNSURE (the lab's).
const (
	inProgress    = "Registration process is in progress. Use the 'show license status' command to check the progress and result"
	alreadyReg    = `Device is already registered. To re-register, use the "license smart register idtoken <token> force" command.`
	notRegistered = "% Device is not registered with Smart Licensing"
	noEntitlement = "% No entitlement requested: configure 'platform hardware throughput level MB N' first"
)

func addXE(r *cli.Registry[*Session]) {
	global := cli.Modes(ModeConfig)
	r.Add(privOnly, "license smart register idtoken", "Register with an ID token", argWords,
		"WORD  ID token from the Smart Software Manager, then optionally force", cmdSmartRegister)
	r.Add(privOnly, "license smart renew id", "Renew the ID certificate", argNone, "", cmdSmartRenew(false))
	r.Add(privOnly, "license smart renew auth", "Renew the license authorization", argNone, "", cmdSmartRenew(true))
	r.Add(privOnly, "license smart deregister", "Deregister from the Smart Software Manager", argNone, "", cmdSmartDeregister)
	describe(privOnly, "license smart", "Smart licensing Commands")
	describe(privOnly, "license smart register", "Register with the Smart Software Manager")
	describe(privOnly, "license smart renew", "Renew the registration or the authorization")
	r.Add(privOnly, "license right-to-use activate", "Activate a right-to-use license", argWords, "ipsec  IPsec right-to-use license", cmdRTU(true))
	r.Add(privOnly, "license right-to-use deactivate", "Deactivate a right-to-use license", argWords, "ipsec  IPsec right-to-use license", cmdRTU(false))
	describe(privOnly, "license right-to-use", "Right-to-use license commands")

	r.Add(global, "license boot level", "Configure the technology package of the next boot", argWords,
		strings.Join(ios.CSRLevels, "|")+"  Technology package", cmdBootLevel)
	r.Add(global, "no license boot level", "Configure the technology package of the next boot", argWords, "", func(s *Session, c *cli.Call) {
		if !xeOnly(s, c, (*ios.Device).IsCSR, 4) {
			return
		}
		s.configure(func(d *ios.Device) error { d.Running.BootLevel = ""; return nil })
	})
	r.Add(global, "platform hardware throughput level", "Throughput level", argWords,
		"MB  Throughput level in megabits per second", cmdThroughputLevel)
	r.Add(global, "no platform hardware throughput level", "Throughput level", argWords, "", func(s *Session, c *cli.Call) {
		if !xeOnly(s, c, (*ios.Device).IsCSR, 2) {
			return
		}
		s.configure(func(d *ios.Device) error { return d.SetThroughput(0, s.now()) })
	})
	describe(global, "platform", "Platform configuration")
	describe(global, "platform hardware", "Platform hardware configuration")
	describe(global, "platform hardware throughput", "Platform throughput configuration")
	describe(global, "no platform", "Platform configuration")
	describe(global, "no license", "Configure license features")
	describe(global, "no license boot", "license boot config commands")

	show := func(path, help string, is func(*ios.Device) bool, fn func(s *Session, d *ios.Device) string) {
		r.Add(execModes, "show license "+path, help, argNone, "", func(s *Session, c *cli.Call) {
			if !xeOnly(s, c, is, 3) {
				return
			}
			s.view(func(d *ios.Device) { s.print(fn(s, d)) })
		})
	}
	show("all", "Show license all information", (*ios.Device).IsCSR, func(s *Session, d *ios.Device) string { return d.ShowLicenseAll(s.now()) })
	show("status", "Show license status information", (*ios.Device).IsCSR, func(s *Session, d *ios.Device) string { return d.ShowLicenseStatus(s.now()) })
	show("summary", "Show license summary", (*ios.Device).IsCSR, func(s *Session, d *ios.Device) string { return d.ShowLicenseSummary(s.now()) })
	show("usage", "Show license usage information", (*ios.Device).IsCSR, func(s *Session, d *ios.Device) string { return d.ShowLicenseUsage(s.now()) })
	show("right-to-use", "Show right-to-use licenses", (*ios.Device).IsASR, func(_ *Session, d *ios.Device) string { return d.ShowLicenseRTU() })
}

// xeOnly reports whether the router has the licensing is names; when not
// it marks the line's word-th word (from 1), the keyword the router's
// image has not, as IOS marks it.
func xeOnly(s *Session, c *cli.Call, is func(*ios.Device) bool, word int) bool {
	ok := false
	s.view(func(d *ios.Device) { ok = is(d) })
	if !ok {
		s.caret(c.Prompt, wordPos(c.Line, word))
	}
	return ok
}

// wordPos is where the line's n-th word starts (from 1); the line's end
// when it has fewer.
func wordPos(line string, n int) int {
	in := false
	for i, r := range line {
		if r == ' ' || r == '\t' {
			in = false
			continue
		}
		if !in {
			in = true
			if n--; n == 0 {
				return i
			}
		}
	}
	return len(line)
}

// smartRefusal reports whether err is a refusal of the agent's own, which
// changes nothing (a failure of the manager is recorded and kept).
func smartRefusal(err error) bool {
	return errors.Is(err, asav.ErrNoEntitlement) || errors.Is(err, asav.ErrNotRegistered) || errors.Is(err, asav.ErrReservationMode)
}

// smartLine is what a refused or failed agent command prints.
func smartLine(err error) string {
	switch {
	case errors.Is(err, asav.ErrNoEntitlement):
		return noEntitlement
	case errors.Is(err, asav.ErrNotRegistered):
		return notRegistered
	case errors.Is(err, asav.ErrAlreadyRegistered):
		return alreadyReg
	}
	return ""
}

// smartCommand runs an agent command in a change of the router: a
// failure the agent recorded is kept and returned in failed; a refusal
// drops the change and is returned in refused.
func smartCommand(s *Session, fn func(d *ios.Device) error) (failed, refused error) {
	err := s.b.Update(func(d *ios.Device) error {
		err := fn(d)
		if err != nil && smartRefusal(err) {
			return err
		}
		failed = err
		return nil
	})
	return failed, err
}

func cmdSmartRegister(s *Session, c *cli.Call) {
	if !xeOnly(s, c, (*ios.Device).IsCSR, 2) {
		return
	}
	if len(c.Args) == 0 {
		incomplete(s)
		return
	}
	force := false
	if len(c.Args) > 1 {
		if len(c.Args) > 2 || cli.Pick(c.Args[1].Text, "force") != "force" {
			s.invalidArg(c, min(len(c.Args)-1, 2))
			return
		}
		force = true
	}
	token := c.Args[0].Text
	failed, refused := smartCommand(s, func(d *ios.Device) error {
		return d.SmartRegister(token, force, s.now(), s.b.Smart())
	})
	switch {
	case refused != nil:
		s.fail(firstNonEmpty(smartLine(refused), errorLine(refused)))
	case errors.Is(failed, asav.ErrAlreadyRegistered):
		s.fail(alreadyReg)
	default:
		// The outcome, success or failure, shows in `show license
		// status`, as on the real agent.
		s.println(inProgress)
	}
}

func cmdSmartRenew(auth bool) handler {
	return func(s *Session, c *cli.Call) {
		if !xeOnly(s, c, (*ios.Device).IsCSR, 2) {
			return
		}
		_, refused := smartCommand(s, func(d *ios.Device) error {
			if auth {
				return d.SmartRenewAuth(s.now(), s.b.Smart())
			}
			return d.SmartRenewID(s.now(), s.b.Smart())
		})
		if refused != nil {
			s.fail(firstNonEmpty(smartLine(refused), errorLine(refused)))
		}
	}
}

func cmdSmartDeregister(s *Session, c *cli.Call) {
	if !xeOnly(s, c, (*ios.Device).IsCSR, 2) {
		return
	}
	_, refused := smartCommand(s, func(d *ios.Device) error { return d.SmartDeregister(s.now(), s.b.Smart()) })
	if refused != nil {
		s.fail(firstNonEmpty(smartLine(refused), errorLine(refused)))
	}
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func cmdBootLevel(s *Session, c *cli.Call) {
	if !xeOnly(s, c, (*ios.Device).IsCSR, 3) {
		return
	}
	if !argCount(s, c, 1) {
		return
	}
	level := cli.Pick(strings.ToLower(c.Args[0].Text), ios.CSRLevels...)
	if !slices.Contains(ios.CSRLevels, level) {
		s.invalidArg(c, 0)
		return
	}
	var notice string
	if s.configure(func(d *ios.Device) error {
		var err error
		notice, err = d.SetBootLevel(level)
		return err
	}) {
		s.println(notice)
	}
}

func cmdThroughputLevel(s *Session, c *cli.Call) {
	if !xeOnly(s, c, (*ios.Device).IsCSR, 1) {
		return
	}
	if !argCount(s, c, 2) {
		return
	}
	if !strings.EqualFold(c.Args[0].Text, "MB") {
		s.invalidArg(c, 0)
		return
	}
	mb, err := strconv.Atoi(c.Args[1].Text)
	if err != nil || !slices.Contains(ios.CSRThroughput, mb) {
		s.invalidArg(c, 1)
		return
	}
	s.configure(func(d *ios.Device) error { return d.SetThroughput(mb, s.now()) })
}

// cmdRTU: `license right-to-use activate ipsec` shows the EULA and asks
// for its acceptance; `deactivate` needs none.
func cmdRTU(activate bool) handler {
	return func(s *Session, c *cli.Call) {
		if !xeOnly(s, c, (*ios.Device).IsASR, 2) {
			return
		}
		if !argCount(s, c, 1) {
			return
		}
		f := cli.Pick(strings.ToLower(c.Args[0].Text), ios.RTUFeatures...)
		if !slices.Contains(ios.RTUFeatures, f) {
			s.invalidArg(c, 0)
			return
		}
		if !activate {
			s.update(func(d *ios.Device) error { return d.DeactivateRTU(f) })
			return
		}
		s.println(license.EULA()...)
		s.ask(license.EULAPrompt, false, func(s *Session, ans string) {
			if strings.ToLower(strings.TrimSpace(ans)) != "yes" {
				return
			}
			s.update(func(d *ios.Device) error { return d.ActivateRTU(f, s.now()) })
		})
	}
}
