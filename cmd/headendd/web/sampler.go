package web

import (
	"sync"
	"time"

	"github.com/asalab/asalab/sim"
)

// sampler keeps the session counts of a lab over lab time for the charts:
// a fixed number of samples, at
// least SampleEvery of lab time apart, the oldest dropped. Every headend's
// samples are taken at the fleet's instants, so one ring of times serves
// them all and a headend's sample is 4 bytes. It samples when the lab's
// events say something changed (a clock move among them) and, for a lab on
// the real clock, every Tick. It reads the headends' counters by name and
// lists the fleet (which copies every headend) again only when a headend
// may have come, gone or been renamed.
type sampler struct {
	lab   *sim.Lab
	every time.Duration
	n     int

	mu sync.Mutex
	// at[i] is the lab time (unix seconds) of sample i of the ring;
	// head is the next slot to write, size the samples held.
	at         []int64
	head, size int
	fleet      []fleetSample
	hosts      map[string][]hostSample
	// base is the fleet's counts when the first sample held was taken
	// (hasBase: it is still held), what the first interval counts from.
	base    fleetSample
	hasBase bool
	// names are the headends' names as last listed; dirty: list again.
	names []string
	dirty bool
}

// fleetSample sums the lab: admissions per kind and refusals per reason
// since the lab's first (cumulative), and the active sessions.
type fleetSample struct {
	Admitted [sim.NumKinds]uint64
	Refused  [sim.NumReasons]uint64
	Active   int
}

// hostSample is one headend at a sample; Active -1: it did not exist.
type hostSample struct {
	Active int32
}

func newSampler(lab *sim.Lab, every time.Duration, n int) *sampler {
	return &sampler{lab: lab, every: every, n: n, at: make([]int64, n), fleet: make([]fleetSample, n), hosts: map[string][]hostSample{}, dirty: true}
}

// sampler is the lab's sampler, started on first use and stopped when the
// lab closes or the server does.
func (s *Server) sampler(lab *sim.Lab) *sampler {
	s.smu.Lock()
	defer s.smu.Unlock()
	if sm := s.samplers[lab]; sm != nil {
		return sm
	}
	sm := newSampler(lab, s.o.SampleEvery, s.o.SamplePoints)
	sm.sample(false)
	s.samplers[lab] = sm
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer func() {
			s.smu.Lock()
			delete(s.samplers, lab)
			s.smu.Unlock()
			s.cmu.Lock()
			delete(s.counted, lab) // a closed lab's count is for nobody
			s.cmu.Unlock()
		}()
		ctx := s.ctx
		done := make(chan struct{})
		if lab.Clock().Mode() != sim.ClockSimulated {
			go func() {
				t := time.NewTicker(s.o.Tick)
				defer t.Stop()
				for {
					select {
					case <-t.C:
						sm.sample(false)
					case <-done:
						return
					}
				}
			}()
		}
		_ = lab.WatchEvents(ctx, lab.LastEvent(), sim.EventFilter{}, func(evs []sim.Event) error {
			moved := false
			for i := range evs {
				switch evs[i].Kind {
				case sim.EventCreated, sim.EventDeleted, sim.EventConfigChanged, sim.EventRMA:
					sm.mu.Lock()
					sm.dirty = true
					sm.mu.Unlock()
				case sim.EventClock:
					moved = true
				}
			}
			if moved {
				sm.clockMoved()
			} else {
				sm.sample(false)
			}
			return nil
		})
		close(done)
	}()
	return sm
}

// sample takes a sample if the lab time moved SampleEvery since the last
// (force: whatever the time). While the lab time stands (a simulated
// clock between moves) the last sample follows the counts instead, so
// that what was done at that time is drawn there. A clock set back
// empties the ring: the charts are of one time line.
func (sm *sampler) sample(force bool) {
	// The time and counts are read under mu: read before it, a sampler
	// that lost the race to another would see its own reading older than
	// the last sample and take it for a clock set back.
	sm.mu.Lock()
	defer sm.mu.Unlock()
	now, f := sm.read()
	if sm.size > 0 {
		li := sm.index(sm.size - 1)
		last := sm.at[li]
		switch {
		case now < last:
			sm.reset()
		case now == last:
			if force || f != sm.fleet[li] {
				sm.fill(li, f)
			}
			return
		case !force && now-last < int64(sm.every/time.Second):
			return
		}
	}
	sm.add(now, f)
}

