// Package sshd serves each headend's console over SSH, on the headend's own
// port, the way a real ASA does: password login against the local users of
// the running configuration, a pty and shell landing in user EXEC mode
// (`host>`, then `enable`), or a one-shot `exec` request. Network automation
// tools (Netmiko, Ansible's network_cli) drive it unchanged.
//
// The console itself is the headend family's command line (sim.OpenConsole),
// the same interpreter as the gRPC Exec call, behind a terminal for echo,
// line editing and paging.
// This package only moves bytes, authenticates, and enforces the ASA's
// limits: 5 concurrent SSH sessions per headend, the idle timeout of the
// headend's `ssh timeout N` (which also ends a session whose client stops
// reading), no new connection while the headend reloads, and the sessions
// of a reloading or deleted headend dropped. Each connection gets what the
// headend's running configuration and software version offer: its `ssh A M
// IFNAME` lines decide whether the client may connect at all, its key
// exchange group and cipher sets what the handshake may agree on. It also protects the daemon: a cap
// on connections not yet logged in, in total and per client address, and
// password guessing slowed per client address and headend.
package sshd

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
	"golang.org/x/crypto/ssh"

	"github.com/asalab/asalab/sim"
)

// Defaults of Options.
const (
	// DefaultMaxSessions is the ASA's limit of concurrent SSH sessions in
	// single context mode.
	DefaultMaxSessions = 5
	// DefaultIdleTimeout is `ssh timeout 5` of the factory configuration.
	DefaultIdleTimeout = sim.DefaultSSHTimeout * time.Minute
	// DefaultMaxUnauthenticated caps the connections, all consoles
	// together, that have not logged in yet; more are closed at once.
	// Logging in takes milliseconds, so only a client that connects and
	// stalls (or guesses passwords) holds one for long.
	DefaultMaxUnauthenticated = 512
	// DefaultMaxUnauthenticatedPerAddr caps them per client address: room
	// for automation fanning out from one host to many headends (Ansible
	// opens one connection per fork, 5 by default: DEFAULT_FORKS in its
	// configuration reference), and a quarter of the total, so that one
	// host cannot take them all.
	DefaultMaxUnauthenticatedPerAddr = 128
	// serverVersion is the version string a real ASA sends.
	serverVersion = "SSH-2.0-Cisco-1.25"
	// handshakeTimeout bounds key exchange and authentication.
	handshakeTimeout = 60 * time.Second
	// closeGrace lets a session that caused a reload write its last
	// lines before its connection is closed.
	closeGrace = time.Second
)

// Options configure the server. Zero values take the defaults.
type Options struct {
	Log *zap.Logger
	// HostKeys, from LoadOrCreateHostKeys.
	HostKeys []ssh.Signer
	// MaxSessions per headend (DefaultMaxSessions).
	MaxSessions int
	// IdleTimeout is how long the factory `ssh timeout 5` lasts
	// (DefaultIdleTimeout); a headend's `ssh timeout N` lasts N fifths of
	// it, so that tests can shorten every timeout alike. A session without
	// input for that long is closed, and so is a connection whose client
	// has not taken the session's output for that long.
	IdleTimeout time.Duration
	// MaxUnauthenticated and MaxUnauthenticatedPerAddr cap the
	// connections not logged in yet (DefaultMaxUnauthenticated,
	// DefaultMaxUnauthenticatedPerAddr).
	MaxUnauthenticated        int
	MaxUnauthenticatedPerAddr int
	Metrics                   *Metrics
}

// Server listens on the console port of every headend of a lab.
type Server struct {
	lab      *sim.Lab
	opts     Options
	log      *zap.Logger
	throttle *throttle
	// sleeping, when set (by tests), is told of each delay as it begins.
	sleeping func(d time.Duration)

	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc

	mu       sync.Mutex
	consoles map[*sim.Headend]*headendConsole
	closed   bool
	wg       sync.WaitGroup // accept loops and connections

	unauthMu     sync.Mutex
	unauth       int            // connections not logged in yet
	unauthByAddr map[string]int // the same by client address
	refusedLog   logLimiter     // connections refused by the caps
	throttledLog logLimiter     // passwords refused unchecked
	deniedLog    logLimiter     // connections no ssh line permits
}

// headendConsole is one headend's listener and its live connections.
type headendConsole struct {
	srv  *Server
	h    *sim.Headend
	port int
	ln   net.Listener

	mu       sync.Mutex
	conns    map[*conn]struct{}
	sessions int // open session channels, at most MaxSessions
	removed  bool
	nextSID  int // the SID of the next connection
}

