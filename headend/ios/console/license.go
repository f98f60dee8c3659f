package console

import (
	"errors"
	"strings"

	"github.com/asalab/asalab/headend/cli"
	"github.com/asalab/asalab/headend/ios"
	"github.com/asalab/asalab/headend/ios/license"
)

// The licensing commands of an ISR G2 (Cisco IOS Software Activation
// Command Reference): `license install|clear|save` in privileged EXEC,
// `license boot module` and `license accept end user agreement` in global
// configuration, and the `show license` outputs. What they decide and
// print is headend/ios/license's; the console asks IOS's questions and
// logs the lines the license store returns.
func addLicense(r *cli.Registry[*Session]) {
	global := cli.Modes(ModeConfig)
	describe(privOnly, "license", "Smart licensing Commands")
	r.Add(privOnly, "license install", "Install license information", argWords, "flash:  Install from flash: file system", isrOnly(cmdLicenseInstall, 2))
	r.Add(privOnly, "license clear", "Clear license info", argWords, "WORD  Feature name to clear", isrOnly(cmdLicenseClear, 2))
	r.Add(privOnly, "license save", "Save license information", argWords, "flash:  Save to flash: file system", isrOnly(cmdLicenseSave, 2))
	r.Add(global, "license boot module", "Configure license module", argWords, "WORD  Module name", isrOnly(cmdLicenseBoot, 3))
	describe(global, "license", "Configure license features")
	describe(global, "license boot", "license boot config commands")
	r.Add(global, "license accept end user agreement", "Accept EULA for all the features", argNone, "", isrOnly(cmdLicenseAccept, 2))
	describe(global, "license accept", "Accept end user license agreement")
	describe(global, "license accept end", "End user license agreement")
	describe(global, "license accept end user", "End user license agreement")

	show := func(path, help string, fn func(s *Session, d *ios.Device) string) {
		r.Add(execModes, "show "+path, help, argNone, "", func(s *Session, c *cli.Call) {
			xe := false
			s.view(func(d *ios.Device) { xe = d.IsXE() })
			switch {
			case xe && path == "license":
				// IOS XE's `show license` names what to show
				// (UNSURE: the lab's answer).
				incomplete(s)
			case xe && path != "license udi":
				s.caret(c.Prompt, wordPos(c.Line, 3))
			default:
				s.view(func(d *ios.Device) { s.print(fn(s, d)) })
			}
		})
	}
	inUse := func(s *Session) map[string]int { return map[string]int{"SSL_VPN": sslInUse(s.b.Admission())} }
	show("license", "Show license information", func(s *Session, d *ios.Device) string {
		return d.License.ShowLicense(s.now(), inUse(s))
	})
	show("license feature", "Show license feature information", func(s *Session, d *ios.Device) string {
		return d.License.ShowLicenseFeature(s.now())
	})
	show("license detail", "Show license detail information", func(s *Session, d *ios.Device) string {
		return d.License.ShowLicenseDetail(s.now(), inUse(s))
	})
	show("license udi", "Show license UDI information", func(s *Session, d *ios.Device) string {
		return license.ShowLicenseUDI(d.PID(), d.SerialNumber())
	})
}

// isrOnly is an ISR G2's technology-package command: an IOS XE router's
// image has not it, and marks its word-th word invalid.
func isrOnly(h handler, word int) handler {
	return func(s *Session, c *cli.Call) {
		if xeOnly(s, c, func(d *ios.Device) bool { return !d.IsXE() }, word) {
			h(s, c)
		}
	}
}

// printOutput prints a licensing command's lines; its syslog lines were
// logged by the change that made them.
func (s *Session) printOutput(out license.Output, err error) {
	if err != nil {
		s.failed = true
		if len(out.Lines) == 0 {
			out.Lines = []string{licenseErrorLine(err)}
		}
	}
	s.println(out.Lines...)
}

// logOutput logs a licensing command's syslog lines on the router.
func (s *Session) logOutput(d *ios.Device, out license.Output) {
	for _, l := range out.Syslog {
		d.Logf(s.now(), "%s", l)
	}
}

// licenseErrorLine words a licensing error the store gave no lines for.
func licenseErrorLine(err error) string {
	switch {
	case errors.Is(err, license.ErrUnknownFeature):
		return "% Error: Feature name not found"
	case errors.Is(err, license.ErrNothingToClear):
		return "% Error: No license to clear"
	case errors.Is(err, license.ErrNoLicenses):
		return "% Error: No licenses to save"
	}
	return errorLine(err)
}

// fileArg reads the flash file argument of a license command.
func fileArg(s *Session, c *cli.Call) (string, bool) {
	if !argCount(s, c, 1) {
		return "", false
	}
	name, err := ios.FlashName(c.Args[0].Text)
	if err != nil {
		s.invalidArg(c, 0)
		return "", false
	}
	return name, true
}

