package sim

import (
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/sim/usagelog"
)

// Errors of the admission path.
var (
	ErrSessionNotFound = errors.New("sim: no such session")
	ErrInvalidKind     = errors.New("sim: unknown connection kind")
)

// newAdmission makes the admission state of h from its device. Called with
// h.dev set and before h is visible.
func (l *Lab) newAdmission(h *Headend, now time.Time) {
	d := h.dev
	h.adm = admission.NewAdmission(uint32(h.id), d.Platform().VPNMax, d.AdmissionPolicy(now), d.UpSince().Unix(), h.refreshPolicy)
	h.adm.UsePrincipals(l.principals)
	h.adm.OnUse(l.usage.NotePending)
}

// refreshPolicy rebuilds the policy when a time-based key expires.
func (h *Headend) refreshPolicy(now int64) *admission.Policy {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.off {
		return h.adm.Policy()
	}
	p := h.policyOf(h.dev, time.Unix(now, 0).UTC())
	h.adm.SetPolicy(p)
	return p
}

// afterChange brings the admission state in line with a changed device:
// a reload or RMA drops every session; any change may change the policy.
// Called with h.mu held, after the new device is in place.
func (h *Headend) afterChange(old, c family.Device, now time.Time) {
	if rebooted(old, c) {
		h.foCapture()
		h.lab.retired.Retire(h.adm.Reset(c.UpSince().Unix()))
	}
	h.adm.SetPolicy(h.policyOf(c, now))
}

// Principal interns a user and client device.
func (l *Lab) Principal(user, device string) (*admission.Principal, error) {
	return l.principals.Get(user, device)
}

// Admit decides one connection to the headend with that hostname.
func (l *Lab) Admit(hostname, user, device string, k headend.Kind) (admission.Decision, error) {
	h, err := l.headend(hostname)
	if err != nil {
		return admission.Decision{}, err
	}
	if !k.Valid() {
		return admission.Decision{}, fmt.Errorf("%w %d", ErrInvalidKind, k)
	}
	p, err := l.principals.Get(user, device)
	if err != nil {
		return admission.Decision{}, err
	}
	return h.Admit(p, k), nil
}

// Admit decides one connection of an interned principal: the in-process
// path of load tools, no lookup by hostname. A principal the lab forgot
// since the caller interned it is interned again by its names.
func (h *Headend) Admit(p *admission.Principal, k headend.Kind) admission.Decision {
	t := h.lab.clock.Now()
	now := t.Unix()
	d := h.adm.Admit(p, k, now)
	if !d.Admitted && p.Forgotten() {
		if q, err := h.lab.principals.Get(p.User(), p.Device()); err == nil {
			p = q
			d = h.adm.Admit(q, k, now)
		}
	}
	// A unit that became a failover standby while this admission ran may
	// have decided it under its active policy: the standby's policy is
	// published before its sessions are ended (failover.go), so either
	// that ending saw this session or this check sees the standby's
	// policy.
	if d.Admitted && h.adm.Policy().IsStandby() {
		h.adm.Release(d.Session)
		d = admission.Decision{Reason: headend.ReasonStandby}
	}
	if !d.Admitted {
		h.refusals.Note(h.adm, p, k, d, t)
	}
	return d
}

// Release ends a session on the headend.
func (h *Headend) Release(id uint64) bool { return h.adm.Release(id) }

// Admission is the headend's admission state (family.Host).
func (h *Headend) Admission() *admission.Admission { return h.adm }

// PrincipalByIndex resolves a principal of the lab (family.Host).
func (h *Headend) PrincipalByIndex(i uint32) *admission.Principal { return h.lab.principals.ByIndex(i) }

// Release ends a session on the headend with that hostname.
func (l *Lab) Release(hostname string, id uint64) error {
	h, err := l.headend(hostname)
	if err != nil {
		return err
	}
	if !h.adm.Release(id) {
		return fmt.Errorf("%w: %d on %s", ErrSessionNotFound, id, hostname)
	}
	return nil
}

