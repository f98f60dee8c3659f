package license

import (
	"fmt"
	"slices"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen"
)

// warnDays are the days before expiry at which 444005 is logged (our
// choice: the real cadence is unknown).
var warnDays = []int{30, 14, 7, 1}

// Advance brings the time-based keys of a unit of platform p up to now:
// passes each 444005 warning to log, and expires keys, falling back to
// another installed key for the same feature or else to the permanent value
// (444007). log gets each line with the instant it falls due, in order.
func (l *Keys) Advance(p *headend.Platform, now time.Time, log func(at time.Time, msg string)) {
	for {
		i, at, warn := l.nextTimedEvent()
		if i < 0 || at.After(now) {
			return
		}
		k := &l.Timed[i]
		if warn > 0 {
			k.Warned = warn
			// The real line says "license key" where Cisco's syslog
			// guide says "activation key": "%ASA-4-444005: Timebased
			// license key 0x5b0349c2 ... will expire in 127 days."
			log(at, fmt.Sprintf("%%ASA-4-444005: Timebased license key %s will expire in %d days.", k.Words, warn))
			continue
		}
		l.expire(p, i, at, log)
	}
}

// NextEvent is when Advance next has a line to log: the earliest warning
// or expiry of the active keys; ok is false when there is none.
func (l *Keys) NextEvent() (at time.Time, ok bool) {
	i, at, _ := l.nextTimedEvent()
	return at, i >= 0
}

// nextTimedEvent finds the earliest pending warning or expiry among active
// keys: its key index, instant, and warning threshold (0 for an expiry).
func (l *Keys) nextTimedEvent() (idx int, at time.Time, warn int) {
	idx = -1
	for i := range l.Timed {
		k := &l.Timed[i]
		if !k.Active {
			continue
		}
		ev, w := k.ExpiresAt(), 0
		for _, t := range warnDays {
			if t < k.Warned || k.Warned == 0 {
				ev, w = k.ExpiresAt().Add(-time.Duration(t)*Day), t
				break
			}
		}
		if idx < 0 || ev.Before(at) {
			idx, at, warn = i, ev, w
		}
	}
	return idx, at, warn
}

// InitWarned marks the thresholds a key with left to run is already below
// as passed, so that a 28-day key does not log its 30-day warning.
func InitWarned(left time.Duration) int {
	w := 0
	for _, t := range warnDays {
		if left <= time.Duration(t)*Day {
			w = t
		}
	}
	return w
}

func (l *Keys) expire(p *headend.Platform, i int, at time.Time, log func(at time.Time, msg string)) {
	old := l.Timed[i]
	l.Timed = slices.Delete(l.Timed, i, i+1)
	revert := "permanent"
	for j := range l.Timed {
		k := &l.Timed[j]
		if !k.Active && overlap(k.Features, old.Features) {
			l.activate(j, at)
			revert = "timebased"
			break
		}
	}
	log(at, fmt.Sprintf("%%ASA-2-444007: Timebased activation key %s has expired. Reverting to %s license key. The following features will be affected: %s",
		old.Words, revert, FeatureNames(p, old.Features)))
}

// activate starts key j at now. Active keys for the same features are paused,
// so that one time-based key per feature is active
// (docs/licensing-rules.md, Activation keys).
func (l *Keys) activate(j int, now time.Time) {
	f := l.Timed[j].Features
	for i := range l.Timed {
		k := &l.Timed[i]
		if i != j && k.Active && overlap(k.Features, f) {
			k.Remaining, k.Active = k.Left(now), false
		}
	}
	k := &l.Timed[j]
	k.Active, k.Since = true, now
	k.Warned = InitWarned(k.Remaining)
}

const validating = "Validating activation key. This may take a few minutes..."

