package console

import (
	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/headend/family"
)

// Open starts a console session on an ASA of a lab (family.Family.Console).
func Open(h family.Host, opts family.ConsoleOptions) family.Console {
	b := host{h}
	o := Options{User: opts.User, Mode: ModeUser, Privilege: opts.Privilege, Pager: opts.Pager}
	switch opts.Mode {
	case family.ModePriv:
		o.Mode = ModePriv
	case family.ModeLogin:
		o.Mode = LoginMode(opts.Privilege)
	case family.ModeShell:
		// An ASA without `aaa authorization exec ... auto-enable` starts
		// every SSH shell in user EXEC, whatever the user's privilege:
		// `enable` and the enable password lead on.
		o.Privilege = 0
	}
	if opts.DevicePager {
		o.Pager = DefaultPager
		_ = b.View(func(d *asa.Device) { o.Pager = d.Running.PagerLines })
	}
	return New(b, o)
}

// host is a headend of the lab as the ASA console's Backend: the lab holds
// every family's devices as family.Device, which on this family's headends
// are ASAs.
type host struct{ family.Host }

func (h host) View(fn func(d *asa.Device)) error {
	return h.Host.View(func(d family.Device) { fn(device(d)) })
}

func (h host) Update(fn func(d *asa.Device) error) error {
	return h.Host.Update(func(d family.Device) error { return fn(device(d)) })
}

// device is the ASA device of a headend of the family (an ASAv holds
// one).
func device(d family.Device) *asa.Device {
	a, _ := asa.Unwrap(d)
	return a
}
