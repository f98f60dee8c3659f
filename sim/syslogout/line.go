package syslogout

import (
	"strconv"
	"time"
)

// Facility is the ASA's default `logging facility 20` (local4).
const Facility = 20

// Line is one syslog message of a headend.
type Line struct {
	At       time.Time // lab time it was logged
	Hostname string    // the headend's hostname, sent as its device ID
	Severity int       // 0 (emergencies) .. 7 (debugging)
	MsgID    string    // "113029"
	Text     string    // the whole message: "%ASA-4-113029: Group <...> ..."
}

// LineOf makes the Line of an ASA message "%ASA-n-NNNNNN: ...", taking
// its severity and message ID from the tag. A text without that tag gets
// severity 6 (informational) and no message ID.
func LineOf(at time.Time, hostname, text string) Line {
	l := Line{At: at, Hostname: hostname, Severity: 6, Text: text}
	const prefix = "%ASA-"
	if len(text) < len(prefix)+3 || text[:len(prefix)] != prefix {
		return l
	}
	rest := text[len(prefix):]
	if rest[0] < '0' || rest[0] > '7' || rest[1] != '-' {
		return l
	}
	id := rest[2:]
	n := 0
	for n < len(id) && id[n] >= '0' && id[n] <= '9' {
		n++
	}
	if n == 0 || n >= len(id) || id[n] != ':' {
		return l
	}
	l.Severity, l.MsgID = int(rest[0]-'0'), id[:n]
	return l
}

// appendMessage lays l out in format f, without framing.
func appendMessage(b []byte, f Format, l Line) []byte {
	sev := l.Severity
	if sev < 0 || sev > 7 {
		sev = 6
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
