package sharedlic

import (
	"net/netip"
	"time"

	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/headend/family"
)

// sharedOf is what a device tells of shared licensing: its license-server
// lines, the pool its shared-server key carries and whether it holds a
// participant key, and its addresses on the server and backup interfaces.
// ok is false for a device that takes no part.
type sharedInfo struct {
	cfg         family.SharedConfig
	pool        int
	participant bool
	local       int
	srvAddrs    []netip.Addr
	bkAddr      netip.Addr
}

// readShared reads what d tells of shared licensing at now; ok is false
// for a device that takes no part (no shared key, no license-server line).
func readShared(d family.Device, now time.Time) (in sharedInfo, ok bool) {
	s, ok := d.(family.SharedLicensing)
	if !ok {
		return in, false
	}
	in.cfg = s.SharedConfig()
	in.pool, in.participant = s.SharedKey(now)
	if in.pool == 0 && !in.participant && in.cfg.IsZero() {
		return in, false
	}
	if k, ok := d.(family.ActivationKeys); ok {
		in.local = k.KeyLicense(now).Features.Premium
	}
	for _, n := range enableIfaces(in.cfg) {
		if a := ifaceAddr(d, n); a.IsValid() {
			in.srvAddrs = append(in.srvAddrs, a)
		}
	}
	in.bkAddr = ifaceAddr(d, in.cfg.BackupEnableIface)
	return in, true
}

// enableIfaces are the interfaces a server serves on.
func enableIfaces(cfg family.SharedConfig) []string {
	if len(cfg.EnableIfaces) == 0 && cfg.EnableIface != "" {
		return []string{cfg.EnableIface}
	}
	return cfg.EnableIfaces
}

// ifaceAddr is the address of d on the interface named nameif, if it is
// up and addressed; any address of d when its family does not say which
// interface holds which. An ASAv is an ASA here: asa.Unwrap gives the
// device of either.
func ifaceAddr(d family.Device, nameif string) netip.Addr {
	if nameif == "" {
		return netip.Addr{}
	}
	if a, ok := asa.Unwrap(d); ok {
		if i, ok := a.Running.InterfaceByNameif(nameif); ok && i.Active() {
			return i.Address.Addr()
		}
		return netip.Addr{}
	}
	if as := d.Addresses(); len(as) > 0 {
		return as[0]
	}
	return netip.Addr{}
}

// NoteDevice tells the service that the device of headend id, whose
// admission is adm, is now d (a change, a reload, the lab's start). Called
// with the headend's lock held: it takes only the service's lock.
func (s *Service) NoteDevice(id uint64, adm *admission.Admission, d family.Device, now time.Time) {
	in, ok := readShared(d, now)
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.units[id]
	if !ok {
		if u != nil {
			s.dropLocked(u, now)
		}
		return
	}
	if u == nil {
		u = &shUnit{adm: adm, id: id}
		s.units[id] = u
		s.hook(u)
	}
	rebooted := u.boots != d.BootCount() && u.host != ""
	u.host, u.serial = d.Hostname(), d.SerialNumber()
	u.platform = d.Platform().VPNMax
	u.cfg, u.pool, u.participant, u.local = in.cfg, in.pool, in.participant, in.local
	u.srvAddrs, u.bkAddr = in.srvAddrs, in.bkAddr
	u.upAt, u.boots = d.UpSince(), d.BootCount()
	u.hasAddr = len(d.Addresses()) > 0
	if rebooted {
		// A reload drops every session, and with them the blocks in
		// use: the unit registers again once up, holding nothing.
		s.leave(u, now)
		s.setBorrowed(u, 0)
	}
	s.dirty = true
}

// Drop forgets the deleted headend id.
func (s *Service) Drop(id uint64, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.units[id]; u != nil {
		s.dropLocked(u, now)
	}
}

func (s *Service) dropLocked(u *shUnit, now time.Time) {
	s.leave(u, now)
	s.setBorrowed(u, 0)
	for _, o := range s.units {
		if o.via == u || o.main == u {
			s.closeRun(o, now, now)
			o.via = nil
			if o.main == u {
				o.main = nil
			}
			if o.state == shRegistered || o.state == shRefused {
				o.state = shIdle
			}
		}
	}
	delete(s.units, u.id)
	s.changed[u.id] = true
	s.dirty = true
}

// leave ends u's run with its server at now and gives its blocks back to
// the pool, as a unit that reloads or leaves the service does.
func (s *Service) leave(u *shUnit, now time.Time) {
	if u.state == shRegistered {
		u.seen = s.poolOf(u.main)
	}
	if u.main != nil {
		s.unhold(u.main, u)
	}
	s.closeRun(u, now, now)
	u.state, u.via = shIdle, nil
	u.lost, u.reclaimed, u.released = false, false, false
	s.changed[u.id] = true
}

// unhold takes p's blocks out of server m's pool.
func (s *Service) unhold(m, p *shUnit) int {
	n := m.held[p.id]
	if n > 0 {
		delete(m.held, p.id)
		m.utilized -= n
		s.changed[m.id] = true
	}
	return n
}

// hold lends n more sessions of m's pool to p.
func (s *Service) hold(m, p *shUnit, n int) {
	if m.held == nil {
		m.held = map[uint64]int{}
	}
	m.held[p.id] += n
	m.utilized += n
	s.changed[m.id] = true
}

// setBorrowed makes n the shared sessions u holds, in its admission too.
func (s *Service) setBorrowed(u *shUnit, n int) {
	u.borrowed = n
	u.high = max(u.high, n)
	u.adm.SetBorrowed(n)
	s.changed[u.id] = true
}

// hook gives u's admission its borrower: the sessions borrowed add to the
// local Premium limit, and a Premium admission that finds its class full
// asks the borrower for a block.
func (s *Service) hook(u *shUnit) {
	u.adm.SetBorrower(func(now int64) bool { return s.borrow(u, time.Unix(now, 0).UTC()) })
}
