package sim

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics counts a lab's activity for Prometheus. Counters are bound to
// their labels once, at construction, so counting costs no lookup. A nil
// *Metrics counts nothing.
type Metrics struct {
	headends  prometheus.Gauge
	changes   [numOps]prometheus.Counter
	execLines prometheus.Counter
	persist   prometheus.Histogram
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
	}
	changes := prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "asalab", Subsystem: "lab", Name: "changes_total",
		Help: "Headend lifecycle changes, by operation.",
	}, []string{"op"})
	for i, name := range opNames {
		m.changes[i] = changes.WithLabelValues(name)
	}
	reg.MustRegister(m.headends, m.execLines, m.persist, changes)
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

func (m *Metrics) observePersist(d time.Duration) {
	if m != nil {
		m.persist.Observe(d.Seconds())
	}
}
