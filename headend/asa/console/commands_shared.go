package console

import (
	"errors"

	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/asa/shared"
	"github.com/asalab/asalab/headend/family"
)

// registerShared adds shared AnyConnect Premium licensing: the
// `license-server` lines of a server, a backup server and a participant,
// their `no` forms, `clear configure license-server`, `show running-config
// [all] license-server`, and `show shared license [detail | client
// [HOSTNAME] | backup]`, which shows what the lab's service looks like from
// this unit.
func registerShared(r *registry) {
	cfg := modes(ModeConfig)
	add := func(path, help, argHelp string, kind shared.LineKind) {
		r.Add(cfg, "license-server "+path, help, argWord, argHelp, func(s *Session, c *call) { cmdLicenseServer(s, c, kind) })
		r.Add(cfg, "no license-server "+path, help, argWord, "", func(s *Session, c *call) { cmdNoLicenseServer(s, c, kind) })
	}
	add("secret", "Configure the shared secret", "WORD  The shared secret (4 to 128 characters)", shared.Secret)
	add("enable", "Enable this unit as the shared licensing server on an interface", "WORD  Name of the interface participants reach", shared.Enable)
	add("refresh-interval", "Configure how often participants refresh", "<10-300>  Seconds", shared.Refresh)
	add("port", "Configure the port the server listens on", "<1-65535>  TCP port", shared.Port)
	add("backup", "Configure the shared licensing backup server", "A.B.C.D  Address of the backup server, then backup-id SERIAL [ha-backup-id SERIAL]", shared.Backup)
	add("backup enable", "Enable this unit as the shared licensing backup server on an interface", "WORD  Name of the interface", shared.BackupEnable)
	add("address", "Configure the shared licensing server of this participant", "A.B.C.D  Address of the server, then secret WORD [port N]", shared.Address)
	add("backup address", "Configure the shared licensing backup server of this participant", "A.B.C.D  Address of the backup server", shared.BackupAddress)
	r.Describe(cfg, "license-server", "Configure shared licensing")
	r.Describe(cfg, "no license-server", "Configure shared licensing")
	r.Add(cfg, "clear configure license-server", "Clear license-server configuration", argNone, "", func(s *Session, _ *call) {
		s.configChange(func(d *asa.Device) error {
			d.ClearLicenseServer()
			return nil
		})
	})

	r.Add(privAndUp, "show running-config license-server", "Show license-server configuration", argNone, "", func(s *Session, _ *call) {
		s.view(func(d *asa.Device) { s.print(config.RenderLicenseServer(d.Running, false)) })
	})
	r.Add(privAndUp, "show running-config all license-server", "Show license-server configuration", argNone, "", func(s *Session, _ *call) {
		s.view(func(d *asa.Device) { s.print(config.RenderLicenseServer(d.Running, true)) })
	})
	show := func(render func(st family.SharedStatus, c *call) string) handler {
		return func(s *Session, c *call) {
			if st, ok := s.sharedStatus(); ok {
				s.print(render(st, c))
			}
		}
	}
	r.Add(anyMode, "show shared license", "Show shared license status", argNone, "",
		show(func(st family.SharedStatus, _ *call) string { return shared.Show(st) }))
	r.Add(anyMode, "show shared license detail", "Show shared license details", argNone, "",
		show(func(st family.SharedStatus, _ *call) string { return shared.ShowDetail(st) }))
	r.Add(anyMode, "show shared license backup", "Show the shared licensing backup server", argNone, "",
		show(func(st family.SharedStatus, _ *call) string { return shared.ShowBackup(st) }))
	r.Add(anyMode, "show shared license client", "Show the participants of the shared licensing server", argWord,
		"WORD  Hostname of a participant", show(func(st family.SharedStatus, c *call) string {
			host := ""
			if len(c.Args) > 0 {
				host = c.Args[0].Text
			}
			return shared.ShowClient(st, host)
		}))
	r.Describe(anyMode, "show shared", "Show shared license information")
}

// sharedStatus is the lab's view of the service from this unit, with the
// platform limit the unit knows when the lab does not say (a unit with no
// shared licensing). A backend that is not a lab's (a test's) has none.
func (s *Session) sharedStatus() (family.SharedStatus, bool) {
	var st family.SharedStatus
	if h, ok := s.b.(interface{ SharedStatus() family.SharedStatus }); ok {
		st = h.SharedStatus()
	}
	return st, s.view(func(d *asa.Device) {
		if st.PlatformLimit == 0 {
			st.PlatformLimit = d.Platform().PremiumMax
		}
	})
}

// cmdLicenseServer runs a license-server line of kind: a word out of
// place or range gets the caret, a refusal of the device its line.
func cmdLicenseServer(s *Session, c *call, kind shared.LineKind) {
	words := make([]string, len(c.Args))
	for i, a := range c.Args {
		words[i] = a.Text
	}
	l, f, ok := shared.Parse(kind, words)
	switch {
	case ok:
		sharedUpdate(s, c, l)
	case f.Incomplete:
		s.incomplete()
	default:
		s.invalidArg(c, f.Arg)
	}
}

// cmdNoLicenseServer removes a license-server line; its words after the
// keywords are not checked, except the interface of `no license-server
// enable IFNAME` (without it: every interface).
func cmdNoLicenseServer(s *Session, c *call, kind shared.LineKind) {
	l := shared.Line{Kind: kind, No: true}
	if kind == shared.Enable && len(c.Args) > 0 {
		l.Text = c.Args[0].Text
	}
	sharedUpdate(s, c, l)
}

func sharedUpdate(s *Session, c *call, l shared.Line) {
	now := s.b.Now()
	err := s.configChange(func(d *asa.Device) error { return d.SetLicenseServer(now, l) })
	var ref *config.RefError
	switch {
	case err == nil:
	case errors.As(err, &ref) && ref.Kind == "nameif":
		// The ASA offers the interfaces' names as keywords.
		s.invalidArg(c, 0)
	case errors.Is(err, config.ErrSharedServerKey):
		// Ours: no real refusal of an unlicensed unit was found.
		s.println("ERROR: Shared licensing server is not licensed on this unit (a shared licensing server activation key is required)")
	case errors.Is(err, config.ErrSharedParticipantKey):
		s.println("ERROR: Shared licensing participant is not licensed on this unit (a shared licensing participant activation key is required)")
	default:
		s.println(errorLine(err))
	}
}
