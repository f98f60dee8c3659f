package admission

import "github.com/asalab/asalab/headend"

// Shared AnyConnect Premium licensing: a participant that has used up its
// local Premium sessions borrows more from its lab's shared licensing
// server, in blocks. Its Premium limit is then the local limit plus the
// shared sessions it holds, never above Rules.SharedMax (the platform
// limit: "The total sessions used by a participant cannot exceed the
// maximum sessions for the platform model", Cisco ASA 5500 Series
// Configuration Guide using the CLI, 8.4, "Shared Licenses").
//
// The lab keeps the borrowed count here (SetBorrowed) and lends through a
// borrower (SetBorrower). Both are read only when a Premium admission finds
// the local limit reached, so an admission within the local limit costs
// what it did without shared licensing: the class check that fails first
// guards them.

// SetBorrowed sets how many shared sessions the headend holds. Sessions
// admitted stay when it drops (a participant that releases a block keeps
// its connections up; only new ones are refused): the drop gives back
// the reservations of released sessions at once. A user coming back is
// counted against the lower limit either way (a reuse checks the limit in
// force, see Admission), also one released after the drop.
func (a *Admission) SetBorrowed(n int) {
	n = max(n, 0)
	if old := a.borrowed.Swap(int64(n)); int64(n) < old {
		a.tab.Load().collect()
	}
}

// Borrowed is how many shared sessions the headend holds.
func (a *Admission) Borrowed() int { return int(a.borrowed.Load()) }

// SetBorrower sets the function asked for a block when a Premium admission
// finds the Premium limit (local plus borrowed) reached while Total VPN
// Peers is not: it reports whether it lent one, having called SetBorrowed
// first. The admission then tries once more. It is called on the admission
// path, by any goroutine and concurrently, so it must not block for long
// nor call back into the admission; nil removes it.
func (a *Admission) SetBorrower(fn func(now int64) bool) {
	if fn == nil {
		a.borrower.Store(nil)
		return
	}
	a.borrower.Store(&fn)
}

// PremiumLimit is the Premium limit in force with the shared sessions
// borrowed: the policy's (local) limit plus them, at most the policy's
// SharedMax, and never below the local limit.
func (a *Admission) PremiumLimit() int {
	return int(a.premiumLimit(a.policy.Load()))
}

func (a *Admission) premiumLimit(pol *Policy) uint32 {
	local := pol.limit[ClassPremium]
	b := a.borrowed.Load()
	if b <= 0 || local >= pol.sharedMax {
		return local
	}
	return uint32(min(int64(local)+b, int64(pol.sharedMax)))
}

// overLocal is the limit check of a class whose local limit is reached
// (cur sessions of it, sum of all): a Premium admission may still go on
// shared sessions when the headend holds some, within Total VPN Peers.
func (a *Admission) overLocal(pol *Policy, c Class, cur, sum uint32) (headend.Reason, uint32) {
	if c != ClassPremium {
		return [NumClasses]headend.Reason{headend.ReasonPremiumLimit, headend.ReasonEssentialsLimit, headend.ReasonOtherLimit}[c], pol.limit[c]
	}
	if lim := a.premiumLimit(pol); cur >= lim {
		return headend.ReasonPremiumLimit, lim
	}
	if sum >= pol.total {
		return headend.ReasonTotalLimit, pol.total
	}
	return headend.ReasonNone, 0
}

// borrow asks the borrower for a block, when there is one and the
// platform limit leaves room for more.
func (a *Admission) borrow(pol *Policy, now int64) bool {
	fn := a.borrower.Load()
	if fn == nil || a.premiumLimit(pol) >= pol.sharedMax {
		return false
	}
	return (*fn)(now)
}
