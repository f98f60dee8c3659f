// Package labview is what the lab shows of a headend: a snapshot, a copy
// of its device at a point in lab time with what the lab knows of it (its
// name in the lab, its SSH console, its power, its failover pair, its part
// in shared licensing), for the front-ends to read without a lock.
package labview

import (
	"cmp"
	"time"

	"github.com/asalab/asalab/headend/family"
)

// Snapshot is a copy of a headend at a point in lab time.
type Snapshot struct {
	Device family.Device
	Now    time.Time
	// SSHAddress is the headend's SSH console, "" when it has none.
	SSHAddress string
	// Name is the headend's name in the lab: its running hostname, or for
	// a failover unit the name it keeps (package fopair); "" in the
	// snapshot Create returns, whose name is the hostname.
	Name string
	// Failover is its failover pair as the lab sees it; FailoverMismatch
	// the line it logged when its mate's license did not combine with its
	// own ("" when none).
	Failover         family.FailoverStatus
	FailoverMismatch string
	// PoweredOff: the headend is switched off (the lab's faults) since
	// PoweredOffSince; Device is then as it was at the power cut.
	PoweredOff      bool
	PoweredOffSince time.Time
	// Shared is its shared licensing as the lab sees it (Role SharedNone
	// when it plays no part); SharedPool the hostname of the server whose
	// pool it is ("" when none).
	Shared     family.SharedStatus
	SharedPool string
	// SSLVPNInUse is the SSL VPN sessions an IOS router holds, the
	// SSL_VPN seats in use; 0 for other families.
	SSLVPNInUse int
}

// LabName is the headend's name in the lab.
func (s Snapshot) LabName() string { return cmp.Or(s.Name, s.Device.Hostname()) }

// KeyLicense is the license of a headend licensed by activation keys at
// the snapshot's time; false for a family without them.
func (s Snapshot) KeyLicense() (family.KeyLicense, bool) {
	k, ok := s.Device.(family.ActivationKeys)
	if !ok {
		return family.KeyLicense{}, false
	}
	return k.KeyLicense(s.Now), true
}

// SmartLicense is the Smart Licensing state of a Smart-licensed headend
// (ASAv) at the snapshot's time; false for a family licensed otherwise.
func (s Snapshot) SmartLicense() (family.SmartLicense, bool) {
	l, ok := s.Device.(family.SmartLicensing)
	if !ok {
		return family.SmartLicense{}, false
	}
	return l.SmartLicense(s.Now), true
}