// Sessions lists the active sessions of a headend after the session id
// after, at most limit of them, and whether more follow.
func (l *Lab) Sessions(hostname string, after uint64, limit int) ([]SessionView, bool, error) {
	h, err := l.headend(hostname)
	if err != nil {
		return nil, false, err
	}
	var out []SessionView
	more := false
	h.adm.Sessions(after, func(s admission.SessionInfo) bool {
		if len(out) == limit {
			more = true
			return false
		}
		out = append(out, h.fam.ViewSession(s, l.principals.ByIndex(s.Principal)))
		return true
	})
	return out, more, nil
}

// Counts returns the admission counters of a headend.
func (l *Lab) Counts(hostname string) (admission.Counts, error) {
	h, err := l.headend(hostname)
	if err != nil {
		return admission.Counts{}, err
	}
	return h.adm.Counts(), nil
}

// Users implements portal.Usage for the portal's compliance report: the
// distinct users the headends with these serials admitted in [from, to)
// (usagelog.Log.Users).
func (l *Lab) Users(serials []string, from, to time.Time) (all, apexOnly []string) {
	l.mu.Lock()
	var hs []usagelog.Unit
	for _, s := range serials {
		if h := l.bySerial[s]; h != nil {
			hs = append(hs, usagelog.Unit{ID: h.id, Adm: h.adm})
		}
	}
	l.mu.Unlock()
	return l.usage.Users(hs, from, to)
}

// AdmissionTotals sums the admission counters of every headend, past and
// present: admitted per kind, refused per reason, and active sessions.
func (l *Lab) AdmissionTotals() (admitted [headend.NumKinds]uint64, refused [headend.NumReasons]uint64, active int) {
	return l.retired.Sum(l.eachAdmission)
}

// eachAdmission calls fn with the admission state of every running headend.
func (l *Lab) eachAdmission(fn func(*admission.Admission)) {
	l.names.Range(func(_ string, h *Headend) bool {
		fn(h.adm)
		return true
	})
}

// usageState is the lab's usage log (package usagelog).
type usageState struct {
	usagelog.Log
	// forgetting, if set, is called when a forgetting starts (tests).
	forgetting atomic.Pointer[func()]
}

// usageCore is the lab as the usage log reaches it.
type usageCore struct{ l *Lab }

func (c usageCore) EachAdmission(fn func(id uint64, a *admission.Admission) bool) {
	c.l.names.Range(func(_ string, h *Headend) bool {
		return fn(h.id, h.adm)
	})
}

func (c usageCore) Now() time.Time { return c.l.clock.Now() }

func (c usageCore) CountUsage(n int) { c.l.metrics.CountUsage(n) }

func (c usageCore) Forgetting() {
	if f := c.l.usage.forgetting.Load(); f != nil {
		(*f)()
	}
}

// AfterFlush is the rest of a round of the flusher: what shares its
// interval.
func (c usageCore) AfterFlush() {
	l := c.l
	if l.clock.Mode() != ClockSimulated {
		l.foClock(l.clock.Now()) // units back from a reload pair again
	}
	if err := l.flushRefusals(); err != nil {
		l.log.Error("writing refusal events", zap.Error(err))
	}
	l.settleShared()
}

// flushUsage writes the usage noted since the last flush, synced.
func (l *Lab) flushUsage() error { return l.usage.Flush() }

// forgetPrincipals forgets the principals nobody uses any more.
func (l *Lab) forgetPrincipals(force bool) int { return l.usage.Forget(force) }

// loadUsage restores the current lab day's usage of the headends hs.
func (l *Lab) loadUsage(hs []*Headend) error {
	us := make([]usagelog.Unit, len(hs))
	for i, h := range hs {
		us[i] = usagelog.Unit{ID: h.id, Adm: h.adm}
	}
	return l.usage.Load(us)
}

// Close stops the lab's background work and makes the usage records
// durable. The store stays open (its owner closes it). The lab leaves the
// metrics and gives its console ports back to the range it shares with the
// daemon's other labs.
func (l *Lab) Close() error {
	l.usage.Stop()
	defer l.closeEvents()
	defer func() {
		l.metrics.Unwatch()
		l.mu.Lock()
		l.con.Release()
		l.mu.Unlock()
	}()
	if err := l.flushRefusals(); err != nil {
		return err
	}
	// The blocks lent since the last flush, which the admission path
	// does not wait to write.
	if err := l.shared.flush(); err != nil {
		return err
	}
	return l.flushUsage()
}
