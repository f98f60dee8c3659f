package scenario

import (
	"embed"
	"fmt"
	"io/fs"
	"math"
	"net/netip"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/encoding/prototext"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/asav"
	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/keygen/portal"
	"github.com/asalab/asalab/keygen/smart"
	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
)

//go:embed scenarios/*.textpb
var embedded embed.FS

// Scenario is a scenario file, checked.
type Scenario struct {
	Name, Title, Description string
	// File is the file it was read from.
	File     string
	Start    time.Time
	Customer string
	Orders   []Order
	Headends []Unit
	Groups   []Group
	Curve    []Point
	Step     time.Duration
	Goals    []Goal
	Hints    []string
	Actions  []Action
	// Smart is the Smart Software Manager's state at the start; nil when
	// the file has none.
	Smart *Smart
}

// Smart is a Smart Account at the start.
type Smart struct {
	Account         string
	VirtualAccounts []string
	Entitlements    []SmartEntitlement
	Tokens          []SmartToken
}

// SmartEntitlement is licenses bought into a virtual account ("": DEFAULT).
type SmartEntitlement struct {
	VirtualAccount, Tag string
	Count               int
}

// SmartToken is an ID token created at the setup.
type SmartToken struct {
	VirtualAccount string
	Days           int
}

// Order is an order line placed before the start.
type Order struct {
	Line       portal.OrderLine
	RegisterTo []string
	Before     time.Duration
}

// Unit is a headend of the fleet.
type Unit struct {
	Hostname, Model, Serial string
	Features                keygen.Features
	HasFeatures             bool
	Interfaces              []Interface
	Config                  []string
	Role                    string
	// SmartReg: registered to the Smart Account before the start; nil
	// when not.
	SmartReg *SmartReg
}

// SmartReg is an ASAv's registration before the start.
type SmartReg struct {
	Before     time.Duration
	Throughput string
	// Token indexes the scenario's smart tokens, from 0.
	Token int
}

// Interface is a named interface with its address.
type Interface struct {
	Name, Nameif string
	Prefix       netip.Prefix
}

// Group is a headend's users of one kind.
type Group struct {
	Headend string
	Count   int
	Kind    headend.Kind
}

// Point is the fraction of users connected at a minute of the lab day.
type Point struct {
	Minute   int
	Fraction float64
}

// Goal is a check of the grade.
type Goal struct {
	Check, Description string
	Headends           []string
	Users              int
	Tier               string
	Within             time.Duration
	Fail               string
}

// Action happens to a headend at a lab time after the start.
type Action struct {
	After   time.Duration
	Headend string
	RMA     bool
	// CutLink is the peer whose path from Headend is cut: a hostname,
	// or sim.SmartPeer.
	CutLink string
	// Before: a cut made this long before the start instead.
	Before time.Duration
}

// Checks are the goals' checks.
var Checks = []string{"key_plus_apex", "essentials_off_saved", "no_license_server_saved", "order_covers",
	"connect_all", "no_refusals", "shared_kept", "permanent_premium", "shared_registered", "rehosted_within",
	"compliance_clean", "smart_authorized", "smart_balanced"}

// Load reads every embedded scenario file.
func Load() ([]*Scenario, error) {
	names, err := fs.Glob(embedded, "scenarios/*.textpb")
	if err != nil {
		return nil, err
	}
	var out []*Scenario
	for _, n := range names {
		b, err := embedded.ReadFile(n)
		if err != nil {
			return nil, err
		}
		s, err := Parse(path.Join("sim/scenario", n), b)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(out, func(o *Scenario) bool { return o.Name == s.Name }) {
			return nil, fmt.Errorf("%w: %s: name %q is taken by another file", ErrInvalidScenario, s.File, s.Name)
		}
		out = append(out, s)
	}
	return out, nil
}

// LoadDir is Load with the .textpb files of dir added: a trainer's
// scenarios for a released binary. A file of dir whose name is a built-in
// scenario's replaces it; two files of dir with one name, or a file that
// does not parse, are an error naming the file, the line and the field.
func LoadDir(dir string) ([]*Scenario, error) {
	all, err := Load()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("scenario directory: %w", err)
	}
	names, err := filepath.Glob(filepath.Join(dir, "*.textpb"))
	if err != nil {
		return nil, err
	}
	builtin := len(all)
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		s, err := Parse(n, b)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(all, func(o *Scenario) bool { return o.Name == s.Name })
		switch {
		case i >= builtin:
			return nil, fmt.Errorf("%w: %s: name %q is taken by %s", ErrInvalidScenario, s.File, s.Name, all[i].File)
		case i >= 0:
			all[i] = s
		default:
			all = append(all, s)
		}
	}
	return all, nil
}

