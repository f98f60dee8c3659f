package asav

import "slices"

// CallHome is the `call-home` configuration: its profiles, each with the
// lines under it as typed. The Smart Agent reaches the manager through
// the License profile; the simulator keeps the lines and does not act on
// them.
type CallHome struct {
	Profiles []Profile `json:"profiles"`
}

// Profile is one `profile NAME` under call-home.
type Profile struct {
	Name  string   `json:"name"`
	Lines []string `json:"lines,omitempty"`
}

// DDCEService is the address of Cisco's call-home service in the default
// profiles.
const DDCEService = "https://tools.cisco.com/its/service/oddce/services/DDCEService"

// DefaultCallHome is the factory call-home block of an ASAv, verbatim from
// a 9.20(2) ASAv's running configuration (CiscoTAC-1 with its full
// default body, as on every ASA 9.x, and the License profile Smart
// Licensing adds), printed in the order of a 9.5(2) ASAv's: CiscoTAC-1
// first.
func DefaultCallHome() CallHome {
	return CallHome{Profiles: []Profile{
		{Name: "CiscoTAC-1", Lines: []string{
			"no active",
			"destination address http " + DDCEService,
			"destination address email callhome@cisco.com",
			"destination transport-method http",
			"subscribe-to-alert-group diagnostic",
			"subscribe-to-alert-group environment",
			"subscribe-to-alert-group inventory periodic monthly",
			"subscribe-to-alert-group configuration periodic monthly",
			"subscribe-to-alert-group telemetry periodic daily",
		}},
		{Name: "License", Lines: []string{
			"destination address http " + DDCEService,
			"destination transport-method http",
		}},
	}}
}

// Clone is a deep copy.
func (c CallHome) Clone() CallHome {
	out := CallHome{Profiles: slices.Clone(c.Profiles)}
	for i := range out.Profiles {
		out.Profiles[i].Lines = slices.Clone(out.Profiles[i].Lines)
	}
	return out
}

// Equal compares two call-home configurations.
func (c CallHome) Equal(o CallHome) bool {
	return slices.EqualFunc(c.Profiles, o.Profiles, func(a, b Profile) bool {
		return a.Name == b.Name && slices.Equal(a.Lines, b.Lines)
	})
}

// Lines are the block as `show running-config` prints it.
func (c CallHome) Lines() []string {
	out := []string{"call-home"}
	for _, p := range c.Profiles {
		out = append(out, " profile "+p.Name)
		for _, l := range p.Lines {
			out = append(out, "  "+l)
		}
	}
	return out
}

// AddProfile enters profile name, making it when new.
func (c *CallHome) AddProfile(name string) {
	for _, p := range c.Profiles {
		if p.Name == name {
			return
		}
	}
	c.Profiles = append(slices.Clone(c.Profiles), Profile{Name: name})
}

// RemoveProfile is `no profile NAME`; it reports whether the profile
// existed.
func (c *CallHome) RemoveProfile(name string) bool {
	i := slices.IndexFunc(c.Profiles, func(p Profile) bool { return p.Name == name })
	if i < 0 {
		return false
	}
	c.Profiles = slices.Delete(slices.Clone(c.Profiles), i, i+1)
	return true
}

// SetLine adds line to profile name, replacing a line of the same command
// (its words up to the value: "destination transport-method", "active"
// and "no active" replace each other); no removes it instead.
func (c *CallHome) SetLine(name, key, line string, no bool) {
	c.Profiles = slices.Clone(c.Profiles)
	for i := range c.Profiles {
		p := &c.Profiles[i]
		if p.Name != name {
			continue
		}
		lines := slices.DeleteFunc(slices.Clone(p.Lines), func(l string) bool { return lineKey(l) == key })
		if !no {
			lines = append(lines, line)
		}
		p.Lines = lines
	}
}

// lineKey is what identifies a profile line: the whole line for
// destination addresses and alert groups (which repeat), the command for
// the others.
func lineKey(l string) string {
	switch {
	case l == "active" || l == "no active":
		return "active"
	case len(l) > len("destination transport-method") && l[:len("destination transport-method")] == "destination transport-method":
		return "destination transport-method"
	}
	return l
}

// LineKey is lineKey for the console.
func LineKey(l string) string { return lineKey(l) }
