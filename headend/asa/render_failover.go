package asa

import (
	"fmt"
	"strings"
	"time"

	"github.com/asalab/asalab/headend/family"
)

// stateNames are the unit states as `show failover` prints them ("This
// host: Primary - Active", "Other host: Secondary - Standby Ready", "Not
// Detected" for a mate not seen; real outputs in ntc-templates' samples and
// its issue 424).
var stateNames = map[family.FailoverState]string{
	family.FailoverOff:          "Disabled",
	family.FailoverNegotiation:  "Negotiation",
	family.FailoverActive:       "Active",
	family.FailoverStandbyReady: "Standby Ready",
	family.FailoverColdStandby:  "Cold Standby",
	family.FailoverFailed:       "Failed",
	family.FailoverDisabled:     "Not Detected",
}

// stateName is the name of a unit's state.
func stateName(s family.FailoverState) string {
	if n, ok := stateNames[s]; ok {
		return n
	}
	return "Unknown"
}

// statefulObjects are the rows of "Stateful Failover Logical Update
// Statistics", as a 9.6 unit lists them (ntc-templates' samples).
var statefulObjects = []string{
	"General", "sys cmd", "up time", "RPC services", "TCP conn", "UDP conn", "ARP tbl",
	"Xlate_Timeout", "IPv6 ND tbl", "VPN IKEv1 SA", "VPN IKEv1 P2", "VPN IKEv2 SA",
	"VPN IKEv2 P2", "VPN CTCP upd", "VPN SDI upd", "VPN DHCP upd", "SIP Session", "SIP Tx",
	"SIP Pinhole", "Route Session", "Router ID", "User-Identity", "CTS SGTNAME", "CTS PAC",
	"TrustSec-SXP", "IPv6 Route", "STS Table",
}

// ShowFailoverStatus renders `show failover` on a unit whose pair the lab
// describes in st, at now. With failover off it is ShowFailover. With
// failover on it follows the real 9.x layout (ntc-templates' samples
// cisco_asa_show_failover1 and _firepower, kept in the repository's
// testdata): the settings, the two units' versions and serials, the last
// failover, each unit's state, active time, slot and monitored interfaces,
// then the stateful link's statistics. What the lab does not model is
// printed at rest: the statistics count nothing, the slot's hardware
// revision is 1.0. A unit with failover on that the lab has not paired yet
// (st.Enabled false) is negotiating. A unit whose mate is not seen prints it
// "Not Detected", as a real unit alone does, with "Mate Unknown".
func (d *Device) ShowFailoverStatus(st family.FailoverStatus, now time.Time) string {
	f := &d.Running.Failover
	if !f.Enabled {
		return d.ShowFailover()
	}
	if !st.Enabled {
		st = family.FailoverStatus{Enabled: true, State: family.FailoverNegotiation}
	}
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	role, mateRole := d.FailoverRole(), "Secondary"
	if role == "Secondary" {
		mateRole = "Primary"
	}
	link := func(l string, iface string, up bool) string {
		if up {
			return l + " " + iface + " (up)"
		}
		return l + " " + iface + " (down)"
	}
	named := 0
	for _, i := range d.Running.Interfaces {
		if i.Nameif != "" {
			named++
		}
	}
	line("Failover On")
	line("Failover unit %s", role)
	line("Failover LAN Interface: %s", link(f.LAN.Name, f.LAN.Iface, st.LANUp))
	line("Reconnect timeout 0:00:00")
	line("Unit Poll frequency %d seconds, holdtime %d seconds", f.UnitPolltime().Poll, f.UnitPolltime().Hold)
	line("Interface Poll frequency %d seconds, holdtime %d seconds", f.InterfacePolltime().Poll, f.InterfacePolltime().Hold)
	line("Interface Policy 1")
	line("Monitored Interfaces %d of %d maximum", named, monitoredMax(d.platform))
	line("MAC Address Move Notification Interval not set")
	if f.ReplicationHTTP {
		line("failover replication http")
	}
	mateVersion, mateSerial := "Unknown", "Unknown"
	if st.MateSeen {
		mateVersion, mateSerial = d.Version, st.MateSerial
		if st.MateVersion != "" {
			mateVersion = st.MateVersion
		}
	}
	line("Version: Ours %s, Mate %s", d.Version, mateVersion)
	line("Serial Number: Ours %s, Mate %s", d.Serial, mateSerial)
	if !st.LastFailover.IsZero() {
		line("Last Failover at: %s", st.LastFailover.In(d.Running.Timezone.Location()).Format("15:04:05 MST Jan 2 2006"))
	}
	slot := 0
	if d.platform.Family == FamilySmallX {
		slot = 1
	}
	ready := st.MateSeen && (st.State == family.FailoverActive || st.State == family.FailoverStandbyReady) &&
		(st.MateState == family.FailoverActive || st.MateState == family.FailoverStandbyReady)
	host := func(label, role string, state family.FailoverState, active time.Duration, seen, isActive bool) {
		line("        %s: %s - %s", label, role, stateName(state))
		line("                Active time: %d (sec)", int64(active/time.Second))
		if !seen {
			line("                slot %d: empty", slot)
		} else {
			line("                slot %d: %s hw/sw rev (1.0/%s) status (Up Sys)", slot, d.Model, d.Version)
		}
		for _, i := range d.Running.Interfaces {
			if i.Nameif == "" {
				continue
			}
			addr := "0.0.0.0"
			switch {
			case isActive && i.Address.IsValid():
				addr = i.Address.Addr().String()
			case !isActive && i.Standby.IsValid():
				addr = i.Standby.String()
			}
			status, mon := "Normal", "Waiting"
			switch {
			case !seen:
				status = "Unknown"
			case !i.Up:
				status = "No Link"
			case ready:
				mon = "Monitored"
			}
			line("                  Interface %s (%s): %s (%s)", i.Nameif, addr, status, mon)
		}
	}
	mateState := family.FailoverDisabled
	if st.MateSeen {
		mateState = st.MateState
	}
	// The active unit holds the interfaces' active addresses; a unit that
	// is not active, and its mate while it is, the standby ones.
	thisActive := st.State == family.FailoverActive
	host("This host", role, st.State, st.ActiveTime, true, thisActive)
	host("Other host", mateRole, mateState, st.MateActiveTime, st.MateSeen, !thisActive && st.MateSeen && st.MateState == family.FailoverActive)
	line("")
	line("Stateful Failover Logical Update Statistics")
	if f.Link.Name == "" {
		line("        Link : Unconfigured.")
		return b.String()
	}
	line("        Link : %s", link(f.Link.Name, f.Link.Iface, st.StateUp))
	line("        Stateful Obj    xmit       xerr       rcv        rerr")
	for _, o := range statefulObjects {
		line("        %-15s %-10d %-10d %-10d %d", o, 0, 0, 0, 0)
	}
	line("")
	line("        Logical Update Queue Information")
	line("                        Cur     Max     Total")
	line("        Recv Q:         0       0       0")
	line("        Xmit Q:         0       0       0")
	return b.String()
}
