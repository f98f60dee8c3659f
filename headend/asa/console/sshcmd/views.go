package sshcmd

import (
	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/headend/asa/console/command"
	"github.com/asalab/asalab/headend/cli"
)

// registerSSHViews adds `show ssh` (the SSH settings and permitted hosts)
// and `show ssh sessions` (the SSH connections to this headend).
func registerSSHViews(r command.Registry) {
	r.Add(command.PrivAndUp, "show ssh", "Show SSH configuration and status", command.ArgNone, "", func(s command.Session, _ *cli.Call) {
		s.View(func(d *asa.Device) { s.Print(d.ShowSSH()) })
	})
	r.Add(command.PrivAndUp, "show ssh sessions", "Show SSH sessions", command.ArgNone, "", func(s command.Session, _ *cli.Call) {
		s.Print(asa.ShowSSHSessions(s.SSHSessions()))
	})
}