// conn is one SSH connection to a headend.
type conn struct {
	// idle is the headend's `ssh timeout` when the connection was made.
	idle   time.Duration
	cancel context.CancelFunc
	// hangup closes the connection at once: a write blocked on a client
	// that does not read returns.
	hangup func()

	mu       sync.Mutex
	sessions int           // running session goroutines
	closing  bool          // no new sessions
	drained  chan struct{} // closed once closing and no session runs

	// info is the connection as `show ssh sessions` lists it; set
	// before the connection is registered, then read only.
	info sim.SSHSession
}

func newConn(cancel context.CancelFunc, idle time.Duration) *conn {
	return &conn{cancel: cancel, idle: idle, drained: make(chan struct{})}
}

// start counts a new session; false once the connection is closing.
func (cn *conn) start() bool {
	cn.mu.Lock()
	defer cn.mu.Unlock()
	if cn.closing {
		return false
	}
	cn.sessions++
	return true
}

func (cn *conn) end() {
	cn.mu.Lock()
	defer cn.mu.Unlock()
	cn.sessions--
	if cn.closing && cn.sessions == 0 {
		close(cn.drained)
	}
}

// drain refuses new sessions and tells when the running ones have ended.
func (cn *conn) drain() <-chan struct{} {
	cn.mu.Lock()
	defer cn.mu.Unlock()
	if !cn.closing {
		cn.closing = true
		if cn.sessions == 0 {
			close(cn.drained)
		}
	}
	return cn.drained
}

// New makes a server for the lab's consoles; Start begins listening.
func New(lab *sim.Lab, opts Options) *Server {
	if opts.Log == nil {
		opts.Log = zap.NewNop()
	}
	if opts.MaxSessions <= 0 {
		opts.MaxSessions = DefaultMaxSessions
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = DefaultIdleTimeout
	}
	if opts.MaxUnauthenticated <= 0 {
		opts.MaxUnauthenticated = DefaultMaxUnauthenticated
	}
	if opts.MaxUnauthenticatedPerAddr <= 0 {
		opts.MaxUnauthenticatedPerAddr = DefaultMaxUnauthenticatedPerAddr
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Server{
		lab: lab, opts: opts, log: opts.Log.Named("ssh"), throttle: newThrottle(time.Now),
		ctx: ctx, cancel: cancel, consoles: map[*sim.Headend]*headendConsole{},
		unauthByAddr: map[string]int{},
	}
}

// Start listens on the port of every headend that has one, and follows the
// lab's creations, deletions and reloads. A port that cannot be bound is
// logged and skipped.
func (s *Server) Start() error {
	if len(s.opts.HostKeys) == 0 {
		return errors.New("sshd: no host keys")
	}
	for _, ev := range s.lab.WatchConsoles(s.event) {
		// A headend deleted since WatchConsoles listed it gets no
		// listener (its removal came before this addition).
		if !errors.Is(ev.Headend.Available(), sim.ErrHeadendNotFound) {
			s.event(ev)
		}
	}
	return nil
}

// event follows a console change. It runs under the lab's locks: it only
// opens or closes listeners and signals connections, never calls the lab.
func (s *Server) event(ev sim.ConsoleEvent) {
	switch ev.Kind {
	case sim.ConsoleAdded:
		s.listen(ev.Headend, ev.Port)
	case sim.ConsoleRemoved:
		s.mu.Lock()
		c := s.consoles[ev.Headend]
		delete(s.consoles, ev.Headend)
		s.mu.Unlock()
		if c != nil {
			c.remove()
		}
	case sim.ConsoleReloaded:
		s.mu.Lock()
		c := s.consoles[ev.Headend]
		s.mu.Unlock()
		if c != nil {
			c.dropAll()
		}
	}
}

func (s *Server) listen(h *sim.Headend, port int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.consoles[h] != nil {
		return
	}
	addr := net.JoinHostPort(s.lab.SSHHost(), strconv.Itoa(port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		s.log.Error("cannot listen for a headend's SSH console", zap.String("addr", addr), zap.Error(err))
		return
	}
	c := &headendConsole{srv: s, h: h, port: port, ln: ln, conns: map[*conn]struct{}{}}
	s.consoles[h] = c
	// A removed console's list stays installed until another replaces
	// it: it lists nothing once its connections are dropped.
	h.SetSSHSessions(c.list)
	s.wg.Add(1)
	go c.accept()
}

// Close stops every listener and connection.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	cs := make([]*headendConsole, 0, len(s.consoles))
	for _, c := range s.consoles {
		cs = append(cs, c)
	}
	s.consoles = map[*sim.Headend]*headendConsole{}
	s.mu.Unlock()
	s.cancel()
	for _, c := range cs {
		c.remove()
	}
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		s.log.Warn("SSH connections still closing at shutdown")
	}
}

