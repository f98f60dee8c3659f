package sharedlic

import (
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/asalab/asalab/headend/family"
)

// The service's evaluation: what each unit is (roles), whom each
// participant reaches (answer), and what the lab time passing does
// (deadlines). Everything here runs with the service's lock held and
// reads the devices only through what noteDevice cached.

// roles decides the role of every unit from its lines and keys.
func (s *Service) roles() {
	for _, u := range s.units {
		switch {
		case u.pool > 0 && u.cfg.Secret != "" && u.cfg.EnableIface != "":
			// Its role is its configuration's: a server whose
			// interface is down is a server nobody reaches, whose pool
			// its backup serves.
			u.role = family.SharedServer
		case u.participant && u.bkAddr.IsValid() && u.cfg.ServerAddr.IsValid() && s.namedBackup(u):
			u.role = family.SharedBackup
		case u.participant && u.cfg.ServerAddr.IsValid() && u.cfg.ServerSecret != "":
			u.role = family.SharedParticipant
		default:
			u.role = family.SharedNone
		}
	}
}

// namedBackup reports whether a server names b as its backup
// (`license-server backup A backup-id SERIAL [ha-backup-id SERIAL]`).
func (s *Service) namedBackup(b *shUnit) bool {
	for _, m := range s.units {
		if m != b && m.pool > 0 && (m.cfg.BackupID == b.serial || m.cfg.HABackupID == b.serial) {
			return true
		}
	}
	return false
}

// findAt finds the unit that answers from u at addr at now as a server
// (backup false) or a backup server (backup true): it holds addr on the
// interface it serves on, is up, and the lab network has a path. When
// none does but a unit that would is reloading, recheck is when it is up.
func (s *Service) findAt(u *shUnit, addr netip.Addr, now time.Time, backup bool) (found *shUnit, recheck time.Time) {
	if !addr.IsValid() {
		return nil, time.Time{}
	}
	for _, ho := range s.lab.Holders(u.id, addr) {
		o := s.units[ho.ID]
		if o == nil {
			continue
		}
		if backup && (o.role != family.SharedBackup || o.bkAddr != addr) ||
			!backup && (o.role != family.SharedServer || !slices.Contains(o.srvAddrs, addr)) {
			continue
		}
		if now.Before(ho.UpAt) {
			if recheck.IsZero() || ho.UpAt.Before(recheck) {
				recheck = ho.UpAt
			}
			continue
		}
		if o == u || ho.Path {
			return o, time.Time{}
		}
	}
	return nil, recheck
}

// answer is where participant u stands at now: who answers it and
// how, or that nobody does.
type answer struct {
	state   shState
	via     *shUnit
	main    *shUnit
	reason  string
	recheck time.Time
}

func (s *Service) answer(u *shUnit, now time.Time) answer {
	if u.role == family.SharedServer {
		return answer{state: shRegistered, via: u, main: u}
	}
	if u.role != family.SharedParticipant && u.role != family.SharedBackup || now.Before(u.upAt) {
		return answer{state: shIdle, recheck: laterThan(u.upAt, now)}
	}
	if !u.hasAddr {
		return answer{state: shUnreachable, main: s.mainOf(u)}
	}
	m, recheck := s.findAt(u, u.cfg.ServerAddr, now, false)
	if m != nil && port(u.cfg.ServerPort) != port(m.cfg.Port) {
		m = nil // nothing listens on that port
	}
	if m != nil {
		if u.cfg.ServerSecret != m.cfg.Secret {
			return answer{state: shRefused, via: m, main: m, reason: "Invalid shared secret"}
		}
		return answer{state: shRegistered, via: m, main: m}
	}
	if u.role == family.SharedParticipant {
		b, r := s.findAt(u, u.cfg.ServerBackupAddr, now, true)
		if b != nil && b.bk.Active && b.main != nil && port(u.cfg.ServerPort) == port(b.main.cfg.Port) {
			if u.cfg.ServerSecret != b.main.cfg.Secret {
				return answer{state: shRefused, via: b, main: b.main, reason: "Invalid shared secret"}
			}
			return answer{state: shRegistered, via: b, main: b.main}
		}
		if recheck.IsZero() || !r.IsZero() && r.Before(recheck) {
			recheck = r
		}
	}
	return answer{state: shUnreachable, main: s.mainOf(u), recheck: recheck}
}

