package store

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
)

// Every key of the store is built here. Per lab (room for several labs per
// daemon):
//
//	l/<lab>/h/<id, 8 bytes big-endian>    a headend, JSON
//	l/<lab>/clock                         the simulated clock, JSON
//	l/<lab>/ssh/<id, 8 bytes big-endian>  a headend's SSH console port, 2 bytes
//	l/<lab>/portal/meta                   the portal's counters, JSON
//	l/<lab>/portal/pak/<PAK>              a PAK (one order line), JSON
//	l/<lab>/portal/serial/<serial>        the licenses registered to a serial, JSON
//	l/<lab>/portal/code/<code>            an activation code, JSON
//	l/<lab>/uses/<headend 8><day 8><user> NUL <device>   a unique user's flags, 1 byte
//	l/<lab>/ev/<sequence, 8 bytes big-endian>  an event of the lab's log, JSON
//	l/<lab>/labfile                       what lab files applied made, JSON
//
// and once per store:
//
//	schema   the layout version of the store, 8 bytes big-endian
//	labs/<lab>  a lab's registry record (labs.go)
//
// A headend is keyed by an internal id rather than its hostname, so that a
// rename (`hostname` then `write memory`, or a reload onto a saved hostname)
// rewrites one key instead of moving it. Usage records name the principal
// by its names, not its number: numbers are reused once a principal is
// forgotten, and the compliance report reads the history long after. In key
// order, a headend's records over a period are one range; events are in
// sequence order.

// SchemaVersion is the layout this code writes. Version 1 is every store
// written before the version was stored: it may hold usage records keyed by
// principal number (OldPrincipalPrefix, OldUsagePrefix), which sim.OpenLab
// rewrites (MigrateUsage) in the batch that stores the version.
const SchemaVersion = 2

var schemaKey = []byte("schema")

// SchemaKey is the key of the store's layout version.
func SchemaKey() []byte { return slices.Clone(schemaKey) }

// SchemaValue is the stored form of layout version v.
func SchemaValue(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

// LabPrefix is the first part of every key of the lab's.
func LabPrefix(lab string) []byte { return []byte("l/" + lab + "/") }

// HeadendPrefix is the prefix of the lab's headends.
func HeadendPrefix(lab string) []byte { return append(LabPrefix(lab), "h/"...) }

// HeadendKey is the key of a headend by its id.
func HeadendKey(lab string, id uint64) []byte {
	return binary.BigEndian.AppendUint64(HeadendPrefix(lab), id)
}

// ClockKey is the key of the lab's simulated clock.
func ClockKey(lab string) []byte { return append(LabPrefix(lab), "clock"...) }

// ClockModeKey marks a lab whose clock was switched from the machine's to
// a simulated one (its time is ClockKey's).
func ClockModeKey(lab string) []byte { return append(LabPrefix(lab), "clockmode"...) }

// ScenarioKey is the key of the lab's running training scenario (package
// scenario keeps its encoding).
func ScenarioKey(lab string) []byte { return append(LabPrefix(lab), "scenario"...) }

// PortPrefix is the prefix of the headends' console ports.
func PortPrefix(lab string) []byte { return append(LabPrefix(lab), "ssh/"...) }

// PortKey is the key of a headend's console port.
func PortKey(lab string, id uint64) []byte {
	return binary.BigEndian.AppendUint64(PortPrefix(lab), id)
}

// PortalPrefix is the prefix of the portal's records.
func PortalPrefix(lab string) []byte { return append(LabPrefix(lab), "portal/"...) }

// PortalKey is the key of a portal record of a kind (meta, pak, serial, code).
func PortalKey(lab, kind, id string) []byte {
	return append(PortalPrefix(lab), kind+"/"+id...)
}

// UsagePrefix is the prefix of the usage records.
func UsagePrefix(lab string) []byte { return append(LabPrefix(lab), "uses/"...) }

// AppendUsageKey appends a headend and lab day to a usage key's prefix.
func AppendUsageKey(k []byte, headendID uint64, day int64) []byte {
	k = binary.BigEndian.AppendUint64(k, headendID)
	return binary.BigEndian.AppendUint64(k, uint64(day))
}

// The usage layout of schema version 1: a principal table,
// l/<lab>/p/<number 4 bytes> = user NUL device, and
// l/<lab>/u/<headend 8><day 8><number 4> = flags.
func OldPrincipalPrefix(lab string) []byte { return append(LabPrefix(lab), "p/"...) }

// OldUsagePrefix is the prefix of schema version 1's usage records.
func OldUsagePrefix(lab string) []byte { return append(LabPrefix(lab), "u/"...) }

// EventPrefix is the prefix of the lab's event log.
func EventPrefix(lab string) []byte { return append(LabPrefix(lab), "ev/"...) }

// EventKey is the key of an event by its sequence number.
func EventKey(lab string, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(EventPrefix(lab), seq)
}

// DescribeKey names what a store key holds, for a reader of what a damaged
// write-ahead log would lose.
func DescribeKey(k []byte) string {
	s := string(k)
	if s == string(schemaKey) {
		return "schema version of the store"
	}
	if lab, ok := strings.CutPrefix(s, "labs/"); ok {
		return "registry record of lab " + lab
	}
	if !strings.HasPrefix(s, "l/") {
		return fmt.Sprintf("%q", k)
	}
	lab, rest, ok := strings.Cut(s[2:], "/")
	if !ok {
		return fmt.Sprintf("%q", k)
	}
	id := func(p string) (uint64, bool) {
		if len(rest) != len(p)+8 || !strings.HasPrefix(rest, p) {
			return 0, false
		}
		return binary.BigEndian.Uint64([]byte(rest[len(p):])), true
	}
	if n, ok := id("h/"); ok {
		return fmt.Sprintf("headend id %d of lab %s", n, lab)
	}
	if n, ok := id("ssh/"); ok {
		return fmt.Sprintf("console port of headend id %d of lab %s", n, lab)
	}
	if n, ok := id("shlic/"); ok {
		return fmt.Sprintf("shared licensing record of headend id %d of lab %s", n, lab)
	}
	if n, ok := id("fo/"); ok {
		return fmt.Sprintf("failover state of headend id %d of lab %s", n, lab)
	}
	if n, ok := id("ev/"); ok {
		return fmt.Sprintf("event %d of lab %s", n, lab)
	}
	if rest == "clock" {
		return "clock of lab " + lab
	}
	kind, _, _ := strings.Cut(rest, "/")
	return fmt.Sprintf("%s record of lab %s", kind, lab)
}

// PrefixEnd is the first key after every key with the prefix p.
func PrefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}
