// Package web is headendd's web console: server-rendered pages of a
// daemon's labs for people who would rather look than poll the API. The
// fleet with its licenses and sessions, a headend with its keys and a
// console pane, shared licensing and failover, the event log (live over
// server-sent events), the running scenario, charts of the sessions over
// lab time, and the control of a simulated lab clock. Every page works
// without JavaScript but its live parts; htmx (vendored under assets)
// swaps in console output and refreshes pages when the lab changes.
//
// The package reads the lab through package sim and its subpackages alone
// and keeps no rule of the simulator: what a headend is licensed for is
// the text its own console prints.
package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/asalab/asalab/sim"
	"github.com/asalab/asalab/sim/scenario"
)

//go:embed assets
var assets embed.FS

// LabSource is the daemon's set of labs as the console needs it.
type LabSource interface {
	// Lab returns the open lab of that name, or an error wrapping
	// sim.ErrLabNotFound.
	Lab(name string) (*sim.Lab, error)
	// Labs names the labs, sorted.
	Labs() []string
}

// Authenticator checks a bearer token: an admin token reaches every lab,
// another token the one lab it names. A nil Authenticator means the
// daemon runs without authentication, reachable from loopback only, and
// everyone may see everything.
type Authenticator func(token string) (admin bool, lab string, err error)

// Options configure a Server.
type Options struct {
	Labs LabSource
	// Scenario is a lab's scenario engine (nil, or returning nil: none).
	Scenario func(lab string) *scenario.Engine
	Auth     Authenticator
	// Secure marks the cookies Secure: the console is served over TLS.
	Secure bool
	Log    *zap.Logger
	// PageSize is the fleet's rows per page (default 100).
	PageSize int
	// EventRows is how many events the events page lists (default 100).
	EventRows int
	// SampleEvery is the lab time between two samples of the session
	// counts the charts draw (default 10m); SamplePoints how many samples
	// are kept (default 144: a day at the default).
	SampleEvery  time.Duration
	SamplePoints int
	// Tick is the real time between two samples of a lab on the real
	// clock, where no event need come as time passes (default 10s).
	Tick time.Duration
	// LoginIdle is how long a login lasts unused (default 12h); Now the
	// machine's time it is measured on (default time.Now).
	LoginIdle time.Duration
	Now       func() time.Time
}

// Server serves the web console.
type Server struct {
	o    Options
	log  *zap.Logger
	key  []byte // signs the CSRF tokens
	tmpl map[string]*template.Template
	mux  *http.ServeMux

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	smu      sync.Mutex
	samplers map[*sim.Lab]*sampler

	// counted: each lab's last count of refusals (refusalsLastHour).
	cmu     sync.Mutex
	counted map[*sim.Lab]refusalCount

	// reading: the readings of a lab's fleet rows under way (fleetRows).
	rmu     sync.Mutex
	reading map[*sim.Lab]*rowsRead

	// logins maps a login cookie's random id to the token it logged in
	// with, so that the cookie is not the token and a logout revokes it.
	lmu    sync.Mutex
	logins map[string]*login
}

// login is a token logged in with, and when it was last used.
type login struct {
	token string
	used  time.Time
}

// New makes the console's server; Close stops what it runs in the
// background.
func New(o Options) (*Server, error) {
	if o.Labs == nil {
		return nil, errors.New("web: no labs")
	}
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	if o.PageSize <= 0 {
		o.PageSize = 100
	}
	if o.EventRows <= 0 {
		o.EventRows = 100
	}
	if o.SampleEvery <= 0 {
		o.SampleEvery = 10 * time.Minute
	}
	if o.SamplePoints < 2 {
		o.SamplePoints = 144
	}
	if o.Tick <= 0 {
		o.Tick = 10 * time.Second
	}
	if o.LoginIdle <= 0 {
		o.LoginIdle = 12 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	tm, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{o: o, log: o.Log, key: key, tmpl: tm, ctx: ctx, cancel: cancel, samplers: map[*sim.Lab]*sampler{}}
	s.routes()
	return s, nil
}

// Handler is the console's HTTP handler.
func (s *Server) Handler() http.Handler { return s.mux }

// Close stops the samplers and the event streams.
func (s *Server) Close() {
	s.cancel()
	s.wg.Wait()
}

func (s *Server) routes() {
	m := http.NewServeMux()
	static, _ := fs.Sub(assets, "assets/static")
	m.Handle("GET /static/", http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static))))
	m.HandleFunc("GET /login", s.loginPage)
	m.HandleFunc("POST /login", s.login)
	m.HandleFunc("POST /logout", s.logout)
	m.HandleFunc("GET /{$}", s.page(s.labsPage))
	m.HandleFunc("GET /labs/{lab}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/labs/"+r.PathValue("lab")+"/", http.StatusMovedPermanently)
	})
	m.HandleFunc("GET /labs/{lab}/{$}", s.labPage(s.fleetPage))
	m.HandleFunc("GET /labs/{lab}/headends/{host}", s.labPage(s.headendPage))
	m.HandleFunc("POST /labs/{lab}/headends/{host}/console", s.labPage(s.console))
	m.HandleFunc("GET /labs/{lab}/shared", s.labPage(s.sharedPage))
	m.HandleFunc("GET /labs/{lab}/events", s.labPage(s.eventsPage))
	m.HandleFunc("GET /labs/{lab}/events/stream", s.labPage(s.eventStream))
	m.HandleFunc("GET /labs/{lab}/scenario", s.labPage(s.scenarioPage))
	m.HandleFunc("POST /labs/{lab}/scenario/grade", s.labPage(s.gradeScenario))
	m.HandleFunc("GET /labs/{lab}/charts", s.labPage(s.chartsPage))
	m.HandleFunc("GET /labs/{lab}/clock", s.labPage(s.clockPage))
	m.HandleFunc("POST /labs/{lab}/clock/advance", s.labPage(s.advanceClock))
	s.mux = m
}

