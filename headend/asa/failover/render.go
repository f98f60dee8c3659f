package failover

import (
	"fmt"
	"strings"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/family"
)

// Role is the role `show failover` names: "Primary" unless the unit is
// `failover lan unit secondary`.
func Role(f *config.Failover) string {
	if f.Unit == "secondary" {
		return "Secondary"
	}
	return "Primary"
}

// roles is this unit's role (Role) and its mate's, the other one.
func roles(f *config.Failover) (role, mate string) {
	if Role(f) == "Secondary" {
		return "Secondary", "Primary"
	}
	return "Primary", "Secondary"
}

// monitoredMax is the "Monitored Interfaces 0 of N maximum" limit: 1299 on
// a 5585-X on 9.12, 160 on a 5516-X, 250 on a 5505 (real outputs); the other
// models print 1049, what a 5585-X printed on an earlier train (our choice).
func monitoredMax(p *headend.Platform) int {
	switch {
	case p.Family == headend.Family5505:
		return 250
	case p.Family == headend.FamilySmallX:
		return 160
	case strings.HasPrefix(p.Model, "ASA5585"):
		return 1299
	}
	return 1049
}

// ShowOff renders `show failover` of a standalone unit of platform p
// with configuration c: failover is
// off (the factory `no failover`) and the unit is the primary unless
// `failover lan unit secondary` says otherwise. A unit with failover off
// prints the settings block and nothing of a mate; `failover replication
// http` appears only once configured. A configured LAN link shows as down:
// with failover off the unit runs nothing on it (no real output of a
// configured unit with failover off was found; the layout is the one of
// the real outputs with failover on).
func ShowOff(p *headend.Platform, c *config.Config) string {
	f := &c.Failover
	unit, lan := Role(f), "not Configured"
	if f.LAN.Name != "" {
		lan = f.LAN.Name + " " + f.LAN.Iface + " (down)"
	}
	var b strings.Builder
	for _, l := range []string{
		"Failover Off",
		"Failover unit " + unit,
		"Failover LAN Interface: " + lan,
		"Reconnect timeout 0:00:00",
		fmt.Sprintf("Unit Poll frequency %d seconds, holdtime %d seconds", f.UnitPolltime().Poll, f.UnitPolltime().Hold),
		fmt.Sprintf("Interface Poll frequency %d seconds, holdtime %d seconds", f.InterfacePolltime().Poll, f.InterfacePolltime().Hold),
		"Interface Policy 1",
		fmt.Sprintf("Monitored Interfaces 0 of %d maximum", monitoredMax(p)),
		"MAC Address Move Notification Interval not set",
	} {
		b.WriteString(l + "\n")
	}
	if f.ReplicationHTTP {
		b.WriteString("failover replication http\n")
	}
	return b.String()
}

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

// ShowStatus renders `show failover` on the unit of platform p, software
// version and serial number serial, with configuration c, whose pair the
// lab describes in st, at now. With failover off it is ShowOff. With
// failover on it follows the real 9.x layout (ntc-templates' samples
// cisco_asa_show_failover1 and _firepower, kept in the repository's
// testdata): the settings, the two units' versions and serials, the last
// failover, each unit's state, active time, slot and monitored interfaces,
// then the stateful link's statistics. What the lab does not model is
// printed at rest: the statistics count nothing, the slot's hardware
// revision is 1.0. A unit with failover on that the lab has not paired yet
// (st.Enabled false) is negotiating. A unit whose mate is not seen prints it
// "Not Detected", as a real unit alone does, with "Mate Unknown".
func ShowStatus(p *headend.Platform, version, serial string, c *config.Config, st family.FailoverStatus, now time.Time) string {
	f := &c.Failover
	if !f.Enabled {
		return ShowOff(p, c)
	}
	if !st.Enabled {
		st = family.FailoverStatus{Enabled: true, State: family.FailoverNegotiation}
	}
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	role, mateRole := roles(f)
	link := func(l string, iface string, up bool) string {
		if up {
			return l + " " + iface + " (up)"
		}
		return l + " " + iface + " (down)"
	}
	named := 0
	for _, i := range c.Interfaces {
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
	line("Monitored Interfaces %d of %d maximum", named, monitoredMax(p))
	line("MAC Address Move Notification Interval not set")
	if f.ReplicationHTTP {
		line("failover replication http")
	}
	mateVersion, mateSerial := "Unknown", "Unknown"
	if st.MateSeen {
		mateVersion, mateSerial = version, st.MateSerial
		if st.MateVersion != "" {
			mateVersion = st.MateVersion
		}
	}
	line("Version: Ours %s, Mate %s", version, mateVersion)
	line("Serial Number: Ours %s, Mate %s", serial, mateSerial)
	if !st.LastFailover.IsZero() {
		line("Last Failover at: %s", st.LastFailover.In(c.Timezone.Location()).Format("15:04:05 MST Jan 2 2006"))
	}
	slot := 0
	if p.Family == headend.FamilySmallX {
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
			line("                slot %d: %s hw/sw rev (1.0/%s) status (Up Sys)", slot, p.Model, version)
		}
		for _, i := range c.Interfaces {
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
