package labfile

import (
	"cmp"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/sim"
	"github.com/asalab/asalab/sim/labexec"
)

// origin is the field of the file a configuration line comes from.
type origin struct {
	field string
	at    pos
}

// scratchSerial is the serial of a rehearsal's device when the file gives
// none: any valid one, as no key of the lab is checked against it.
const scratchSerial = "SCR0000LAB1"

var scratchSigner = sync.OnceValues(func() (*keygen.Signer, error) {
	return keygen.NewSigner([]byte("labfile: a scratch device's"))
})

// rehearse runs a headend's configuration block through the console of a
// device of its family and model made in memory (no lab, no store), with
// the key the file gives it; for a headend the lab has, a copy of it. The
// first line the console refuses is the error, naming the field it comes
// from: the apply then stops before its first change.
func (p *plan) rehearse(t *target, now time.Time) error {
	pl, ok := headend.LookupPlatform(t.h.Model)
	if !ok {
		return fmt.Errorf("%w %q", headend.ErrUnknownModel, t.h.Model)
	}
	fam, err := sim.FamilyOf(pl)
	if err != nil {
		return err
	}
	host := &scratchHost{now: now}
	serial := cmp.Or(t.serial, scratchSerial)
	if t.exists {
		host.dev = t.snap.Device.Copy()
		h, err := p.lab.Headend(t.h.Hostname)
		if err != nil {
			return err
		}
		host.signer = h.Signer()
	} else {
		if host.dev, err = fam.New(pl, serial, t.h.Hostname, now); err != nil {
			return err
		}
		if host.signer, err = scratchSigner(); err != nil {
			return err
		}
	}
	host.adm = admission.NewAdmission(1, pl.VPNMax, host.dev.AdmissionPolicy(now), now.Unix(), nil)
	if f, ok := p.f.keyFeatures(t.h); ok {
		w, err := host.signer.Encode(keygen.Key{Serial: host.dev.SerialNumber(), Features: f})
		if err != nil {
			return p.errAt(t.h.features, t.path+".keys", "%s", trimSentinel(err))
		}
		k, ok := host.dev.(family.ActivationKeys)
		if !ok {
			return p.errAt(t.h.features, t.path+".keys", "the %s is not licensed by activation keys", t.h.Model)
		}
		if _, err := k.InstallKey(host.signer, w, family.KeyActivate, now); err != nil {
			return p.errAt(t.h.features, t.path+".keys", "%s", trimSentinel(err))
		}
	}
	block, from := configBlock(t.h, t.path)
	lines := append([]string{"configure terminal"}, block...)
	from = append([]origin{{}}, from...)
	s := fam.Console(host, family.ConsoleOptions{Mode: family.ModePriv})
	r, _ := labexec.Run(s, lines)
	for i, res := range r.Results {
		if !res.Error {
			continue
		}
		o := from[i]
		return p.errAt(o.at, o.field, "the console refused %q: %s", res.Input, errorLine(res.Output))
	}
	return nil
}

// errorLine is the line of a console's answer that says what is wrong.
func errorLine(out string) string {
	var last string
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "ERROR") || strings.HasPrefix(l, "%") {
			return l
		}
		if l != "" && strings.Trim(l, "^ ") != "" {
			last = l
		}
	}
	return last
}

// scratchHost is a device in memory as the console's host: no lab, no
// store, no peer.
type scratchHost struct {
	mu     sync.Mutex
	dev    family.Device
	now    time.Time
	signer *keygen.Signer
	adm    *admission.Admission
}

func (h *scratchHost) Now() time.Time { return h.now }

func (h *scratchHost) View(fn func(d family.Device)) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	fn(h.dev)
	return nil
}

func (h *scratchHost) Update(fn func(d family.Device) error) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := h.dev.Copy()
	if err := fn(c); err != nil {
		return err
	}
	h.dev = c
	return nil
}

func (h *scratchHost) Signer() *keygen.Signer                       { return h.signer }
func (h *scratchHost) BootTime() time.Duration                      { return 0 }
func (h *scratchHost) Admission() *admission.Admission              { return h.adm }
func (h *scratchHost) PrincipalByIndex(uint32) *admission.Principal { return nil }
func (h *scratchHost) Reachable(netip.Addr) (string, bool)          { return "", false }
func (h *scratchHost) SSHSessions() []family.SSHSession             { return nil }
func (h *scratchHost) SharedStatus() family.SharedStatus            { return family.SharedStatus{} }
func (h *scratchHost) FailoverStatus() family.FailoverStatus        { return family.FailoverStatus{} }
func (h *scratchHost) Failover(family.FailoverCommand) error        { return family.ErrNotSupported }
func (h *scratchHost) Mate() (family.Host, bool)                    { return nil, false }
func (h *scratchHost) Smart() family.SmartManager                   { return nil }
