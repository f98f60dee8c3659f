package syslogout

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// ErrInvalidTarget: a collector address that is not
// udp://HOST[:PORT] or tcp://HOST[:PORT] with known options.
var ErrInvalidTarget = errors.New("syslogout: invalid syslog target")

// Format is the header a line is sent with.
type Format int

const (
	// FormatBSD is the ASA's legacy header with `logging timestamp`:
	// "<164>Nov 30 2026 02:39:12 asa1 : %ASA-4-113029: ...".
	FormatBSD Format = iota
	// FormatRFC5424 is the ASA's header with `logging timestamp
	// rfc5424`: "<164>2026-11-30T02:39:12Z asa1 : %ASA-4-113029: ...".
	FormatRFC5424
)

var formatNames = map[string]Format{"bsd": FormatBSD, "rfc5424": FormatRFC5424}

func (f Format) String() string {
	if f == FormatRFC5424 {
		return "rfc5424"
	}
	return "bsd"
}

// Framing delimits the messages of a TCP stream (RFC 6587).
type Framing int

const (
	// FramingLF ends each message with LF (non-transparent framing).
	FramingLF Framing = iota
	// FramingOctetCounting puts the message's length and a space before
	// it.
	FramingOctetCounting
)

var framingNames = map[string]Framing{"lf": FramingLF, "octet-counting": FramingOctetCounting}

func (f Framing) String() string {
	if f == FramingOctetCounting {
		return "octet-counting"
	}
	return "lf"
}

// Default ports of the ASA's `logging host`.
const (
	DefaultUDPPort = 514
	DefaultTCPPort = 1470
)

// Target is a collector: where lines go and how they are laid out.
type Target struct {
	Network string // "udp" or "tcp"
	Addr    string // HOST:PORT
	Format  Format
	Framing Framing // TCP only
}

// String is the target in the form ParseTarget reads, with every option.
func (t Target) String() string {
	s := t.Network + "://" + t.Addr + "?format=" + t.Format.String()
	if t.Network == "tcp" {
		s += "&framing=" + t.Framing.String()
	}
	return s
}

// ParseTarget reads udp://HOST[:PORT] or tcp://HOST[:PORT], with the
// options ?format=bsd|rfc5424 (default bsd) and, for TCP,
// &framing=lf|octet-counting (default lf). A missing port is the ASA's
// default, 514 for UDP and 1470 for TCP.
func ParseTarget(s string) (Target, error) {
	bad := func(format string, args ...any) (Target, error) {
		return Target{}, fmt.Errorf("%w %q: %s", ErrInvalidTarget, s, fmt.Sprintf(format, args...))
	}
	u, err := url.Parse(s)
	if err != nil {
		return bad("not a URL such as udp://127.0.0.1:514")
	}
	var t Target
	port := 0
	switch u.Scheme {
	case "udp":
		t.Network, port = "udp", DefaultUDPPort
	case "tcp":
		t.Network, port = "tcp", DefaultTCPPort
	default:
		return bad("the scheme must be udp:// or tcp://")
	}
	if u.Opaque != "" || u.Host == "" {
		return bad("give %s://HOST:PORT", u.Scheme)
	}
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.Fragment != "" {
		return bad("only HOST:PORT and ?format= or &framing= may follow %s://", u.Scheme)
	}
	host := u.Hostname()
	if host == "" {
		return bad("the host is missing")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return bad("the port must be 1-65535")
		}
		port = n
	} else if strings.HasSuffix(u.Host, ":") {
		return bad("the port is empty")
	}
	t.Addr = net.JoinHostPort(host, strconv.Itoa(port))
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return bad("the options are not name=value pairs joined by &")
	}
	for name, vals := range q {
		if len(vals) != 1 {
			return bad("%s is given %d times", name, len(vals))
		}
		v := vals[0]
		switch name {
		case "format":
			f, ok := formatNames[v]
			if !ok {
				return bad("format must be bsd or rfc5424, not %q", v)
			}
			t.Format = f
		case "framing":
			if t.Network != "tcp" {
				return bad("framing applies to tcp:// only")
			}
			f, ok := framingNames[v]
			if !ok {
				return bad("framing must be lf or octet-counting, not %q", v)
			}
			t.Framing = f
		default:
			return bad("unknown option %q (known: format, and framing for tcp)", name)
		}
	}
	return t, nil
}
