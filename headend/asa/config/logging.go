package config

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
)

// Errors of the logging configuration.
var (
	ErrInvalidLogLevel = errors.New("headend: invalid syslog level")
	ErrInvalidLogHost  = errors.New("headend: invalid syslog server address")
	ErrInvalidLogSize  = errors.New("headend: invalid logging buffer size")
)

// Logging is the `logging` commands the simulator acts on.
//
// The lab's factory configuration has `logging enable`, `logging timestamp`
// and `logging buffered debugging`, so that the refusals and licensing
// messages a lab exists to show are in `show logging` from the start. A
// real ASA from the factory has logging disabled (`logging enable` is off
// by default in the ASA command reference); `no logging enable` gives that.
type Logging struct {
	Enable    bool `json:"enable"`
	Timestamp bool `json:"timestamp"`
	// Buffered is `logging buffered LEVEL`: messages of BufferedLevel
	// (0 emergencies .. 7 debugging) and more severe go to the buffer.
	Buffered      bool `json:"buffered"`
	BufferedLevel int  `json:"buffered_level"`
	// Hosts are the `logging host IFNAME ADDRESS` lines, in the order
	// they were configured; never changed in place (Config values share
	// it).
	Hosts []LogHost `json:"hosts,omitempty"`
	// BufferSize is `logging buffer-size BYTES`; 0 (records stored before
	// it existed) is the default, DefaultLogBufferSize.
	BufferSize int `json:"buffer_size,omitempty"`
	// Trap is `logging trap LEVEL`: messages of TrapLevel and more severe
	// go to the `logging host` servers.
	Trap      bool `json:"trap,omitempty"`
	TrapLevel int  `json:"trap_level,omitempty"`
}

// LogHost is one `logging host` line.
type LogHost struct {
	Iface string `json:"iface"`
	Addr  string `json:"addr"`
}

// DefaultLogging is the logging of the lab's factory configuration.
func DefaultLogging() Logging {
	return Logging{Enable: true, Timestamp: true, Buffered: true, BufferedLevel: LevelDebugging}
}

// Syslog severity levels, as `logging buffered` takes them.
const (
	LevelEmergencies = iota
	LevelAlerts
	LevelCritical
	LevelErrors
	LevelWarnings
	LevelNotifications
	LevelInformational
	LevelDebugging
)

var levelNames = [...]string{"emergencies", "alerts", "critical", "errors", "warnings", "notifications", "informational", "debugging"}

// LevelNames are the syslog level keywords, by number.
func LevelNames() []string { return levelNames[:] }

// ParseLogLevel reads a syslog level as the ASA takes it: a number 0-7 or
// its name (a unique prefix of it).
func ParseLogLevel(s string) (int, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 || n > LevelDebugging {
			return 0, fmt.Errorf("%w %q: 0 to 7", ErrInvalidLogLevel, s)
		}
		return n, nil
	}
	found := -1
	for i, name := range levelNames {
		if len(s) > 0 && len(s) <= len(name) && name[:len(s)] == s {
			if found >= 0 {
				return 0, fmt.Errorf("%w %q: ambiguous", ErrInvalidLogLevel, s)
			}
			found = i
		}
	}
	if found < 0 {
		return 0, fmt.Errorf("%w %q: a number 0 to 7 or %v", ErrInvalidLogLevel, s, levelNames)
	}
	return found, nil
}

// ParseLogHost validates `logging host IFNAME ADDRESS`: an interface name
// and a unicast IPv4 or IPv6 address, which it returns in canonical form.
func ParseLogHost(iface, addr string) (LogHost, error) {
	if !ValidNameif(iface) {
		return LogHost{}, fmt.Errorf("%w: %q", ErrInvalidNameif, iface)
	}
	a, err := netip.ParseAddr(addr)
	if err != nil || a.Zone() != "" || a.IsUnspecified() || a.IsMulticast() || (a.Is4() && a == netip.AddrFrom4([4]byte{255, 255, 255, 255})) {
		return LogHost{}, fmt.Errorf("%w %q", ErrInvalidLogHost, addr)
	}
	return LogHost{Iface: iface, Addr: a.String()}, nil
}

// AddLogHost sets `logging host`: a server already configured (same
// address) moves to the new interface in its place, as the ASA keeps one
// line per server.
func (c *Logging) AddLogHost(h LogHost) {
	hosts := slices.Clone(c.Hosts)
	if i := slices.IndexFunc(hosts, func(o LogHost) bool { return o.Addr == h.Addr }); i >= 0 {
		hosts[i] = h
	} else {
		hosts = append(hosts, h)
	}
	c.Hosts = hosts
}

// RemoveLogHost is `no logging host IFNAME ADDRESS`; it reports whether the
// line existed.
func (c *Logging) RemoveLogHost(h LogHost) bool {
	i := slices.Index(c.Hosts, h)
	if i < 0 {
		return false
	}
	c.Hosts = slices.Delete(slices.Clone(c.Hosts), i, i+1)
	return true
}

// Equal reports whether two logging configurations are the same.
func (c Logging) Equal(o Logging) bool {
	return c.Enable == o.Enable && c.Timestamp == o.Timestamp && c.Buffered == o.Buffered &&
		c.BufferedLevel == o.BufferedLevel && slices.Equal(c.Hosts, o.Hosts) &&
		c.BufferBytes() == o.BufferBytes() && c.Trap == o.Trap && c.TrapLevel == o.TrapLevel
}

// The range of `logging buffer-size`, in bytes (Cisco ASA command
// reference, "logging buffer-size": 4096 to 1048576, default 4096).
const (
	DefaultLogBufferSize = 4096
	MaxLogBufferSize     = 1048576
)

// ParseLogBufferSize reads the bytes of `logging buffer-size`.
func ParseLogBufferSize(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < DefaultLogBufferSize || n > MaxLogBufferSize {
		return 0, fmt.Errorf("%w %q: %d to %d bytes", ErrInvalidLogSize, s, DefaultLogBufferSize, MaxLogBufferSize)
	}
	return n, nil
}

// BufferBytes is the size of the logging buffer: `logging buffer-size`,
// or the ASA's default. When it is full, the oldest messages go.
func (c Logging) BufferBytes() int {
	if c.BufferSize == 0 {
		return DefaultLogBufferSize
	}
	return c.BufferSize
}

// BufferLevel is the most verbose level that goes to the buffer, -1 when
// nothing does (logging disabled, or no `logging buffered`).
func (c Logging) BufferLevel() int8 {
	if !c.Enable || !c.Buffered {
		return -1
	}
	return int8(c.BufferedLevel)
}