// remove closes the listener and every connection of a deleted headend.
func (c *headendConsole) remove() {
	c.mu.Lock()
	c.removed = true
	c.mu.Unlock()
	_ = c.ln.Close()
	c.dropAll()
}

// dropAll ends every connection (a reload drops the SSH sessions).
func (c *headendConsole) dropAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for cn := range c.conns {
		cn.cancel()
	}
}

func (c *headendConsole) accept() {
	defer c.srv.wg.Done()
	for {
		nc, err := c.ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return // closed
		}
		ip := remoteIP(nc.RemoteAddr())
		if !c.srv.startUnauth(ip) {
			_ = nc.Close()
			continue
		}
		c.srv.wg.Add(1)
		go func() {
			defer c.srv.wg.Done()
			c.serve(nc, ip)
		}()
	}
}

// offer is what a headend's SSH server offers one connection, read from
// its running configuration and software version when the client connects.
type offer struct {
	sim.SSHOffer
	idle time.Duration // IdleMinutes scaled to Options.IdleTimeout
}

func (c *headendConsole) offer(client netip.Addr) (offer, error) {
	a, err := c.h.SSH(client)
	return offer{SSHOffer: a, idle: c.srv.opts.IdleTimeout * time.Duration(a.IdleMinutes) / sim.DefaultSSHTimeout}, err
}

// serverConfig authenticates against the headend's local users and offers
// the algorithms of o. Names this SSH library does not implement (the
// aes192-cbc and aes256-cbc ciphers, the MD5 MACs) are left out of the
// offer by the library; a set left empty by that lets no client in, as a
// real ASA would to a client lacking them. deadline ends the handshake.
func (c *headendConsole) serverConfig(o offer, deadline time.Time) *ssh.ServerConfig {
	cfg := &ssh.ServerConfig{
		Config: ssh.Config{
			KeyExchanges: o.KeyExchanges,
			Ciphers:      o.Ciphers,
			MACs:         o.MACs,
		},
		ServerVersion: serverVersion,
		PasswordCallback: func(md ssh.ConnMetadata, pass []byte) (*ssh.Permissions, error) {
			return c.password(md, pass, deadline)
		},
	}
	for _, k := range c.srv.opts.HostKeys {
		cfg.AddHostKey(k)
	}
	return cfg
}

// errLogin is what a refused client is told; the SSH protocol only says
// "password failed".
var errLogin = errors.New("sshd: wrong username or password")

// password checks a login, once the throttle gives the client's address its
// turn. A failure is logged, without the password, and answered after the
// throttle's delay. A turn that would come after the handshake's deadline
// is not waited for.
func (c *headendConsole) password(md ssh.ConnMetadata, pass []byte, deadline time.Time) (*ssh.Permissions, error) {
	srv := c.srv
	ip := remoteIP(md.RemoteAddr())
	wait, ok := srv.throttle.turn(ip, c.port, time.Until(deadline))
	if !ok {
		// The turn would come after the handshake's deadline: refused
		// unchecked, which tells the client nothing about the password.
		srv.opts.Metrics.loginThrottled()
		if held, ok := srv.throttledLog.allow(time.Now()); ok {
			srv.log.Warn("login refused unchecked: too many failed logins from the address", zap.String("hostname", c.h.Hostname()),
				zap.String("user", md.User()), zap.String("remote", md.RemoteAddr().String()), zap.Duration("next_check_in", wait),
				zap.Int("refusals_not_logged", held))
		}
		srv.sleep(maxDelay)
		return nil, errLogin
	}
	srv.sleep(wait)
	hostname := c.h.Hostname()
	priv, found, ok, err := c.h.CheckLogin(md.User(), string(pass))
	ok = ok && err == nil
	if ok {
		srv.throttle.success(ip, c.port)
		srv.opts.Metrics.login(true)
		srv.log.Info("login", zap.String("hostname", hostname), zap.String("user", md.User()),
			zap.String("remote", md.RemoteAddr().String()), zap.Int("privilege", priv))
		return &ssh.Permissions{Extensions: map[string]string{"privilege": strconv.Itoa(priv)}}, nil
	}
	n, delay := srv.throttle.failure(ip, c.port)
	srv.opts.Metrics.login(false)
	srv.log.Warn("login refused", zap.String("hostname", hostname), zap.String("user", md.User()),
		zap.String("remote", md.RemoteAddr().String()), zap.Bool("known_user", found),
		zap.Int("failures_in_a_row", n), zap.Duration("delay", delay))
	srv.sleep(delay)
	return nil, errLogin
}

