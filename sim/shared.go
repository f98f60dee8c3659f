package sim

import "github.com/asalab/asalab/headend/family"

// SharedStatus is the shared licensing service as h sees it (family.Host).
func (h *Headend) SharedStatus() family.SharedStatus { return family.SharedStatus{} }
