package fopair

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/sim/eventlog"
)

// ErrUnknownCommand: a pair command the service does not know.
var ErrUnknownCommand = errors.New("fopair: unknown failover command")

// Core is the lab core as the failover service drives it: its headends,
// and what carries out a check's decision. Its methods are called with
// the service's lock held, except NetChanged; Update, Copy and Failed of
// units that share no link or mate may run concurrently (carryOut).
type Core[H comparable] interface {
	Headends[H]
	// Now is the lab time.
	Now() time.Time
	// Candidates are the headends with failover enabled or tracked, as
	// of now, in id order; those in down are taken as down.
	Candidates(now time.Time, down map[H]bool) []Cand[H]
	// CandidatesOf is Candidates among hs.
	CandidatesOf(now time.Time, hs []H) []Cand[H]
	// PathsGen counts the changes of the lab network's paths between
	// headends (cuts, power, deletions): a change of the network that
	// leaves it as it was (an address moved) changes no pair.
	PathsGen() uint64
	// Persist stores the records of hs with evs in one synced batch,
	// then publishes their views (Lab.Publish).
	Persist(now time.Time, hs []H, evs []eventlog.Event) error
	// Update runs fn on h's device, brought to the lab time, and stores
	// it with its events as a change through the lab's pipeline that the
	// service does not re-check: the service's own changes of a unit (its
	// failover lines, the configuration replicated onto a standby, a
	// reload of the standby).
	Update(h H, fn func(d family.Device) error) error
	// Copy is a copy of h's device, nil once h is deleted.
	Copy(h H) family.Device
	// BootTime is how long a reload keeps a unit down, in lab time.
	BootTime() time.Duration
	// NetChanged tells the lab network's watchers of a move at now the
	// service's own changes made. Called with no lock held.
	NetChanged(now time.Time)
	// Failed reports an error nobody waits for: of what ("failover
	// check", "failover line", "failover replication"), about h (the zero
	// H: the lab).
	Failed(what string, h H, err error)
}

// Service is the lab's failover service: it serialises the decisions
// about pairs and keeps what they need between checks.
type Service[H comparable] struct {
	core Core[H]
	// mu serialises the decisions about pairs. It is taken before any
	// headend's lock, never under one.
	mu sync.Mutex
	// next is the earliest lab time a failover unit that is reloading
	// comes up (zero: none), when the pairs are checked again.
	next time.Time
	// hmu guards handoff: the sessions an active unit with a stateful
	// link held when it went down, for its mate. A leaf lock, taken
	// under a headend's.
	hmu     sync.Mutex
	handoff map[H][]Held
	// moved is the time the service's own change of a unit (a
	// replication, a reload of the standby) moved it on the lab network;
	// the network's watchers are told once mu is released (Unlock).
	// Guarded by qmu as well: the changes of independent units are made
	// concurrently (carryOut).
	moved time.Time
	// qmu guards queue, the changes waiting for their check (Changed),
	// and moved. A leaf lock.
	qmu   sync.Mutex
	queue []change[H]
	// lan and byLAN index the candidates of the checks by their LAN link
	// when addressed (the zero link otherwise): units pair, or clash,
	// only with units on their LAN link, so a change of one unit needs a
	// check of its link's units and their mates alone, not of the lab's
	// every unit (a lab of 500 pairs made 1,000 checks of 1,000 units).
	// Its units are the headends the checks found with failover enabled
	// or tracked: with none, a change of the lab network needs no check
	// (failover is only enabled through a change of the unit).
	lan   map[H]family.FailoverLinkAddr
	byLAN map[family.FailoverLinkAddr]map[H]struct{}
	// paths is the lab network's PathsGen at the last check of every unit.
	paths uint64
}

// NewService is the failover service of the lab core core.
func NewService[H comparable](core Core[H]) *Service[H] {
	return &Service[H]{core: core}
}

// Lock takes the service's lock.
func (s *Service[H]) Lock() { s.mu.Lock() }

// Unlock releases the service's lock, then tells the lab network's
// watchers of a move the service's own changes made.
func (s *Service[H]) Unlock() {
	s.qmu.Lock()
	at := s.moved
	s.moved = time.Time{}
	s.qmu.Unlock()
	s.mu.Unlock()
	if !at.IsZero() {
		s.core.NetChanged(at)
	}
}

// Moved records that a change the service made moved a unit on the lab
// network at at. Called with the service's lock held.
func (s *Service[H]) Moved(at time.Time) {
	s.qmu.Lock()
	s.moved = at
	s.qmu.Unlock()
}