// mainOf is the server u is configured for, whether or not it answers:
// its refresh interval paces u's unanswered refreshes.
func (s *Service) mainOf(u *shUnit) *shUnit {
	if u.main != nil {
		return u.main
	}
	for _, o := range s.units {
		if o.role == family.SharedServer && slices.Contains(o.srvAddrs, u.cfg.ServerAddr) {
			return o
		}
	}
	return nil
}

func laterThan(t, now time.Time) time.Time {
	if t.After(now) {
		return t
	}
	return time.Time{}
}

// reevaluate brings every unit in line with the lab at now: roles, the
// backups' activity, then each participant's server.
func (s *Service) reevaluate(now time.Time) {
	s.roles()
	us := s.sortedUnits()
	for _, u := range us {
		if u.role != family.SharedServer && u.held != nil && u.utilized > 0 {
			// A server that stops serving lends nothing more; what it
			// lent stays with the participants until their 24 hours.
			u.held, u.utilized = nil, 0
			s.changed[u.id] = true
		}
		if u.role == family.SharedBackup {
			s.backupAt(u, now)
		} else if u.bk.Active {
			s.setBackupActive(u, false, now, "inactive")
		}
	}
	for _, u := range us {
		s.move(u, s.answer(u, now), now)
	}
	for _, u := range us {
		s.checkBackup(u, now)
	}
	s.dirty = false
}

// backupAt registers backup b with its main server and makes it serve
// while the main server is down.
func (s *Service) backupAt(b *shUnit, now time.Time) {
	m, _ := s.findAt(b, b.cfg.ServerAddr, now, false)
	if m != nil && (m.cfg.Secret != b.cfg.ServerSecret || port(m.cfg.Port) != port(b.cfg.ServerPort)) {
		m = nil
	}
	if s.down(b, now) {
		// Powered off or booting, it serves nobody; it says nothing of
		// it.
		if b.bk.Active {
			b.bk.Days, b.bk.DaysAt, b.bk.Active, b.bk.ActiveSince = b.daysLeft(now), now, false, time.Time{}
			s.changed[b.id] = true
		}
		return
	}
	switch {
	case m != nil && b.bk.SyncAt.IsZero():
		b.bk.Hello.Tx++
		b.bk.Hello.Rx++
		b.bk.SyncAt = now
		s.changed[b.id] = true
	case m == nil && !b.bk.SyncAt.IsZero():
		b.bk.Sync = b.bk.Syncs(now)
		b.bk.SyncAt = time.Time{}
		s.changed[b.id] = true
	}
	if !b.bk.Active && b.bk.Registered && (m != nil) != b.bk.Recharging {
		b.bk.Days, b.bk.DaysAt, b.bk.Recharging = b.daysLeft(now), now, m != nil
		s.changed[b.id] = true
	}
	switch {
	case m != nil && !b.bk.Registered:
		b.bk.Registered, b.bk.Days, b.bk.DaysAt, b.bk.Recharging = true, shBackupFresh, now, true
		b.main = m
		s.changed[b.id] = true
		s.note(now, b, family.SharedEvent{}, fmt.Sprintf("backup server registered with %s: %d days to serve on its own", m.host, shBackupFresh))
	case m != nil && b.bk.Active:
		b.main = m
		s.setBackupActive(b, false, now, "inactive")
	case m != nil:
		b.main = m
	case m == nil && b.bk.Registered && !b.bk.Active && b.daysLeft(now) > 0 && b.main != nil:
		s.setBackupActive(b, true, now, "active")
	}
}

