package family

import (
	"net/netip"
	"time"

	"github.com/asalab/asalab/headend/admission"
)

// What the lab needs of a failover unit besides FailoverUnit: where its
// failover links are, so that it can tell whether two units meet on the lab
// network, and the admission policy of an active unit under the cluster
// license.

// FailoverLinks is the capability of a failover unit that says where its
// failover links are, and where it answers as the standby unit.
type FailoverLinks interface {
	FailoverLinks() FailoverLinkConfig
	// StandbyAddresses are the addresses the unit answers on in the lab
	// network while it is the standby unit of a pair: the standby
	// addresses of the interfaces Addresses names (those are the active
	// unit's, which the pair's shared configuration gives both units).
	StandbyAddresses() []netip.Addr
}

// FailoverLinkConfig is a unit's failover links as configured.
type FailoverLinkConfig struct {
	// Key is `failover key`; two units pair only with the same one.
	Key string
	// LAN is the LAN (control) link; State the stateful link, which may
	// be the LAN link itself. A zero Name: not configured.
	LAN, State FailoverLinkAddr
}

// FailoverLinkAddr is a failover link and its addresses (`failover
// interface ip NAME A M standby S`): the primary unit holds Active's
// address, the secondary Standby.
type FailoverLinkAddr struct {
	Name    string
	Active  netip.Prefix
	Standby netip.Addr
}

// Addressed reports whether the link is configured with its addresses.
func (a FailoverLinkAddr) Addressed() bool {
	return a.Name != "" && a.Active.IsValid() && a.Standby.IsValid()
}

// FailoverAdmission is the capability of a failover unit whose admission
// policy, while it is the active unit of a pair, counts against the
// failover cluster license rather than its own.
type FailoverAdmission interface {
	ClusterAdmissionPolicy(cluster LicensedFeatures, now time.Time) *admission.Policy
}
