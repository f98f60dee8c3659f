package sim

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/asalab/asalab/sim/metrics"
)

// Metrics counts a lab's activity for Prometheus (package metrics). A nil
// *Metrics counts nothing.
type Metrics = metrics.Metrics

// NewMetrics registers the lab metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics { return metrics.New(reg) }