var (
	nameRE      = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	protoPrefix = regexp.MustCompile(`^proto:[\s\x{00a0}]+`)
	protoLine   = regexp.MustCompile(`^(.*?)\s*\(line (\d+):(\d+)\)(.*)$`)
)

// Parse reads one scenario file; its errors name the file, the line and
// the field.
func Parse(file string, src []byte) (*Scenario, error) {
	var spec headendv1.ScenarioSpec
	if err := prototext.Unmarshal(src, &spec); err != nil {
		// "proto: syntax error (line 2:7): invalid string" as
		// "file:2:7: syntax error: invalid string".
		msg := protoPrefix.ReplaceAllString(err.Error(), "")
		if m := protoLine.FindStringSubmatch(msg); m != nil {
			var parts []string
			for _, p := range []string{strings.TrimSpace(m[1]), strings.TrimSpace(strings.TrimPrefix(m[4], ":"))} {
				if p != "" {
					parts = append(parts, p)
				}
			}
			msg = file + ":" + m[2] + ":" + m[3] + ": " + strings.Join(parts, ": ")
		} else {
			msg = file + ": " + msg
		}
		return nil, fmt.Errorf("%w: %s", ErrInvalidScenario, msg)
	}
	p := parser{file: file, src: string(src)}
	s := &Scenario{Name: spec.GetName(), Title: spec.GetTitle(), Description: spec.GetDescription(), File: file,
		Hints: spec.GetHints()}
	if !nameRE.MatchString(s.Name) {
		return nil, p.errf("name", 0, "name %q: lowercase letters, digits and hyphens", s.Name)
	}
	start, err := time.Parse(time.RFC3339, spec.GetClockStart())
	if err != nil {
		return nil, p.errf("clock_start", 0, "clock_start %q is not an RFC 3339 time", spec.GetClockStart())
	}
	if start.UTC().Weekday() != time.Monday || start.UTC().Hour() != 8 || start.UTC().Minute() != 0 {
		return nil, p.errf("clock_start", 0, "clock_start %s is not a Monday 08:00 UTC", spec.GetClockStart())
	}
	s.Start = start.UTC()
	hosts := map[string]bool{}
	for i, h := range spec.GetHeadends() {
		u := Unit{Hostname: h.GetHostname(), Model: h.GetModel(), Serial: h.GetSerial(), Config: h.GetConfig(), Role: h.GetSharedRole()}
		if u.Hostname == "" || hosts[u.Hostname] {
			return nil, p.errf("hostname", i, "headend %d: hostname %q is empty or taken", i+1, u.Hostname)
		}
		hosts[u.Hostname] = true
		if _, ok := headend.LookupPlatform(u.Model); !ok {
			return nil, p.errf("model", i, "headend %s: unknown model %q", u.Hostname, u.Model)
		}
		if u.Serial != "" && !keygen.ValidSerial(u.Serial) {
			return nil, p.errf("serial", i, "headend %s: serial %q is not an 11-character serial", u.Hostname, u.Serial)
		}
		if !slices.Contains([]string{"", "server", "participant"}, u.Role) {
			return nil, p.errf("shared_role", i, "headend %s: shared_role %q is not server or participant", u.Hostname, u.Role)
		}
		if len(h.GetFeatures()) > 0 {
			f, err := keygen.ParseFeatures(h.GetFeatures())
			if err != nil {
				return nil, p.errf("features", i, "headend %s: %v", u.Hostname, err)
			}
			u.Features, u.HasFeatures = f, true
		}
		for _, ifc := range h.GetInterfaces() {
			pf, err := netip.ParsePrefix(ifc.GetAddress())
			if err != nil || ifc.GetName() == "" || ifc.GetNameif() == "" {
				return nil, p.errf("address", 0, "headend %s: interface %q needs a name, a nameif and an address as 10.1.0.1/24", u.Hostname, ifc.GetName())
			}
			u.Interfaces = append(u.Interfaces, Interface{Name: ifc.GetName(), Nameif: ifc.GetNameif(), Prefix: pf})
		}
		if r := h.GetSmartRegistered(); r != nil {
			d, err := time.ParseDuration(r.GetBefore())
			if err != nil || d < time.Hour || d > 5*365*24*time.Hour {
				return nil, p.errf("before", 0, "headend %s: smart_registered before %q is not a duration from 1h to 5 years", u.Hostname, r.GetBefore())
			}
			if !slices.Contains(asav.Levels, r.GetThroughput()) {
				return nil, p.errf("throughput", 0, "headend %s: throughput %q is not one of %s", u.Hostname, r.GetThroughput(), strings.Join(asav.Levels, ", "))
			}
			n := int(r.GetToken())
			if n > 0 {
				n--
			}
			if n < 0 || n >= len(spec.GetSmart().GetTokens()) {
				return nil, p.errf("smart_registered", 0, "headend %s: token %d is not one of the smart tokens", u.Hostname, r.GetToken())
			}
			u.SmartReg = &SmartReg{Before: d, Throughput: r.GetThroughput(), Token: n}
		}
		s.Headends = append(s.Headends, u)
	}
	if len(s.Headends) == 0 {
		return nil, p.errf("headends", 0, "a scenario has at least one headend")
	}
	s.Customer = spec.GetPortal().GetCustomer()
	for i, o := range spec.GetPortal().GetOrders() {
		line := portal.OrderLine{SKU: o.GetSku(), Size: int(o.GetSize()), Users: int(o.GetUsers()), Months: int(o.GetMonths()), Customer: s.Customer}
		if _, err := portal.ParseSKU(line.SKU, line.Size); err != nil {
			return nil, p.errf("sku", i, "order %d: %v", i+1, err)
		}
		before := 24 * time.Hour
		if v := o.GetInstalledBefore(); v != "" {
			if before, err = time.ParseDuration(v); err != nil || before < time.Hour {
				return nil, p.errf("installed_before", i, "order %d: installed_before %q is not a duration of an hour or more", i+1, v)
			}
		}
		for _, h := range o.GetRegisterTo() {
			if !hosts[h] {
				return nil, p.errf("register_to", i, "order %d: register_to names %q, no headend of the scenario", i+1, h)
			}
		}
		s.Orders = append(s.Orders, Order{Line: line, RegisterTo: o.GetRegisterTo(), Before: before})
	}
	if len(s.Orders) > 0 && s.Customer == "" {
		return nil, p.errf("customer", 0, "the portal's orders need a customer")
	}
	tr := spec.GetTraffic()
	for i, g := range tr.GetUsers() {
		k := headend.KindAnyConnect
		if g.GetKind() != "" {
			var ok bool
			if k, ok = headend.ParseKind(g.GetKind()); !ok {
				return nil, p.errf("kind", i, "users %d: unknown kind %q", i+1, g.GetKind())
			}
		}
		if !hosts[g.GetHeadend()] || g.GetCount() <= 0 || g.GetCount() > 100000 {
			return nil, p.errf("count", i, "users %d: a headend of the scenario (%q) and a count 1..100000 (%d)", i+1, g.GetHeadend(), g.GetCount())
		}
		s.Groups = append(s.Groups, Group{Headend: g.GetHeadend(), Count: int(g.GetCount()), Kind: k})
	}
	for i, c := range tr.GetCurve() {
		hh, mm, ok := strings.Cut(c.GetHour(), ":")
		h, err1 := strconv.Atoi(hh)
		m, err2 := strconv.Atoi(mm)
		if !ok || err1 != nil || err2 != nil || h < 0 || h > 24 || m < 0 || m > 59 || h*60+m > 1440 {
			return nil, p.errf("hour", i, "curve point %d: hour %q is not HH:MM", i+1, c.GetHour())
		}
		f := c.GetFraction()
		if f < 0 || f > 1 || math.IsNaN(f) {
			return nil, p.errf("fraction", i, "curve point %d: fraction %v is not 0..1", i+1, f)
		}
		if n := len(s.Curve); n > 0 && s.Curve[n-1].Minute >= h*60+m {
			return nil, p.errf("hour", i, "curve point %d: hours go up", i+1)
		}
		s.Curve = append(s.Curve, Point{Minute: h*60 + m, Fraction: f})
	}
	if len(s.Groups) > 0 && len(s.Curve) == 0 {
		return nil, p.errf("curve", 0, "traffic with users needs a curve")
	}
	s.Step = time.Minute
	if v := tr.GetStep(); v != "" {
		if s.Step, err = time.ParseDuration(v); err != nil || s.Step < time.Second || s.Step > time.Hour {
			return nil, p.errf("step", 0, "step %q is not a duration from 1s to 1h", v)
		}
	}
	for i, g := range spec.GetGoals() {
		gl := Goal{Check: g.GetCheck(), Description: g.GetDescription(), Headends: g.GetHeadends(), Users: int(g.GetUsers()),
			Tier: g.GetTier(), Fail: g.GetFail()}
		if !slices.Contains(Checks, gl.Check) {
			return nil, p.errf("check", i, "goal %d: unknown check %q (one of %s)", i+1, gl.Check, strings.Join(Checks, ", "))
		}
		if gl.Description == "" {
			return nil, p.errf("description", i, "goal %d: a goal needs a description", i+1)
		}
		for _, h := range gl.Headends {
			if !hosts[h] {
				return nil, p.errf("headends", i, "goal %d: headends names %q, no headend of the scenario", i+1, h)
			}
		}
		if gl.Check == "smart_authorized" {
			if gl.Tier != "" && !slices.Contains(smart.TierTags, gl.Tier) {
				return nil, p.errf("tier", i, "goal %d: tier %q is not an ASAv entitlement (one of %s)", i+1, gl.Tier, strings.Join(smart.TierTags, ", "))
			}
		} else if !slices.Contains([]string{"", "plus", "apex"}, gl.Tier) {
			return nil, p.errf("tier", i, "goal %d: tier %q is not plus or apex", i+1, gl.Tier)
		}
		if gl.Check == "smart_balanced" && spec.GetSmart() == nil {
			return nil, p.errf("check", i, "goal %d: smart_balanced needs the file's smart account", i+1)
		}
		if (gl.Check == "order_covers" || gl.Check == "permanent_premium") && gl.Users <= 0 {
			return nil, p.errf("users", i, "goal %d: %s needs users", i+1, gl.Check)
		}
		if gl.Check == "rehosted_within" {
			if gl.Within, err = time.ParseDuration(g.GetWithin()); err != nil || gl.Within <= 0 {
				return nil, p.errf("within", i, "goal %d: within %q is not a duration", i+1, g.GetWithin())
			}
		}
		s.Goals = append(s.Goals, gl)
	}
	if len(s.Goals) == 0 {
		return nil, p.errf("goals", 0, "a scenario has at least one goal")
	}
	for i, a := range spec.GetActions() {
		var d time.Duration
		if a.GetAfter() != "" {
			if d, err = time.ParseDuration(a.GetAfter()); err != nil || d < 0 {
				return nil, p.errf("after", i, "action %d: after %q is not a duration", i+1, a.GetAfter())
			}
		}
		if d != 0 {
			return nil, p.errf("after", i, "action %d: only actions at the start (after 0) are supported", i+1)
		}
		var before time.Duration
		if v := a.GetBefore(); v != "" {
			if before, err = time.ParseDuration(v); err != nil || before < time.Hour || before > 5*365*24*time.Hour || a.GetCutLink() == "" {
				return nil, p.errf("before", i, "action %d: before %q: a cut_link's, a duration from 1h to 5 years", i+1, v)
			}
		}
		peer := a.GetCutLink()
		if !hosts[a.GetHeadend()] || a.GetRma() == (peer != "") {
			return nil, p.errf("headend", i, "action %d: an rma or a cut_link of a headend of the scenario", i+1)
		}
		if peer != "" && (peer == a.GetHeadend() || peer != sim.SmartPeer && !hosts[peer]) {
			return nil, p.errf("cut_link", i, "action %d: cut_link %q is neither %q nor another headend of the scenario", i+1, peer, sim.SmartPeer)
		}
		s.Actions = append(s.Actions, Action{After: d, Headend: a.GetHeadend(), RMA: a.GetRma(), CutLink: peer, Before: before})
	}
	if len(s.Orders) > 0 && (slices.ContainsFunc(s.Headends, func(u Unit) bool { return u.SmartReg != nil }) ||
		slices.ContainsFunc(s.Actions, func(a Action) bool { return a.Before > 0 })) {
		return nil, p.errf("orders", 0, "a file with smart_registered units or actions before the start places no portal orders")
	}
	if sm := spec.GetSmart(); sm != nil {
		if s.Smart, err = p.smart(sm); err != nil {
			return nil, err
		}
	}
	for i, text := range append([]string{s.Description}, s.Hints...) {
		field, nth := "hints", i-1
		if i == 0 {
			field, nth = "description", 0
		}
		if strings.Contains(text, "{account}") && s.Smart == nil {
			return nil, p.errf(field, nth, "{account} names the smart account, which the file has not")
		}
		for _, m := range tokenRE.FindAllString(text, -1) {
			if n, _ := strconv.Atoi(strings.Trim(m, "{token}")); n < 1 || s.Smart == nil || n > len(s.Smart.Tokens) {
				return nil, p.errf(field, nth, "%s names no token of the file's smart account", m)
			}
		}
	}
	return s, nil
}

