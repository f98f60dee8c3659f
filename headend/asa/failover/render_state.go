package failover

import (
	"fmt"
	"strings"

	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/family"
)

// ShowState renders `show failover state` of a unit with configuration c
// whose pair the lab describes in st: each unit's role and state, then the
// configuration and communication states. The layout is a real ASA's
// (9.x, published in the tumanov-va/COD-Network-Design repository, kept
// in the repository's testdata):
//
//	               State          Last Failure Reason      Date/Time
//	This host  -   Primary
//	               Active         None
//	Other host -   Secondary
//	               Standby Ready  None
//
//	====Configuration State===
//	        Sync Done
//	        Sync Done - STANDBY
//	====Communication State===
//	        Mac set
//
// The lab keeps no failure reasons, so each unit's is "None". The two sync
// lines, which the real output's active unit prints, are printed by both
// units while the mate is seen, and none without it; "Mac set" by a unit
// with failover on. With failover off the unit is "Disabled" and its mate
// "Not Detected", with empty states (no real output of those was found:
// our choice).
func ShowState(c *config.Config, st family.FailoverStatus) string {
	f := &c.Failover
	state, mateState := family.FailoverOff, family.FailoverDisabled
	switch {
	case !f.Enabled:
	case !st.Enabled:
		state = family.FailoverNegotiation
	default:
		state = st.State
		if st.MateSeen {
			mateState = st.MateState
		}
	}
	role, mateRole := roles(f)
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("               State          Last Failure Reason      Date/Time")
	line("This host  -   %s", role)
	line("               %-15s%s", stateName(state), "None")
	line("Other host -   %s", mateRole)
	line("               %-15s%s", stateName(mateState), "None")
	line("")
	line("====Configuration State===")
	if f.Enabled && st.Enabled && st.MateSeen {
		line("        Sync Done")
		line("        Sync Done - STANDBY")
	}
	line("====Communication State===")
	if f.Enabled {
		line("        Mac set")
	}
	return b.String()
}

// ShowInterface renders `show failover interface`: each failover link
// configured, its `failover interface ip` address and mask, and the
// addresses this unit and its mate use on it (the primary the address,
// the secondary the standby one, whichever is active). The layout is the
// one genieparser's ASA parser reads (CiscoTestAutomation/genieparser,
// ShowFailoverInterface); the mask after the address is printed as
// recalled of IPv4 outputs (UNSURE), and a link with no address prints
// 0.0.0.0 (our choice).
func ShowInterface(c *config.Config) string {
	f := &c.Failover
	var b strings.Builder
	links := []config.FailoverLink{f.LAN}
	if f.Link.Name != f.LAN.Name { // one link that carries both is listed once
		links = append(links, f.Link)
	}
	for _, l := range links {
		if l.Name == "" || l.Iface == "" {
			continue
		}
		system, mine, other := "0.0.0.0 0.0.0.0", "0.0.0.0", "0.0.0.0"
		for _, ip := range f.IPs {
			if ip.Name != l.Name {
				continue
			}
			system = ip.Address.Addr().String() + " " + config.MaskString(ip.Address.Bits())
			mine, other = ip.Address.Addr().String(), ip.Standby.String()
			if f.Unit == "secondary" {
				mine, other = other, mine
			}
		}
		fmt.Fprintf(&b, "        interface %s %s\n", l.Name, l.Iface)
		fmt.Fprintf(&b, "                System IP Address: %s\n", system)
		fmt.Fprintf(&b, "                My IP Address    : %s\n", mine)
		fmt.Fprintf(&b, "                Other IP Address : %s\n", other)
	}
	return b.String()
}