func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

// Cookies: the session cookie is a random id the CSRF tokens are made
// from (so a form posted from another site, which cannot read it, fails);
// the login cookie is another random id, which the server maps to the
// bearer token the user logged in with (a copied cookie is not the lab's
// API token, and a logout or LoginIdle unused ends it); the token is
// checked again on every request so that a revoked token stops working at
// once.
const (
	sessionCookie = "asalab_session"
	loginCookie   = "asalab_login"
	csrfField     = "csrf"
)

// newLogin remembers a login with token and returns its id. Logins unused
// for LoginIdle are forgotten as new ones come.
func (s *Server) newLogin(token string) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	now := s.o.Now()
	s.lmu.Lock()
	defer s.lmu.Unlock()
	if s.logins == nil {
		s.logins = map[string]*login{}
	}
	for k, l := range s.logins {
		if now.Sub(l.used) >= s.o.LoginIdle {
			delete(s.logins, k)
		}
	}
	s.logins[id] = &login{token: token, used: now}
	return id
}

// loginToken is the token of the login id, marking it used ("" when
// there is none or it lay unused for LoginIdle).
func (s *Server) loginToken(id string) string {
	now := s.o.Now()
	s.lmu.Lock()
	defer s.lmu.Unlock()
	l := s.logins[id]
	if l == nil {
		return ""
	}
	if now.Sub(l.used) >= s.o.LoginIdle {
		delete(s.logins, id)
		return ""
	}
	l.used = now
	return l.token
}

func (s *Server) endLogin(id string) {
	s.lmu.Lock()
	defer s.lmu.Unlock()
	delete(s.logins, id)
}

// viewer is who asks: every lab (admin) or one.
type viewer struct {
	admin bool
	lab   string
	auth  bool // logged in with a token (a logout button makes sense)
	csrf  string
}

func (v *viewer) reaches(lab string) bool { return v.admin || v.lab == lab }

// session returns the request's session id, setting a new one when it has
// none.
func (s *Server) session(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(sessionCookie); err == nil && len(c.Value) == 32 {
		return c.Value
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.o.Secure})
	return id
}

func (s *Server) csrfToken(session string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(session))
	return hex.EncodeToString(m.Sum(nil))
}

// checkCSRF reports whether a POST carries the token of its session.
func (s *Server) checkCSRF(r *http.Request) bool {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return false
	}
	got := r.PostFormValue(csrfField)
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.csrfToken(c.Value))) == 1
}

// viewer authenticates the request; nil (after a redirect to the login
// page) when it must log in.
func (s *Server) viewer(w http.ResponseWriter, r *http.Request) *viewer {
	v := &viewer{csrf: s.csrfToken(s.session(w, r))}
	if s.o.Auth == nil {
		v.admin = true
		return v
	}
	if c, err := r.Cookie(loginCookie); err == nil {
		if token := s.loginToken(c.Value); token != "" {
			if admin, lab, err := s.o.Auth(token); err == nil {
				v.admin, v.lab, v.auth = admin, lab, true
				return v
			}
		}
	}
	if r.Method == http.MethodGet && r.Header.Get("HX-Request") == "" && r.Header.Get("Accept") != "text/event-stream" {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
	} else {
		http.Error(w, "log in first", http.StatusUnauthorized)
	}
	return nil
}

// labs names the labs the viewer reaches.
func (s *Server) labs(v *viewer) []string {
	all := s.o.Labs.Labs()
	if v.admin {
		return all
	}
	return slices.DeleteFunc(all, func(n string) bool { return n != v.lab })
}

func (s *Server) page(fn func(w http.ResponseWriter, r *http.Request, v *viewer)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := s.viewer(w, r)
		if v == nil {
			return
		}
		fn(w, r, v)
	}
}

// labCtx is a request for one lab's page.
type labCtx struct {
	v    *viewer
	name string
	lab  *sim.Lab
}