// smart checks the file's Smart Account.
func (p parser) smart(sm *headendv1.ScenarioSmart) (*Smart, error) {
	out := &Smart{Account: sm.GetAccount(), VirtualAccounts: sm.GetVirtualAccounts()}
	if !smartName(out.Account) {
		return nil, p.errf("account", 0, "smart account %q: 1 to %d letters, digits, spaces, '-', '_' or '.'", out.Account, smart.MaxNameLen-4)
	}
	vas := map[string]bool{"": true, smart.DefaultVirtualAccount: true}
	for i, va := range out.VirtualAccounts {
		if !smartName(va) || vas[va] {
			return nil, p.errf("virtual_accounts", i, "virtual account %q: a new name of letters, digits, spaces, '-', '_' or '.'", va)
		}
		vas[va] = true
	}
	for i, e := range sm.GetEntitlements() {
		if !vas[e.GetVirtualAccount()] {
			return nil, p.errf("virtual_account", i, "entitlement %d: virtual account %q is not DEFAULT or one of virtual_accounts", i+1, e.GetVirtualAccount())
		}
		if !smart.ValidTag(e.GetTag()) {
			return nil, p.errf("tag", i, "entitlement %d: tag %q is not one of %s", i+1, e.GetTag(), strings.Join(smart.Tags, ", "))
		}
		if e.GetCount() < 1 || e.GetCount() > smart.MaxCount {
			return nil, p.errf("count", i, "entitlement %d: count %d is not 1..%d", i+1, e.GetCount(), smart.MaxCount)
		}
		out.Entitlements = append(out.Entitlements, SmartEntitlement{VirtualAccount: e.GetVirtualAccount(), Tag: e.GetTag(), Count: int(e.GetCount())})
	}
	for i, t := range sm.GetTokens() {
		if !vas[t.GetVirtualAccount()] {
			return nil, p.errf("virtual_account", i, "token %d: virtual account %q is not DEFAULT or one of virtual_accounts", i+1, t.GetVirtualAccount())
		}
		if t.GetDays() < 0 || t.GetDays() > smart.MaxTokenDays {
			return nil, p.errf("days", i, "token %d: days %d is not 0..%d", i+1, t.GetDays(), smart.MaxTokenDays)
		}
		out.Tokens = append(out.Tokens, SmartToken{VirtualAccount: t.GetVirtualAccount(), Days: int(t.GetDays())})
	}
	return out, nil
}

