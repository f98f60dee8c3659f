// Package metrics is the labs' Prometheus metrics: their headends,
// lifecycle changes, console lines, store syncs, usage records and events,
// counted as they happen, and the admission counters, read at scrape time
// (those of the session tables a lab dropped kept in Totals). A daemon
// registers them once; every lab counts into them through its own
// *Metrics (ForLab), so that the figures sum over the labs and name none.
package metrics

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/sim/eventlog"
)

// Metrics counts a lab's activity for Prometheus. Counters are bound to
// their labels once, at construction, so counting costs no lookup. A nil
// *Metrics counts nothing.
type Metrics struct {
	*shared
	// labHeadends is this lab's part of the headends gauge.
	labHeadends atomic.Int64
}

// shared is what every lab of a registry counts into.
type shared struct {
	headends  prometheus.Gauge
	changes   [numOps]prometheus.Counter
	execLines prometheus.Counter
	persist   prometheus.Histogram
	usage     prometheus.Counter
	events    [eventlog.NumKinds]prometheus.Counter
	adm       *admissionCollector
}

// Op is a headend lifecycle change, as changes_total counts it.
type Op int

// Lifecycle changes.
const (
	OpCreate Op = iota
	OpDelete
	OpReload
	OpRMA
	numOps
)

var opNames = [numOps]string{"create", "delete", "reload", "rma"}

// New registers the lab metrics with reg. The Metrics it returns is one
// lab's; ForLab gives the others theirs.
func New(reg prometheus.Registerer) *Metrics {
	m := &shared{
		adm: &admissionCollector{srcs: map[*Metrics]AdmissionSource{}},
		headends: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "asalab", Subsystem: "lab", Name: "headends",
			Help: "Headends in the lab.",
		}),
		execLines: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "asalab", Subsystem: "lab", Name: "console_lines_total",
			Help: "Console lines run through Exec.",
		}),
		persist: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "asalab", Subsystem: "lab", Name: "persist_seconds",
			Help:    "Time to write a headend change to the store with Sync.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16),
		}),
		usage: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "asalab", Subsystem: "lab", Name: "usage_records_synced_total",
			Help: "Unique-user records (a user on a headend on a lab day) written to the store and synced.",
		}),
	}
	changes := prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "asalab", Subsystem: "lab", Name: "changes_total",
		Help: "Headend lifecycle changes, by operation.",
	}, []string{"op"})
	for i, name := range opNames {
		m.changes[i] = changes.WithLabelValues(name)
	}
	events := prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "asalab", Subsystem: "lab", Name: "events_total",
		Help: "Events written to the lab's event log, by kind.",
	}, []string{"kind"})
	for _, k := range eventlog.Kinds() {
		m.events[k] = events.WithLabelValues(k.String())
	}
	reg.MustRegister(m.headends, m.execLines, m.persist, m.usage, changes, events, m.adm)
	return &Metrics{shared: m}
}

// ForLab is another lab's Metrics, counting into the same registered
// metrics.
func (m *Metrics) ForLab() *Metrics {
	if m == nil {
		return nil
	}
	return &Metrics{shared: m.shared}
}

// SetHeadends sets the number of headends in the lab.
func (m *Metrics) SetHeadends(n int) {
	if m != nil {
		old := m.labHeadends.Swap(int64(n))
		m.headends.Add(float64(int64(n) - old))
	}
}

// Count counts one lifecycle change.
func (m *Metrics) Count(o Op) {
	if m != nil {
		m.changes[o].Inc()
	}
}

// CountExec counts console lines run through Exec.
func (m *Metrics) CountExec(lines int) {
	if m != nil {
		m.execLines.Add(float64(lines))
	}
}

// CountUsage counts usage records written and synced.
func (m *Metrics) CountUsage(records int) {
	if m != nil {
		m.usage.Add(float64(records))
	}
}

// CountEvents counts events written to the log, by kind.
func (m *Metrics) CountEvents(evs []eventlog.Event) {
	if m != nil {
		for i := range evs {
			m.events[evs[i].Kind].Inc()
		}
	}
}

// ObservePersist records how long a change took to reach the store.
func (m *Metrics) ObservePersist(d time.Duration) {
	if m != nil {
		m.persist.Observe(d.Seconds())
	}
}

// AdmissionSource is what the admission metrics read at scrape time: the
// admission counters of every headend, past and present.
type AdmissionSource interface {
	AdmissionTotals() (admitted [headend.NumKinds]uint64, refused [headend.NumReasons]uint64, active int)
}

// Watch adds the admission counters of src, the lab's, to the admission
// metrics: they are read from the headends' counters at scrape time, so
// that admitting a connection costs the metrics nothing.
func (m *Metrics) Watch(src AdmissionSource) {
	if m != nil {
		m.adm.mu.Lock()
		m.adm.srcs[m] = src
		m.adm.mu.Unlock()
	}
}

// Unwatch takes the lab out of the metrics as it closes: its headends leave
// the gauge, and its admission counters are kept as they are last, so that
// the counters never go backwards when a lab is deleted.
func (m *Metrics) Unwatch() {
	if m == nil {
		return
	}
	m.SetHeadends(0)
	c := m.adm
	c.mu.Lock()
	defer c.mu.Unlock()
	src, ok := c.srcs[m]
	if !ok {
		return
	}
	delete(c.srcs, m)
	admitted, refused, _ := src.AdmissionTotals()
	for k, n := range admitted {
		c.admitted[k] += n
	}
	for r, n := range refused {
		c.refused[r] += n
	}
}

var (
	decisionsDesc = prometheus.NewDesc("asalab_admission_decisions_total",
		"Connection admission decisions, by result and refusal reason.", []string{"result", "reason"}, nil)
	admittedDesc = prometheus.NewDesc("asalab_admission_admitted_total",
		"Connections admitted, by kind.", []string{"kind"}, nil)
	activeDesc = prometheus.NewDesc("asalab_admission_active_sessions",
		"VPN sessions active now, over all headends.", nil, nil)
)

// admissionCollector sums the admission counters of the labs watched and of
// those gone.
type admissionCollector struct {
	mu       sync.Mutex
	srcs     map[*Metrics]AdmissionSource
	admitted [headend.NumKinds]uint64
	refused  [headend.NumReasons]uint64
}

func (c *admissionCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- decisionsDesc
	ch <- admittedDesc
	ch <- activeDesc
}

func (c *admissionCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	admitted, refused, active := c.admitted, c.refused, 0
	for _, src := range c.srcs {
		a, r, n := src.AdmissionTotals()
		for k := range a {
			admitted[k] += a[k]
		}
		for k := range r {
			refused[k] += r[k]
		}
		active += n
	}
	c.mu.Unlock()
	var total uint64
	for k := headend.KindAnyConnect; int(k) < headend.NumKinds; k++ {
		total += admitted[k]
		ch <- prometheus.MustNewConstMetric(admittedDesc, prometheus.CounterValue, float64(admitted[k]), k.String())
	}
	ch <- prometheus.MustNewConstMetric(decisionsDesc, prometheus.CounterValue, float64(total), "admitted", "none")
	for r := headend.ReasonPremiumLimit; int(r) < headend.NumReasons; r++ {
		ch <- prometheus.MustNewConstMetric(decisionsDesc, prometheus.CounterValue, float64(refused[r]), "refused", r.String())
	}
	ch <- prometheus.MustNewConstMetric(activeDesc, prometheus.GaugeValue, float64(active))
}