// Capture keeps held, the sessions of h, the active unit of a pair that is
// about to drop them (a reload, a power cut, its deletion), for its mate:
// they move over a stateful link, and the switchover's event counts them
// either way. A leaf lock: called with h's lock held.
func (s *Service[H]) Capture(h H, held []Held) {
	s.hmu.Lock()
	defer s.hmu.Unlock()
	if s.handoff == nil {
		s.handoff = map[H][]Held{}
	}
	s.handoff[h] = held
}

// withHandoff is the core, with the handoff the service keeps.
type withHandoff[H comparable] struct {
	Core[H]
	s *Service[H]
}

func (w withHandoff[H]) Handoff(h H) []Held {
	w.s.hmu.Lock()
	defer w.s.hmu.Unlock()
	held := w.s.handoff[h]
	delete(w.s.handoff, h)
	return held
}

// Command runs a pair command on h: `failover active` on the standby and
// `no failover active` on the active switch the pair over; the same
// commands on a unit already in that state change nothing, as on the ASA;
// `failover reload-standby` on the active unit reloads its mate.
func (s *Service[H]) Command(h H, cmd family.FailoverCommand) error {
	s.Lock()
	defer s.Unlock()
	var none H
	lab := s.core
	now := lab.Now()
	u := lab.Unit(h)
	if !u.Tracked {
		return fmt.Errorf("%w: %s", family.ErrFailoverOff, lab.Name(h))
	}
	mate := u.Mate
	switch cmd {
	case family.FailoverMakeActive, family.FailoverMakeStandby:
		if (cmd == family.FailoverMakeActive) == u.Active {
			return nil
		}
		if mate == none {
			return fmt.Errorf("%w: %s", family.ErrNoMate, lab.Name(h))
		}
		// The unit the command was typed on logs it as set by the
		// config command, its mate as the other unit's wish (as real
		// units' logs show it; UNSURE: no Cisco document words it).
		to, cause := h, Cause{Text: "Set by the config command", From: "Other unit wants me Standby"}
		if cmd == family.FailoverMakeStandby {
			to, cause.To, cause.From = mate, "Other unit wants me Active", ""
		}
		return s.commitSwitch(to, now, cause)
	case family.FailoverReloadStandby:
		if mate == none || !u.Active {
			return fmt.Errorf("%w: %s has no standby unit", family.ErrNoMate, lab.Name(h))
		}
		c, err := s.reloadStandby(mate, now)
		if err != nil {
			return err
		}
		return s.rebooted(mate, c, now)
	}
	return fmt.Errorf("%w: %d", ErrUnknownCommand, cmd)
}

// commitSwitch makes to the active unit of its pair at now, for cause.
func (s *Service[H]) commitSwitch(to H, now time.Time, cause Cause) error {
	lab := withHandoff[H]{s.core, s}
	from := lab.Unit(to).Mate
	var evs []eventlog.Event
	var lines []Line[H]
	Switch[H](lab, to, from, lab.Sessions(from), true, now, cause, &evs, &lines)
	if err := lab.Persist(now, []H{to, from}, evs); err != nil {
		return err
	}
	s.logLines(lines, now)
	return s.replicate(to, from, now)
}

// Changed re-checks the pairs after a change of h from old to c through
// the pipeline, and replicates the configuration of an active unit onto
// its standby; published: h has a view of its pair; rebooted: the change
// reloaded it. It returns once the check that covers the change is
// carried out. Changes that come while a check holds the service's lock
// wait together and are checked at once by the first of them to get it
// (the state each reads is the lab's as it is then, with every change
// made), so that their synced writes are shared instead of made one
// after the other under the lock: a lab file of 500 pairs enabled
// failover on 256 units at once.
func (s *Service[H]) Changed(h H, old, c family.Device, published, rebooted bool) {
	onOld, _ := Enabled(old)
	onNew, _ := Enabled(c)
	if !onOld && !onNew && !published { // not a failover unit: no lock
		return
	}
	var none H
	if rebooted {
		s.Lock()
		defer s.Unlock()
		if err := s.rebooted(h, c, s.core.Now()); err != nil {
			s.core.Failed("failover check", none, err)
		}
		return
	}
	s.qmu.Lock()
	s.queue = append(s.queue, change[H]{h, old, c})
	s.qmu.Unlock()
	s.Lock()
	defer s.Unlock()
	s.qmu.Lock()
	batch := s.queue
	s.queue = nil
	s.qmu.Unlock()
	if len(batch) == 0 {
		return // checked by the change that held the lock before
	}
	if err := s.checkAround(s.core.Now(), batch); err != nil {
		s.core.Failed("failover check", none, err)
	}
}

// change is a change of a unit waiting for its check (Changed).
type change[H comparable] struct {
	h      H
	old, c family.Device
}

