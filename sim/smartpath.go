package sim

import (
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/sim/faults"
	"github.com/asalab/asalab/sim/labsmart"
	"github.com/asalab/asalab/sim/labtimers"
)

// A headend reaches the lab's Smart Software Manager (labsmart) over the
// lab network, as an ASAv reaches Cisco's cloud: while it is powered off
// or reloading it sends nothing, and a lab fault cuts its path
// (`headendctl link cut H smart`), leaving its paths to other headends as
// they are. The lab does not ask which interface the Smart Agent sends
// from: a headend with no interface up with an address still reaches the
// manager, as if through a management port the lab does not model, so
// that registering takes no more than the `license smart` lines.
//
// The peer name SmartPeer in the second place of a link request names the
// manager; a headend whose hostname is "smart" is named by putting it in
// the first place (`link cut smart R1`), and `link cut smart smart` cuts
// that headend's path to the manager. The cut is stored as a link whose
// other end is SmartManagerID, the one id no headend has.
//
// A Smart-licensed device decides when it next talks to the manager by
// itself (SmartDue: a renewal, or a retry after a failure); the lab keeps
// its headends in a second heap by that time (timers.go), scheduled from
// the stored devices at load as after every change, and makes the
// attempts (labsmart.Renew) in the catch-up that brings headends to the
// lab time (timers.go, its steps in labtimers.Step): a move
// of a simulated clock steps through their due times in order, so that an
// attempt, and the deadline a device passes without one, happen at their
// lab times; on a real clock the usage flusher's round makes them.

// SmartPeer is the name a link request gives the lab's Smart Software
// Manager.
const SmartPeer = "smart"

// SmartManagerID is the id of the Smart Software Manager in a stored link:
// headend ids start at 1.
const SmartManagerID = 0

// Smart is the lab's Smart Software Manager as h reaches it (family.Host).
func (h *Headend) Smart() family.SmartManager { return h.smartAt(time.Time{}) }

// smartAt is the manager as h reaches it at the lab time at (zero: now),
// which a move of the clock steps through (labsmart.Renew).
func (h *Headend) smartAt(at time.Time) labsmart.Path {
	l := h.lab
	return labsmart.Path{S: l.smart, At: at, Up: func(now time.Time) bool { return l.net.SmartPathUp(h, now) }}
}

// smartLink cuts (cut) or restores the path of the headend name to the
// manager, in the synced batch of its link event.
func (l *Lab) smartLink(name string, cut bool) (Link, error) {
	h, err := l.headend(name)
	if err != nil {
		return Link{}, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if o, _ := l.names.Holder(h.name); o != h { // deleted since it was looked up
		return Link{}, fmt.Errorf("%w: %q", ErrHeadendNotFound, h.name)
	}
	now := l.clock.Now()
	_, isCut := l.net.SmartCutOf(h)
	switch {
	case cut && isCut:
		return Link{}, fmt.Errorf("%w: between %s and the Smart Software Manager", ErrLinkAlreadyCut, h.name)
	case !cut && !isCut:
		return Link{}, fmt.Errorf("%w: between %s and the Smart Software Manager", ErrLinkNotCut, h.name)
	}
	b := l.store.NewBatch(l.name)
	defer b.Close()
	ev := Event{At: now, Headend: h.name, Kind: EventLinkCut, Text: faults.SmartCutText(h.name)}
	if cut {
		err = b.PutLink(h.id, SmartManagerID, now)
	} else {
		err = b.DeleteLink(h.id, SmartManagerID)
		ev.Kind, ev.Text = EventLinkRestored, faults.SmartRestoredText(h.name)
	}
	if err != nil {
		return Link{}, err
	}
	err = l.commit(b, []Event{ev}, func() {
		if cut {
			l.net.SetSmartCut(h, now)
		} else {
			l.net.RestoreSmart(h)
		}
	})
	if err != nil {
		return Link{}, err
	}
	verb := "smart link restored"
	if cut {
		verb = "smart link cut"
	}
	l.log.Info(verb, zap.String("lab", l.name), zap.String("hostname", h.name))
	return faults.SmartLink(h.name, now), nil
}

// scheduleSmart puts h in the lab's heap of Smart Licensing renewals at
// its device's next attempt, or takes it out when none is due, it is
// deleted or off (power on schedules it again). Called with h.mu held.
func (l *Lab) scheduleSmart(h *Headend) {
	at, ok := labtimers.SmartDue(h.dev)
	l.timers.smart.Schedule(h, &h.smartTimer, at, ok && !h.deleted && !h.off)
}

// smartAhead keeps h's next attempt after now once a catch-up at now
// released it: a headend reloading tries once it is up; one whose device
// is due again at now without having moved on (it would be renewed
// forever at the same lab time) waits for its next change. Called with
// h.mu held, after schedule.
func (l *Lab) smartAhead(h *Headend, now time.Time) {
	at, due := labtimers.SmartDue(h.dev)
	if !due || h.deleted || h.off || at.After(now) {
		return
	}
	if h.dev.Reloading(now) {
		l.timers.smart.Schedule(h, &h.smartTimer, h.dev.UpSince(), true)
		return
	}
	l.log.Error("a smart renewal left its device due at the same lab time: it waits for its next change",
		zap.String("lab", l.name), zap.String("hostname", h.dev.Hostname()), zap.Time("due", at))
	l.timers.smart.Schedule(h, &h.smartTimer, at, false)
}

// SmartCompliance is the compliance report's part for the ASAv: per
// virtual account of the Smart Account named (all when ""), the distinct
// AnyConnect users its registered ASAv admitted (the usage records the
// 5500-X report reads) against its AnyConnect entitlements.
func (l *Lab) SmartCompliance(account string) []SmartVACompliance {
	return l.smart.AnyConnectCompliance(account, l.Users)
}
