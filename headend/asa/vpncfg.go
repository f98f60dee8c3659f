package asa

import (
	"fmt"
	"slices"

	"github.com/asalab/asalab/headend/asa/config"
)

// vpnChange applies fn to a copy of the running VPN configuration and keeps
// it only if fn succeeds.
func (d *Device) vpnChange(fn func(v *config.VPN) error) error {
	v := d.Running.VPN.Clone()
	if err := fn(&v); err != nil {
		return err
	}
	d.Running.VPN = v
	return nil
}

// SetWebVPNEnable is `enable IFNAME` (on) or `no enable IFNAME` under webvpn.
func (d *Device) SetWebVPNEnable(nameif string, on bool) error {
	if _, ok := d.Running.InterfaceByNameif(nameif); !ok {
		return fmt.Errorf("%w %q", config.ErrUnknownNameif, nameif)
	}
	return d.vpnChange(func(v *config.VPN) error {
		i := slices.Index(v.WebVPNIfs, nameif)
		switch {
		case on && i < 0:
			v.WebVPNIfs = append(v.WebVPNIfs, nameif)
		case !on && i >= 0:
			v.WebVPNIfs = slices.Delete(v.WebVPNIfs, i, i+1)
		}
		return nil
	})
}

// SetAnyConnectImage is `anyconnect image PATH [ORDER]`: an image already
// listed moves to the order given; without one it goes last. Order 0 means
// none was typed.
func (d *Device) SetAnyConnectImage(path string, order int) error {
	return d.vpnChange(func(v *config.VPN) error {
		v.Images = slices.DeleteFunc(v.Images, func(im config.AnyConnectImage) bool { return im.Path == path })
		if order == 0 {
			order = 1
			for _, im := range v.Images {
				order = max(order, im.Order+1)
			}
		}
		// An image that held the order gives it up, as on the ASA
		// where each order holds one image.
		v.Images = slices.DeleteFunc(v.Images, func(im config.AnyConnectImage) bool { return im.Order == order })
		v.Images = append(v.Images, config.AnyConnectImage{Path: path, Order: order})
		slices.SortFunc(v.Images, func(a, b config.AnyConnectImage) int { return a.Order - b.Order })
		return nil
	})
}

// RemoveAnyConnectImage is `no anyconnect image PATH`.
func (d *Device) RemoveAnyConnectImage(path string) {
	_ = d.vpnChange(func(v *config.VPN) error {
		v.Images = slices.DeleteFunc(v.Images, func(im config.AnyConnectImage) bool { return im.Path == path })
		return nil
	})
}

// SetWebVPNFlag sets `anyconnect enable` (anyconnect) or `tunnel-group-list
// enable` under webvpn.
func (d *Device) SetWebVPNFlag(anyconnect, on bool) {
	_ = d.vpnChange(func(v *config.VPN) error {
		if anyconnect {
			v.AnyConnect = on
		} else {
			v.TunnelGroupList = on
		}
		return nil
	})
}

// SetSessionCap is `vpn-sessiondb max-anyconnect-premium-or-essentials-limit
// N` (anyconnect) or `vpn-sessiondb max-other-vpn-limit N`; n 0 is the `no`
// form. The ASA takes 1 up to the platform's VPN maximum.
func (d *Device) SetSessionCap(anyconnect bool, n int) error {
	if n < 0 || n > d.platform.VPNMax {
		return fmt.Errorf("%w: %d is not in 1-%d", config.ErrInvalidLimit, n, d.platform.VPNMax)
	}
	return d.vpnChange(func(v *config.VPN) error {
		if anyconnect {
			v.MaxAnyConnect = n
		} else {
			v.MaxOther = n
		}
		return nil
	})
}

// AddGroupPolicy is `group-policy NAME internal`; an existing one is kept.
func (d *Device) AddGroupPolicy(name string) error {
	if !config.ValidVPNName(name) {
		return fmt.Errorf("%w %q", config.ErrInvalidVPNName, name)
	}
	if _, ok := d.Running.VPN.GroupPolicy(name); ok {
		return nil
	}
	return d.vpnChange(func(v *config.VPN) error {
		v.GroupPolicies = append(v.GroupPolicies, config.GroupPolicy{Name: name})
		return nil
	})
}

// RemoveGroupPolicy is `no group-policy NAME`. DfltGrpPolicy goes back to
// its defaults; a policy a tunnel group uses stays.
func (d *Device) RemoveGroupPolicy(name string) error {
	if _, ok := d.Running.VPN.GroupPolicy(name); !ok {
		return fmt.Errorf("%w %q", config.ErrGroupPolicyNotFound, name)
	}
	if t := d.Running.TunnelGroupUsing(name); t != "" {
		return fmt.Errorf("%w %q: %s", config.ErrGroupPolicyInUse, name, t)
	}
	return d.vpnChange(func(v *config.VPN) error {
		v.GroupPolicies = slices.DeleteFunc(v.GroupPolicies, func(g config.GroupPolicy) bool { return g.Name == name })
		return nil
	})
}

// UpdateGroupPolicy changes an attribute of an existing group policy (the
// (config-group-policy) sub-mode).
func (d *Device) UpdateGroupPolicy(name string, fn func(g *config.GroupPolicy)) error {
	g, ok := d.Running.VPN.GroupPolicy(name)
	if !ok {
		return fmt.Errorf("%w %q", config.ErrGroupPolicyNotFound, name)
	}
	fn(&g)
	g.Protocols = slices.Clone(g.Protocols)
	return d.vpnChange(func(v *config.VPN) error {
		v.GroupPolicies = putNamed(v.GroupPolicies, g, func(x config.GroupPolicy) bool { return x.Name == name })
		return nil
	})
}

// putNamed replaces the element of list that named picks with x, in its
// place, or appends x: the list's order is the running configuration's.
func putNamed[T any](list []T, x T, named func(T) bool) []T {
	if i := slices.IndexFunc(list, named); i >= 0 {
		list[i] = x
		return list
	}
	return append(list, x)
}
