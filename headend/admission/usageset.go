package admission

// usageSet is the principals seen on one day with their usage flags: an
// open-addressing table of 32-bit entries, principal number + 1 in the low
// 24 bits and the flags in the high 8. Four bytes an entry where a Go map
// takes some twenty: a million users a day must fit next to their
// sessions.
type usageSet struct {
	table []uint32
	n     int
}

const usagePrinMask = 1<<24 - 1

// or merges flags into the principal's entry and returns the merged and
// the previous flags.
func (u *usageSet) or(prin uint32, flags uint8) (merged, old uint8) {
	if (u.n+1)*4 > len(u.table)*3 {
		u.grow()
	}
	mask := uint32(len(u.table) - 1)
	key := prin + 1
	for i := (key * 0x9E3779B1) & mask; ; i = (i + 1) & mask {
		e := u.table[i]
		if e == 0 {
			u.table[i] = key | uint32(flags)<<24
			u.n++
			return flags, 0
		}
		if e&usagePrinMask == key {
			old = uint8(e >> 24)
			merged = old | flags
			u.table[i] = key | uint32(merged)<<24
			return merged, old
		}
	}
}

func (u *usageSet) grow() {
	old := u.table
	u.table = make([]uint32, max(16, 2*len(old)))
	mask := uint32(len(u.table) - 1)
	for _, e := range old {
		if e == 0 {
			continue
		}
		i := ((e & usagePrinMask) * 0x9E3779B1) & mask
		for u.table[i] != 0 {
			i = (i + 1) & mask
		}
		u.table[i] = e
	}
}
