package sim

import (
	"fmt"
	"slices"
	"time"

	"go.uber.org/zap"

	"github.com/asalab/asalab/sim/devlog"
	"github.com/asalab/asalab/sim/faults"
)

// Lab faults (sim/faults): links cut and headends powered off. Each fault
// is stored in the synced batch of its event, so a restarted daemon has
// the same faults, and the services that run over the lab network learn
// of it (netChanged).

// Errors of the lab's faults (sim/faults).
var (
	ErrLinkAlreadyCut    = faults.ErrLinkAlreadyCut
	ErrLinkNotCut        = faults.ErrLinkNotCut
	ErrAlreadyPoweredOff = faults.ErrAlreadyPoweredOff
	ErrAlreadyPoweredOn  = faults.ErrAlreadyPoweredOn
	ErrPoweredOff        = faults.ErrPoweredOff
)

// Link is a cut between two headends, by their running hostnames in sorted
// order.
type Link = faults.Link

// CutLink cuts every lab network path between the headends a and b; b
// SmartPeer cuts a's path to the lab's Smart Software Manager
// (smartpath.go).
func (l *Lab) CutLink(a, b string) (Link, error) {
	return l.link(a, b, true)
}

// RestoreLink ends the cut between the headends a and b.
func (l *Lab) RestoreLink(a, b string) error {
	_, err := l.link(a, b, false)
	return err
}

// link cuts (cut) or restores the link between a and b. The lab's lock
// orders it with the deletion of either headend, which drops its cuts.
func (l *Lab) link(a, b string, cut bool) (Link, error) {
	if b == SmartPeer {
		return l.smartLink(a, cut)
	}
	ha, err := l.headend(a)
	if err != nil {
		return Link{}, err
	}
	hb, err := l.headend(b)
	if err != nil {
		return Link{}, err
	}
	if ha == hb {
		return Link{}, fmt.Errorf("%w: a link joins two headends; %q and %q are the same", ErrInvalidArgument, a, b)
	}
	l.mu.Lock()
	now := l.clock.Now()
	lk, err := l.linkLocked(ha, hb, cut, now)
	l.mu.Unlock()
	if err != nil {
		return Link{}, err
	}
	l.netChanged(now)
	verb := "link restored"
	if cut {
		verb = "link cut"
	}
	l.log.Info(verb, zap.String("lab", l.name), zap.String("a", a), zap.String("b", b))
	return lk, nil
}

// linkLocked is link with the lab's lock held.
func (l *Lab) linkLocked(ha, hb *Headend, cut bool, now time.Time) (Link, error) {
	for _, h := range [2]*Headend{ha, hb} {
		if o, _ := l.names.Holder(h.name); o != h { // deleted since it was looked up
			return Link{}, fmt.Errorf("%w: %q", ErrHeadendNotFound, h.name)
		}
	}
	a, b := ha.name, hb.name
	_, isCut := l.net.CutOf(ha, hb)
	switch {
	case cut && isCut:
		return Link{}, fmt.Errorf("%w: between %s and %s", ErrLinkAlreadyCut, a, b)
	case !cut && !isCut:
		return Link{}, fmt.Errorf("%w: between %s and %s", ErrLinkNotCut, a, b)
	}
	batch := l.store.NewBatch(l.name)
	defer batch.Close()
	ev := Event{At: now, Headend: a, Kind: EventLinkCut, Text: faults.CutText(a, b)}
	var err error
	if cut {
		err = batch.PutLink(ha.id, hb.id, now)
	} else {
		err = batch.DeleteLink(ha.id, hb.id)
		ev.Kind, ev.Text = EventLinkRestored, faults.RestoredText(a, b)
	}
	if err != nil {
		return Link{}, err
	}
	err = l.commit(batch, []Event{ev}, func() {
		if cut {
			l.net.SetCut(ha, hb, now)
		} else {
			l.net.Restore(ha, hb)
		}
	})
	if err != nil {
		return Link{}, err
	}
	return faults.NewLink(a, b, now), nil
}