// InstallPermanent installs permanent key k (words w) on a unit of platform
// p: on flash always, and running too unless the change needs a reload
// (needsReload). It refuses a key that cannot co-exist with the installed
// time-based keys, and then changes nothing.
func (l *Keys) InstallPermanent(p *headend.Platform, k keygen.Key, w keygen.Words) (family.InstallResult, error) {
	sets := []keygen.Features{k.Features}
	for _, t := range l.Timed {
		sets = append(sets, t.Features)
	}
	if err := checkCoexistence(sets...); err != nil {
		return family.InstallResult{}, err
	}
	res := family.InstallResult{Lines: []string{validating}}
	res.Lines = append(res.Lines, Permanent(p, k.Features).Capped...)
	key := &PermanentKey{Words: w, Features: k.Features}
	l.Flash = key
	if needsReload(p, PermFeatures(l.Running), k.Features) {
		res.ReloadPending = true
		res.Lines = append(res.Lines, "WARNING: The running activation key was not updated with the requested key. "+
			"The flash activation key was updated with the requested key, and will become active after the next reload.")
	} else {
		running := *key
		l.Running = &running
		res.Lines = append(res.Lines, "Both Running and Flash permanent activation key was updated with the requested key.")
	}
	return res, nil
}

// InstallTimed installs or deactivates time-based key k (words w) on a unit
// of platform p: a new key is activated unless an active evaluation key
// covers its features, an identical active key adds its time to it, and
// activating pauses the active keys for the same features. On error
// nothing is changed.
func (l *Keys) InstallTimed(p *headend.Platform, k keygen.Key, w keygen.Words, action family.KeyAction, now time.Time) (family.InstallResult, error) {
	if !p.TimeBased {
		return family.InstallResult{}, ErrTimeBasedUnsupported
	}
	res := family.InstallResult{TimeBased: true, Lines: []string{validating}}
	idx := slices.IndexFunc(l.Timed, func(t TimeKey) bool { return t.Words == w })
	if action == family.KeyDeactivate {
		if idx < 0 {
			return family.InstallResult{}, ErrKeyNotInstalled
		}
		t := &l.Timed[idx]
		if t.Active {
			t.Remaining, t.Active = t.Left(now), false
		}
		res.Lines = append(res.Lines, fmt.Sprintf("The requested key is a timebased key and is deactivated, it has %d days remaining.", t.DaysLeft(now)))
		return res, nil
	}
	if idx < 0 {
		sets := []keygen.Features{PermFeatures(l.Flash), PermFeatures(l.Running), k.Features}
		for _, t := range l.Timed {
			sets = append(sets, t.Features)
		}
		if err := checkCoexistence(sets...); err != nil {
			return family.InstallResult{}, err
		}
		l.Timed = append(l.Timed, TimeKey{
			Words: w, Features: k.Features, Days: k.Days, Remaining: time.Duration(k.Days) * Day, Since: now,
		})
		idx = len(l.Timed) - 1
	}
	for i := range l.Timed {
		t := &l.Timed[i]
		if i == idx || !t.Active || !overlap(t.Features, k.Features) {
			continue
		}
		// An active evaluation key with several features blocks others
		// for any of them: the new key stays installed, inactive.
		if multiFeature(t.Features) && !multiFeature(k.Features) {
			res.Lines = append(res.Lines, fmt.Sprintf(
				"WARNING: The requested timebased key was installed but not activated: the active evaluation key %s provides %s.",
				t.Words, FeatureNames(p, t.Features)))
			return res, nil
		}
		// Stacking: an identical license adds its time to the new one.
		if t.Features == k.Features {
			l.Timed[idx].Remaining += t.Left(now)
			l.Timed = slices.Delete(l.Timed, i, i+1)
			if i < idx {
				idx--
			}
			break
		}
	}
	if !l.Timed[idx].Active {
		l.activate(idx, now)
	}
	res.Lines = append(res.Lines, permanentWith(p, k.Features).Capped...)
	res.Lines = append(res.Lines, fmt.Sprintf("The requested key is a timebased key and is activated, it has %d days remaining.",
		l.Timed[idx].DaysLeft(now)))
	return res, nil
}
