package web

import (
	"cmp"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/asalab/asalab/sim"
)

// chartHosts is how many headends the per-headend chart draws: the busiest
// now, or the one asked for.
const chartHosts = 8

type chartsData struct {
	base
	Samples int
	Every   string
	Fleet   template.HTML
	Flow    template.HTML
	PerHost template.HTML
	Days    template.HTML
	// Totals: admitted and refused (by reason) in the samples' span.
	Admitted uint64
	Refused  []reasonCount
	Timed    []timedBar
	Hosts    []string
}

type reasonCount struct {
	Reason string
	N      uint64
}

type timedBar struct {
	Hostname, Key string
	Days          int
	Active        bool
}

// palette has colours that keep a contrast of 3:1 or more against white
// (WCAG 2.1 non-text contrast), told apart by a dash pattern too.
var palette = []string{"#1f5fbf", "#b3261e", "#1b7f3b", "#8a4b00", "#6a3fb5", "#00677f", "#9c2a6b", "#4d4d4d"}
var dashes = []string{"", "6 3", "2 3", "8 3 2 3", "", "6 3", "2 3", "8 3 2 3"}

type series struct {
	Name string
	V    []int // -1: no value
}

func (s *Server) chartsPage(w http.ResponseWriter, r *http.Request, c *labCtx) {
	sm := s.sampler(c.lab)
	sm.sample(false)
	d := chartsData{base: s.base(c, "Charts of "+c.name, "charts"), Every: s.o.SampleEvery.String()}

	// The busiest headends now, or the one asked for.
	rows := s.fleetRows(c.lab)
	want := r.URL.Query().Get("headend")
	slices.SortFunc(rows, func(a, b fleetRow) int {
		return cmp.Or(cmp.Compare(b.Active, a.Active), cmp.Compare(a.Hostname, b.Hostname))
	})
	var hosts []string
	for _, row := range rows {
		if want != "" && row.Hostname != want {
			continue
		}
		if len(hosts) < chartHosts {
			hosts = append(hosts, row.Hostname)
		}
	}
	d.Hosts = hosts
	at, fleet, per, base := sm.series(hosts)
	// The charts end at the lab's time with the counts as they are, also
	// between samples (a lab on the real clock samples every SampleEvery).
	if now := c.lab.Clock().Now().UTC(); len(at) == 0 || now.Truncate(time.Second).After(at[len(at)-1]) {
		var f fleetSample
		f.Admitted, f.Refused, f.Active = c.lab.AdmissionTotals()
		at, fleet = append(at, now), append(fleet, f)
		for _, h := range hosts {
			v := -1
			if cn, err := c.lab.Counts(h); err == nil {
				v = cn.Total()
			}
			if _, ok := per[h]; !ok {
				per[h] = make([]int, len(at)-1)
				for k := range per[h] {
					per[h][k] = -1
				}
			}
			per[h] = append(per[h], v)
		}
	}
	d.Samples = len(at)

	active := series{Name: "fleet active sessions", V: make([]int, len(at))}
	for i := range fleet {
		active.V[i] = fleet[i].Active
	}
	d.Fleet = lineChart("chart-fleet", "Active sessions of the fleet over lab time", at, []series{active})

	// Per interval: admitted, and refused by each reason that refused.
	// The first sample's interval counts from the counts when sampling
	// began, while that sample is held.
	from := 1
	prev := func(i int) *fleetSample { return &fleet[i-1] }
	if base != nil {
		from = 0
		prev = func(i int) *fleetSample {
			if i == 0 {
				return base
			}
			return &fleet[i-1]
		}
	}
	if len(at) > from {
		adm := series{Name: "admitted", V: make([]int, len(at))}
		adm.V[0] = -1
		var reasons []series
		for rs := 1; rs < sim.NumReasons; rs++ {
			v := make([]int, len(at))
			v[0] = -1
			any := false
			var total uint64
			for i := from; i < len(at); i++ {
				n := delta(fleet[i].Refused[rs], prev(i).Refused[rs])
				v[i] = int(n)
				total += n
				any = any || n > 0
			}
			if any {
				name := sim.Reason(rs).String()
				reasons = append(reasons, series{Name: "refused: " + name, V: v})
				d.Refused = append(d.Refused, reasonCount{Reason: name, N: total})
			}
		}
		for i := from; i < len(at); i++ {
			var n uint64
			for k := range fleet[i].Admitted {
				n += delta(fleet[i].Admitted[k], prev(i).Admitted[k])
			}
			adm.V[i] = int(n)
			d.Admitted += n
		}
		d.Flow = lineChart("chart-flow", "Connections admitted and refused per sample interval, by reason", at, append([]series{adm}, reasons...))
	}

	var ps []series
	for _, h := range hosts {
		if v, ok := per[h]; ok {
			ps = append(ps, series{Name: h, V: v})
		}
	}
	d.PerHost = lineChart("chart-headends", "Active sessions per headend over lab time", at, ps)

	eachHeadend(c.lab, func(sn *sim.Snapshot) {
		if k, ok := sn.KeyLicense(); ok {
			for _, t := range k.Timed {
				d.Timed = append(d.Timed, timedBar{Hostname: sn.LabName(), Key: t.Key, Days: t.DaysRemaining, Active: t.Active})
			}
		}
	})
	slices.SortStableFunc(d.Timed, func(a, b timedBar) int { return cmp.Compare(a.Days, b.Days) })
	d.Days = barChart("chart-days", "Days left on time-based keys", d.Timed)
	s.render(w, http.StatusOK, "charts", d)
}

