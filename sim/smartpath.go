package sim

import (
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen/smart"
	"github.com/asalab/asalab/sim/faults"
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

// SmartPeer is the name a link request gives the lab's Smart Software
// Manager.
const SmartPeer = "smart"

// SmartManagerID is the id of the Smart Software Manager in a stored link:
// headend ids start at 1.
const SmartManagerID = 0

// Smart is the lab's Smart Software Manager as h reaches it (family.Host).
func (h *Headend) Smart() family.SmartManager { return smartPath{h} }

// smartPath is the manager as one headend reaches it. It never takes the
// headend's lock: the device calls it inside Host.Update, which holds it.
type smartPath struct{ h *Headend }

// reach fails with ErrSmartUnreachable when the headend has no path to
// the manager at the lab time.
func (p smartPath) reach() error {
	l := p.h.lab
	if l.smart == nil || !l.net.SmartPathUp(p.h, l.clock.Now()) {
		return family.ErrSmartUnreachable
	}
	return nil
}

func (p smartPath) Register(udi, token string, tags []string) (smart.Registration, error) {
	if err := p.reach(); err != nil {
		return smart.Registration{}, err
	}
	return p.h.lab.smart.Register(udi, token, tags)
}

func (p smartPath) RenewAuthorization(udi string) (smart.Registration, error) {
	if err := p.reach(); err != nil {
		return smart.Registration{}, err
	}
	return p.h.lab.smart.RenewAuthorization(udi)
}

func (p smartPath) RenewRegistration(udi string) (smart.Registration, error) {
	if err := p.reach(); err != nil {
		return smart.Registration{}, err
	}
	return p.h.lab.smart.RenewRegistration(udi)
}

func (p smartPath) Deregister(udi string) error {
	if err := p.reach(); err != nil {
		return err
	}
	_, err := p.h.lab.smart.Deregister(udi)
	return err
}

// VerifyAuthorization needs no path: the code is checked offline.
func (p smartPath) VerifyAuthorization(request, code string) (string, error) {
	if p.h.lab.smart == nil {
		return "", family.ErrSmartUnreachable
	}
	return p.h.lab.smart.VerifyAuthorization(request, code)
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
	var at time.Time
	ok := false
	if s, is := h.dev.(family.SmartLicensing); is {
		at, ok = s.SmartDue()
	}
	ok = ok && !h.deleted && !h.off
	l.timers.smart.Schedule(h, &h.smartTimer, at, ok)
}

// errNoRenewal: the headend has no renewal due any more (a change came
// first); nothing is stored.
var errNoRenewal = errors.New("sim: no smart renewal due")

// renewSmart makes the Smart Licensing attempts due at or before now, in
// the order they fell due, each in a change of its headend (Host.Update)
// at the lab time now. Called with clockMu held, so the lab time stays
// now throughout. It fails only when a change could not be stored.
func (l *Lab) renewSmart(now time.Time) error {
	for _, h := range l.timers.smart.TakeDue(now) {
		err := h.Update(func(d family.Device) error {
			s, ok := d.(family.SmartLicensing)
			if !ok {
				return errNoRenewal
			}
			if at, ok := s.SmartDue(); !ok || at.After(now) {
				return errNoRenewal
			}
			s.SmartRenew(now, h.Smart())
			return nil
		})
		h.mu.Lock()
		l.rescheduleSmart(h, now, err)
		h.mu.Unlock()
		switch {
		case err == nil, errors.Is(err, errNoRenewal), errors.Is(err, headend.ErrUnavailable),
			errors.Is(err, ErrHeadendNotFound):
		default:
			return fmt.Errorf("sim: smart renewal of %s: %w", h.labName(), err)
		}
	}
	return nil
}

// rescheduleSmart puts h back in the heap after its renewal at now ended
// with err. A headend reloading tries once it is up; one whose device is
// due again at now without having moved on (it would be renewed forever
// at the same lab time) waits for its next change. Called with h.mu held.
func (l *Lab) rescheduleSmart(h *Headend, now time.Time, err error) {
	l.scheduleSmart(h)
	if h.deleted || h.off {
		return
	}
	if errors.Is(err, headend.ErrUnavailable) && h.dev.Reloading(now) {
		l.timers.smart.Schedule(h, &h.smartTimer, h.dev.UpSince(), true)
		return
	}
	if s, ok := h.dev.(family.SmartLicensing); ok {
		if at, due := s.SmartDue(); due && !at.After(now) {
			l.log.Error("a smart renewal left its device due at the same lab time: it waits for its next change",
				zap.String("lab", l.name), zap.String("hostname", h.dev.Hostname()), zap.Time("due", at))
			l.timers.smart.Schedule(h, &h.smartTimer, at, false)
		}
	}
}

// renewSmartDue makes the Smart Licensing attempts due by the lab time:
// on a real clock, the usage flusher's round runs it, so an attempt is
// made at most one flush interval after it falls due; on a simulated one
// a move of the clock makes them at their times, and this finds only
// those a restart found due.
func (l *Lab) renewSmartDue() {
	l.clockMu.Lock()
	defer l.clockMu.Unlock()
	if err := l.renewSmart(l.clock.Now()); err != nil {
		l.log.Error("smart renewals", zap.String("lab", l.name), zap.Error(err))
	}
}

// SmartCompliance is the compliance report's part for the ASAv: per
// virtual account of the Smart Account named (all when ""), the distinct
// AnyConnect users its registered ASAv admitted (the usage records the
// 5500-X report reads) against its AnyConnect entitlements.
func (l *Lab) SmartCompliance(account string) []SmartVACompliance {
	return l.smart.AnyConnectCompliance(account, l.Users)
}