// checkBackup logs on server m that the backup it names does not answer
// (444106), once until it does again.
func (s *Service) checkBackup(m *shUnit, now time.Time) {
	if s.lab.Off(m.id) {
		return // a server powered off checks nothing
	}
	missing := false
	if m.role == family.SharedServer && m.cfg.BackupID != "" && now.Compare(m.upAt) >= 0 {
		b, _ := s.findAt(m, m.cfg.BackupAddr, now, true)
		missing = b == nil || b.serial != m.cfg.BackupID && b.serial != m.cfg.HABackupID || !b.bk.Registered
	}
	if missing == m.bkMissing {
		return
	}
	m.bkMissing = missing
	s.changed[m.id] = true
	if missing {
		s.note(now, m, family.SharedEvent{Kind: family.SharedBackupUnavailable, Addr: m.cfg.BackupAddr},
			fmt.Sprintf("backup server %s does not answer", m.cfg.BackupAddr))
	}
}

// daysLeft is the days backup b may still serve on its own at now.
func (b *shUnit) daysLeft(now time.Time) int {
	if !b.bk.Registered {
		return 0
	}
	d := int(now.Sub(b.bk.DaysAt) / (24 * time.Hour))
	switch {
	case b.bk.Active:
		return max(0, b.bk.Days-d)
	case b.bk.Recharging:
		return min(shBackupMax, b.bk.Days+d)
	}
	return b.bk.Days
}

// setBackupActive makes backup b serve (or stop) at now.
func (s *Service) setBackupActive(b *shUnit, active bool, now time.Time, state string) {
	b.bk.Days = b.daysLeft(now)
	b.bk.DaysAt = now
	b.bk.Active = active
	b.bk.Recharging = !active && b.main != nil && state == "inactive"
	b.bk.Warned = false
	if active {
		b.bk.ActiveSince = now
	} else {
		b.bk.ActiveSince = time.Time{}
	}
	s.changed[b.id] = true
	s.note(now, b, family.SharedEvent{Kind: family.SharedBackupRole, State: state},
		fmt.Sprintf("backup server %s, %d days left", state, b.bk.Days))
}