func delta(now, before uint64) uint64 {
	if now < before {
		return now
	}
	return now - before
}

const (
	chartW, chartH           = 720, 240
	padL, padR, padT, padB   = 56, 16, 16, 40
	plotW, plotH             = chartW - padL - padR, chartH - padT - padB
	legendRow, legendPerLine = 18, 3
	markMax                  = 48
)

// lineChart draws series over the sample times as an inline SVG, with a
// title for screen readers and a legend in text.
func lineChart(id, title string, at []time.Time, ss []series) template.HTML {
	var b strings.Builder
	lines := (len(ss) + legendPerLine - 1) / legendPerLine
	h := chartH + 12 + lines*legendRow
	fmt.Fprintf(&b, `<svg id="%s" class="chart" role="img" aria-labelledby="%s-title" viewBox="0 0 %d %d" width="%d" height="%d" data-points="%d" data-series="%d">`,
		id, id, chartW, h, chartW, h, len(at), len(ss))
	fmt.Fprintf(&b, `<title id="%s-title">%s</title>`, id, html.EscapeString(title))
	if len(at) == 0 || len(ss) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="empty">No samples yet: they come as the lab clock moves.</text></svg>`, padL, padT+plotH/2)
		return template.HTML(b.String())
	}
	top := 1
	for _, s := range ss {
		for _, v := range s.V {
			top = max(top, v)
		}
	}
	top = niceCeil(top)
	x := func(i int) float64 {
		if len(at) == 1 {
			return padL + plotW/2
		}
		return padL + float64(plotW)*float64(i)/float64(len(at)-1)
	}
	y := func(v int) float64 { return padT + float64(plotH)*(1-float64(v)/float64(top)) }
	// Axes, the value grid at 0, half and the top.
	fmt.Fprintf(&b, `<g class="axis">`)
	grid := []int{0, top}
	if top >= 2 {
		grid = []int{0, top / 2, top}
	}
	for _, v := range grid {
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" class="grid"/><text x="%d" y="%.1f" text-anchor="end">%d</text>`,
			padL, y(v), padL+plotW, y(v), padL-6, y(v)+4, v)
	}
	first, last := at[0], at[len(at)-1]
	fmt.Fprintf(&b, `<text x="%d" y="%d">%s</text>`, padL, padT+plotH+16, first.Format("Jan 2 15:04"))
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`, padL+plotW, padT+plotH+16, last.Format("Jan 2 15:04"))
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">lab time (UTC)</text></g>`, padL+plotW/2, padT+plotH+32)
	for k, s := range ss {
		col, dash := palette[k%len(palette)], dashes[k%len(dashes)]
		var pts strings.Builder
		for i, v := range s.V {
			if v < 0 {
				continue
			}
			fmt.Fprintf(&pts, "%.1f,%.1f ", x(i), y(v))
		}
		fmt.Fprintf(&b, `<polyline class="series" data-series="%s" fill="none" stroke="%s" stroke-width="2" stroke-dasharray="%s" points="%s"><title>%s</title></polyline>`,
			html.EscapeString(s.Name), col, dash, strings.TrimSpace(pts.String()), html.EscapeString(s.Name))
		// Few samples: a mark on each, so that one sample shows at all.
		if len(at) <= markMax {
			for i, v := range s.V {
				if v >= 0 {
					fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`, x(i), y(v), col)
				}
			}
		}
		lx := padL + (k%legendPerLine)*(plotW/legendPerLine)
		ly := chartH + 12 + (k/legendPerLine)*legendRow
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="3" stroke-dasharray="%s"/><text x="%d" y="%d">%s</text>`,
			lx, ly-4, lx+24, ly-4, col, dash, lx+30, ly, html.EscapeString(s.Name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// barChart draws the days left on each time-based key, shortest first.
func barChart(id, title string, bars []timedBar) template.HTML {
	var b strings.Builder
	const row = 22
	h := padT + max(1, len(bars))*row + 24
	fmt.Fprintf(&b, `<svg id="%s" class="chart" role="img" aria-labelledby="%s-title" viewBox="0 0 %d %d" width="%d" height="%d" data-bars="%d">`,
		id, id, chartW, h, chartW, h, len(bars))
	fmt.Fprintf(&b, `<title id="%s-title">%s</title>`, id, html.EscapeString(title))
	if len(bars) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="empty">No time-based keys in the lab.</text></svg>`, padL, padT+14)
		return template.HTML(b.String())
	}
	top := 1
	for _, t := range bars {
		top = max(top, t.Days)
	}
	top = niceCeil(top)
	const left = 200
	wid := chartW - left - padR - 60
	for i, t := range bars {
		yy := padT + i*row
		w := wid * t.Days / top
		col := palette[0]
		if t.Days <= 7 {
			col = palette[1]
		}
		label := t.Hostname
		if !t.Active {
			label += " (inactive)"
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text><rect x="%d" y="%d" width="%d" height="%d" fill="%s" data-hostname="%s" data-days="%d"><title>%s: %d days left</title></rect><text x="%d" y="%d">%d d</text>`,
			left-6, yy+14, html.EscapeString(label), left, yy+3, max(w, 1), row-6, col, html.EscapeString(t.Hostname), t.Days,
			html.EscapeString(t.Hostname+" "+t.Key), t.Days, left+max(w, 1)+6, yy+14, t.Days)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// niceCeil rounds a chart's top value up to 1, 2 or 5 times a power of 10.
func niceCeil(v int) int {
	p := 1
	for p*10 <= v {
		p *= 10
	}
	for _, m := range []int{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}
