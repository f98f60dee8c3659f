package sim

import "github.com/asalab/asalab/headend/family"

// FailoverStatus is h's failover pair as the lab sees it (family.Host).
func (h *Headend) FailoverStatus() family.FailoverStatus { return family.FailoverStatus{} }

// Failover runs a pair command on h (family.Host).
func (h *Headend) Failover(cmd family.FailoverCommand) error { return family.ErrNotSupported }

// Mate is the other unit of h's pair (family.Host).
func (h *Headend) Mate() (family.Host, bool) { return nil, false }