// sleep waits d, or until the server closes.
func (s *Server) sleep(d time.Duration) {
	if d <= 0 {
		return
	}
	if s.sleeping != nil {
		s.sleeping(d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-s.ctx.Done():
	}
}

// startUnauth counts a new connection from ip until it has logged in (or
// failed to); false, and the refusal logged and counted, if that would pass
// a cap.
func (s *Server) startUnauth(ip string) bool {
	s.unauthMu.Lock()
	reason := ""
	switch {
	case s.unauth >= s.opts.MaxUnauthenticated:
		reason = "unauthenticated_total"
	case s.unauthByAddr[ip] >= s.opts.MaxUnauthenticatedPerAddr:
		reason = "unauthenticated_per_address"
	default:
		s.unauth++
		s.unauthByAddr[ip]++
	}
	total, byAddr := s.unauth, s.unauthByAddr[ip]
	s.unauthMu.Unlock()
	if reason == "" {
		return true
	}
	s.opts.Metrics.connRefused(reason)
	if held, ok := s.refusedLog.allow(time.Now()); ok {
		s.log.Warn("connection refused: too many connections not logged in", zap.String("reason", reason),
			zap.String("remote", ip), zap.Int("unauthenticated", total), zap.Int("unauthenticated_from_address", byAddr),
			zap.Int("max", s.opts.MaxUnauthenticated), zap.Int("max_per_address", s.opts.MaxUnauthenticatedPerAddr),
			zap.Int("refusals_not_logged", held))
	}
	return false
}

func (s *Server) endUnauth(ip string) {
	s.unauthMu.Lock()
	defer s.unauthMu.Unlock()
	s.unauth--
	if s.unauthByAddr[ip]--; s.unauthByAddr[ip] <= 0 {
		delete(s.unauthByAddr, ip)
	}
}

// logLimiter lets through one line a second of a warning that a flood of
// connections could repeat without end; the next line counts those held
// back.
type logLimiter struct {
	mu   sync.Mutex
	last time.Time
	held int
}

func (l *logLimiter) allow(now time.Time) (held int, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.last) < time.Second {
		l.held++
		return 0, false
	}
	held, l.held, l.last = l.held, 0, now
	return held, true
}

func remoteIP(a net.Addr) string {
	if host, _, err := net.SplitHostPort(a.String()); err == nil {
		return host
	}
	return a.String()
}

