// Package metrics is a lab's Prometheus metrics: its headends, lifecycle
// changes, console lines, store syncs, usage records and events, counted
// as they happen, and the admission counters, read at scrape time (those
// of the session tables the lab dropped kept in Totals).
package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/sim/eventlog"
)

// Metrics counts a lab's activity for Prometheus. Counters are bound to
// their labels once, at construction, so counting costs no lookup. A nil
// *Metrics counts nothing.
type Metrics struct {
	reg       prometheus.Registerer
	headends  prometheus.Gauge
	changes   [numOps]prometheus.Counter
	execLines prometheus.Counter
	persist   prometheus.Histogram
	usage     prometheus.Counter
	events    [eventlog.NumKinds]prometheus.Counter
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

// New registers the lab metrics with reg.
func New(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		reg: reg,
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
	reg.MustRegister(m.headends, m.execLines, m.persist, m.usage, changes, events)
	return m
}

// SetHeadends sets the number of headends in the lab.
func (m *Metrics) SetHeadends(n int) {
	if m != nil {
		m.headends.Set(float64(n))
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

// Watch registers the admission metrics of src: they are read from the
// headends' counters at scrape time, so that admitting a connection costs
// the metrics nothing.
func (m *Metrics) Watch(src AdmissionSource) {
	if m != nil {
		m.reg.MustRegister(&admissionCollector{src: src})
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

type admissionCollector struct{ src AdmissionSource }

func (c *admissionCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- decisionsDesc
	ch <- admittedDesc
	ch <- activeDesc
}

func (c *admissionCollector) Collect(ch chan<- prometheus.Metric) {
	admitted, refused, active := c.src.AdmissionTotals()
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
