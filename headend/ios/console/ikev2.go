package console

import (
	"github.com/asalab/asalab/headend/cli"
	"github.com/asalab/asalab/headend/ios"
	"github.com/asalab/asalab/headend/ios/config"
)

// addIKEv2 registers the minimal FlexVPN configuration: proposals,
// policies and the lines of a profile.
func addIKEv2(r *cli.Registry[*Session]) {
	global := cli.Modes(ModeConfig)
	r.Add(global, "crypto ikev2 proposal", "Define IKEv2 proposals", argWords, "WORD  Name of IKEv2 proposal", func(s *Session, c *cli.Call) {
		if name, ok := oneName(s, c); ok && s.configure(func(d *ios.Device) error { return d.Running.AddIKEv2Proposal(name) }) {
			s.mode, s.target = ModeIKEProp, name
		}
	})
	r.Add(global, "crypto ikev2 policy", "Define IKEv2 policies", argWords, "WORD  Name of IKEv2 policy", func(s *Session, c *cli.Call) {
		if name, ok := oneName(s, c); ok && s.configure(func(d *ios.Device) error { return d.Running.AddIKEv2Policy(name) }) {
			s.mode, s.target = ModeIKEPol, name
		}
	})
	r.Add(global, "no crypto ikev2 proposal", "Define IKEv2 proposals", argWords, "WORD  Name of IKEv2 proposal", func(s *Session, c *cli.Call) {
		if name, ok := oneName(s, c); ok {
			s.configure(func(d *ios.Device) error { d.Running.RemoveIKEv2Proposal(name); return nil })
		}
	})
	r.Add(global, "no crypto ikev2 policy", "Define IKEv2 policies", argWords, "WORD  Name of IKEv2 policy", func(s *Session, c *cli.Call) {
		if name, ok := oneName(s, c); ok {
			s.configure(func(d *ios.Device) error { d.Running.RemoveIKEv2Policy(name); return nil })
		}
	})

	prop := cli.Modes(ModeIKEProp)
	for _, t := range []struct{ word, help, arg string }{
		{"encryption", "Set encryption algorithm(s) for proposal", "aes-cbc-256  AES-256"},
		{"integrity", "Set integrity hash algorithm(s) for proposal", "sha256  SHA256"},
		{"group", "Set the Diffie-Hellman group(s)", "14  DH 2048 MODP"},
	} {
		r.Add(prop, t.word, t.help, argWords, t.arg, ikev2Transform(t.word, true))
		r.Add(prop, "no "+t.word, t.help, argWords, "", ikev2Transform(t.word, false))
	}

	pol := cli.Modes(ModeIKEPol)
	r.Add(pol, "proposal", "Specify Proposal", argWords, "WORD  Specify IKEv2 Proposal name", func(s *Session, c *cli.Call) {
		if name, ok := oneName(s, c); ok {
			policy := s.target
			ikev2Set(s, c, 0, func(c *config.Config) error { return c.SetIKEv2PolicyProposal(policy, name) })
		}
	})
	r.Add(pol, "no proposal", "Specify Proposal", argWords, "", func(s *Session, c *cli.Call) {
		policy := s.target
		s.configure(func(d *ios.Device) error { return d.Running.SetIKEv2PolicyProposal(policy, "") })
	})

	prof := cli.Modes(ModeIKEv2)
	for _, l := range []struct{ path, what, help, arg string }{
		{"match identity remote", "match", "Remote identity", "any  match any peer identity"},
		{"authentication remote", "remote", "Remote authentication method", "pre-share  Pre-Shared Key"},
		{"authentication local", "local", "Local authentication method", "rsa-sig  Rivest-Shamir-Adleman Signature"},
		{"pki trustpoint", "trustpoint", "Specify PKI trustpoint", "WORD  trustpoint label"},
		{"virtual-template", "virtual-template", "Specify the virtual template for dynamic interface", "<1-4096>  Virtual-Template interface number"},
	} {
		r.Add(prof, l.path, l.help, argWords, l.arg, ikev2ProfileLine(l.what, true))
		r.Add(prof, "no "+l.path, l.help, argWords, "", ikev2ProfileLine(l.what, false))
	}
	describe(prof, "match", "Match values of peer")
	describe(prof, "match identity", "Peer identity")
	describe(prof, "authentication", "Set authentication method")
	describe(prof, "pki", "Specify PKI trustpoint(s)")
}

// ikev2Set applies fn, showing the caret under argument i when the
// configuration refuses the value (tried on a copy first, so a refused
// line changes nothing).
func ikev2Set(s *Session, c *cli.Call, i int, fn func(c *config.Config) error) {
	var err error
	if !s.view(func(d *ios.Device) { probe := d.Running.Clone(); err = fn(&probe) }) {
		return
	}
	if err != nil {
		s.invalidArg(c, i)
		return
	}
	s.configure(func(d *ios.Device) error { return fn(&d.Running) })
}

func ikev2Transform(what string, on bool) func(*Session, *cli.Call) {
	return func(s *Session, c *cli.Call) {
		vals := words(c)
		if !on {
			vals = nil
		} else if len(vals) == 0 {
			incomplete(s)
			return
		}
		name := s.target
		ikev2Set(s, c, badIndex(vals, what), func(c *config.Config) error { return c.SetIKEv2Transform(name, what, vals) })
	}
}

func ikev2ProfileLine(what string, on bool) func(*Session, *cli.Call) {
	return func(s *Session, c *cli.Call) {
		args := words(c)
		if !on {
			args = nil
		} else if len(args) == 0 {
			incomplete(s)
			return
		}
		name := s.target
		ikev2Set(s, c, 0, func(c *config.Config) error { return c.SetIKEv2ProfileLine(name, what, args) })
	}
}

// badIndex is the value of a proposal line IOS marks: the first that is
// not one of the line's keywords.
func badIndex(vals []string, what string) int {
	for i, v := range vals {
		probe := config.Config{IKEv2Proposals: []config.IKEv2Proposal{{Name: "p"}}}
		if probe.SetIKEv2Transform("p", what, []string{v}) != nil {
			return i
		}
	}
	return 0
}

func words(c *cli.Call) []string {
	out := make([]string, len(c.Args))
	for i, a := range c.Args {
		out[i] = a.Text
	}
	return out
}