// clockMoved samples after a move of the lab clock, whatever its size:
// first the counts as they stood before the move, at the last sample's
// time (what was done since happened then: the clock did not move in
// between, or its event would have come first), then at the new time.
func (sm *sampler) clockMoved() {
	sm.mu.Lock() // before the readings, as in sample
	defer sm.mu.Unlock()
	now, f := sm.read()
	if sm.size > 0 {
		li := sm.index(sm.size - 1)
		last := sm.at[li]
		if now < last {
			sm.reset()
		} else {
			sm.fill(li, f)
			if now == last {
				return
			}
		}
	}
	sm.add(now, f)
}

// read is the lab time (unix seconds) and the fleet's counts now. Called
// with mu held.
func (sm *sampler) read() (now int64, f fleetSample) {
	now = sm.lab.Clock().Now().Unix()
	f.Admitted, f.Refused, f.Active = sm.lab.AdmissionTotals()
	return now, f
}

// reset empties the ring, after a clock set back. Called with mu held.
func (sm *sampler) reset() {
	sm.size, sm.head = 0, 0
	clear(sm.hosts)
}

// add takes a sample at now, f the fleet's counts. Called with mu held.
func (sm *sampler) add(now int64, f fleetSample) {
	if sm.size == 0 {
		sm.base, sm.hasBase = f, true
	} else if sm.size == sm.n {
		sm.hasBase = false // the oldest sample, the first since base, is overwritten
	}
	i := sm.head
	sm.at[i] = now
	sm.fill(i, f)
	sm.head = (sm.head + 1) % sm.n
	sm.size = min(sm.size+1, sm.n)
}

// fill writes the counts of sample i: f for the fleet, each headend's
// read now. Called with mu held.
func (sm *sampler) fill(i int, f fleetSample) {
	sm.fleet[i] = f
	if sm.dirty {
		sm.names = sm.names[:0]
		eachHeadend(sm.lab, func(sn *sim.Snapshot) { sm.names = append(sm.names, sn.LabName()) })
		sm.dirty = false
	}
	seen := make(map[string]bool, len(sm.names))
	for _, name := range sm.names {
		cn, err := sm.lab.Counts(name)
		if err != nil {
			sm.dirty = true // gone or renamed since the list
			continue
		}
		h := sm.hosts[name]
		if h == nil {
			h = make([]hostSample, sm.n)
			for k := range h {
				h[k].Active = -1
			}
			sm.hosts[name] = h
		}
		h[i] = hostSample{Active: int32(cn.Total())}
		seen[name] = true
	}
	for name, h := range sm.hosts {
		if !seen[name] {
			// A headend gone from the lab keeps its history while it has
			// some in the ring.
			h[i] = hostSample{Active: -1}
			if sm.emptyExcept(h, i) {
				delete(sm.hosts, name)
			}
		}
	}
}

func (sm *sampler) emptyExcept(h []hostSample, i int) bool {
	for k := range h {
		if k != i && h[k].Active >= 0 {
			return false
		}
	}
	return true
}

// index is the ring slot of the k-th sample, oldest first.
func (sm *sampler) index(k int) int { return (sm.head - sm.size + k + sm.n) % sm.n }

// series is the samples in order: their lab times, the fleet's, and the
// active sessions of the named headends (-1 where one did not exist);
// base is the fleet's counts before the first (nil: not known, the ring
// has wrapped).
func (sm *sampler) series(hosts []string) (at []time.Time, fleet []fleetSample, per map[string][]int, base *fleetSample) {
	sm.mu.Lock()
	defer sm.mu.Unlock()
	if sm.hasBase {
		b := sm.base
		base = &b
	}
	at = make([]time.Time, sm.size)
	fleet = make([]fleetSample, sm.size)
	per = make(map[string][]int, len(hosts))
	for _, n := range hosts {
		if h := sm.hosts[n]; h != nil {
			v := make([]int, sm.size)
			for k := range v {
				v[k] = int(h[sm.index(k)].Active)
			}
			per[n] = v
		}
	}
	for k := 0; k < sm.size; k++ {
		i := sm.index(k)
		at[k] = time.Unix(sm.at[i], 0).UTC()
		fleet[k] = sm.fleet[i]
	}
	return at, fleet, per, base
}
