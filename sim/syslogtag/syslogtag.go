// Package syslogtag reads the tag that starts a headend's syslog message,
// in either family's form, for the event log and the syslog forwarder.
//
// An ASA message starts "%ASA-<severity>-<number>: " ("%ASA-4-113029: ...",
// Cisco's "ASA Series Syslog Messages" guide). An IOS message starts
// "%<FACILITY>-<severity>-<MNEMONIC>: " ("%SYS-5-CONFIG_I: ...",
// "%SSLVPN-6-LICENSE_NO_FREE_LICENSE: ..."), the facility possibly with a
// sub-facility ("%SYSMGR-STANDBY-3-SHUTDOWN_START: ..."): Cisco's "System
// Message Guide" for IOS 15 ("%FACILITY-SEVERITY-MNEMONIC: Message-text"),
// which names a message by FACILITY-SEVERITY-MNEMONIC. In both the severity
// is the syslog severity, 0 (emergencies) to 7 (debugging).
package syslogtag

// Family is which family's form a tag has.
type Family uint8

const (
	// ASA: "%ASA-4-113029: ...".
	ASA Family = iota + 1
	// IOS: "%SYS-5-CONFIG_I: ...".
	IOS
)

// Tag is what a message's tag says.
type Tag struct {
	Family   Family
	Severity int
	// MsgID names the message as its family does: the ASA's number
	// ("113029"), IOS's FACILITY-SEVERITY-MNEMONIC ("SYS-5-CONFIG_I").
	MsgID string
}

// Parse reads the tag of message text; ok is false when text starts with
// neither form. It allocates nothing: MsgID is a part of text.
func Parse(text string) (t Tag, ok bool) {
	if len(text) < 2 || text[0] != '%' {
		return Tag{}, false
	}
	end := 1
	for end < len(text) && text[end] != ':' {
		c := text[end]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return Tag{}, false
		}
		end++
	}
	if end == len(text) {
		return Tag{}, false
	}
	head := text[1:end] // "SYS-5-CONFIG_I"
	// The severity is the last dash-separated part but one.
	last := lastDash(head, len(head))
	if last < 0 {
		return Tag{}, false
	}
	sevAt := lastDash(head, last)
	if sevAt < 0 || last-sevAt != 2 || head[sevAt+1] < '0' || head[sevAt+1] > '7' {
		return Tag{}, false
	}
	facility, mnemonic := head[:sevAt], head[last+1:]
	if mnemonic == "" || !parts(facility) {
		return Tag{}, false
	}
	sev := int(head[sevAt+1] - '0')
	if facility == "ASA" {
		for i := 0; i < len(mnemonic); i++ {
			if mnemonic[i] < '0' || mnemonic[i] > '9' {
				return Tag{}, false
			}
		}
		return Tag{Family: ASA, Severity: sev, MsgID: mnemonic}, true
	}
	return Tag{Family: IOS, Severity: sev, MsgID: head}, true
}

// lastDash is the index of the last '-' in s[:before], -1 if none.
func lastDash(s string, before int) int {
	for i := before - 1; i >= 0; i-- {
		if s[i] == '-' {
			return i
		}
	}
	return -1
}

// parts reports whether s is one or more non-empty parts separated by '-'.
func parts(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] == '-' && s[i-1] == '-' {
			return false
		}
	}
	return true
}
