package sshd

import "github.com/prometheus/client_golang/prometheus"

// Metrics counts SSH console activity for Prometheus. A nil *Metrics counts
// nothing.
type Metrics struct {
	loginsOK, loginsFailed prometheus.Counter
	sessions               prometheus.Gauge
	refusedTotal           prometheus.Counter
	loginsThrottled        prometheus.Counter
	connsRefused           *prometheus.CounterVec
	stalledTotal           prometheus.Counter
}

// NewMetrics registers the SSH metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	logins := prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "asalab", Subsystem: "ssh", Name: "logins_total",
		Help: "SSH password logins, by result (ok, failed, throttled: refused unchecked after too many failures).",
	}, []string{"result"})
	m := &Metrics{
		loginsOK: logins.WithLabelValues("ok"), loginsFailed: logins.WithLabelValues("failed"),
		loginsThrottled: logins.WithLabelValues("throttled"),
		connsRefused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "asalab", Subsystem: "ssh", Name: "connections_refused_total",
			Help: "SSH connections closed on accept because too many were not logged in yet, by cap (unauthenticated_total, unauthenticated_per_address).",
		}, []string{"reason"}),
		stalledTotal: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "asalab", Subsystem: "ssh", Name: "stalled_connections_total",
			Help: "SSH connections closed because the client took no output for the idle timeout.",
		}),
		sessions: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "asalab", Subsystem: "ssh", Name: "sessions",
			Help: "Open SSH console sessions, all headends.",
		}),
		refusedTotal: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "asalab", Subsystem: "ssh", Name: "sessions_refused_total",
			Help: "SSH sessions refused because the headend had its maximum open.",
		}),
	}
	reg.MustRegister(logins, m.sessions, m.refusedTotal, m.connsRefused, m.stalledTotal)
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

func (m *Metrics) loginThrottled() {
	if m != nil {
		m.loginsThrottled.Inc()
	}
}

func (m *Metrics) connRefused(reason string) {
	if m != nil {
		m.connsRefused.WithLabelValues(reason).Inc()
	}
}

func (m *Metrics) stalled() {
	if m != nil {
		m.stalledTotal.Inc()
	}
}