// Links lists the cut links, sorted by their first hostname, then their
// second.
func (l *Lab) Links() []Link {
	l.mu.Lock()
	defer l.mu.Unlock()
	cuts := l.net.Cuts()
	out := make([]Link, 0, len(cuts))
	for _, c := range cuts {
		out = append(out, faults.NewLink(c.A.name, c.B.name, c.Since))
	}
	for _, c := range l.net.SmartCuts() {
		out = append(out, faults.SmartLink(c.H.name, c.Since))
	}
	faults.Sort(out)
	return out
}

// PowerOff switches a headend off. It returns the headend as it is then
// and how many VPN sessions the power cut ended.
func (l *Lab) PowerOff(hostname string) (Snapshot, int, error) {
	h, err := l.headend(hostname)
	if err != nil {
		return Snapshot{}, 0, err
	}
	ended, now, err := h.powerOff()
	if err != nil {
		return Snapshot{}, 0, err
	}
	l.netChanged(now)
	l.log.Info("headend powered off", zap.String("lab", l.name), zap.String("hostname", hostname), zap.Int("sessions_ended", ended))
	s, err := h.snapshot()
	return s, ended, err
}

func (h *Headend) powerOff() (int, time.Time, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	l := h.lab
	if h.deleted {
		return 0, time.Time{}, fmt.Errorf("%w: %q", ErrHeadendNotFound, h.labName())
	}
	if h.off {
		return 0, time.Time{}, fmt.Errorf("%w: %s since %s", ErrAlreadyPoweredOff, h.labName(), h.offSince.Format(time.RFC3339))
	}
	now := l.clock.Now()
	// What it logged up to the power cut is told before it.
	h.advance(now)
	m := h.markLog(h.dev)
	// Refuse new sessions from now, so that the count below is those
	// the cut ends.
	prev := h.adm.Policy()
	h.adm.SetPolicy(faults.DownPolicy(h.dev.SerialNumber()))
	counts := h.adm.Counts()
	n := counts.Total()
	b := l.store.NewBatch(l.name)
	defer b.Close()
	// The device is stored as advanced, so that a restart does not log
	// again the lines told here.
	err := b.PutHeadend(h.id, h.dev, 0)
	if err == nil {
		err = b.PutPower(h.id, now)
	}
	evs := append(m.Evs, Event{At: now, Headend: h.dev.Hostname(), Kind: EventPowerOff,
		Text: faults.PowerOffText(n)})
	var ended int
	if err == nil {
		err = l.commit(b, h.labEvents(evs), func() {
			h.logged = m.Count
			h.setOff(true, now)
			h.foCapture()
			dropped := h.adm.Reset(now.Unix())
			l.retired.Retire(dropped)
			ended = dropped.Total()
			l.consoleReloaded(h)
			l.schedule(h)
		})
	}
	if err != nil {
		h.adm.SetPolicy(prev)
		return 0, time.Time{}, err
	}
	return ended, now, nil
}

// PowerOn switches a headend on: it boots as a reload does.
func (l *Lab) PowerOn(hostname string) (Snapshot, error) {
	h, err := l.headend(hostname)
	if err != nil {
		return Snapshot{}, err
	}
	now, err := h.powerOn()
	if err != nil {
		return Snapshot{}, err
	}
	l.netChanged(now)
	s, err := h.snapshot()
	if err == nil {
		l.log.Info("headend powered on", zap.String("lab", l.name), zap.String("hostname", s.Device.Hostname()),
			zap.Time("up_at", s.Device.UpSince()))
	}
	return s, err
}

