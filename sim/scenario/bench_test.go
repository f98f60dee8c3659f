package scenario_test

import (
	"testing"
	"time"
)

// BenchmarkLabHour is the cost of one hour of lab time in the
// shared-to-plus scenario, from its 08:00 start on (the curve rising
// from 300 users to 600 by 10:00, level then): with its traffic, the
// clock passes 60 one-minute steps, each a synced clock move, the
// traffic's admissions and releases through the admission path, and the
// refusals' flush. Baselines measured in the same run on the same fleet:
// the clock moved through the same 60 steps without traffic, and moved
// by the hour at once.
func BenchmarkLabHour(b *testing.B) {
	for _, c := range []struct {
		name    string
		steps   int
		traffic bool
	}{{"baseline-one-move", 1, false}, {"baseline-60-moves", 60, false}, {"traffic-60-steps", 1, true}} {
		b.Run(c.name, func(b *testing.B) {
			tl := openLab(b)
			st, err := tl.eng.Start("shared-to-plus")
			if err != nil {
				b.Fatal(err)
			}
			if !c.traffic {
				tl.lab.SetTraffic(0, nil)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				hour := st.StartedAt.Add(time.Duration(i) * time.Hour)
				for m := 1; m <= c.steps; m++ {
					if _, err := tl.lab.SetClock(hour.Add(time.Duration(m) * time.Hour / time.Duration(c.steps))); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkScenarioStart is the cost of a scenario's start in a new lab:
// asav-smart's setup moves the lab clock through the 91 days before its
// start (v4 registered 89 days 20 hours before, its failed renewals),
// against the baseline shared-to-plus, whose setup spans a day, measured
// in the same run.
func BenchmarkScenarioStart(b *testing.B) {
	for _, name := range []string{"shared-to-plus", "asav-smart"} {
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				tl := openLab(b)
				b.StartTimer()
				if _, err := tl.eng.Start(name); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				tl.close()
				b.StartTimer()
			}
		})
	}
}
