package sim

import (
	"net/netip"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/sim/sharedlic"
)

// sharedService joins the lab's shared licensing service (package
// sharedlic, which holds its rules and state) to the lab core: it tells
// the service of the headends' devices, and is the service's way to the
// lab network and to the change pipeline (sharedlic.Lab).
type sharedService struct {
	svc *sharedlic.Service
	l   *Lab
	// hs are the headends the service was told of, by id: the service
	// names them by id. Its lock is a leaf.
	mu sync.Mutex
	hs map[uint64]*Headend
}

func newSharedService(l *Lab) *sharedService {
	s := &sharedService{l: l, hs: map[uint64]*Headend{}}
	s.svc = sharedlic.New(s)
	return s
}

// noteDevice tells the service that h's device is now d (a change, a
// reload, the lab's start). Called with h.mu held.
func (s *sharedService) noteDevice(h *Headend, d family.Device, now time.Time) {
	s.mu.Lock()
	s.hs[h.id] = h
	s.mu.Unlock()
	s.svc.NoteDevice(h.id, h.adm, d, now)
}

// drop forgets a deleted headend.
func (s *sharedService) drop(h *Headend, now time.Time) {
	s.svc.Drop(h.id, now)
	s.mu.Lock()
	delete(s.hs, h.id)
	s.mu.Unlock()
}

// load restores the service's stored state. Called by OpenLab once the
// headends are loaded.
func (s *sharedService) load(now time.Time) error {
	return s.svc.Load(now, func(fn func(id uint64, v []byte) error) error {
		return s.l.store.Shared(s.l.name, fn)
	})
}

func (s *sharedService) netChanged(now time.Time) { s.svc.NetChanged(now) }
func (s *sharedService) settle(now time.Time)     { s.svc.Settle(now) }
func (s *sharedService) flush() error             { return s.svc.Flush() }

// settleShared brings the shared licensing service to the lab time.
func (l *Lab) settleShared() { l.shared.settle(l.clock.Now()) }

func (s *sharedService) headend(id uint64) *Headend {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hs[id]
}

// Holders are the headends that hold addr, by hostname then id, as seen
// from the headend from (sharedlic.Lab).
func (s *sharedService) Holders(from uint64, addr netip.Addr) []sharedlic.Reach {
	h := s.headend(from)
	if h == nil {
		return nil
	}
	rs := s.l.net.Holders(h, addr)
	if len(rs) == 0 {
		return nil
	}
	out := make([]sharedlic.Reach, 0, len(rs))
	for _, r := range rs {
		out = append(out, sharedlic.Reach{ID: r.H.id, UpAt: r.UpAt, Path: r.Path})
	}
	return out
}

// Off reports whether headend id is powered off (sharedlic.Lab).
func (s *sharedService) Off(id uint64) bool {
	h := s.headend(id)
	return h != nil && s.l.net.Off(h)
}

// Write stores the service's records and logs its steps on their units,
// in one synced batch with their events (sharedlic.Lab).
func (s *sharedService) Write(recs map[uint64][]byte, notes []sharedlic.Note) error {
	l := s.l
	b := l.store.NewBatch(l.name)
	defer b.Close()
	for id, v := range recs {
		var err error
		if v == nil {
			err = b.DeleteShared(id)
		} else {
			err = b.PutShared(id, v)
		}
		if err != nil {
			return err
		}
	}
	lg, err := l.logShared(b, notes, s.headend)
	if err != nil {
		return err
	}
	defer lg.done()
	return l.commit(b, lg.evs, lg.apply)
}

// Failed logs an error of a write nobody waits for (sharedlic.Lab).
func (s *sharedService) Failed(err error) {
	s.l.log.Error("writing shared licensing", zap.String("lab", s.l.name), zap.Error(err))
}

// SharedStatus is the shared licensing service as h sees it (family.Host):
// what `show shared license` shows on it. It takes the service's lock
// only, so a console may ask with the headend locked.
func (h *Headend) SharedStatus() family.SharedStatus {
	return h.lab.shared.svc.Status(h.id, h.lab.clock.Now())
}

// SharedPool is the hostname of the server whose pool h borrows from ("":
// none), for an admission that took a shared session.
func (h *Headend) SharedPool() string { return h.lab.shared.svc.Pool(h.id) }
