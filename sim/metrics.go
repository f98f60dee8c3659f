package sim

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

type op int

const (
	opCreate op = iota
	opDelete
	opReload
	opRMA
	numOps
)

var opNames = [numOps]string{"create", "delete", "reload", "rma"}

// NewMetrics registers the lab metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
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
	for _, k := range EventKinds() {
		m.events[k] = events.WithLabelValues(k.String())
	}
	reg.MustRegister(m.headends, m.execLines, m.persist, m.usage, changes, events)
	return m
}

func (m *Metrics) setHeadends(n int) {
	if m != nil {
		m.headends.Set(float64(n))
	}
}

func (m *Metrics) count(o op) {
	if m != nil {
		m.changes[o].Inc()
	}
}

func (m *Metrics) countExec(lines int) {
	if m != nil {
		m.execLines.Add(float64(lines))
	}
}

func (m *Metrics) countUsage(records int) {
	if m != nil {
		m.usage.Add(float64(records))
	}
}

func (m *Metrics) countEvents(evs []Event) {
	if m != nil {
		for i := range evs {
			m.events[evs[i].Kind].Inc()
		}
	}
}

func (m *Metrics) observePersist(d time.Duration) {
	if m != nil {
		m.persist.Observe(d.Seconds())
	}
}

// watch registers the admission metrics of lab l: they are read from the
// headends' counters at scrape time, so that admitting a connection costs
// the metrics nothing.
func (m *Metrics) watch(l *Lab) {
	if m != nil {
		m.reg.MustRegister(&admissionCollector{lab: l})
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

type admissionCollector struct{ lab *Lab }

func (c *admissionCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- decisionsDesc
	ch <- admittedDesc
	ch <- activeDesc
}

func (c *admissionCollector) Collect(ch chan<- prometheus.Metric) {
	admitted, refused, active := c.lab.AdmissionTotals()
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
