package syslogout

import (
	"context"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

// Defaults and bounds of a Forwarder. The network timings are real time:
// they pace the connection to the collector, not the lab.
const (
	DefaultQueueSize    = 8192 // the ASA's largest `logging queue`
	DefaultFlushTimeout = 2 * time.Second
	dialTimeout         = 5 * time.Second
	writeTimeout        = 5 * time.Second
	minBackoff          = 100 * time.Millisecond
	maxBackoff          = 10 * time.Second
	// dropLogEvery bounds the warnings about dropped lines: a lab that
	// outruns its collector would otherwise log once per line.
	dropLogEvery = 10 * time.Second
)

// Options tune a Forwarder; the zero value is the defaults.
type Options struct {
	// QueueSize bounds the lines waiting to be sent (DefaultQueueSize
	// when 0); a line sent to a full queue is dropped and counted.
	QueueSize int
	// FlushTimeout bounds how long Close waits for the queue to drain
	// (DefaultFlushTimeout when 0).
	FlushTimeout time.Duration
	// Log receives connection trouble and drop counts; nil discards them.
	Log *zap.Logger
	// Metrics, if not nil, counts the lines by what became of them.
	Metrics *Metrics
}

// Metrics counts forwarded lines for Prometheus, by target and result.
type Metrics struct{ lines *prometheus.CounterVec }

// NewMetrics registers the forwarders' metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{lines: prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "asalab", Subsystem: "syslog_forward", Name: "lines_total",
		Help: "Syslog lines for a collector, by result: sent; dropped (the queue was full or the forwarder closed); failed (the collector could not be reached or written to).",
	}, []string{"target", "result"})}
	reg.MustRegister(m.lines)
	return m
}

// Forwarder sends lines to one collector. Send never blocks; one goroutine
// writes to the network.
type Forwarder struct {
	target  Target
	q       chan Line
	log     *zap.Logger
	timeout time.Duration

	sent, dropped, failed prometheus.Counter
	nDropped              atomic.Uint64 // for the rate-limited warning
	nFailed               atomic.Uint64

	closing atomic.Bool
	quit    chan struct{} // closed by Close: drain the queue, then stop
	abort   chan struct{} // closed when Close's deadline passes: stop now
	done    chan struct{} // closed when the writer has stopped

	mu   sync.Mutex // guards conn, which Close closes to end a blocked write
	conn net.Conn

	// Owned by the writer goroutine.
	framer     framer
	peerGone   chan struct{} // closed when the TCP collector closed the connection
	reported   uint64        // drops already logged
	reportedAt time.Time
}

// New parses target (see ParseTarget) and starts a forwarder to it. The
// collector need not be up: the forwarder connects when it has a line to
// send, and again, with backoff, after a failure.
func New(target string, opts Options) (*Forwarder, error) {
	t, err := ParseTarget(target)
	if err != nil {
		return nil, err
	}
	if opts.QueueSize < 0 || opts.FlushTimeout < 0 {
		return nil, fmt.Errorf("%w: the queue size and flush timeout must not be negative", ErrInvalidTarget)
	}
	f := &Forwarder{
		target: t, q: make(chan Line, cmpOr(opts.QueueSize, DefaultQueueSize)), log: opts.Log,
		timeout: cmpOr(opts.FlushTimeout, DefaultFlushTimeout),
		quit:    make(chan struct{}), abort: make(chan struct{}), done: make(chan struct{}),
		framer: framer{t: t},
	}
	if f.log == nil {
		f.log = zap.NewNop()
	}
	f.log = f.log.Named("syslog").With(zap.String("target", t.String()))
	lines := (&Metrics{lines: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "unregistered"}, []string{"target", "result"})}).lines
	if opts.Metrics != nil {
		lines = opts.Metrics.lines
	}
	name := t.Network + "://" + t.Addr
	f.sent, f.dropped, f.failed = lines.WithLabelValues(name, "sent"), lines.WithLabelValues(name, "dropped"), lines.WithLabelValues(name, "failed")
	go f.run()
	return f, nil
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Target is where the forwarder sends.
func (f *Forwarder) Target() Target { return f.target }

// Send queues l and returns at once: false if l was dropped because the
// queue is full or the forwarder is closed.
func (f *Forwarder) Send(l Line) bool {
	if !f.closing.Load() {
		select {
		case f.q <- l:
			return true
		default:
		}
	}
	f.dropped.Inc()
	f.nDropped.Add(1)
	return false
}

