package sharedlic

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	asashared "github.com/asalab/asalab/headend/asa/shared"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/sim/devlog"
	"github.com/asalab/asalab/sim/eventlog"
)

// Note is one step of the service to log: an event of headend ID
// (hostname Host) at At, with the line the unit logs for it (Ev.Kind 0:
// none).
type Note struct {
	At   time.Time
	ID   uint64
	Host string
	Ev   family.SharedEvent
	Text string
}

// Event logs n's line on c, a copy of its unit's device (nil: the unit
// logs nothing, being down or gone), and is n's event: it carries the line
// the unit logged, or, when the unit's logging buffer does not take it,
// the line the unit would log.
func (n Note) Event(c family.Device) eventlog.Event {
	ev := eventlog.Event{At: n.At.UTC(), Headend: n.Host, Kind: eventlog.Shared, Text: n.Text}
	if n.Ev.Kind == 0 {
		return ev
	}
	ev.Syslog = asashared.Syslog(n.Ev)
	if c != nil {
		before := devlog.Count(c)
		c.(family.SharedLicensing).LogShared(n.At, n.Ev)
		if log := devlog.Since(c, before); len(log) > 0 {
			ev.Syslog = log[len(log)-1].Msg
		}
	}
	return ev
}

// note queues a step of u at.
func (s *Service) note(at time.Time, u *shUnit, ev family.SharedEvent, text string) {
	s.notes = append(s.notes, Note{At: at, ID: u.id, Host: u.host, Ev: ev, Text: text})
}

// Settle brings the service to the lab time now: the steps due as the
// time passed, in order, then the units' state at now, then the blocks
// given back; and writes what changed. Called with no headend's lock held.
func (s *Service) Settle(now time.Time) {
	s.mu.Lock()
	if now.Before(s.at) {
		now = s.at
	}
	if s.quiet(now) {
		s.mu.Unlock()
		return
	}
	for {
		t, due := s.nextDue()
		if due == nil || t.After(now) {
			break
		}
		t = later(t, s.at) // a step due before a restart comes at once
		for _, u := range due {
			s.fire(u, t)
		}
		s.reevaluate(t)
		s.at = t
	}
	if s.dirty || s.rechecks(now) {
		s.reevaluate(now)
	}
	s.at = now
	s.nextDue() // for quiet: s.due and s.next
	ret := s.returnable()
	s.mu.Unlock()
	if len(ret) > 0 {
		s.giveBack(ret, now)
	}
	if err := s.Flush(); err != nil {
		s.lab.Failed(err)
	}
}

// quiet reports whether settling at now would do nothing: nothing
// changed, nothing is due and no unit holds blocks it might give back.
func (s *Service) quiet(now time.Time) bool {
	if s.dirty || len(s.notes) > 0 || len(s.changed) > 0 || !s.due.IsZero() && !now.Before(s.due) {
		return false
	}
	for _, u := range s.units {
		if u.borrowed > 0 || u.topUp {
			return false
		}
	}
	return true
}

func later(a, b time.Time) time.Time {
	if a.Before(b) {
		return b
	}
	return a
}

// NetChanged re-evaluates the units at now: lab network paths changed.
func (s *Service) NetChanged(now time.Time) {
	s.mu.Lock()
	s.dirty = true
	s.mu.Unlock()
	s.Settle(now)
}

// rechecks reports whether a unit waits for another to come up by now.
func (s *Service) rechecks(now time.Time) bool { return !s.next.IsZero() && !s.next.After(now) }

// nextDue is the earliest step due of every unit and the units due then.
// It also remembers the earliest recheck (a unit coming up) in s.next.
func (s *Service) nextDue() (time.Time, []*shUnit) {
	var t time.Time
	var due []*shUnit
	s.next = time.Time{}
	for _, u := range s.sortedUnits() {
		var recheck time.Time
		if u.role != family.SharedNone && u.state != shRegistered {
			recheck = s.answer(u, s.at).recheck
		}
		if !recheck.IsZero() && (s.next.IsZero() || recheck.Before(s.next)) {
			s.next = recheck
		}
		d := s.deadline(u, time.Time{})
		if d.IsZero() {
			continue
		}
		switch {
		case t.IsZero() || d.Before(t):
			t, due = d, []*shUnit{u}
		case d.Equal(t):
			due = append(due, u)
		}
	}
	if !s.next.IsZero() && (t.IsZero() || s.next.Before(t)) {
		s.due = s.next
		return s.next, []*shUnit{}
	}
	s.due = t
	return t, due
}

