package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"

	"github.com/asalab/asalab/sim"
)

// sharedData is the shared licensing pools and the failover pairs of a lab.
type sharedData struct {
	base
	Pools []poolView
	// Orphans are participants whose server is not in the lab or not
	// known.
	Orphans []participantRow
	Pairs   []pairView
	Links   []linkRow
}

type poolView struct {
	Server, Role                    string
	Enabled                         bool
	TotalForNetwork, Available, Use int
	Participants                    []participantRow
}

type participantRow struct {
	Hostname, Role, Server string
	ServerAnswers          bool
	// Local is the Premium peers its own keys grant; Borrowed the shared
	// sessions it holds; Active its sessions now.
	Local, Borrowed, Active, PlatformLimit int
	ExpiresAt                              string
}

type pairView struct {
	Units []pairUnit
	// License is the pair's combined license as the units print it
	// ("Failover cluster licensed features").
	License string
	Premium int
	Total   int
}

type pairUnit struct {
	Hostname, Role, State, Mate string
	LANUp, StateUp, MateSeen    bool
	Mismatch                    string
}

type linkRow struct{ A, B, Since string }

func (s *Server) sharedPage(w http.ResponseWriter, r *http.Request, c *labCtx) {
	d := sharedData{base: s.base(c, "Shared licensing and failover in "+c.name, "shared")}
	var all []sim.Snapshot
	eachHeadend(c.lab, func(sn *sim.Snapshot) {
		if sn.Shared.Role != sim.SharedNone || sn.Failover.Enabled {
			all = append(all, *sn)
		}
	})
	pools := map[string]*poolView{}
	var parts []participantRow
	pairs := map[string]*pairView{}
	for i := range all {
		sn := &all[i]
		name := sn.LabName()
		st := sn.Shared
		switch st.Role {
		case sim.SharedServer, sim.SharedBackup:
			pools[name] = &poolView{Server: name, Role: sharedRoleName(st.Role), Enabled: st.Active,
				TotalForNetwork: st.TotalForNetwork, Available: st.Available, Use: st.Utilized}
		case sim.SharedParticipant:
			p := participantRow{Hostname: name, Role: sharedRoleName(st.Role), Server: sn.SharedPool, ServerAnswers: st.Active || st.Backup.Active,
				Borrowed: st.Borrowed, PlatformLimit: st.PlatformLimit, ExpiresAt: fmtTime(st.ExpiresAt)}
			if k, ok := sn.KeyLicense(); ok {
				p.Local = k.Features.Premium
			}
			if cn, err := c.lab.Counts(name); err == nil {
				p.Active = cn.Total()
			}
			parts = append(parts, p)
		}
		if f := sn.Failover; f.Enabled {
			key := min(name, f.MateHostname) + "\x00" + max(name, f.MateHostname)
			if f.MateHostname == "" {
				key = name
			}
			pv := pairs[key]
			if pv == nil {
				pv = &pairView{}
				pairs[key] = pv
			}
			pv.Units = append(pv.Units, pairUnit{Hostname: name, Role: f.Role, State: failoverStateName(f.State), Mate: f.MateHostname,
				LANUp: f.LANUp, StateUp: f.StateUp, MateSeen: f.MateSeen, Mismatch: sn.FailoverMismatch})
			if f.Cluster != nil {
				pv.Premium, pv.Total = f.Cluster.Premium, f.Cluster.Total
				pv.License = "Premium " + strconv.Itoa(f.Cluster.Premium) + ", Total VPN Peers " + strconv.Itoa(f.Cluster.Total)
			}
		}
	}
	for _, p := range parts {
		if pv := pools[p.Server]; pv != nil {
			pv.Participants = append(pv.Participants, p)
		} else {
			d.Orphans = append(d.Orphans, p)
		}
	}
	for _, pv := range pools {
		d.Pools = append(d.Pools, *pv)
	}
	slices.SortFunc(d.Pools, func(a, b poolView) int { return cmp.Compare(a.Server, b.Server) })
	for _, pv := range pairs {
		slices.SortFunc(pv.Units, func(a, b pairUnit) int { return cmp.Compare(a.Hostname, b.Hostname) })
		d.Pairs = append(d.Pairs, *pv)
	}
	slices.SortFunc(d.Pairs, func(a, b pairView) int { return cmp.Compare(a.Units[0].Hostname, b.Units[0].Hostname) })
	for _, l := range c.lab.Links() {
		d.Links = append(d.Links, linkRow{A: l.A, B: l.B, Since: fmtTime(l.Since)})
	}
	s.render(w, http.StatusOK, "shared", d)
}