// cmdLicenseInstall: `license install flash:NAME` reads the file from
// flash and installs it on this router's UDI.
func cmdLicenseInstall(s *Session, c *cli.Call) {
	name, ok := fileArg(s, c)
	if !ok {
		return
	}
	var out license.Output
	var err error
	found := true
	s.b.Update(func(d *ios.Device) error {
		data, ok := d.File(name)
		if !ok {
			found = false
			return ios.ErrNoFile
		}
		out, err = d.License.Install(s.now(), d.UDI(), "flash0:"+name, data, s.b.Signer())
		if err != nil {
			return err
		}
		s.logOutput(d, out)
		return nil
	})
	if !found {
		s.fail("% Error: Could not open file flash0:"+name, "")
		return
	}
	s.printOutput(out, err)
}

// cmdLicenseClear lists what it would clear and asks before clearing.
func cmdLicenseClear(s *Session, c *cli.Call) {
	if !argCount(s, c, 1) {
		return
	}
	feature := c.Args[0].Text
	var lines []string
	var err error
	inUse := map[string]int{"SSL_VPN": sslInUse(s.b.Admission())}
	s.view(func(d *ios.Device) { lines, err = d.License.ClearList(feature, inUse) })
	if err != nil {
		s.printOutput(license.Output{}, err)
		return
	}
	s.println(lines...)
	s.ask(license.ClearPrompt, false, func(s *Session, ans string) {
		if strings.ToLower(strings.TrimSpace(ans)) != "yes" {
			return
		}
		var out license.Output
		var err error
		s.b.Update(func(d *ios.Device) error {
			if out, err = d.License.Clear(s.now(), feature); err != nil {
				return err
			}
			s.logOutput(d, out)
			return nil
		})
		s.printOutput(out, err)
	})
}

// cmdLicenseSave writes the installed licenses to a file on flash.
func cmdLicenseSave(s *Session, c *cli.Call) {
	name, ok := fileArg(s, c)
	if !ok {
		return
	}
	var out license.Output
	var err error
	s.b.Update(func(d *ios.Device) error {
		var data []byte
		if data, out, err = d.License.Save("flash0:" + name); err != nil {
			return err
		}
		if err = d.PutFile(name, data, s.now()); err != nil {
			return err
		}
		s.logOutput(d, out)
		return nil
	})
	s.printOutput(out, err)
}

// cmdLicenseBoot: `license boot module MODULE technology-package PKG
// [disable]`. A package without a permanent license and whose EULA is not
// accepted shows the EULA and asks ACCEPT? first.
func cmdLicenseBoot(s *Session, c *cli.Call) {
	if len(c.Args) < 3 {
		incomplete(s)
		return
	}
	if cli.Pick(c.Args[1].Text, "technology-package") != "technology-package" {
		s.invalidArg(c, 1)
		return
	}
	module, pkg := c.Args[0].Text, c.Args[2].Text
	disable := false
	if len(c.Args) > 3 {
		if cli.Pick(c.Args[3].Text, "disable") != "disable" || len(c.Args) > 4 {
			s.invalidArg(c, min(len(c.Args)-1, 4))
			return
		}
		disable = true
	}
	run := func(s *Session, accepted bool) {
		var out license.Output
		var err error
		s.b.Update(func(d *ios.Device) error {
			if disable {
				out, err = d.License.BootModuleDisable(s.now(), module, pkg)
			} else {
				out, err = d.License.BootModule(s.now(), module, pkg, accepted)
			}
			if err != nil {
				return err
			}
			s.logOutput(d, out)
			d.Running.SetBootPackage(pkg, !disable)
			d.ConfigChanged(s.user, s.now())
			return nil
		})
		switch {
		case errors.Is(err, license.ErrUnknownModule):
			s.invalidArg(c, 0)
		case errors.Is(err, license.ErrUnknownPackage):
			s.invalidArg(c, 2)
		default:
			s.printOutput(out, err)
		}
	}
	if disable {
		run(s, false)
		return
	}
	var needs bool
	var err error
	s.view(func(d *ios.Device) { needs, err = d.License.BootNeedsEULA(module, pkg) })
	switch {
	case errors.Is(err, license.ErrUnknownModule):
		s.invalidArg(c, 0)
	case errors.Is(err, license.ErrUnknownPackage):
		s.invalidArg(c, 2)
	case err != nil:
		s.printOutput(license.Output{}, err)
	case needs:
		s.println(license.EULA()...)
		s.ask(license.EULAPrompt, false, func(s *Session, ans string) {
			run(s, strings.ToLower(strings.TrimSpace(ans)) == "yes")
		})
	default:
		run(s, false)
	}
}

// cmdLicenseAccept: `license accept end user agreement` shows the EULA and
// asks ACCEPT? [yes/no].
func cmdLicenseAccept(s *Session, _ *cli.Call) {
	s.println(license.EULA()...)
	s.ask(license.EULAPrompt, false, func(s *Session, ans string) {
		if strings.ToLower(strings.TrimSpace(ans)) != "yes" {
			return
		}
		s.update(func(d *ios.Device) error {
			out := d.License.AcceptEULA(s.now())
			s.logOutput(d, out)
			s.println(out.Lines...)
			return nil
		})
	})
}
