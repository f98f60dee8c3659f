// Package sharedlic is shared AnyConnect Premium licensing between the
// lab's headends, as a service of the lab: the units' roles, registration
// and refreshes, the blocks a server lends, the deadlines (reclaim, the
// 24 hours, a backup's days), the counts `show shared license` shows and
// the records a restart brings back. It holds the service's state and
// rules; the lab core (package sim) gives it the units' devices and
// admissions, the lab network (Lab.Holders) and its change pipeline
// (Lab.Write), and calls it as the lab time passes (Service.Settle).
package sharedlic

import (
	"cmp"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/family"
)

// Shared AnyConnect Premium licensing between the lab's headends: a server
// lends its pool in blocks of 50 sessions to participants that used up
// their local Premium sessions; an optional backup server serves while the
// main one is down. The rules are Cisco's (ASA 8.4 CLI configuration
// guide, "Shared AnyConnect Premium licenses" and "Communication issues
// between participant and server"; the backup's 5 to 30 days, ASA 9.x
// configuration guide, "Backup server"):
//
//   - a participant registers with the server (the address of the
//     server's `license-server enable` interface, its port and secret),
//     then refreshes every refresh interval of the server (default 30 s);
//   - when its local Premium sessions are used up it asks for 50 more, and
//     gets them while the pool has them and its total stays within its
//     platform limit;
//   - when it misses 3 refreshes the server returns its sessions to the
//     pool; cut off, the participant keeps what it borrowed for 24 hours
//     after its last refresh, then releases it: its sessions stay up, new
//     ones beyond the local license are refused;
//   - the backup registers with the main server and syncs every 10 s;
//     while the main server is down it serves for as many days as it has
//     left: 5 when fresh, one more a day while it is registered and
//     inactive (at most 30), one fewer a day while it serves.
//
// Polls are not events: while nothing changes every refresh succeeds (or
// fails) the same way, so a run of polls is its start and the interval, and
// its counts are computed when someone looks. The service re-evaluates the
// units when something changes: a lab network change (NetChanged),
// a change of a unit (its configuration, keys, a reload: the lab core
// calls NoteDevice), and the lab time passing a deadline (a server's
// reclaim, a participant's 24 hours, a backup's days), which the clock
// moves and the usage flush check (Settle).
//
// One mutex guards the whole service: the pool's bookkeeping is small,
// and a block request (an admission that found its local sessions used
// up) takes it once, with no headend's lock. Lines and events are written
// after it is released, through the lab's change pipeline.
//
// Choices where Cisco's text says nothing:
//   - a participant gives a whole unused block back at its first refresh
//     after the block was granted and its users logged off, seen at the
//     service's next evaluation (a clock move, a change, or the usage
//     flush: within half a second with the real clock);
//   - the platform limit is a ceiling (Cisco: "The total sessions used by
//     a participant cannot exceed the maximum sessions for the platform
//     model"): the last grant is what it leaves when less than 50, and a
//     participant at its limit asks nothing (no Get is sent or counted);
//   - a participant shows the pool live while its server answers it (each
//     refresh tells it) and, once none does, as of its last answer;
//   - a unit powered off or booting logs nothing and does nothing; the
//     sessions of a participant that missed 3 refreshes go back to the
//     pool through the main server, or the active backup while the main
//     is off, or else at once when the main server is up again;
//   - a participant that registers (again) asks at once for the blocks
//     covering the users it has up beyond its license and blocks: those
//     it released after 24 hours, or whose blocks the server reclaimed;
//   - a participant whose license-server lines go gives its blocks back
//     at once; its users stay up on its own license;
//   - the backup serves the main server's pool as last synced: the same
//     holdings (the 10 s sync is taken as instantaneous), and it takes
//     over the instant the main server stops answering it;
//   - a reply refusing a registration (a wrong secret) counts as received
//     and in error; a poll nobody answers as sent and in error;
//   - a time-based shared key that expires is seen at the unit's next
//     change, not at its expiry.

