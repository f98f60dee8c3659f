// Package fopair is failover pairs (Active/Standby) in the lab: each
// unit's place in its pair, which pairs form, break and switch over as
// the units and the lab network change, the sessions a stateful link
// carries across, the lines and events that tell it, and the view a unit
// publishes of its pair; the service (Service) that serialises the
// checks and runs the pair commands. The lab core (package sim) gathers
// the candidates under their headends' locks, stores and publishes what a
// check decided, and replicates the configuration (Core).
package fopair

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/sim/store"
)

// Failover pairs (Active/Standby) in the lab. Two units pair when both have
// failover enabled with opposite roles and the same key, their failover LAN
// links are addressed alike (`failover interface ip NAME A M standby S`:
// the primary holds A, the secondary S), both are up, and the lab network
// passes packets between them; the device decides from the two licenses
// whether they can (family.FailoverUnit.CombinedLicense). The lab re-checks
// the pairs whenever that may have changed: a change of a failover unit
// through the pipeline, a change of the lab network, and the lab time a
// reloading unit comes up again.
//
// The rules it follows:
//   - A unit with failover enabled and no mate is active ("Not Detected"
//     mate) and admits against its own license; a real unit goes active
//     once its hold time passes without a mate, the lab at once. A unit
//     that lost its mate keeps the cluster license (the grace period
//     after which each unit reverts to its own license is not simulated).
//     A unit that is down (reloading, powered off) is negotiating, and
//     joins as the standby when it is up again next to an active mate.
//   - When a pair forms, the unit that is already active stays active;
//     when both or neither are, the primary becomes active ("The primary
//     unit always becomes the active unit if both units start up at the
//     same time", Cisco ASA 8.4 configuration guide, "Information About
//     Active/Standby Failover"). Which unit wins when a cut link heals
//     and both are active is not documented there: the primary does
//     (UNSURE).
//   - The active unit admits against the failover cluster license (its
//     family's FailoverAdmission); the standby refuses every connection
//     (headend.ReasonStandby) and gets the active unit's configuration
//     (replicated at pairing and after every change of the active unit;
//     when the active unit's configuration is saved, the standby's is
//     too). It holds no session, and answers in the lab network on its
//     standby addresses, the active unit on the pair's.
//   - Losing the mate (its power, its reload, its deletion, a cut link)
//     makes the standby active; a cut link leaves both active, each on
//     its side, until it is restored. With a stateful failover link up the sessions move
//     to the new active unit as the real pair's replicated sessions do:
//     the same users, kinds, login times and slots (so the same index
//     and assigned address), counted against the same cluster license,
//     and no new login (Cumulative and the day's users do not count
//     them again). They are the new unit's sessions, released there by
//     the ids its Sessions lists: a session id names the unit's table,
//     so it does not survive a switchover. Without one, they drop.
//   - A unit keeps its name in the lab while failover is enabled, and
//     after until its hostname next changes, though replication gives it
//     the pair's hostname (pin): the lab, the API and its SSH console
//     address it by that name.
//
// Shared licensing across a pair (the participant id moving with the
// active unit) is not simulated.

// Lab is the lab core as a check reaches it; H is its headend (a pointer:
// the zero H is none). Its methods are called with the service's lock
// held.
type Lab[H comparable] interface {
	Headends[H]
	// Handoff takes the sessions h held when it went down as the active
	// unit of a pair, kept for its mate (Service.Capture).
	Handoff(h H) []Held
}

// Headends are the lab core's headends as the service reaches them.
type Headends[H comparable] interface {
	// Name is h's name in the lab.
	Name(h H) string
	// Unit is h's place in the service.
	Unit(h H) *Unit[H]
	// PathUp reports whether the lab network passes packets between a
	// and b (a cut link does not; power is the candidates' business).
	PathUp(a, b H) bool
	// Sessions lists the sessions of h's admission table, as the
	// stateful link would have replicated them (none for the zero H).
	Sessions(h H) []Held
	// TakeOver makes s a session of h at now, as it was on the unit
	// that held it (admission.Admission.TakeOver), reporting whether h
	// took it.
	TakeOver(h H, s Held, now time.Time) bool
	// TookOver ends the take-overs of a switchover to h: the sessions
	// it took over count once in its Cumulative
	// (admission.Admission.TookOver).
	TookOver(h H)
	// SessionCount is how many sessions h holds.
	SessionCount(h H) int
	// UpAt is when h's current boot finishes.
	UpAt(h H) time.Time
	// Publish makes h's view of its pair what the service decided, and
	// its admission policy and lab network addresses follow it.
	Publish(h H, now time.Time)
}