// move takes participant u to where a answers it at now.
func (s *Service) move(u *shUnit, a answer, now time.Time) {
	if u.state == a.state && u.via == a.via && (a.state != shUnreachable || u.main == a.main || a.main == nil) {
		return
	}
	prev := u.state
	if prev == shRegistered {
		// The pool as its last answer told it, which it shows from now.
		u.seen = s.poolOf(u.main)
	}
	switch a.state {
	case shRegistered:
		s.closeRun(u, now, now)
		reclaimed := u.reclaimed || u.main != a.main
		if u.main != nil && u.main != a.main {
			s.unhold(u.main, u)
		}
		u.state, u.via, u.main, u.reason = shRegistered, a.via, a.main, ""
		u.lost, u.reclaimed, u.released = false, false, false
		u.topUp = true
		if a.via == u {
			break
		}
		// The registration at now, then a refresh every interval.
		u.msg[shRegistration].Tx++
		u.msg[shRegistration].Rx++
		a.via.srvMsg[shRegistration].Tx++
		a.via.srvMsg[shRegistration].Rx++
		s.changed[a.via.id] = true
		u.lastOK = now
		addr := u.cfg.ServerAddr // the address it reached the server at
		if a.via.role == family.SharedBackup {
			addr = u.cfg.ServerBackupAddr
		}
		s.note(now, u, family.SharedEvent{Kind: family.SharedServiceActive, Addr: addr},
			fmt.Sprintf("registered with shared license server %s (%s)", a.via.host, addr))
		if reclaimed && u.borrowed > 0 {
			// The server gave its blocks back to the pool meanwhile:
			// a new request, for what the pool still has.
			want := u.borrowed
			got := want
			if avail := s.available(a.main); got > avail {
				got = avail / family.SharedBlock * family.SharedBlock
			}
			s.countGet(u, a.via, got > 0 || want > 0, got > 0)
			if got > 0 {
				s.hold(a.main, u, got)
			}
			s.setBorrowed(u, got)
			s.note(now, u, family.SharedEvent{}, fmt.Sprintf("asked %s again for the %d shared sessions it held: %d granted", a.via.host, want, got))
		} else if u.borrowed > 0 && a.main.held[u.id] == 0 {
			s.hold(a.main, u, u.borrowed)
		}
	case shRefused:
		s.closeRun(u, now, now)
		u.state, u.via, u.main, u.reason = shRefused, a.via, a.main, a.reason
		u.msg[shRegistration].Tx++
		u.msg[shRegistration].Rx++
		u.msg[shRegistration].Error++
		a.via.srvMsg[shRegistration].Tx++
		a.via.srvMsg[shRegistration].Rx++
		a.via.srvMsg[shRegistration].Error++
		s.changed[a.via.id] = true
		s.note(now, u, family.SharedEvent{Kind: family.SharedRequestFailed, Request: "registration", Reason: a.reason},
			fmt.Sprintf("shared license server %s refused the registration: %s", a.via.host, a.reason))
	case shUnreachable:
		if prev == shRegistered && u.via != u {
			// Its last refresh that got an answer; the next one fails.
			r := u.via.refresh()
			last := u.anchor.Add(time.Duration(polls(u.anchor, now, r)) * r)
			s.closeRun(u, now, last)
			u.lastOK = last
			u.state, u.via, u.main = shUnreachable, nil, a.main
			if a.main == nil {
				u.main = nil
			}
			s.changed[u.id] = true
			return // 444102 at its first failed refresh (deadline)
		}
		s.closeRun(u, now, now)
		u.state, u.via, u.main = shUnreachable, nil, a.main
		u.lost = true
		if s.lab.Off(u.id) {
			break // powered off, it sends nothing and logs nothing
		}
		u.msg[shRegistration].Tx++
		u.msg[shRegistration].Error++
		s.note(now, u, family.SharedEvent{Kind: family.SharedServerNotResponding},
			fmt.Sprintf("shared license server %s does not answer", u.cfg.ServerAddr))
	case shIdle:
		// Out of the service (its lines removed, its key gone): what it
		// borrowed goes back; its users stay up on its own license.
		if n := u.borrowed; n > 0 {
			if u.main != nil {
				s.unhold(u.main, u)
			}
			s.setBorrowed(u, 0)
			s.note(now, u, family.SharedEvent{}, fmt.Sprintf("left shared licensing: returned %d shared sessions", n))
		}
		s.closeRun(u, now, now)
		u.state, u.via = shIdle, nil
	}
	s.changed[u.id] = true
}

// available is what server m's pool has left.
func (s *Service) available(m *shUnit) int {
	if m == nil {
		return 0
	}
	return max(0, m.pool-m.utilized)
}

// poolOf is server m's pool: total, available and utilized.
func (s *Service) poolOf(m *shUnit) [3]int {
	if m == nil {
		return [3]int{}
	}
	return [3]int{m.pool, s.available(m), m.utilized}
}

// countGet counts a Get request of u to server via.
func (s *Service) countGet(u, via *shUnit, sent, ok bool) {
	if !sent || via == u {
		return
	}
	u.msg[shGet].Tx++
	u.msg[shGet].Rx++
	via.srvMsg[shGet].Tx++
	via.srvMsg[shGet].Rx++
	s.changed[via.id] = true
	if !ok {
		u.msg[shGet].Error++
		via.srvMsg[shGet].Error++
	}
}

// deadline is u's next step as time passes, after its evaluation at or
// before now; zero when none.
func (s *Service) deadline(u *shUnit, recheck time.Time) time.Time {
	var t time.Time
	at := func(d time.Time) {
		if !d.IsZero() && (t.IsZero() || d.Before(t)) {
			t = d
		}
	}
	at(recheck)
	if u.state == shUnreachable && !u.lastOK.IsZero() {
		r := u.main.refresh()
		off := s.lab.Off(u.id)
		if !u.lost && !off {
			at(u.lastOK.Add(r))
		}
		if !u.reclaimed {
			if by, d := s.reclaimBy(u); by != nil {
				at(d)
			}
		}
		if !u.released && u.borrowed > 0 && !off {
			at(u.lastOK.Add(shGrace))
		}
	}
	if u.role == family.SharedBackup && u.bk.Active {
		if !u.bk.Warned && u.bk.Days > shBackupWarn {
			at(u.bk.DaysAt.Add(time.Duration(u.bk.Days-shBackupWarn) * 24 * time.Hour))
		}
		at(u.bk.DaysAt.Add(time.Duration(u.bk.Days) * 24 * time.Hour))
	}
	return t
}

