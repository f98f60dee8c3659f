package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/sim"
)

// fleetRow is one headend in the fleet table.
type fleetRow struct {
	Hostname, Model, Family, Serial string
	// State is "up", "reloading until HH:MM:SS", "powered off" or
	// "standby"; StateKey its class ("up", "reloading", "off",
	// "standby").
	State, StateKey string
	License         string
	ReloadPending   bool
	// Essentials: anyconnect-essentials running and saved ("" for a
	// family without the switch).
	Essentials        string
	EssentialsDiffers bool
	Active, Capacity  int
	// AnyConnect: the sessions that count against the limit AnyConnect
	// users meet (the Premium peers in force, with the shared sessions
	// it holds and can still borrow, or the Essentials limit), of ACLimit:
	// the sessions it admits in all; ACClass names it
	// ("" when AnyConnect is not licensed).
	AnyConnect, ACLimit int
	ACClass             string
	Refusals            uint64

	// ACShared: for a unit in shared licensing, what makes up ACLimit
	// (its local limit, the blocks it holds, what the pool can still lend
	// it), "" otherwise.
	ACShared string
}

// ACLabel says the AnyConnect sessions against their limit.
func (r fleetRow) ACLabel() string {
	if r.ACClass == "" {
		return "not licensed"
	}
	l := strconv.Itoa(r.AnyConnect) + "/" + strconv.Itoa(r.ACLimit) + " " + r.ACClass
	if r.ACShared != "" {
		l += " (" + r.ACShared + ")"
	}
	return l
}

// Percent is the share of the capacity the active sessions use, for the
// bar.
func (r fleetRow) Percent() int {
	if r.Capacity <= 0 {
		return 0
	}
	return min(100, r.Active*100/r.Capacity)
}

// fleetSorts are the columns the table sorts by.
var fleetSorts = map[string]func(a, b *fleetRow) int{
	"hostname": func(a, b *fleetRow) int { return cmp.Compare(a.Hostname, b.Hostname) },
	"model":    func(a, b *fleetRow) int { return cmp.Compare(a.Model, b.Model) },
	"family":   func(a, b *fleetRow) int { return cmp.Compare(a.Family, b.Family) },
	"serial":   func(a, b *fleetRow) int { return cmp.Compare(a.Serial, b.Serial) },
	"state":    func(a, b *fleetRow) int { return cmp.Compare(a.State, b.State) },
	"license":  func(a, b *fleetRow) int { return cmp.Compare(a.License, b.License) },
	"sessions": func(a, b *fleetRow) int { return cmp.Compare(a.Active, b.Active) },
	"capacity": func(a, b *fleetRow) int { return cmp.Compare(a.Capacity, b.Capacity) },
	"refusals": func(a, b *fleetRow) int { return cmp.Compare(a.Refusals, b.Refusals) },
	"reload":   func(a, b *fleetRow) int { return cmp.Compare(b2i(a.ReloadPending), b2i(b.ReloadPending)) },

	// The AnyConnect column: by how full the limit in force is.
	"anyconnect": compareAC,
}

// compareAC orders by how full the AnyConnect limit in force is, so that
// the units about to refuse come last (first descending): unlicensed
// ones first, then by the share of the limit in use (a limit of 0 is
// full), then by the sessions.
func compareAC(a, b *fleetRow) int {
	fill := func(r *fleetRow) (licensed, used, limit int) {
		switch {
		case r.ACClass == "":
			return 0, 0, 1
		case r.ACLimit <= 0:
			return 1, 1, 1
		}
		return 1, r.AnyConnect, r.ACLimit
	}
	al, au, am := fill(a)
	bl, bu, bm := fill(b)
	return cmp.Or(cmp.Compare(al, bl), cmp.Compare(au*bm, bu*am), cmp.Compare(a.AnyConnect, b.AnyConnect))
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// fleetQuery is the table's view: filter, sort and page, all in the query
// string so that links work without JavaScript.
type fleetQuery struct {
	Q, State, Family, Sort string
	Desc                   bool
	Page                   int
}

func parseFleetQuery(v url.Values) (fleetQuery, string) {
	q := fleetQuery{Q: strings.TrimSpace(v.Get("q")), State: v.Get("state"), Family: v.Get("family"), Sort: v.Get("sort"), Desc: v.Get("dir") == "desc"}
	if q.Sort == "" {
		q.Sort = "hostname"
	}
	if _, ok := fleetSorts[q.Sort]; !ok {
		return q, "unknown sort column " + strconv.Quote(q.Sort)
	}
	switch q.State {
	case "", "up", "reloading", "off", "standby":
	default:
		return q, "unknown state " + strconv.Quote(q.State)
	}
	switch q.Family {
	case "", "ASA", "ASAv", "IOS":
	default:
		return q, "unknown family " + strconv.Quote(q.Family)
	}
	if len(q.Q) > 64 {
		return q, "the filter is longer than 64 characters"
	}
	q.Page = 1
	if p := v.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return q, "page must be a number from 1"
		}
		q.Page = n
	}
	return q, ""
}