// Unit is a headend's place in the failover service; guarded by the
// core's failover lock. Its status for readers is the Published view.
type Unit[H comparable] struct {
	Tracked bool // failover was enabled at the last check
	Active  bool
	Mate    H
	// Since is when the failover cluster this unit is part of started
	// (`failover cluster up`): when the pair formed, or when the unit
	// went active before its mate joined; kept while the unit stays up
	// through a break of the pair, so that the cluster's uptime outlives
	// a reload of either unit, as on a real pair (a 5516-X pair's `show
	// version`: "ASA2 up 55 days 9 hours", "failover cluster up 87 days
	// 15 hours"); zero once the unit is down. Last is when the pair
	// last changed its active unit.
	Since, Last time.Time
	Stateful    bool
	Cluster     *family.LicensedFeatures
	Mismatch    string
	// ActiveFor is how long the unit was active before ActiveSince, when
	// it last became active (zero while it is not).
	ActiveFor   time.Duration
	ActiveSince time.Time
	// Role is how failover messages name the unit ("Primary",
	// "Secondary"), as of the last check that found failover enabled.
	Role string
}

// SetActive makes the unit active or not at now, counting its active time.
func (f *Unit[H]) SetActive(on bool, now time.Time) {
	switch {
	case on && !f.Active:
		f.ActiveSince = now
	case !on && f.Active:
		f.ActiveFor += now.Sub(f.ActiveSince)
		f.ActiveSince = time.Time{}
	}
	f.Active = on
}

// Record is the unit's failover record, with its mate's id (0: none)
// and its name in the lab when pinned ("": not).
func (f *Unit[H]) Record(mate uint64, pinnedName string) store.FailoverRecord {
	return store.FailoverRecord{Name: pinnedName, Active: f.Active, Mate: mate, Since: f.Since, LastFailover: f.Last,
		ActiveFor: f.ActiveFor, ActiveSince: f.ActiveSince}
}

// FromRecord is a unit as its record r left it, paired with mate (the
// zero H: none or gone), its role that of a primary or a secondary.
func FromRecord[H comparable](r store.FailoverRecord, mate H, primary bool) Unit[H] {
	return Unit[H]{Tracked: true, Active: r.Active, Mate: mate, Since: r.Since, Last: r.LastFailover,
		ActiveFor: r.ActiveFor, ActiveSince: r.ActiveSince, Role: roleName(primary)}
}

// Published is what the service last decided about a unit.
type Published struct {
	St       family.FailoverStatus
	Mismatch string
	// ActiveFor and ActiveSince count its active time (Unit).
	ActiveFor   time.Duration
	ActiveSince time.Time
}

// ActiveTime is how long the unit has been active in all at now.
func (p *Published) ActiveTime(now time.Time) time.Duration {
	if p == nil {
		return 0
	}
	if p.ActiveSince.IsZero() {
		return p.ActiveFor
	}
	return p.ActiveFor + now.Sub(p.ActiveSince)
}

// Mate is what a unit's view tells of its mate.
type Mate struct {
	Hostname, Serial, Version string
}