// Service is the lab's shared licensing service.
type Service struct {
	lab Lab
	mu  sync.Mutex
	// units are the headends that take part (a shared key or license-server
	// lines), by headend id.
	units map[uint64]*shUnit
	// at is the lab time the state was evaluated to; next the earliest
	// deadline after it (zero: none).
	at, next time.Time
	// due is the earliest step or recheck after at (zero: none).
	due time.Time
	// dirty: a unit changed since the last evaluation.
	dirty bool
	// notes are the steps to log, in lab-time order, not yet written.
	notes []Note
	// changed are the units whose stored record is out of date.
	changed map[uint64]bool
	// write serialises the writers of notes and records, so that events
	// reach the log in the order the service took its steps.
	write sync.Mutex
}

// shState is where a participant stands with its server.
type shState uint8

const (
	shIdle        shState = iota // not a participant, or down
	shRegistered                 // its server answers its refreshes
	shRefused                    // a server answers and refuses it (secret)
	shUnreachable                // no server answers
)

// shUnit is one headend as the service knows it.
type shUnit struct {
	adm *admission.Admission
	id  uint64
	// From the device, as of its last change (noteDevice).
	host, serial string
	platform     int // the platform's Premium sessions
	local        int // the local Premium sessions of its keys
	cfg          family.SharedConfig
	pool         int  // sessions a shared-server key carries
	participant  bool // a participant key (a server key is one too)
	upAt         time.Time
	boots        int
	srvAddrs     []netip.Addr // its addresses on the `license-server enable` interfaces
	bkAddr       netip.Addr   // its address on `license-server backup enable IFNAME`
	// hasAddr: an interface is up and addressed, so it can reach a
	// server at all.
	hasAddr bool

	role family.SharedRole

	// Participant side.
	state  shState
	via    *shUnit   // the server that answers it (the main or the backup)
	main   *shUnit   // the main server whose pool it draws from
	reason string    // why the server refused it
	anchor time.Time // the current run of refreshes started here
	lastOK time.Time // its last successful refresh (zero: none)
	// lost: the loss was logged (444102); reclaimed: the server took its
	// blocks back; released: it released them after 24 hours.
	lost, reclaimed, released bool
	borrowed, high            int
	// grantAt is its last block's grant: a block goes back unused only
	// at a refresh after it.
	grantAt time.Time
	// topUp: it registered and asks for blocks for the sessions it has up
	// beyond its local license and its blocks (those it released or the
	// server reclaimed while it was cut off).
	topUp bool
	// seen is the pool (total, available, utilized) as its server last
	// told it, at its last registration or refresh answered: what it
	// shows while no server answers it.
	seen [3]int
	// Message counts up to anchor; the current run adds to them.
	msg [shKinds]family.SharedMessages
	// Server side: the blocks lent, per participant id, and the message
	// counts of runs that ended (the open ones are summed when shown).
	held     map[uint64]int
	utilized int
	srvMsg   [shKinds]family.SharedMessages
	// Backup side.
	bk Backup
	// bkMissing: a server's backup does not answer (444106 logged).
	bkMissing bool
}

// Message kinds of `show shared license`.
const (
	shRegistration = iota
	shGet
	shRelease
	shTransfer
	shKinds
)

// Backup is a backup server's state.
type Backup struct {
	Registered bool
	Active     bool
	// Days left as of DaysAt; it moves a day at a time from there.
	Days   int
	DaysAt time.Time
	// ActiveSince: when it started serving.
	ActiveSince time.Time
	Warned      bool // 444110 logged for this activity
	// Recharging: inactive with its main server answering, it gains a
	// day a day; inactive without it, its days stay.
	Recharging bool
	// Hello counts its hellos to the main server (one a registration);
	// Sync the syncs of the runs that ended; SyncAt starts the current
	// run of syncs, every shSync (zero: not syncing).
	Hello, Sync family.SharedMessages
	SyncAt      time.Time
}

// shSync is how often the main server and the backup sync (Cisco: every
// 10 seconds).
const shSync = 10 * time.Second

// Syncs are backup b's sync messages by now.
func (b *Backup) Syncs(now time.Time) family.SharedMessages {
	m := b.Sync
	if !b.SyncAt.IsZero() {
		n := polls(b.SyncAt, now, shSync)
		m.Tx += n
		m.Rx += n
	}
	return m
}

// Backup days (Cisco: a fresh backup may serve on its own for 5 days; its
// limit grows a day a day up to 30, and shrinks a day a day while it serves).
const (
	shBackupFresh = 5
	shBackupMax   = 30
	shBackupWarn  = 15 // %ASA-4-444110 when this many days are left
	shMissed      = 3  // refreshes a server waits for before reclaiming
	shGrace       = 24 * time.Hour
)

