package metrics

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/asalab/asalab/headend"
)

type fakeSource struct {
	admitted uint64
	active   int
}

func (f fakeSource) AdmissionTotals() (a [headend.NumKinds]uint64, r [headend.NumReasons]uint64, active int) {
	a[headend.KindAnyConnect] = f.admitted
	return a, r, f.active
}

// TestLabsShareMetrics: the metrics of two labs are one set of series,
// their sums; a lab gone leaves its headends out and its admissions in, so
// that no counter goes backwards.
func TestLabsShareMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	a := New(reg)
	b := a.ForLab()
	a.Watch(fakeSource{admitted: 5, active: 2})
	b.Watch(fakeSource{admitted: 7, active: 3})
	a.SetHeadends(4)
	b.SetHeadends(6)
	b.SetHeadends(10)
	values := func() (headends, admitted, active float64) {
		t.Helper()
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			ms := mf.GetMetric()
			switch mf.GetName() {
			case "asalab_lab_headends":
				headends = ms[0].GetGauge().GetValue()
			case "asalab_admission_active_sessions":
				active = ms[0].GetGauge().GetValue()
			case "asalab_admission_admitted_total":
				for _, m := range ms {
					admitted += m.GetCounter().GetValue()
				}
			}
		}
		return
	}
	if h, ad, ac := values(); h != 14 || ad != 12 || ac != 5 {
		t.Fatalf("two labs: headends %v, admitted %v, active %v; want 14, 12, 5", h, ad, ac)
	}
	b.Unwatch()
	if h, ad, ac := values(); h != 4 || ad != 12 || ac != 2 {
		t.Fatalf("one gone: headends %v, admitted %v, active %v; want 4, 12, 2", h, ad, ac)
	}
}
