package headend

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"sync/atomic"
	"time"
)

// Errors of the logging configuration.
var (
	ErrInvalidLogLevel = errors.New("headend: invalid syslog level")
	ErrInvalidLogHost  = errors.New("headend: invalid syslog server address")
	ErrInvalidLogSize  = errors.New("headend: invalid logging buffer size")
)

// LoggingConfig is the `logging` commands the simulator acts on.
//
// The lab's factory configuration has `logging enable`, `logging timestamp`
// and `logging buffered debugging`, so that the refusals and licensing
// messages a lab exists to show are in `show logging` from the start. A
// real ASA from the factory has logging disabled (`logging enable` is off
// by default in the ASA command reference); `no logging enable` gives that.
type LoggingConfig struct {
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
func DefaultLogging() LoggingConfig {
	return LoggingConfig{Enable: true, Timestamp: true, Buffered: true, BufferedLevel: LevelDebugging}
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
func (c *LoggingConfig) AddLogHost(h LogHost) {
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
func (c *LoggingConfig) RemoveLogHost(h LogHost) bool {
	i := slices.Index(c.Hosts, h)
	if i < 0 {
		return false
	}
	c.Hosts = slices.Delete(slices.Clone(c.Hosts), i, i+1)
	return true
}

// Equal reports whether two logging configurations are the same.
func (c LoggingConfig) Equal(o LoggingConfig) bool {
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
func (c LoggingConfig) BufferBytes() int {
	if c.BufferSize == 0 {
		return DefaultLogBufferSize
	}
	return c.BufferSize
}

// bufferLevel is the most verbose level that goes to the buffer, -1 when
// nothing does (logging disabled, or no `logging buffered`).
func (c LoggingConfig) bufferLevel() int8 {
	if !c.Enable || !c.Buffered {
		return -1
	}
	return int8(c.BufferedLevel)
}

// refusalRingSize bounds the refusals kept for `show logging`: the
// shortest refusal line is over 100 bytes, so 64 fill the default 4096-byte
// buffer. A larger `logging buffer-size` shows more of the device's
// licensing messages (up to maxLog) but never more than the last 64
// refusals: the ring is part of every headend's admission state, and a
// ring for a full 1 MB buffer (some 10000 records) would cost each headend
// over 300 KB whether or not it logs.
const refusalRingSize = 64

// refusalRing keeps the last refusals of a headend for `show logging`,
// written by the admission path without locks or allocation: a writer takes
// a ticket, marks the record busy with a CAS, fills it, and publishes the
// ticket. A writer that finds its record busy (another writer a whole ring
// ahead or behind) drops its record; the count stays exact. The text is
// rendered only when `show logging` runs.
type refusalRing struct {
	next atomic.Uint64 // tickets taken: the refusals logged
	// cleared is the first ticket `clear logging buffer` left listed.
	cleared atomic.Uint64
	// base is the first ticket of this boot: "N messages logged" counts
	// from it.
	base atomic.Uint64
	recs [refusalRingSize]refusalRec
}

type refusalRec struct {
	// seq is 0 while empty, recBusy while written, else its ticket + 1.
	seq  atomic.Uint64
	at   atomic.Int64  // lab unix seconds
	info atomic.Uint64 // kind | reason << 8 | class << 16 | logoff << 24 | limit << 32
	prin atomic.Pointer[Principal]
}

const recBusy = ^uint64(0)

// add records a refusal.
func (r *refusalRing) add(p *Principal, k Kind, c class, d Decision, now int64) {
	t := r.next.Add(1) - 1
	rec := &r.recs[t%refusalRingSize]
	s := rec.seq.Load()
	if s == recBusy || s > t || !rec.seq.CompareAndSwap(s, recBusy) {
		return
	}
	rec.at.Store(now)
	rec.info.Store(uint64(k) | uint64(d.Reason)<<8 | uint64(c)<<16 | uint64(uint32(d.Limit))<<32)
	rec.prin.Store(p)
	rec.seq.Store(t + 1)
}

// addLogoff records the logoff of a session of kind k that p held for
// dur seconds, which a login over the user's simultaneous logins caused:
// the ring keeps it with the refusals, as it is logged at the same
// severity and rendered the same way, when `show logging` asks.
func (r *refusalRing) addLogoff(p *Principal, k Kind, dur, now int64) {
	t := r.next.Add(1) - 1
	rec := &r.recs[t%refusalRingSize]
	s := rec.seq.Load()
	if s == recBusy || s > t || !rec.seq.CompareAndSwap(s, recBusy) {
		return
	}
	rec.at.Store(now)
	rec.info.Store(uint64(k) | 1<<24 | uint64(uint32(max(dur, 0)))<<32)
	rec.prin.Store(p)
	rec.seq.Store(t + 1)
}

// refusalEntry is one refusal read back from the ring.
type refusalEntry struct {
	at     time.Time
	kind   Kind
	reason Reason
	class  class
	limit  int
	prin   *Principal
	// logoff: a session logged off by a login over the limit; limit
	// holds how long it lasted, in seconds.
	logoff bool
}

// read returns the refusals kept, oldest first, and how many were logged.
func (r *refusalRing) read() ([]refusalEntry, uint64) {
	base := r.base.Load() // before next, so that base <= n
	n := r.next.Load()
	first := uint64(0)
	if n > refusalRingSize {
		first = n - refusalRingSize
	}
	first = max(first, r.cleared.Load())
	var out []refusalEntry
	for t := first; t < n; t++ {
		rec := &r.recs[t%refusalRingSize]
		s := rec.seq.Load()
		if s != t+1 {
			continue // dropped, being written, or overwritten since
		}
		at, info, p := rec.at.Load(), rec.info.Load(), rec.prin.Load()
		if rec.seq.Load() != s || p == nil {
			continue
		}
		out = append(out, refusalEntry{
			at: time.Unix(at, 0).UTC(), kind: Kind(info & 0xff), reason: Reason(info >> 8 & 0xff),
			class: class(info >> 16 & 0xff), limit: int(uint32(info >> 32)), prin: p, logoff: info>>24&1 != 0,
		})
	}
	return out, n - base
}

// clear empties the ring for `show logging`; the count stays.
func (r *refusalRing) clear() { r.cleared.Store(r.next.Load()) }

// restart empties the ring and restarts its count: the device booted, and
// the buffer, in RAM, starts empty.
func (r *refusalRing) restart() {
	n := r.next.Load()
	r.cleared.Store(n)
	r.base.Store(n)
}

// ClearLogBuffer is `clear logging buffer` for the refusals: `show
// logging` lists none of those logged so far.
func (a *Admission) ClearLogBuffer() { a.refusals.clear() }

// ClearLogBuffer is `clear logging buffer` for the device's messages. The
// "N messages logged" count is kept: it counts what was logged since
// boot, not what the buffer holds.
func (d *Device) ClearLogBuffer() {
	d.LogCount = max(d.LogCount, len(d.Log))
	d.Log = nil
}

// msgSeverity is the severity of a "%ASA-S-NNNNNN: ..." message.
func msgSeverity(msg string) int {
	if len(msg) > 5 && msg[:5] == "%ASA-" && msg[5] >= '0' && msg[5] <= '7' {
		return int(msg[5] - '0')
	}
	return LevelDebugging
}
