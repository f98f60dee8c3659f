package admission

// Logoff ends the active sessions match selects, as `vpn-sessiondb logoff
// name USER` and `logoff index N` do, and returns how many it ended. Like
// LogoffAll it samples the peak before the sessions go and gives their
// reservations back at once.
func (a *Admission) Logoff(match func(SessionInfo) bool) int {
	t := a.tab.Load()
	n := a.logoff(t, match)
	if n > 0 {
		t.collect()
	}
	return n
}
