package syslogout

import (
	"strconv"
	"time"

	"github.com/asalab/asalab/sim/syslogtag"
)

// Facility is the ASA's default `logging facility 20` (local4).
const Facility = 20

// FacilityIOS is IOS's default `logging facility local7` (23).
const FacilityIOS = 23

// Line is one syslog message of a headend.
type Line struct {
	At       time.Time // lab time it was logged
	Hostname string    // the headend's hostname, sent as its device ID
	Severity int       // 0 (emergencies) .. 7 (debugging)
	MsgID    string    // "113029", "SYS-5-CONFIG_I"
	Text     string    // the whole message: "%ASA-4-113029: Group <...> ..."
	// IOS: the message is an IOS router's, sent in IOS's form.
	IOS bool
}

// LineOf makes the Line of a headend's message, taking its severity and
// message ID from its tag: an ASA's "%ASA-n-NNNNNN: ..." or an IOS
// router's "%FACILITY-n-MNEMONIC: ...", which also makes it an IOS line. A
// text without either tag gets severity 6 (informational), no message ID,
// and the ASA's form.
func LineOf(at time.Time, hostname, text string) Line {
	l := Line{At: at, Hostname: hostname, Severity: 6, Text: text}
	if t, ok := syslogtag.Parse(text); ok {
		l.Severity, l.MsgID, l.IOS = t.Severity, t.MsgID, t.Family == syslogtag.IOS
	}
	return l
}

// appendMessage lays l out in format f, without framing.
func appendMessage(b []byte, f Format, l Line) []byte {
	sev := l.Severity
	if sev < 0 || sev > 7 {
		sev = 6
	}
	if l.IOS {
		return appendIOS(b, f, l, sev)
	}
	b = append(b, '<')
	b = strconv.AppendInt(b, Facility*8+int64(sev), 10)
	b = append(b, '>')
	t := l.At.UTC()
	if f == FormatRFC5424 {
		b = t.AppendFormat(b, "2006-01-02T15:04:05Z")
	} else {
		b = t.AppendFormat(b, "Jan 02 2006 15:04:05")
	}
	if l.Hostname != "" {
		b = append(b, ' ')
		b = appendClean(b, l.Hostname)
		b = append(b, " : "...)
	} else {
		b = append(b, ": "...)
	}
	return appendClean(b, l.Text)
}

// appendIOS lays out an IOS router's line (see the package doc).
func appendIOS(b []byte, f Format, l Line, sev int) []byte {
	b = append(b, '<')
	b = strconv.AppendInt(b, FacilityIOS*8+int64(sev), 10)
	b = append(b, '>')
	t := l.At.UTC()
	if f == FormatRFC5424 {
		b = append(b, "1 "...)
		b = t.AppendFormat(b, "2006-01-02T15:04:05.000Z")
		b = append(b, ' ')
		if l.Hostname != "" {
			b = appendHeaderField(b, l.Hostname)
		} else {
			b = append(b, '-')
		}
		b = append(b, " - - - - "...)
		return appendClean(b, l.Text)
	}
	if l.Hostname != "" {
		b = appendClean(b, l.Hostname)
		b = append(b, ": "...)
	}
	b = append(b, '*')
	b = t.AppendFormat(b, "Jan _2 15:04:05.000")
	b = append(b, ": "...)
	return appendClean(b, l.Text)
}

// appendHeaderField appends s as an RFC 5424 header field: printable
// US-ASCII without spaces, others as '_'.
func appendHeaderField(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f {
			c = '_'
		}
		b = append(b, c)
	}
	return b
}

// appendClean appends s with control characters as spaces: an ASA message
// is one line, and a stray LF would split it in two on an LF-framed
// stream.
func appendClean(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c == 0x7f {
			c = ' '
		}
		b = append(b, c)
	}
	return b
}

// framer lays lines out for a target, reusing its buffers.
type framer struct {
	t        Target
	msg, out []byte
}

// frame returns l as target t receives it: a UDP datagram holds the message
// alone; a TCP stream frames it. The bytes are valid until the next call.
func (f *framer) frame(l Line) []byte {
	f.msg = appendMessage(f.msg[:0], f.t.Format, l)
	switch {
	case f.t.Network != "tcp":
		return f.msg
	case f.t.Framing == FramingOctetCounting:
		f.out = strconv.AppendInt(f.out[:0], int64(len(f.msg)), 10)
		f.out = append(f.out, ' ')
		f.out = append(f.out, f.msg...)
		return f.out
	default:
		f.msg = append(f.msg, '\n')
		return f.msg
	}
}
