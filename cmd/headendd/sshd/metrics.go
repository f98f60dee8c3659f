package sshd

import "github.com/prometheus/client_golang/prometheus"

// Metrics counts SSH console activity for Prometheus. A nil *Metrics counts
// nothing.
type Metrics struct {
	loginsOK, loginsFailed prometheus.Counter
	sessions               prometheus.Gauge
	refusedTotal           prometheus.Counter
}

// NewMetrics registers the SSH metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	logins := prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "asalab", Subsystem: "ssh", Name: "logins_total",
		Help: "SSH password logins, by result (ok, failed).",
	}, []string{"result"})
	m := &Metrics{
		loginsOK: logins.WithLabelValues("ok"), loginsFailed: logins.WithLabelValues("failed"),
		sessions: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "asalab", Subsystem: "ssh", Name: "sessions",
			Help: "Open SSH console sessions, all headends.",
		}),
		refusedTotal: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "asalab", Subsystem: "ssh", Name: "sessions_refused_total",
			Help: "SSH sessions refused because the headend had its maximum open.",
		}),
	}
	reg.MustRegister(logins, m.sessions, m.refusedTotal)
	return m
}

func (m *Metrics) login(ok bool) {
	switch {
	case m == nil:
	case ok:
		m.loginsOK.Inc()
	default:
		m.loginsFailed.Inc()
	}
}

func (m *Metrics) sessionDelta(d float64) {
	if m != nil {
		m.sessions.Add(d)
	}
}

func (m *Metrics) refused() {
	if m != nil {
		m.refusedTotal.Inc()
	}
}