// lanOf is d's failover LAN link when addressed.
func lanOf(d family.Device) (family.FailoverLinkAddr, bool) {
	if fl, ok := d.(family.FailoverLinks); ok {
		if l := fl.FailoverLinks().LAN; l.Addressed() {
			return l, true
		}
	}
	return family.FailoverLinkAddr{}, false
}

// checkAround is check after the changes batch, among the units they
// can concern: each changed unit, the units on its LAN link before and
// after, and, over and over, the mates of those and the units on their
// links. A check decides each pair from its units and the units on their
// link (a pair forms, breaks or clashes on its LAN link), so its
// decisions are those of a check of every unit. Units reached from
// different changes through no link or mate are independent: with more
// than one change, their lines and replications are written concurrently.
// Called with s.mu held.
func (s *Service[H]) checkAround(now time.Time, batch []change[H]) error {
	var none H
	// group is the change whose scope reached a unit first, roots the
	// union of the changes whose scopes met.
	group := map[H]int{}
	root := make([]int, len(batch))
	find := func(i int) int {
		for root[i] != i {
			root[i] = root[root[i]]
			i = root[i]
		}
		return i
	}
	changed := map[H]bool{}
	var hs []H
	for i, ch := range batch {
		root[i] = i
		changed[ch.h] = true
		var work []H
		add := func(x H) {
			if x == none {
				return
			}
			if j, ok := group[x]; ok {
				if r := find(j); r != i {
					root[r] = i
				}
				return
			}
			group[x] = i
			hs = append(hs, x)
			work = append(work, x)
		}
		addLink := func(l family.FailoverLinkAddr) {
			for x := range s.byLAN[l] {
				add(x)
			}
		}
		add(ch.h)
		for _, d := range []family.Device{ch.old, ch.c} {
			if l, ok := lanOf(d); ok {
				addLink(l)
			}
		}
		for len(work) > 0 {
			x := work[len(work)-1]
			work = work[:len(work)-1]
			add(s.core.Unit(x).Mate)
			if l, ok := s.lan[x]; ok && l.Addressed() {
				addLink(l)
			}
		}
	}
	lab := withHandoff[H]{s.core, s}
	cs := lab.CandidatesOf(now, hs)
	plan := Check[H](lab, cs, now, changed)
	for _, x := range hs {
		s.unindex(x)
	}
	s.index(cs)
	if !plan.Next.IsZero() && (s.next.IsZero() || plan.Next.Before(s.next)) {
		s.next = plan.Next
	}
	var groupOf func(H) int
	if len(batch) > 1 {
		groupOf = func(x H) int {
			if j, ok := group[x]; ok {
				return find(j)
			}
			return -1
		}
	}
	return s.carryOut(lab, plan, now, groupOf)
}

// index adds the candidates cs to the index of LAN links.
func (s *Service[H]) index(cs []Cand[H]) {
	if s.lan == nil {
		s.lan, s.byLAN = map[H]family.FailoverLinkAddr{}, map[family.FailoverLinkAddr]map[H]struct{}{}
	}
	for i := range cs {
		l := cs[i].Links.LAN
		if !l.Addressed() {
			l = family.FailoverLinkAddr{}
		}
		s.lan[cs[i].H] = l
		if s.byLAN[l] == nil {
			s.byLAN[l] = map[H]struct{}{}
		}
		s.byLAN[l][cs[i].H] = struct{}{}
	}
}

// unindex removes h from the index of LAN links.
func (s *Service[H]) unindex(h H) {
	l, ok := s.lan[h]
	if !ok {
		return
	}
	delete(s.lan, h)
	delete(s.byLAN[l], h)
	if len(s.byLAN[l]) == 0 {
		delete(s.byLAN, l)
	}
}

// rebooted re-checks the pairs after h booted to c at now: its mate lost
// it, and a unit back at once (no boot time) comes back as the standby.
func (s *Service[H]) rebooted(h H, c family.Device, now time.Time) error {
	if err := s.check(now, map[H]bool{h: true}); err != nil {
		return err
	}
	if c.Reloading(now) {
		return nil
	}
	return s.check(now, nil)
}

// NetChanged re-checks the pairs after a change of the lab network that
// changed its paths (an address that moved changes no pair).
func (s *Service[H]) NetChanged(now time.Time) {
	s.Lock()
	defer s.Unlock()
	if len(s.lan) == 0 || s.core.PathsGen() == s.paths {
		return
	}
	var none H
	if err := s.check(now, nil); err != nil {
		s.core.Failed("failover check", none, err)
	}
}