// premiumActive is the sessions up that count against a's Premium limit
// (a released session's reservation, which the table keeps until its next
// collection, is not one).
func premiumActive(a *admission.Admission) int {
	c, pol := a.Counts(), a.Policy()
	n := 0
	for k, m := range c.Active {
		if pol.ClassOf(headend.Kind(k)) == admission.ClassPremium {
			n += m
		}
	}
	return n
}

// refreshedSince reports whether registered unit u refreshed after t, by
// now (a server drawing from its own pool: a refresh interval after t).
func (u *shUnit) refreshedSince(t, now time.Time) bool {
	r := u.via.refresh()
	if u.via == u {
		return !now.Before(t.Add(r))
	}
	return polls(u.anchor, now, r) > polls(u.anchor, t, r)
}

// returned is a participant whose blocks may be unused.
type returned struct {
	u     *shUnit
	local int
}

// returnable lists the units holding blocks with a server answering, by
// hostname.
func (s *Service) returnable() []returned {
	var out []returned
	for _, u := range s.sortedUnits() {
		if s.down(u, s.at) {
			continue // a unit down gives nothing back
		}
		if u.state == shRegistered && (u.topUp || u.borrowed > 0 && u.refreshedSince(u.grantAt, s.at)) {
			out = append(out, returned{u, u.local})
		}
	}
	return out
}