func (h *Headend) powerOn() (time.Time, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	l := h.lab
	if h.deleted {
		return time.Time{}, fmt.Errorf("%w: %q", ErrHeadendNotFound, h.labName())
	}
	if !h.off {
		return time.Time{}, fmt.Errorf("%w: %s", ErrAlreadyPoweredOn, h.labName())
	}
	now := l.clock.Now()
	// Its time-based keys counted while it was off: the lines due
	// meanwhile come now, with their times, before the boot empties the
	// buffer.
	n := devlog.Count(h.dev)
	h.dev.Advance(now)
	l.forwardLog(n, h.dev)
	c := h.dev.Copy()
	m := h.markLog(c)
	c.Reload(now, l.bootTime)
	// The saved hostname comes back with the saved configuration.
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.names.Check(h, c.Hostname(), c.SavedHostname()); err != nil && !h.pinned {
		return time.Time{}, err
	}
	b := l.store.NewBatch(l.name)
	defer b.Close()
	if err := b.PutHeadend(h.id, c, 0); err != nil {
		return time.Time{}, err
	}
	if err := b.DeletePower(h.id); err != nil {
		return time.Time{}, err
	}
	evs := devlog.ChangeEvents(h.dev, c, now, m)
	evs = slices.Insert(evs, len(m.Evs), Event{At: now, Headend: c.Hostname(), Kind: EventPowerOn,
		Text: faults.PowerOnText(c.UpSince())})
	err := l.commit(b, h.labEvents(evs), func() {
		h.setOff(false, time.Time{})
		if !h.pinned {
			l.index(h, h.dev, c)
		}
		h.noteChange(h.dev, c)
		h.swap(c, now)
	})
	return now, err
}

// setOff records the headend's power state in memory: the network and the
// admission state follow it. Called with h.mu held.
func (h *Headend) setOff(off bool, since time.Time) {
	h.off, h.offSince = off, since
	h.lab.net.SetOff(h, off)
	if off {
		h.adm.SetPolicy(faults.DownPolicy(h.dev.SerialNumber()))
	}
}

// offError is the error of a request to a headend powered off. It names
// the headend as the lab does, the name the request used: a failover
// unit's running hostname is its mate's. Called with h.mu held (the lab's
// mu is taken after it).
func (h *Headend) offError() error {
	return faults.OffError(h.labName(), h.offSince)
}

// PoweredOff reports whether the headend is switched off, and since when.
// It takes the headend's lock.
func (h *Headend) PoweredOff() (bool, time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.off, h.offSince
}

// loadFaults restores the stored faults of the headends hs. Called by
// OpenLab before the lab is shared.
func (l *Lab) loadFaults(hs []*Headend) error {
	byID := make(map[uint64]*Headend, len(hs))
	for _, h := range hs {
		byID[h.id] = h
	}
	err := l.store.PoweredOff(l.name, func(id uint64, since time.Time) error {
		h := byID[id]
		if h == nil {
			l.log.Warn("a stored power fault names no headend: ignored", zap.String("lab", l.name), zap.Uint64("id", id))
			return nil
		}
		h.setOff(true, since)
		l.schedule(h)
		return nil
	})
	if err != nil {
		return err
	}
	return l.store.Links(l.name, func(a, b uint64, since time.Time) error {
		if h := byID[b]; a == SmartManagerID && h != nil { // its path to the manager (smartpath.go)
			l.net.SetSmartCut(h, since)
			return nil
		}
		ha, hb := byID[a], byID[b]
		if ha == nil || hb == nil {
			l.log.Warn("a stored cut link names no headend: ignored", zap.String("lab", l.name), zap.Uint64("a", a), zap.Uint64("b", b))
			return nil
		}
		l.net.SetCut(ha, hb, since)
		return nil
	})
}

// dropFaults writes to b the end of the faults of h, which is being
// deleted, and returns what drops them from memory once b is committed.
// Called with h.mu and the lab's mu held.
func (l *Lab) dropFaults(h *Headend, put interface {
	DeletePower(id uint64) error
	DeleteLink(x, y uint64) error
}) (func(), error) {
	if err := put.DeletePower(h.id); err != nil {
		return nil, err
	}
	if _, cut := l.net.SmartCutOf(h); cut { // Drop forgets it in memory
		if err := put.DeleteLink(h.id, SmartManagerID); err != nil {
			return nil, err
		}
	}
	cuts := l.net.CutsOf(h)
	for _, c := range cuts {
		if err := put.DeleteLink(c.A.id, c.B.id); err != nil {
			return nil, err
		}
	}
	return func() {
		for _, c := range cuts {
			l.net.Restore(c.A, c.B)
		}
	}, nil
}