// URL is the fleet page with the query changed by kv (key, value pairs).
func (q fleetQuery) URL(kv ...string) string {
	v := url.Values{}
	set := func(k, val, def string) {
		if val != def {
			v.Set(k, val)
		}
	}
	set("q", q.Q, "")
	set("state", q.State, "")
	set("family", q.Family, "")
	set("sort", q.Sort, "hostname")
	if q.Desc {
		v.Set("dir", "desc")
	}
	if q.Page > 1 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			v.Del(kv[i])
		} else {
			v.Set(kv[i], kv[i+1])
		}
	}
	if len(v) == 0 {
		return "?"
	}
	return "?" + v.Encode()
}

// SortURL sorts by col, flipping the direction when it is the column
// sorted by already; back to page 1.
func (q fleetQuery) SortURL(col string) string {
	dir := ""
	if q.Sort == col && !q.Desc {
		dir = "desc"
	}
	q.Desc = false
	q.Page = 1
	return q.URL("sort", col, "dir", dir)
}

// AriaSort is the column's aria-sort value.
func (q fleetQuery) AriaSort(col string) string {
	if q.Sort != col {
		return "none"
	}
	if q.Desc {
		return "descending"
	}
	return "ascending"
}

type fleetData struct {
	base
	Q              fleetQuery
	Rows           []fleetRow
	Total, Matched int
	Page, Pages    int
	From, To       int
	Prev, Next     string
	Error          string
	// Active and Capacity sum the matched rows.
	Active, Capacity int
}

func (s *Server) fleetPage(w http.ResponseWriter, r *http.Request, c *labCtx) {
	q, bad := parseFleetQuery(r.URL.Query())
	d := fleetData{base: s.base(c, "Fleet of "+c.name, "fleet"), Q: q}
	status := http.StatusOK
	if bad != "" {
		d.Error, status = bad, http.StatusBadRequest
		q = fleetQuery{Sort: "hostname", Page: 1}
		d.Q = q
	}
	rows := s.fleetRows(c.lab)
	d.Total = len(rows)
	rows = slices.DeleteFunc(rows, func(r fleetRow) bool { return !q.match(&r) })
	d.Matched = len(rows)
	by := fleetSorts[q.Sort]
	slices.SortStableFunc(rows, func(a, b fleetRow) int {
		n := by(&a, &b)
		if n == 0 {
			n = cmp.Compare(a.Hostname, b.Hostname)
		}
		if q.Desc {
			return -n
		}
		return n
	})
	for i := range rows {
		d.Active += rows[i].Active
		d.Capacity += rows[i].Capacity
	}
	ps := s.o.PageSize
	d.Pages = max(1, (len(rows)+ps-1)/ps)
	d.Page = min(q.Page, d.Pages)
	from := (d.Page - 1) * ps
	to := min(from+ps, len(rows))
	d.Rows = rows[from:to]
	d.From, d.To = from+1, to
	if d.Page > 1 {
		p := q
		p.Page = d.Page - 1
		d.Prev = p.URL()
	}
	if d.Page < d.Pages {
		p := q
		p.Page = d.Page + 1
		d.Next = p.URL()
	}
	if r.Header.Get("HX-Request") != "" && r.URL.Query().Get("fragment") == "table" {
		s.renderFragment(w, status, "fleet", "table", d)
		return
	}
	s.render(w, status, "fleet", d)
}

func (q *fleetQuery) match(r *fleetRow) bool {
	if q.State != "" && r.StateKey != q.State {
		return false
	}
	if q.Family != "" && r.Family != q.Family {
		return false
	}
	if q.Q != "" {
		t := strings.ToLower(q.Q)
		return strings.Contains(strings.ToLower(r.Hostname), t) || strings.Contains(strings.ToLower(r.Model), t) ||
			strings.Contains(strings.ToLower(r.Serial), t) || strings.Contains(strings.ToLower(r.License), t)
	}
	return true
}