// labPage resolves the lab of the path, checks the viewer reaches it, and
// for a POST its CSRF token.
func (s *Server) labPage(fn func(w http.ResponseWriter, r *http.Request, c *labCtx)) http.HandlerFunc {
	return s.page(func(w http.ResponseWriter, r *http.Request, v *viewer) {
		name := r.PathValue("lab")
		// A lab the token does not reach is answered as one that does not
		// exist: the console tells nobody which labs others have.
		if !v.reaches(name) {
			s.errorPage(w, r, v, http.StatusNotFound, fmt.Sprintf("No lab %q.", name))
			return
		}
		lab, err := s.o.Labs.Lab(name)
		if err != nil {
			s.errorPage(w, r, v, http.StatusNotFound, fmt.Sprintf("No lab %q.", name))
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
			if !s.checkCSRF(r) {
				s.errorPage(w, r, v, http.StatusForbidden, "The form's security token is missing or stale: load the page again and resubmit.")
				return
			}
		}
		fn(w, r, &labCtx{v: v, name: name, lab: lab})
	})
}

// base is what every page's layout shows.
type base struct {
	Title string
	Lab   string // "" outside a lab
	Nav   string // the current section
	CSRF  string
	Auth  bool
	Now   string // the lab time
	Sim   bool   // the lab clock is simulated
	// Stream is the lab's event stream from the last event the page
	// shows, so that a change between the render and the script's
	// connection still refreshes it.
	Stream string
}

func (s *Server) base(c *labCtx, title, nav string) base {
	b := base{Title: title, Nav: nav, CSRF: c.v.csrf, Auth: c.v.auth}
	if c.lab != nil {
		b.Lab = c.name
		b.Now = c.lab.Clock().Now().UTC().Format(timeLayout)
		b.Sim = c.lab.Clock().Mode() == sim.ClockSimulated
		b.Stream = labURL(c.name) + "events/stream?from=" + strconv.FormatUint(c.lab.LastEvent(), 10)
	}
	return b
}

const timeLayout = "2006-01-02 15:04:05 UTC"

func (s *Server) render(w http.ResponseWriter, status int, name string, data any) {
	t := s.tmpl[name]
	if t == nil {
		http.Error(w, "no template "+name, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
	w.WriteHeader(status)
	if err := t.ExecuteTemplate(w, "page", data); err != nil {
		s.log.Warn("web: render", zap.String("template", name), zap.Error(err))
	}
}

// renderFragment renders one named block of a page, for htmx.
func (s *Server) renderFragment(w http.ResponseWriter, status int, name, block string, data any) {
	t := s.tmpl[name]
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := t.ExecuteTemplate(w, block, data); err != nil {
		s.log.Warn("web: render", zap.String("template", name), zap.String("block", block), zap.Error(err))
	}
}

type errorData struct {
	base
	Status  int
	Message string
}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, v *viewer, status int, msg string) {
	s.render(w, status, "error", errorData{base: base{Title: http.StatusText(status), CSRF: v.csrf, Auth: v.auth}, Status: status, Message: msg})
}

type labsData struct {
	base
	Labs []labRow
}

type labRow struct {
	Name     string
	Headends int
	Now      string
	Clock    string
}

func (s *Server) labsPage(w http.ResponseWriter, r *http.Request, v *viewer) {
	d := labsData{base: base{Title: "Labs", CSRF: v.csrf, Auth: v.auth}}
	for _, n := range s.labs(v) {
		lab, err := s.o.Labs.Lab(n)
		if err != nil {
			continue
		}
		d.Labs = append(d.Labs, labRow{Name: n, Headends: lab.Len(), Now: lab.Clock().Now().UTC().Format(timeLayout),
			Clock: lab.Clock().Mode().String()})
	}
	s.render(w, http.StatusOK, "labs", d)
}

type loginData struct {
	base
	Next  string
	Error string
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	csrf := s.csrfToken(s.session(w, r))
	s.render(w, http.StatusOK, "login", loginData{base: base{Title: "Log in", CSRF: csrf}, Next: safeNext(r.URL.Query().Get("next"))})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	csrf := s.csrfToken(s.session(w, r))
	next := safeNext(r.PostFormValue("next"))
	if !s.checkCSRF(r) {
		s.render(w, http.StatusForbidden, "login", loginData{base: base{Title: "Log in", CSRF: csrf}, Next: next,
			Error: "The form's security token is missing or stale: try again."})
		return
	}
	if s.o.Auth == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	token := r.PostFormValue("token")
	if _, _, err := s.o.Auth(token); token == "" || err != nil {
		s.render(w, http.StatusUnauthorized, "login", loginData{base: base{Title: "Log in", CSRF: csrf}, Next: next,
			Error: "That token is not valid."})
		return
	}
	if c, err := r.Cookie(loginCookie); err == nil {
		s.endLogin(c.Value) // a new login replaces the browser's last
	}
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: s.newLogin(token), Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.o.Secure})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if !s.checkCSRF(r) {
		http.Error(w, "stale form: load the page again", http.StatusForbidden)
		return
	}
	if c, err := r.Cookie(loginCookie); err == nil {
		s.endLogin(c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.o.Secure})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// safeNext keeps a redirect after login on this site.
func safeNext(n string) string {
	if len(n) < 1 || n[0] != '/' || len(n) > 1 && (n[1] == '/' || n[1] == '\\') {
		return "/"
	}
	return n
}