// Clock re-checks the pairs at each lab time up to now a reloading
// failover unit came up.
func (s *Service[H]) Clock(now time.Time) {
	s.Lock()
	defer s.Unlock()
	var none H
	for !s.next.IsZero() && !s.next.After(now) {
		at := s.next
		if err := s.check(at, nil); err != nil {
			s.core.Failed("failover check", none, err)
			return
		}
		if !s.next.After(at) {
			return // nothing came up: do not spin
		}
	}
}

// Load publishes the views of the units tracked, restored from their
// records, and checks the pairs at now. Called once, as the lab opens.
func (s *Service[H]) Load(tracked []H, now time.Time) {
	s.Lock()
	defer s.Unlock()
	for _, h := range tracked {
		s.core.Publish(h, now)
	}
	var none H
	if err := s.check(now, nil); err != nil {
		s.core.Failed("failover check", none, err)
	}
	s.qmu.Lock()
	s.moved = time.Time{} // the lab network is being loaded: nothing moved
	s.qmu.Unlock()
}

// check decides the pairs at now (Check) and carries the decision out.
// Headends in down are taken as down (one that reloaded instantly).
// Called with s.mu held.
func (s *Service[H]) check(now time.Time, down map[H]bool) error {
	lab := withHandoff[H]{s.core, s}
	s.paths = lab.PathsGen()
	cs := lab.Candidates(now, down)
	plan := Check[H](lab, cs, now, nil)
	s.lan, s.byLAN = nil, nil
	s.index(cs)
	s.next = plan.Next
	return s.carryOut(lab, plan, now, nil)
}

// carryOut carries out what a check decided. With groupOf (nil: one
// group), the lines and replications of each group of units are made in
// the plan's order, the groups' concurrently: units of different groups
// share no link or mate, and their synced writes share the log's syncs.
// Called with s.mu held.
func (s *Service[H]) carryOut(lab withHandoff[H], plan Plan[H], now time.Time, groupOf func(H) int) error {
	if err := lab.Persist(now, plan.Touched, plan.Events); err != nil {
		return err
	}
	if groupOf == nil {
		s.carryOutGroup(lab, plan.Lines, plan.Replicate, now)
		return nil
	}
	type work struct {
		lines []Line[H]
		reps  [][2]H
	}
	groups := map[int]*work{}
	var order []int
	at := func(x H) *work {
		g := groupOf(x)
		w := groups[g]
		if w == nil {
			w = &work{}
			groups[g] = w
			order = append(order, g)
		}
		return w
	}
	for _, ln := range plan.Lines {
		w := at(ln.H)
		w.lines = append(w.lines, ln)
	}
	for _, r := range plan.Replicate {
		w := at(r[0])
		w.reps = append(w.reps, r)
	}
	var wg sync.WaitGroup
	for _, g := range order {
		w := groups[g]
		wg.Go(func() { s.carryOutGroup(lab, w.lines, w.reps, now) })
	}
	wg.Wait()
	return nil
}

// carryOutGroup logs lines and makes the replications reps, in order.
// Called with s.mu held.
func (s *Service[H]) carryOutGroup(lab withHandoff[H], lines []Line[H], reps [][2]H, now time.Time) {
	s.logLines(lines, now)
	for _, r := range reps {
		if err := s.replicate(r[0], r[1], now); err != nil {
			lab.Failed("failover replication", r[0], err)
		}
	}
}

// logLines logs each line on its unit at now.
func (s *Service[H]) logLines(lines []Line[H], now time.Time) {
	for _, ln := range lines {
		err := s.core.Update(ln.H, func(d family.Device) error {
			if ln.Why != 0 {
				if lg, ok := d.(family.FailoverMismatchLogger); ok {
					lg.LogFailoverMismatch(ln.Why, now)
				}
			} else if lg, ok := d.(family.FailoverLogger); ok {
				lg.LogFailover(ln.Msg, now)
			}
			return nil
		})
		if err != nil {
			s.core.Failed("failover line", ln.H, err)
		}
	}
}

// replicate copies the configuration of the active unit a onto its
// standby st (Replicate). Called with s.mu held.
func (s *Service[H]) replicate(a, st H, now time.Time) error {
	src := s.core.Copy(a)
	if src == nil {
		return nil
	}
	return s.core.Update(st, func(d family.Device) error { return Replicate(src, d, now) })
}

// reloadStandby reloads h at now and gives its device after. Called with
// s.mu held.
func (s *Service[H]) reloadStandby(h H, now time.Time) (family.Device, error) {
	var c family.Device
	err := s.core.Update(h, func(d family.Device) error {
		c = d
		d.Reload(now, s.core.BootTime())
		return nil
	})
	return c, err
}
