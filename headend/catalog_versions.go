package headend

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// trains9 lists the 9.x trains from 9.from to 9.to; there was no 9.11
// (9.10 was followed by 9.12).
func trains9(from, to int) []string {
	var out []string
	for m := from; m <= to; m++ {
		if m != 11 {
			out = append(out, "9."+strconv.Itoa(m))
		}
	}
	return out
}

// softwareTrains is the one table of the software trains each model can
// run, after Cisco's "Cisco ASA Compatibility" matrix as recalled (not
// verified against the page): the 5505 runs 8.2 to 9.2 and the
// 5510/5520/5540/5550 8.2 to 9.1, both lines ending when the hardware left
// support; 8.6 was the train that introduced the 5500-X (5512-X..5555-X),
// which run up to 9.12 (5512-X, 5515-X) or 9.14 (5525-X..5555-X); the
// 5585-X runs 8.2 to 9.12 (it never ran 8.6, a 5500-X-only train); the
// 5506-X/5508-X/5516-X came with 9.3 and end with 9.16. The 5580 is listed
// to 9.2 because its default image is 9.2(4); Cisco's matrix may end it at
// 9.1 (UNSURE). Only PAK platforms are listed: the others cannot be created.
var softwareTrains = func() map[string][]string {
	legacy := []string{"8.2", "8.3", "8.4", "9.0", "9.1"}
	m := map[string][]string{
		"ASA5505":    append(slices.Clone(legacy), "9.2"),
		"ASA5510":    legacy,
		"ASA5520":    legacy,
		"ASA5540":    legacy,
		"ASA5550":    legacy,
		"ASA5580-20": append(slices.Clone(legacy), "9.2"),
		"ASA5580-40": append(slices.Clone(legacy), "9.2"),
		"ASA5512":    append([]string{"8.6"}, trains9(0, 12)...),
		"ASA5515":    append([]string{"8.6"}, trains9(0, 12)...),
		"ASA5525":    append([]string{"8.6"}, trains9(0, 14)...),
		"ASA5545":    append([]string{"8.6"}, trains9(0, 14)...),
		"ASA5555":    append([]string{"8.6"}, trains9(0, 14)...),
		"ASA5506":    trains9(3, 16),
		"ASA5508":    trains9(3, 16),
		"ASA5516":    trains9(3, 16),
	}
	for _, ssp := range []string{"10", "20", "40", "60"} {
		m["ASA5585-SSP"+ssp] = append([]string{"8.2", "8.3", "8.4"}, trains9(0, 12)...)
	}
	return m
}()

// SoftwareTrains lists the trains ("8.4", "9.1") the model can run, oldest
// first; nil for a platform that cannot be created.
func (p *Platform) SoftwareTrains() []string { return softwareTrains[p.Model] }

// versionPattern is an ASA release as `show version` prints it: "9.1(7)",
// or an interim build "9.14(2)14".
var versionPattern = regexp.MustCompile(`^([0-9]{1,2}\.[0-9]{1,2})\([0-9]{1,3}\)[0-9]{0,3}$`)

// CheckVersion reports whether the model can run the software version v.
func (p *Platform) CheckVersion(v string) error {
	train, ok := Train(v)
	if !ok {
		return fmt.Errorf("%w: %q is not an ASA release such as 9.1(7) (%s runs %s)",
			ErrUnsupportedVersion, v, p.Model, strings.Join(p.SoftwareTrains(), ", "))
	}
	if !slices.Contains(p.SoftwareTrains(), train) {
		return fmt.Errorf("%w: %s runs %s, not %s",
			ErrUnsupportedVersion, p.Model, strings.Join(p.SoftwareTrains(), ", "), v)
	}
	return nil
}

// Train is the major.minor train of an ASA release ("9.1" of "9.1(7)"),
// false if v is not a release.
func Train(v string) (string, bool) {
	if m := versionPattern.FindStringSubmatch(v); m != nil {
		return m[1], true
	}
	return "", false
}

// ParseVersion reads "9.14(4)" or "9.14(4)23" as 9, 14, 4; 0, 0, 0 if v
// is not of that form.
func ParseVersion(v string) (major, minor, maint int) {
	dot := strings.IndexByte(v, '.')
	open := strings.IndexByte(v, '(')
	end := strings.IndexByte(v, ')')
	if dot < 0 || open < dot || end < open {
		return 0, 0, 0
	}
	major, _ = strconv.Atoi(v[:dot])
	minor, _ = strconv.Atoi(v[dot+1 : open])
	maint, _ = strconv.Atoi(v[open+1 : end])
	return major, minor, maint
}