// reclaimBy is the unit that takes unreachable u's sessions back into its
// main server's pool after 3 missed refreshes, and when: the backup while
// it serves that pool (the server actually serving), else the main server
// once up; while the main server is powered off and no backup serves,
// nobody: the main server reclaims them once it is on and up again.
func (s *Service) reclaimBy(u *shUnit) (*shUnit, time.Time) {
	m := u.main
	if m == nil {
		return nil, time.Time{}
	}
	at := u.lastOK.Add(shMissed * m.refresh())
	if b := s.backupOf(m); b != nil && b.main == m && b.bk.Active && !s.lab.Off(b.id) {
		return b, later(at, b.bk.ActiveSince)
	}
	if !s.lab.Off(m.id) {
		return m, later(at, m.upAt)
	}
	return nil, time.Time{}
}

// fire takes u's steps due at or before t.
func (s *Service) fire(u *shUnit, t time.Time) {
	if u.state == shUnreachable && !u.lastOK.IsZero() {
		r := u.main.refresh()
		off := s.lab.Off(u.id)
		if at := u.lastOK.Add(r); !u.lost && !off && !at.After(t) {
			u.lost = true
			s.changed[u.id] = true
			s.note(at, u, family.SharedEvent{Kind: family.SharedServerNotResponding},
				fmt.Sprintf("shared license server %s stopped answering; last refresh at %s", u.cfg.ServerAddr, u.lastOK.Format(time.RFC3339)))
		}
		if by, at := s.reclaimBy(u); !u.reclaimed && by != nil && !at.After(t) {
			u.reclaimed = true
			s.changed[u.id] = true
			if n := s.unhold(u.main, u); n > 0 {
				s.note(at, by, family.SharedEvent{}, fmt.Sprintf("reclaimed %d shared sessions from %s after %d missed refreshes", n, u.host, shMissed))
			}
		}
		if at := u.lastOK.Add(shGrace); !u.released && u.borrowed > 0 && !off && !at.After(t) {
			u.released = true
			n := u.borrowed
			s.setBorrowed(u, 0)
			s.note(at, u, family.SharedEvent{Kind: family.SharedReleased, Count: n},
				fmt.Sprintf("released %d shared sessions: no answer from the shared license server for 24 hours", n))
		}
	}
	if u.role == family.SharedBackup && u.bk.Active {
		left := u.daysLeft(t)
		if !u.bk.Warned && u.bk.Days > shBackupWarn && left <= shBackupWarn {
			u.bk.Warned = true
			at := u.bk.DaysAt.Add(time.Duration(u.bk.Days-shBackupWarn) * 24 * time.Hour)
			s.changed[u.id] = true
			s.note(at, u, family.SharedEvent{Kind: family.SharedBackupDaysLeft, Days: shBackupWarn},
				fmt.Sprintf("backup server: %d days left to serve", shBackupWarn))
		}
		if left == 0 {
			at := u.bk.DaysAt.Add(time.Duration(u.bk.Days) * 24 * time.Hour)
			served := int(at.Sub(u.bk.ActiveSince) / (24 * time.Hour))
			u.bk.Days, u.bk.DaysAt, u.bk.Active, u.bk.ActiveSince = 0, at, false, time.Time{}
			s.changed[u.id] = true
			s.note(at, u, family.SharedEvent{Kind: family.SharedBackupTerminated, Addr: u.cfg.ServerAddr, Days: served},
				fmt.Sprintf("backup server stopped serving after %d days", served))
		}
	}
}