// Lab is the lab core as the service reaches it.
type Lab interface {
	// Holders are the headends that hold addr, by hostname then id, as
	// seen from the headend from. It takes only the lab network's lock.
	Holders(from uint64, addr netip.Addr) []Reach
	// Write stores the units' records (a nil record: delete it) and logs
	// notes (in lab-time order) on their units, in one synced change of
	// the lab's pipeline with their events.
	Write(recs map[uint64][]byte, notes []Note) error
	// Failed reports an error of a write nobody waits for.
	Failed(err error)
	// Off reports whether headend id is powered off now. It takes only
	// the lab network's lock.
	Off(id uint64) bool
}

// Reach is a headend holding an address, as seen from another: whether
// packets pass between them (a link not cut, both powered on), and when
// it is up.
type Reach struct {
	ID   uint64
	UpAt time.Time
	Path bool
}

// New is a service with no units, reaching the lab core through lab.
func New(lab Lab) *Service {
	return &Service{lab: lab, units: map[uint64]*shUnit{}, changed: map[uint64]bool{}}
}

// down reports whether u is down at t: powered off, or booting. A unit
// down logs nothing and does nothing. The power state is the lab's now:
// a step due before a power cut but settled after it is taken as after
// it (the service settles at every clock move, change and usage flush).
func (s *Service) down(u *shUnit, t time.Time) bool {
	return t.Before(u.upAt) || s.lab.Off(u.id)
}

// refresh is the refresh interval of a server.
func (u *shUnit) refresh() time.Duration {
	if u == nil || u.cfg.RefreshInterval == 0 {
		return family.SharedDefaultRefresh * time.Second
	}
	return time.Duration(u.cfg.RefreshInterval) * time.Second
}

func port(p int) int {
	if p == 0 {
		return family.SharedDefaultPort
	}
	return p
}

// polls is the number of refreshes of a run started at anchor, every r,
// sent by now.
func polls(anchor, now time.Time, r time.Duration) uint64 {
	if !now.After(anchor) {
		return 0
	}
	return uint64(now.Sub(anchor) / r)
}

// runMessages are the registration messages of u's current run up to now:
// sent, received and in error.
func (u *shUnit) runMessages(now time.Time) family.SharedMessages {
	var r time.Duration
	switch u.state {
	case shRegistered, shRefused:
		r = u.via.refresh()
	case shUnreachable:
		r = u.main.refresh() // nil main: the default
	default:
		return family.SharedMessages{}
	}
	if u.via == u { // a server drawing from its own pool sends nothing
		return family.SharedMessages{}
	}
	n := polls(u.anchor, now, r)
	switch u.state {
	case shRegistered:
		return family.SharedMessages{Tx: n, Rx: n}
	case shRefused:
		return family.SharedMessages{Tx: n, Rx: n, Error: n}
	default:
		return family.SharedMessages{Tx: n, Error: n}
	}
}

func addMsg(a *family.SharedMessages, b family.SharedMessages) {
	a.Tx += b.Tx
	a.Rx += b.Rx
	a.Error += b.Error
}

// asServer is what a server counts of the messages m of a participant it
// answered: it received what was sent and sent what was received.
func asServer(m family.SharedMessages) family.SharedMessages {
	return family.SharedMessages{Tx: m.Rx, Rx: m.Tx, Error: m.Error}
}

// closeRun folds u's current run up to now into its counts (and its
// server's) and starts a new one at anchor.
func (s *Service) closeRun(u *shUnit, now, anchor time.Time) {
	m := u.runMessages(now)
	addMsg(&u.msg[shRegistration], m)
	if u.via != nil && (u.state == shRegistered || u.state == shRefused) {
		addMsg(&u.via.srvMsg[shRegistration], asServer(m))
		s.changed[u.via.id] = true
	}
	u.anchor = anchor
	s.changed[u.id] = true
}

// sortedUnits are the units by hostname, for a stable order of steps.
func (s *Service) sortedUnits() []*shUnit {
	us := make([]*shUnit, 0, len(s.units))
	for _, u := range s.units {
		us = append(us, u)
	}
	slices.SortFunc(us, func(a, b *shUnit) int { return cmp.Or(cmp.Compare(a.host, b.host), cmp.Compare(a.id, b.id)) })
	return us
}