// smartName reports whether s is a Smart Account or virtual account name
// the manager takes, with room for the " 99" a later run's account adds.
func smartName(s string) bool {
	if s == "" || strings.TrimSpace(s) != s || len(s) > smart.MaxNameLen-4 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(" -_.", r)) {
			return false
		}
	}
	return true
}

// parser finds where a field is in a scenario file, for its errors.
type parser struct{ file, src string }

// errf is an error at the nth occurrence (from 0) of field in the file.
func (p parser) errf(field string, nth int, format string, args ...any) error {
	line := 0
	seen := 0
	re := regexp.MustCompile(`(^|[\s{])` + regexp.QuoteMeta(field) + `\s*[:{\[]`)
	for i, l := range strings.Split(p.src, "\n") {
		if t, _, _ := strings.Cut(l, "#"); re.MatchString(t) {
			if seen == nth || line == 0 {
				line = i + 1
			}
			if seen == nth {
				break
			}
			seen++
		}
	}
	where := p.file
	if line > 0 {
		where += ":" + strconv.Itoa(line)
	}
	return fmt.Errorf("%w: %s: field %s: %s", ErrInvalidScenario, where, field, fmt.Sprintf(format, args...))
}

// fraction is the curve's value at minute m of the day.
func (s *Scenario) fraction(m float64) float64 {
	c := s.Curve
	if len(c) == 0 {
		return 0
	}
	if m <= float64(c[0].Minute) {
		return c[0].Fraction
	}
	for i := 1; i < len(c); i++ {
		if m <= float64(c[i].Minute) {
			a, b := c[i-1], c[i]
			return a.Fraction + (b.Fraction-a.Fraction)*(m-float64(a.Minute))/float64(b.Minute-a.Minute)
		}
	}
	return c[len(c)-1].Fraction
}

// target is how many of g's users are connected at lab time t.
func (s *Scenario) target(g Group, t time.Time) int {
	t = t.UTC()
	m := float64(t.Hour()*60+t.Minute()) + float64(t.Second())/60
	return int(math.Round(float64(g.Count) * s.fraction(m)))
}

// unit is the scenario's headend of that hostname.
func (s *Scenario) unit(host string) *Unit {
	for i := range s.Headends {
		if s.Headends[i].Hostname == host {
			return &s.Headends[i]
		}
	}
	return nil
}