// rowsRead is a reading of a lab's rows under way: those who ask while it
// runs wait for it (done) and copy its rows, which nobody changes.
type rowsRead struct {
	done chan struct{}
	rows []fleetRow
}

// fleetRows is every headend of the lab as a row, the caller's to change.
// Requests that come while the lab's rows are being read share that
// reading rather than start their own: six people looking at a fleet of
// 10,000 cost about one reading of it, not six, and a live refresh of
// every open page as the lab changes costs as much. Their rows are then as
// old as that reading, begun less than one reading before they asked.
func (s *Server) fleetRows(lab *sim.Lab) []fleetRow {
	s.rmu.Lock()
	if rd := s.reading[lab]; rd != nil {
		s.rmu.Unlock()
		<-rd.done
		return slices.Clone(rd.rows)
	}
	rd := &rowsRead{done: make(chan struct{})}
	if s.reading == nil {
		s.reading = map[*sim.Lab]*rowsRead{}
	}
	s.reading[lab] = rd
	s.rmu.Unlock()
	defer func() {
		s.rmu.Lock()
		delete(s.reading, lab)
		s.rmu.Unlock()
		close(rd.done)
	}()
	rd.rows = s.readFleetRows(lab)
	return slices.Clone(rd.rows)
}

// readFleetRows reads every headend of the lab.
func (s *Server) readFleetRows(lab *sim.Lab) []fleetRow {
	s.sampler(lab) // the charts start with the first look at the lab
	refused := s.refusalsLastHour(lab, lab.Clock().Now())
	rows := make([]fleetRow, 0, lab.Len())
	eachHeadend(lab, func(sn *sim.Snapshot) {
		rows = append(rows, s.fleetRow(lab, refused, sn))
	})
	return rows
}

// eachHeadend calls fn with every headend of the lab in hostname order, a
// page of the store's order at a time so that no one call copies the
// whole fleet at once.
func eachHeadend(lab *sim.Lab, fn func(sn *sim.Snapshot)) {
	after := ""
	for {
		page, more := lab.List(after, 1000)
		for i := range page {
			fn(&page[i])
		}
		if !more || len(page) == 0 {
			return
		}
		after = page[len(page)-1].LabName()
	}
}

// fleetRow is the headend of sn; refused: the refusals in the last hour by
// hostname (refusalsLastHour).
func (s *Server) fleetRow(lab *sim.Lab, refused map[string]uint64, sn *sim.Snapshot) fleetRow {
	d := sn.Device
	p := d.Platform()
	r := fleetRow{Hostname: sn.LabName(), Model: p.Model, Family: familyName(p.Licensing), Serial: d.SerialNumber()}
	r.State, r.StateKey = stateOf(sn)
	r.License = licenseSummary(sn)
	if k, ok := sn.KeyLicense(); ok {
		r.ReloadPending = k.ReloadPending
		r.Essentials = onOff(k.RunningEssentials) + " / " + onOff(k.SavedEssentials)
		r.EssentialsDiffers = k.RunningEssentials != k.SavedEssentials
	}
	cn, cerr := lab.Counts(r.Hostname)
	if cerr == nil {
		r.Active = cn.Total()
	}
	if pol := d.AdmissionPolicy(sn.Now); pol != nil {
		r.Capacity = pol.Capacity()
		switch c := pol.ClassOf(sim.KindAnyConnect); c {
		case admission.ClassPremium:
			r.ACClass, r.ACLimit, r.AnyConnect = "Premium", pol.Limit(c), cn.Premium
			if p.Licensing == sim.LicensingIOS {
				// An ISR counts AnyConnect against its SSL VPN seats
				// (the FL-SSLVPN licenses); it has no Premium peers.
				r.ACClass = "SSL VPN seats"
			}
			if sn.Shared.Role != sim.SharedNone {
				r.ACLimit, r.ACShared = sharedLimit(&sn.Shared, r.ACLimit)
			}
		case admission.ClassEssentials:
			r.ACClass, r.ACLimit, r.AnyConnect = "Essentials", pol.Limit(c), cn.Essentials
		case admission.ClassOther:
			r.ACClass, r.ACLimit, r.AnyConnect = "Other VPN", pol.Limit(c), cn.Other
		}
		r.ACLimit = min(r.ACLimit, r.Capacity)
	}
	r.Refusals = refused[r.Hostname]
	return r
}