// Publish is the view of f, a tracked unit (nil: not a failover unit),
// with mate the mate's as f.Mate names it (unused without one).
func Publish[H comparable](f *Unit[H], mate Mate) *Published {
	if !f.Tracked {
		return nil
	}
	pub := &Published{Mismatch: f.Mismatch, ActiveFor: f.ActiveFor, ActiveSince: f.ActiveSince}
	v := &pub.St
	*v = family.FailoverStatus{Enabled: true, Role: f.Role, State: family.FailoverNegotiation,
		MateState: family.FailoverDisabled, LastFailover: f.Last, Cluster: f.Cluster}
	if f.Active {
		v.State = family.FailoverActive
	}
	var none H
	if f.Mate != none {
		v.MateSeen, v.LANUp, v.StateUp, v.Since = true, true, f.Stateful, f.Since
		v.MateState = family.FailoverStandbyReady
		if !f.Active {
			v.State, v.MateState = family.FailoverStandbyReady, family.FailoverActive
		}
		v.MateHostname, v.MateSerial, v.MateVersion = mate.Hostname, mate.Serial, mate.Version
	}
	return pub
}

// Line is a failover line unit H logs: Msg, or, when Why is set, the
// unit's own lines for that mismatch (family.FailoverMismatchLogger).
type Line[H comparable] struct {
	H   H
	Msg string
	Why family.FailoverMismatch
}

// Held is a session as the stateful link replicates it: its principal and
// its record on the unit that held it (kind, slot, login time).
type Held struct {
	P    *admission.Principal
	Info admission.SessionInfo
}

// Cand is a headend as one check sees it.
type Cand[H comparable] struct {
	H       H
	Dev     family.Device // a copy at the check's time
	On, Up  bool
	Off     bool // powered off
	Primary bool
	Links   family.FailoverLinkConfig
}

// Enabled is `failover` on d, and whether d is the primary unit.
func Enabled(d family.Device) (on, primary bool) {
	u, ok := d.(family.FailoverUnit)
	if !ok {
		return false, false
	}
	on, role := u.FailoverEnabled()
	return on, role == "primary"
}

// roleName is the role of a primary (or secondary) unit as failover
// messages name it.
func roleName(primary bool) string {
	if primary {
		return "Primary"
	}
	return "Secondary"
}

// sameFeatures compares two licenses as far as admission goes.
func sameFeatures(a, b family.LicensedFeatures) bool {
	return a.Premium == b.Premium && a.Total == b.Total && a.Other == b.Other && a.Essentials == b.Essentials &&
		a.Mobile == b.Mobile && a.Phone == b.Phone && a.PlusApex == b.PlusApex && a.VPNOnly == b.VPNOnly
}

// Policy is the admission policy of a unit with device d at now whose
// view is v: the device's own, the cluster license's on the active unit of
// a pair, refusing all on a standby unit.
func Policy(v family.FailoverStatus, d family.Device, now time.Time) *admission.Policy {
	if !v.Enabled {
		return d.AdmissionPolicy(now)
	}
	if on, _ := Enabled(d); !on {
		return d.AdmissionPolicy(now)
	}
	switch v.State {
	case family.FailoverActive:
		if fa, ok := d.(family.FailoverAdmission); ok && v.Cluster != nil {
			return fa.ClusterAdmissionPolicy(*v.Cluster, now)
		}
		return d.AdmissionPolicy(now)
	default:
		return d.AdmissionPolicy(now).Standby()
	}
}

// AnswersOn are the addresses a unit in state answers on in the lab
// network with device d: a standby unit answers on its standby addresses,
// the active unit of the pair on the addresses both units' configuration
// names.
func AnswersOn(state family.FailoverState, d family.Device) []netip.Addr {
	switch state {
	case family.FailoverStandbyReady, family.FailoverColdStandby:
		if fl, ok := d.(family.FailoverLinks); ok {
			return fl.StandbyAddresses()
		}
	}
	return d.Addresses()
}

// Replicate copies the configuration of src, the active unit's device,
// onto d, its standby's, through the device's replication; the active
// unit's saved configuration is the standby's too.
func Replicate(src, d family.Device, now time.Time) error {
	r, ok := d.(family.FailoverUnit)
	if !ok {
		return fmt.Errorf("%w: %s cannot replicate a configuration", family.ErrNotSupported, d.Platform().Model)
	}
	if err := r.ReplicateFrom(src, now); err != nil {
		return err
	}
	if !src.ConfigUnsaved() {
		d.WriteMemory()
	}
	return nil
}