// giveBack returns the whole blocks the units rs hold and no longer use.
// The admission counts are read without the service's lock: a borrower
// may be waiting for it while holding the admission's.
func (s *Service) giveBack(rs []returned, now time.Time) {
	inUse := make([]int, len(rs))
	for i, r := range rs {
		inUse[i] = max(0, premiumActive(r.u.adm)-r.local)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, r := range rs {
		u := r.u
		if s.units[u.id] != u || u.state != shRegistered || u.main == nil {
			continue
		}
		if u.topUp {
			u.topUp = false
			if need := inUse[i] - u.borrowed; need > 0 {
				s.cover(u, need, now)
				continue
			}
			if !u.refreshedSince(u.grantAt, now) {
				continue
			}
		}
		// It keeps the blocks its users need, whole, and gives back the
		// rest (a short last block with them).
		keep := min(u.borrowed, (inUse[i]+family.SharedBlock-1)/family.SharedBlock*family.SharedBlock)
		n := u.borrowed - keep
		if n <= 0 {
			continue
		}
		if u.via != u {
			u.msg[shRelease].Tx++
			u.msg[shRelease].Rx++
			u.via.srvMsg[shRelease].Tx++
			u.via.srvMsg[shRelease].Rx++
			s.changed[u.via.id] = true
		}
		if h := u.main.held[u.id]; h > 0 {
			s.unhold(u.main, u)
			if h > n {
				s.hold(u.main, u, h-n)
			}
		}
		s.setBorrowed(u, u.borrowed-n)
		s.note(now, u, family.SharedEvent{}, fmt.Sprintf("returned %d unused shared sessions to %s", n, u.main.host))
	}
}

// cover asks u's server for the blocks that cover need sessions u has up
// beyond its local license and its blocks, as many as the pool and its
// platform limit allow.
func (s *Service) cover(u *shUnit, need int, now time.Time) {
	room := max(0, u.platform-u.local-u.borrowed)
	want := min((need+family.SharedBlock-1)/family.SharedBlock*family.SharedBlock, room)
	if want == 0 {
		return // at its platform limit: nothing to ask
	}
	got := want
	if avail := s.available(u.main); got > avail {
		got = avail / family.SharedBlock * family.SharedBlock
	}
	s.countGet(u, u.via, true, got > 0)
	if got > 0 {
		s.hold(u.main, u, got)
		s.setBorrowed(u, u.borrowed+got)
		u.grantAt = now
	}
	s.note(now, u, family.SharedEvent{}, fmt.Sprintf("asked %s for %d shared sessions for the %d it has up beyond its license: %d granted",
		u.main.host, want, need, got))
}

// nextBlock is the size of u's next grant: a block, or what its platform
// limit leaves when that is less (Cisco: "The total sessions used by a
// participant cannot exceed the maximum sessions for the platform model":
// a ceiling, reached whatever its local count); 0 at the limit.
func (u *shUnit) nextBlock() int {
	return max(0, min(family.SharedBlock, u.platform-u.local-u.borrowed))
}

// borrow is u's admission asking for a block at now: granted while the
// pool has one and u stays within its platform limit. In memory, under
// the service's lock alone; its event and record are written by the next
// settle (a session is in memory only too, so a crash loses the block
// and the sessions that used it together).
func (s *Service) borrow(u *shUnit, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.units[u.id] != u || u.state != shRegistered || u.main == nil || u.main.role != family.SharedServer && u.via == u.main {
		return false
	}
	if u.via.role == family.SharedBackup && !u.via.bk.Active {
		return false
	}
	n := u.nextBlock()
	if n <= 0 {
		// At its platform limit: it knows no grant could fit, and
		// asks nothing.
		return false
	}
	ok := s.available(u.main) >= n
	s.countGet(u, u.via, true, ok)
	if !ok {
		return false
	}
	s.hold(u.main, u, n)
	s.setBorrowed(u, u.borrowed+n)
	u.grantAt = now
	s.note(now, u, family.SharedEvent{}, fmt.Sprintf("borrowed %d shared sessions from %s: holds %d", n, u.main.host, u.borrowed))
	return true
}

// Flush writes the queued steps as events and the changed units' records,
// in one synced change of the lab (Lab.Write).
func (s *Service) Flush() error {
	s.write.Lock()
	defer s.write.Unlock()
	s.mu.Lock()
	notes := s.notes
	s.notes = nil
	recs := map[uint64][]byte{}
	for id := range s.changed {
		if u := s.units[id]; u != nil {
			v, err := json.Marshal(u.record())
			if err != nil {
				s.mu.Unlock()
				return err
			}
			recs[id] = v
		} else {
			recs[id] = nil
		}
	}
	clear(s.changed)
	s.mu.Unlock()
	if len(notes) == 0 && len(recs) == 0 {
		return nil
	}
	slices.SortStableFunc(notes, func(a, b Note) int { return a.At.Compare(b.At) })
	return s.lab.Write(recs, notes)
}

// shRecord is what the store keeps of a unit.
type shRecord struct {
	State     shState                        `json:"state,omitempty"`
	Via       uint64                         `json:"via,omitempty"`
	Main      uint64                         `json:"main,omitempty"`
	Reason    string                         `json:"reason,omitempty"`
	Anchor    time.Time                      `json:"anchor,omitzero"`
	LastOK    time.Time                      `json:"last_ok,omitzero"`
	Lost      bool                           `json:"lost,omitempty"`
	Reclaim   bool                           `json:"reclaimed,omitempty"`
	Released  bool                           `json:"released,omitempty"`
	Borrowed  int                            `json:"borrowed,omitempty"`
	High      int                            `json:"high,omitempty"`
	Msg       [shKinds]family.SharedMessages `json:"msg"`
	SrvMsg    [shKinds]family.SharedMessages `json:"server_msg"`
	Held      map[uint64]int                 `json:"held,omitempty"`
	Backup    Backup                         `json:"backup"`
	GrantAt   time.Time                      `json:"grant_at,omitzero"`
	BkMissing bool                           `json:"backup_missing,omitempty"`
	Seen      [3]int                         `json:"seen_pool,omitzero"`
}

func (u *shUnit) record() shRecord {
	r := shRecord{State: u.state, Reason: u.reason, Anchor: u.anchor, LastOK: u.lastOK, Lost: u.lost,
		Reclaim: u.reclaimed, Released: u.released, Borrowed: u.borrowed, High: u.high,
		Msg: u.msg, SrvMsg: u.srvMsg, Held: u.held, Backup: u.bk, GrantAt: u.grantAt,
		BkMissing: u.bkMissing, Seen: u.seen}
	if u.via != nil {
		r.Via = u.via.id
	}
	if u.main != nil {
		r.Main = u.main.id
	}
	return r
}

// Load restores the stored state of the units the lab's headends made
// (NoteDevice), then evaluates them at now. The lab core calls it once
// the headends are loaded, with read, which gives every stored record
// (Lab.Write's) with its headend's id.
func (s *Service) Load(now time.Time, read func(fn func(id uint64, v []byte) error) error) error {
	recs := map[uint64]shRecord{}
	err := read(func(id uint64, v []byte) error {
		var r shRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("sim: shared licensing record of headend %d: %w", id, err)
		}
		recs[id] = r
		return nil
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	for id, r := range recs {
		u := s.units[id]
		if u == nil {
			continue
		}
		u.state, u.reason, u.anchor, u.lastOK = r.State, r.Reason, r.Anchor, r.LastOK
		u.lost, u.reclaimed, u.released = r.Lost, r.Reclaim, r.Released
		u.high, u.msg, u.srvMsg, u.held, u.bk, u.grantAt = r.High, r.Msg, r.SrvMsg, r.Held, r.Backup, r.GrantAt
		u.bkMissing, u.seen = r.BkMissing, r.Seen
		u.via, u.main = s.units[r.Via], s.units[r.Main]
		if (u.state == shRegistered || u.state == shRefused) && u.via == nil {
			u.state = shIdle
		}
		s.setBorrowed(u, r.Borrowed)
		for _, n := range u.held {
			u.utilized += n
		}
	}
	clear(s.changed)
	s.at, s.dirty = now, true
	s.mu.Unlock()
	s.Settle(now)
	return nil
}

// Status is the service as headend id sees it at now: what `show shared
// license` shows on it. It takes the service's lock only, so a console
// may ask with the headend locked.
func (s *Service) Status(id uint64, now time.Time) family.SharedStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.units[id]
	if u == nil {
		return family.SharedStatus{}
	}
	st := family.SharedStatus{Role: u.role, PlatformLimit: u.platform, CurrentUsage: u.borrowed,
		HighUsage: u.high, Borrowed: u.borrowed}
	msg := u.msg
	addMsg(&msg[shRegistration], u.runMessages(now))
	serving := u.role == family.SharedServer || u.role == family.SharedBackup && u.bk.Active
	if serving {
		for k := range msg {
			addMsg(&msg[k], u.srvMsg[k])
		}
		for _, p := range s.units {
			if p.via == u && p != u && (p.state == shRegistered || p.state == shRefused) {
				addMsg(&msg[shRegistration], asServer(p.runMessages(now)))
			}
		}
	}
	st.Registration, st.Get, st.Release, st.Transfer = msg[shRegistration], msg[shGet], msg[shRelease], msg[shTransfer]
	// ServerAddr and Active are the configured main server and whether it
	// answers; whether the backup serves this unit is st.Backup.Active.
	switch u.role {
	case family.SharedServer:
		st.Active = true
		if len(u.srvAddrs) > 0 {
			st.ServerAddr = u.srvAddrs[0]
		}
	default:
		st.ServerAddr = u.cfg.ServerAddr
		st.Active = u.state == shRegistered && u.via != nil && u.via.role == family.SharedServer
	}
	// The pool: live while a server answers it (every refresh tells it)
	// or while it serves it (an active backup), else as the server last
	// told it (none if none ever answered).
	pool := u.seen
	if u.state == shRegistered || serving {
		pool = s.poolOf(u.main)
	}
	if u.state == shRegistered || serving || !u.lastOK.IsZero() {
		st.TotalForNetwork, st.Available, st.Utilized = pool[0], pool[1], pool[2]
	}
	if serving {
		m := u
		if u.role == family.SharedBackup {
			m = u.main
		}
		for _, p := range s.sortedUnits() {
			// A participant that stopped refreshing is listed until the
			// server gives its sessions back.
			gone := p.state == shUnreachable && (p.reclaimed || p.lastOK.IsZero())
			// The server drawing from its own pool is not its own client.
			if p.main != m || p.state == shIdle || p.state == shRefused || gone || p == m {
				continue
			}
			c := family.SharedClient{ID: p.serial, Hostname: p.host, Usage: m.held[p.id], Platform: p.platform, High: p.high,
				Registration: p.msg[shRegistration], Get: p.msg[shGet], Release: p.msg[shRelease], Transfer: p.msg[shTransfer]}
			addMsg(&c.Registration, p.runMessages(now))
			if p.state == shRegistered && p.via != p {
				r := p.via.refresh()
				c.LastSeen = p.anchor.Add(time.Duration(polls(p.anchor, now, r)) * r)
			} else {
				c.LastSeen = p.lastOK
			}
			st.Clients = append(st.Clients, c)
		}
	}
	slices.SortFunc(st.Clients, func(a, b family.SharedClient) int { return cmp.Compare(a.ID, b.ID) })
	st.Backup = s.backupStatus(u, now)
	if u.state == shUnreachable && u.borrowed > 0 && !u.released && !u.lastOK.IsZero() {
		st.ExpiresAt = u.lastOK.Add(shGrace)
	}
	return st
}

// backupStatus is the backup server as u shows it. A server knows the
// backup it names and a backup itself, with the hellos and syncs between
// them. A participant knows the backup address it is configured with, or
// the backup its server told it of when it registered; whether it serves
// it (Active), and no hello or sync, which pass between the servers only.
func (s *Service) backupStatus(u *shUnit, now time.Time) family.SharedBackupStatus {
	var bs family.SharedBackupStatus
	var b, m *shUnit
	switch u.role {
	case family.SharedBackup:
		b = u
		bs.Addr, bs.ID = b.bkAddr, b.serial
		if b.main != nil {
			bs.HAID = b.main.cfg.HABackupID
		}
	case family.SharedServer:
		m = u
	default:
		// Told at its registration; refused, it was told nothing.
		told := u.main != nil && (u.state == shRegistered || u.state == shUnreachable && !u.lastOK.IsZero())
		if told && u.main.cfg.BackupID != "" {
			m = u.main
			bs = family.SharedBackupStatus{Addr: m.cfg.BackupAddr, ID: m.cfg.BackupID, HAID: m.cfg.HABackupID}
		}
		if u.cfg.ServerBackupAddr.IsValid() {
			bs.Addr = u.cfg.ServerBackupAddr
		}
		if bs.Addr.IsValid() && m != nil {
			if b = s.backupOf(m); b != nil {
				bs.Registered, bs.DaysLeft, bs.ActiveSince = b.bk.Registered, b.daysLeft(now), b.bk.ActiveSince
			}
		}
		bs.Active = u.state == shRegistered && u.via != nil && u.via.role == family.SharedBackup
		if !bs.Active {
			bs.ActiveSince = time.Time{}
		}
		return bs
	}
	if m != nil {
		if m.cfg.BackupID == "" {
			return bs
		}
		bs = family.SharedBackupStatus{Addr: m.cfg.BackupAddr, ID: m.cfg.BackupID, HAID: m.cfg.HABackupID}
		if b = s.backupOf(m); b == nil {
			return bs
		}
	}
	bs.Registered, bs.Active, bs.DaysLeft, bs.ActiveSince = b.bk.Registered, b.bk.Active, b.daysLeft(now), b.bk.ActiveSince
	bs.Hello, bs.Sync = b.bk.Hello, b.bk.Syncs(now)
	return bs
}

// backupOf is the backup unit server m names (nil: none in the lab).
func (s *Service) backupOf(m *shUnit) *shUnit {
	var b *shUnit
	for _, o := range s.units {
		if o.role == family.SharedBackup && (o.serial == m.cfg.BackupID || o.serial == m.cfg.HABackupID) {
			b = o
		}
	}
	return b
}

// Pool is the hostname of the server whose pool headend id borrows from
// ("": none), for an admission that took a shared session.
func (s *Service) Pool(id uint64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.units[id]; u != nil && u.main != nil {
		return u.main.host
	}
	return ""
}

// Borrow is headend id's admission asking for a block at now, as the
// borrower the service hooks into its admission does; unit is false for
// a headend that takes no part.
func (s *Service) Borrow(id uint64, now time.Time) (granted, unit bool) {
	s.mu.Lock()
	u := s.units[id]
	s.mu.Unlock()
	if u == nil {
		return false, false
	}
	return s.borrow(u, now), true
}

// BackupOf is the backup state of headend id (zero: not a unit).
func (s *Service) BackupOf(id uint64) Backup {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.units[id]; u != nil {
		return u.bk
	}
	return Backup{}
}

// Unborrow takes back every block headend id holds, unlogged, and drops
// the steps not yet written: the reset between two rounds of a benchmark
// of Borrow. Nothing in the lab calls it.
func (s *Service) Unborrow(id uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.units[id]
	if u == nil {
		return
	}
	if u.main != nil {
		s.unhold(u.main, u)
	}
	s.setBorrowed(u, 0)
	s.notes = s.notes[:0]
}
