package admission

import (
	"math"

	"github.com/asalab/asalab/headend"
)

// Rules is what a device family decides for a policy: which class each kind
// of connection counts against, the limits, and the device state the engine
// checks. NewPolicy turns it into the immutable Policy the admission path
// reads.
type Rules struct {
	// Class is the class each kind counts against; ClassNone refuses the
	// kind as not licensed.
	Class [headend.NumKinds]Class
	// Limit is the limit of each class, Total that of every session.
	Limit [NumClasses]uint32
	Total uint32
	// UpAt: the device is reloading before this lab time (unix seconds).
	UpAt int64
	// ValidUntil: a time-based license ends at this lab time (unix
	// seconds), NoExpiry if none does; the policy is rebuilt before
	// deciding after it.
	ValidUntil int64
	// Serial of the device, for the syslog lines that name its address.
	Serial string
	// LogLevel is the severity down to which the logging buffer keeps
	// messages; -1 when nothing is buffered. Refusals are warnings.
	LogLevel int8
	// NoPortal: nothing answers the connections the rules refuse as not
	// licensed, so their refusals log nothing (Silent).
	NoPortal bool
	// Logins is the most sessions of each kind one user may hold at once
	// (the ASA's `vpn-simultaneous-logins`); NoLoginLimit for kinds that
	// are not user logins. 0 refuses every login of the kind.
	Logins [headend.NumKinds]int
	// SharedMax is the most Premium sessions the headend may hold with
	// shared sessions borrowed (its platform limit, or less); 0: Total.
	SharedMax uint32
}

// NoLoginLimit is the Rules.Logins of a kind whose sessions no per-user
// limit counts.
const NoLoginLimit = -1

// refusalSeverity is the syslog severity of a refusal: warnings.
const refusalSeverity = 4

// NewPolicy makes the policy of rules r.
func NewPolicy(r Rules) *Policy {
	p := &Policy{
		class: r.Class, limit: r.Limit, total: r.Total, upAt: r.UpAt, validUntil: r.ValidUntil,
		Serial: r.Serial, logLevel: r.LogLevel, noPortal: r.NoPortal, sharedMax: r.SharedMax,
	}
	if p.sharedMax == 0 {
		p.sharedMax = r.Total
	}
	for k, n := range r.Logins {
		p.logins[k] = unlimitedLogins
		if n >= 0 {
			p.logins[k] = uint32(min(n, math.MaxUint32-1))
		}
	}
	return p
}

// ClassOf is the class kind k counts against.
func (p *Policy) ClassOf(k headend.Kind) Class {
	if int(k) < headend.NumKinds {
		return p.class[k]
	}
	return ClassNone
}

// Limit is the limit of class c (0 for ClassNone): for Premium, the local
// limit, without the shared sessions borrowed.
func (p *Policy) Limit(c Class) int {
	if c >= NumClasses {
		return 0
	}
	return int(p.limit[c])
}

// Silent reports whether refusal d logs nothing (Rules.NoPortal).
func (p *Policy) Silent(d Decision) bool { return p.silent(d) }

// Standby is p on the standby unit of a failover pair: every connection is
// refused with headend.ReasonStandby, since only the active unit passes
// traffic; the sessions already admitted stay until the lab moves or drops
// them.
func (p *Policy) Standby() *Policy {
	q := *p
	q.standby = true
	return &q
}

// IsStandby reports whether p is a standby unit's (Standby).
func (p *Policy) IsStandby() bool { return p.standby }
