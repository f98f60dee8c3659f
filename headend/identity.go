package headend

import (
	"fmt"
	"hash/fnv"
	"time"
)

// ValidateHostname applies the ASA rule: 1 to 63 letters, digits and
// hyphens, starting and ending with a letter or digit.
func ValidateHostname(h string) error {
	if len(h) == 0 || len(h) > 63 {
		return fmt.Errorf("%w %q: 1 to 63 characters", ErrInvalidHostname, h)
	}
	alnum := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }
	for i := 0; i < len(h); i++ {
		if !alnum(h[i]) && h[i] != '-' {
			return fmt.Errorf("%w %q: only letters, digits and hyphens", ErrInvalidHostname, h)
		}
	}
	if !alnum(h[0]) || !alnum(h[len(h)-1]) {
		return fmt.Errorf("%w %q: must start and end with a letter or digit", ErrInvalidHostname, h)
	}
	return nil
}

// GenerateSerial makes a plausible serial for a new unit: the platform's
// plant code, year and week of manufacture, and four random characters from
// rnd.
func GenerateSerial(p *Platform, now time.Time, rnd func(n int) int) string {
	const alnum = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
	year, week := now.ISOWeek()
	b := []byte(fmt.Sprintf("%s%02d%02d", p.SerialPrefix, year%100, week))
	for range 4 {
		b = append(b, alnum[rnd(len(alnum))])
	}
	return string(b)
}

// Hash32 is the FNV-1a hash of s, from which the simulator derives stable
// addresses and ids.
func Hash32(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}
