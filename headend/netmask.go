package headend

import (
	"encoding/binary"
	"math/bits"
	"net/netip"
)

// MaskLen reads a dotted IPv4 netmask of contiguous ones, then zeros;
// 0.0.0.0 is length 0.
func MaskLen(m netip.Addr) (int, bool) {
	if !m.Is4() {
		return 0, false
	}
	b := m.As4()
	v := binary.BigEndian.Uint32(b[:])
	n := bits.LeadingZeros32(^v)
	return n, v<<n == 0
}
