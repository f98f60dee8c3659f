package console

import (
	"github.com/asalab/asalab/headend/asa"
)

// registerExec adds the everyday EXEC commands that read the box: clock,
// hostname, inventory, flash, memory, failover state, licensed features and
// the configuration as `write terminal` prints it.
func registerExec(r *registry) {
	r.Add(anyMode, "show clock", "Display the system clock", argNone, "", cmdShowClock)
	r.Add(anyMode, "show hostname", "Display the system hostname", argNone, "", cmdShowHostname)
	r.Add(anyMode, "show inventory", "Show the physical inventory", argNone, "", cmdShowInventory)
	r.Add(anyMode, "show memory", "System memory utilization", argNone, "", cmdShowMemory)
	r.Add(anyMode, "show failover", "Show failover status", argNone, "", cmdShowFailover)
	r.Add(anyMode, "show license features", "Show the licensed features", argNone, "", cmdShowLicenseFeatures)
	r.Describe(anyMode, "show license", "Show license information")
	r.Add(privAndUp, "dir", "List files on a filesystem", argWord,
		"disk0:  Directory or file name", cmdDir)
	r.Add(privAndUp, "write terminal", "Write to terminal", argNone, "", cmdShowRunning(asa.SectionAll, false))
}

func cmdShowClock(s *Session, _ *call) {
	s.view(func(d *asa.Device) { s.print(asa.ShowClockIn(s.b.Now(), d.Running.Timezone)) })
}

func cmdShowHostname(s *Session, _ *call) {
	s.view(func(d *asa.Device) { s.println(d.Hostname()) })
}

func cmdShowInventory(s *Session, _ *call) {
	s.view(func(d *asa.Device) { s.print(d.ShowInventory()) })
}

func cmdShowMemory(s *Session, _ *call) {
	c := s.b.Admission().Counts()
	s.view(func(d *asa.Device) { s.print(d.ShowMemory(c.Total())) })
}

func cmdShowFailover(s *Session, _ *call) {
	st := s.b.FailoverStatus()
	s.view(func(d *asa.Device) { s.print(d.ShowFailoverStatus(st, s.b.Now())) })
}

func cmdShowLicenseFeatures(s *Session, _ *call) {
	s.view(func(d *asa.Device) { s.print(d.ShowLicenseFeatures(s.b.Now())) })
}

// cmdDir: dir [disk0:[/]].
func cmdDir(s *Session, c *call) {
	if len(c.Args) > 1 {
		s.invalidArg(c, 1)
		return
	}
	path := ""
	if len(c.Args) == 1 {
		path = c.Args[0].Text
	}
	s.view(func(d *asa.Device) {
		text, _ := d.ShowDir(path)
		s.print(text)
	})
}
