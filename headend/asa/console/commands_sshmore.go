package console

import "github.com/asalab/asalab/headend/asa"

// registerSSHViews adds `show ssh` (the SSH settings and permitted hosts)
// and `show ssh sessions` (the SSH connections to this headend).
func registerSSHViews(r *registry) {
	r.Add(privAndUp, "show ssh", "Show SSH configuration and status", argNone, "", func(s *Session, _ *call) {
		s.view(func(d *asa.Device) { s.print(d.ShowSSH()) })
	})
	r.Add(privAndUp, "show ssh sessions", "Show SSH sessions", argNone, "", func(s *Session, _ *call) {
		s.print(asa.ShowSSHSessions(s.b.SSHSessions()))
	})
}