// sharedLimit is the Premium limit a unit in shared licensing admits up
// to, with local its own: a Premium admission that finds the limit
// reached borrows a block of family.SharedBlock sessions (the last one
// what its platform limit leaves), granted while its server answers and
// the pool has the whole block. Cut off from its server it keeps the
// blocks it holds and borrows none. what says so.
func sharedLimit(st *sim.SharedStatus, local int) (limit int, what string) {
	lend := 0
	serving := st.Active || st.Backup.Active
	if serving {
		room, avail := st.PlatformLimit-local-st.Borrowed, st.Available
		for room > 0 {
			n := min(family.SharedBlock, room)
			if avail < n {
				break
			}
			lend, room, avail = lend+n, room-n, avail-n
		}
	}
	what = strconv.Itoa(local) + " local"
	if st.Borrowed > 0 {
		what += " + " + strconv.Itoa(st.Borrowed) + " borrowed"
	}
	switch {
	case lend > 0:
		what += " + " + strconv.Itoa(lend) + " the pool can lend"
	case !serving && !st.ExpiresAt.IsZero():
		what += ", cut off from the server, kept until " + fmtTime(st.ExpiresAt)
	case !serving:
		what += ", no server answering"
	case st.Borrowed == 0:
		return local, "" // nothing shared, nothing to lend
	}
	return local + st.Borrowed + lend, what
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func familyName(l sim.Licensing) string {
	switch l {
	case sim.LicensingPAK:
		return "ASA"
	case sim.LicensingSmart:
		return "ASAv"
	case sim.LicensingIOS:
		return "IOS"
	}
	return "?"
}

// stateOf is the headend's state as the fleet shows it.
func stateOf(sn *sim.Snapshot) (text, key string) {
	d := sn.Device
	switch {
	case sn.PoweredOff:
		return "powered off", "off"
	case d.Reloading(sn.Now):
		return "reloading until " + untilText(d.UpSince(), sn.Now), "reloading"
	case sn.Failover.Enabled && isStandby(sn.Failover.State):
		return "standby", "standby"
	}
	return "up", "up"
}

// untilText is the lab time t, as seen at now: to the second (a unit
// boots in seconds), with the date when it is another day's.
func untilText(t, now time.Time) string {
	t, now = t.UTC(), now.UTC()
	if ty, tm, td := t.Date(); ty != now.Year() || tm != now.Month() || td != now.Day() {
		return t.Format("2006-01-02 15:04:05")
	}
	return t.Format("15:04:05")
}

func isStandby(st sim.FailoverState) bool {
	return st == sim.FailoverStandbyReady || st == sim.FailoverColdStandby
}

// licenseSummary names what the headend's license grants for VPN, in the
// words of its `show version`.
func licenseSummary(sn *sim.Snapshot) string {
	var parts []string
	if k, ok := sn.KeyLicense(); ok {
		f := &k.Features
		if f.Premium > 0 {
			parts = append(parts, "Premium "+strconv.Itoa(f.Premium))
		}
		if f.PlusApex {
			parts = append(parts, "Plus/Apex")
		}
		if f.VPNOnly > 0 {
			parts = append(parts, "VPN Only "+strconv.Itoa(f.VPNOnly))
		}
		if f.Essentials {
			parts = append(parts, "Essentials")
		}
		// A server's key sizes the pool; a participant's only lets it
		// borrow (show version: "Shared License : Enabled").
		if f.SharedPool > 0 {
			parts = append(parts, "Shared "+strconv.Itoa(f.SharedPool))
		} else if f.Shared {
			parts = append(parts, "Shared participant")
		}
		if len(k.Timed) > 0 {
			parts = append(parts, "time-based")
		}
	}
	if sl, ok := sn.SmartLicense(); ok {
		parts = append(parts, "Smart "+strings.ToLower(cmp.Or(sl.Registration, "unregistered"))+", "+strings.ToLower(sl.Authorization))
	}
	if il, ok := sim.IOSLicensingOf(*sn); ok {
		parts = append(parts, "SSL VPN "+strconv.Itoa(il.SSLVPNSeats)+" seats")
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}
