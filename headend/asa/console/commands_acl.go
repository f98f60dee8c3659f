package console

import (
	"github.com/asalab/asalab/headend/asa"

	"github.com/asalab/asalab/headend/asa/config"
)

// registerACL adds `show access-list [NAME]`.
func registerACL(r *registry) {
	r.Add(privAndUp, "show access-list", "Show hit counters for access policies", argWord, "WORD  Name of access-list, or <cr>", cmdShowAccessList)
}

func cmdShowAccessList(s *Session, c *call) {
	if len(c.Args) > 1 {
		s.invalidArg(c, 1)
		return
	}
	name := c.Arg(0)
	s.view(func(d *asa.Device) {
		out, ok := config.RenderAccessList(d.Running, name)
		if !ok {
			// The wording a public ASA simulator prints; not confirmed
			// against a capture of a real box.
			s.println("ERROR: access-list <" + name + "> does not exist")
			return
		}
		s.print(out)
	})
}
