package asa

import (
	"net/netip"

	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/asa/ssh"
)

// The device's SSH server is headend/asa/ssh's, on its software version
// and running configuration; these methods are the console's way to it.

// SSHAlgorithms are the algorithms the SSH server of a device offers, by
// their SSH protocol names, most preferred first.
type SSHAlgorithms = ssh.Algorithms

// SSHGroups are the groups `ssh key-exchange group` takes on this version,
// in the order of the ASA's help; nil before 8.4(4).
func (d *Device) SSHGroups() []string { return ssh.Groups(d.Version) }

// DefaultSSHGroup is the key exchange of a configuration without `ssh
// key-exchange group`.
func (d *Device) DefaultSSHGroup() string { return ssh.DefaultGroup(d.Version) }

// HasSSHCiphers reports whether the version has `ssh cipher encryption` and
// `ssh cipher integrity`.
func (d *Device) HasSSHCiphers() bool { return ssh.HasCiphers(d.Version) }

// DefaultSSHEncryption and DefaultSSHIntegrity are the cipher levels of a
// configuration without the cipher lines.
func (d *Device) DefaultSSHEncryption() string { return ssh.DefaultEncryption(d.Version) }

func (d *Device) DefaultSSHIntegrity() string { return ssh.DefaultIntegrity(d.Version) }

// SSHAlgorithms is what the device's SSH server offers with the running
// configuration.
func (d *Device) SSHAlgorithms() SSHAlgorithms { return ssh.Offered(d.Version, d.Running.SSH) }

// SetSSHPermit is `ssh A M IFNAME` (ssh.SetPermit).
func (d *Device) SetSSHPermit(addr, mask netip.Addr, nameif string) error {
	return ssh.SetPermit(&d.Running, addr, mask, nameif)
}

// ClearSSHPermit is `no ssh A M IFNAME` (ssh.ClearPermit).
func (d *Device) ClearSSHPermit(addr, mask netip.Addr, nameif string) error {
	return ssh.ClearPermit(&d.Running.SSH, addr, mask, nameif)
}

// SetSSHTimeout is `ssh timeout N` (1-60 minutes); 0 is `no ssh timeout`.
func (d *Device) SetSSHTimeout(minutes int) error { return ssh.SetTimeout(&d.Running.SSH, minutes) }

// HasSSHVersion1 reports whether `ssh version 1` exists on the version.
func (d *Device) HasSSHVersion1() bool { return ssh.HasVersion1(d.Version) }

// SetSSHVersion is `ssh version N`; 0 is `no ssh version`.
func (d *Device) SetSSHVersion(v int) error { return ssh.SetVersion(d.Version, &d.Running.SSH, v) }

// SetSSHKeyExchange is `ssh key-exchange group G`; "" is `no ssh
// key-exchange group`.
func (d *Device) SetSSHKeyExchange(group string) error {
	return ssh.SetKeyExchange(d.Version, &d.Running.SSH, group)
}

// SetSSHCipher is `ssh cipher encryption|integrity LEVEL` or `... custom
// A:B:C`; level "" is the `no` form.
func (d *Device) SetSSHCipher(integrity bool, level, custom string) error {
	return ssh.SetCipher(d.Version, &d.Running.SSH, integrity, level, custom)
}

// RenderSSH prints `show running-config [all] ssh` of configuration c.
func (d *Device) RenderSSH(c config.Config, all bool) string {
	return ssh.Render(d.Version, c.SSH, all)
}

// ShowSSH renders `show ssh` (ssh.Show).
func (d *Device) ShowSSH() string { return ssh.Show(d.Version, d.Running.SSH) }

// ShowSSHSessions renders `show ssh sessions` (ssh.ShowSessions).
func ShowSSHSessions(ss []SSHSession) string { return ssh.ShowSessions(ss) }