// serve runs one SSH connection from ip, counted by startUnauth.
func (c *headendConsole) serve(nc net.Conn, ip string) {
	srv := c.srv
	authenticating := true
	defer func() {
		if authenticating {
			srv.endUnauth(ip)
		}
	}()
	client, _ := netip.ParseAddr(ip)
	o, err := c.offer(client)
	if err == nil {
		err = c.h.Available()
	}
	if err != nil {
		// A reloading ASA answers no SSH: the client sees the
		// connection closed before the SSH banner.
		srv.log.Debug("connection refused: headend unavailable", zap.String("remote", nc.RemoteAddr().String()), zap.Error(err))
		_ = nc.Close()
		return
	}
	if !o.Permitted {
		// No `ssh A M IFNAME` line admits the client: the ASA drops
		// the connection before the SSH banner.
		if held, ok := srv.deniedLog.allow(time.Now()); ok {
			srv.log.Info("connection refused: no ssh line permits the client", zap.String("hostname", c.h.Hostname()),
				zap.String("remote", nc.RemoteAddr().String()), zap.Int("refusals_not_logged", held))
		}
		_ = nc.Close()
		return
	}
	deadline := time.Now().Add(handshakeTimeout)
	_ = nc.SetDeadline(deadline)
	if o.Version == 1 {
		// `ssh version 1`: the server speaks SSH-1 only, which an
		// SSH-2 client refuses on reading the banner.
		_, _ = nc.Write([]byte("SSH-1.5-Cisco-1.25\r\n"))
		_ = nc.Close()
		return
	}
	sc, chans, reqs, err := ssh.NewServerConn(nc, c.serverConfig(o, deadline))
	authenticating = false
	srv.endUnauth(ip)
	if err != nil {
		srv.log.Debug("handshake failed", zap.String("remote", nc.RemoteAddr().String()), zap.Error(err))
		_ = nc.Close()
		return
	}
	_ = nc.SetDeadline(time.Time{})
	ctx, cancel := context.WithCancel(srv.ctx)
	cn := newConn(cancel, o.idle)
	cn.hangup = func() {
		cancel()
		_ = sc.Close()
	}
	cn.info = sessionInfo(sc, client)
	c.mu.Lock()
	if c.removed {
		c.mu.Unlock()
		cancel()
		_ = sc.Close()
		return
	}
	cn.info.SID = c.nextSID
	c.nextSID++
	c.conns[cn] = struct{}{}
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.conns, cn)
		c.mu.Unlock()
	}()
	// A reload that began during the handshake did not see this
	// connection; now registered, it would.
	if err := c.h.Available(); err != nil {
		cancel()
		_ = sc.Close()
		return
	}

	go ssh.DiscardRequests(reqs)
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		<-ctx.Done()
		// Let a session that is writing its last lines (the one that
		// typed reload) finish, then hang up.
		select {
		case <-cn.drain():
		case <-time.After(closeGrace):
		}
		_ = sc.Close()
	}()

	user := sc.User()
	priv, _ := strconv.Atoi(sc.Permissions.Extensions["privilege"])
	for nch := range chans {
		if nch.ChannelType() != "session" {
			_ = nch.Reject(ssh.UnknownChannelType, "only session channels")
			continue
		}
		if !cn.start() {
			_ = nch.Reject(ssh.ConnectionFailed, "the connection is closing")
			continue
		}
		if !c.acquire() {
			cn.end()
			srv.opts.Metrics.refused()
			srv.log.Warn("session refused: too many SSH sessions", zap.String("hostname", c.h.Hostname()),
				zap.String("user", user), zap.Int("max", srv.opts.MaxSessions))
			_ = nch.Reject(ssh.ResourceShortage, fmt.Sprintf("the maximum of %d concurrent SSH sessions is reached", srv.opts.MaxSessions))
			continue
		}
		ch, chReqs, err := nch.Accept()
		if err != nil {
			c.release()
			cn.end()
			continue
		}
		go func() {
			defer cn.end()
			defer c.release()
			c.session(ctx, cn, user, priv, ch, chReqs)
		}()
	}
	// The client hung up.
	cancel()
	<-closed
}

func (c *headendConsole) acquire() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sessions >= c.srv.opts.MaxSessions {
		return false
	}
	c.sessions++
	c.srv.opts.Metrics.sessionDelta(1)
	return true
}

func (c *headendConsole) release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sessions--
	c.srv.opts.Metrics.sessionDelta(-1)
}

// list is the headend's SSH connections, by SID (`show ssh sessions`).
func (c *headendConsole) list() []sim.SSHSession {
	c.mu.Lock()
	out := make([]sim.SSHSession, 0, len(c.conns))
	for cn := range c.conns {
		out = append(out, cn.info)
	}
	c.mu.Unlock()
	slices.SortFunc(out, func(a, b sim.SSHSession) int { return a.SID - b.SID })
	return out
}

// sessionInfo describes a logged-in connection from client: the version of
// the client's banner ("SSH-2.0-OpenSSH_9.6" is 2.0) and the algorithms
// negotiated each way.
func sessionInfo(sc *ssh.ServerConn, client netip.Addr) sim.SSHSession {
	version, _, _ := strings.Cut(strings.TrimPrefix(string(sc.ClientVersion()), "SSH-"), "-")
	info := sim.SSHSession{Client: client.Unmap().String(), Version: version, Username: sc.User()}
	if am, ok := sc.Conn.(ssh.AlgorithmsConnMetadata); ok {
		alg := am.Algorithms()
		info.InCipher, info.InMAC = alg.Read.Cipher, alg.Read.MAC
		info.OutCipher, info.OutMAC = alg.Write.Cipher, alg.Write.MAC
	}
	return info
}
