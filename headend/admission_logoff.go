package headend

// Logoff ends the active sessions match selects, as `vpn-sessiondb logoff
// name USER` and `logoff index N` do, and returns how many it ended. Like
// LogoffAll it samples the peak before the sessions go and gives their
// reservations back at once.
func (a *Admission) Logoff(match func(SessionInfo) bool) int {
	a.Counts() // samples the peak
	var ids []uint64
	a.Sessions(0, func(si SessionInfo) bool {
		if match(si) {
			ids = append(ids, si.ID)
		}
		return true
	})
	n := 0
	for _, id := range ids {
		if a.Release(id) {
			n++
		}
	}
	if n > 0 {
		a.Collect()
	}
	return n
}