// Close sends the lines still queued, waiting at most the flush timeout,
// and stops the forwarder. It fails if lines were dropped or lost on the
// way, saying how many.
func (f *Forwarder) Close() error {
	if f.closing.Swap(true) {
		<-f.done
		return nil
	}
	close(f.quit)
	t := time.NewTimer(f.timeout)
	defer t.Stop()
	select {
	case <-f.done:
	case <-t.C:
		close(f.abort)
		f.mu.Lock()
		if f.conn != nil {
			_ = f.conn.Close()
		}
		f.mu.Unlock()
		<-f.done
	}
	f.reportDrops(true)
	dropped, failed := f.nDropped.Load(), f.nFailed.Load()
	if dropped+failed > 0 {
		return fmt.Errorf("syslog forward to %s: %d lines dropped on a full queue, %d not delivered", f.target, dropped, failed)
	}
	return nil
}

// run is the writer: it sends each queued line until Close.
func (f *Forwarder) run() {
	defer close(f.done)
	defer f.setConn(nil)
	for {
		var l Line
		select {
		case l = <-f.q:
		case <-f.quit:
			select {
			case l = <-f.q:
			default:
				return
			}
		}
		select {
		case <-f.abort:
			f.fail(1 + len(f.q))
			return
		default:
		}
		f.deliver(l)
		f.reportDrops(false)
	}
}

// deliver writes l to the collector. Over TCP a line whose write fails is
// tried once more on a new connection: the collector may see it twice
// rather than not at all. Over UDP it is lost, as the ASA loses it.
func (f *Forwarder) deliver(l Line) {
	b := f.framer.frame(l)
	for attempt := 0; ; attempt++ {
		c := f.current()
		if c == nil {
			if c = f.connect(); c == nil {
				f.fail(1) // aborted by Close
				return
			}
		}
		_ = c.SetWriteDeadline(time.Now().Add(writeTimeout))
		_, err := c.Write(b)
		if err == nil {
			f.sent.Inc()
			return
		}
		if f.target.Network == "udp" || attempt > 0 {
			f.log.Debug("syslog line not delivered", zap.Error(err))
			f.fail(1)
			if f.target.Network == "tcp" {
				f.setConn(nil)
			}
			return
		}
		f.log.Warn("syslog collector connection lost", zap.Error(err))
		f.setConn(nil)
	}
}

// current is the open connection, or nil; a TCP connection the collector
// closed is dropped first.
func (f *Forwarder) current() net.Conn {
	f.mu.Lock()
	c := f.conn
	f.mu.Unlock()
	if c == nil || f.peerGone == nil {
		return c
	}
	select {
	case <-f.peerGone:
		f.log.Warn("syslog collector closed the connection")
		f.setConn(nil)
		return nil
	default:
		return c
	}
}

// connect dials the collector, with backoff between failures, until it
// answers or Close aborts (nil).
func (f *Forwarder) connect() net.Conn {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-f.abort:
			cancel()
		case <-ctx.Done():
		}
	}()
	backoff := minBackoff
	for failures := 0; ; failures++ {
		select {
		case <-f.abort:
			return nil
		default:
		}
		d := net.Dialer{Timeout: dialTimeout}
		c, err := d.DialContext(ctx, f.target.Network, f.target.Addr)
		if err == nil {
			if failures > 0 {
				f.log.Info("syslog collector reachable again", zap.Int("failed_attempts", failures))
			}
			f.setConn(c)
			return c
		}
		if failures == 0 {
			f.log.Warn("syslog collector unreachable; retrying with backoff", zap.Error(err))
		}
		t := time.NewTimer(backoff)
		select {
		case <-t.C:
		case <-f.abort:
			t.Stop()
			return nil
		}
		f.reportDrops(false)
		backoff = min(2*backoff, maxBackoff)
	}
}

// setConn replaces the connection (nil: none), closing the old one. A TCP
// collector never writes to the sender (RFC 6587), so a read that ends
// means it closed the connection; watching for it finds a restarted
// collector before a line is written into the void.
func (f *Forwarder) setConn(c net.Conn) {
	f.mu.Lock()
	old := f.conn
	f.conn = c
	f.mu.Unlock()
	if old != nil {
		_ = old.Close()
	}
	f.peerGone = nil
	if c != nil && f.target.Network == "tcp" {
		gone := make(chan struct{})
		f.peerGone = gone
		go func() {
			_, _ = io.Copy(io.Discard, c)
			close(gone)
		}()
	}
}

func (f *Forwarder) fail(n int) {
	f.failed.Add(float64(n))
	f.nFailed.Add(uint64(n))
}

// reportDrops logs the lines dropped since the last report, at most once
// per dropLogEvery unless final.
func (f *Forwarder) reportDrops(final bool) {
	n := f.nDropped.Load()
	if n == f.reported {
		return
	}
	now := time.Now()
	if !final && now.Sub(f.reportedAt) < dropLogEvery {
		return
	}
	f.log.Warn("syslog lines dropped: the queue to the collector was full",
		zap.Uint64("dropped", n-f.reported), zap.Uint64("dropped_total", n), zap.Int("queue_size", cap(f.q)))
	f.reported, f.reportedAt = n, now
}
