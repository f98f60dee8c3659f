package ios

import (
	"net/netip"

	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/headend/ios/config"
)

// decoySecret is checked when the user does not exist, so that an unknown
// user takes as long to refuse as a wrong password.
var decoySecret = config.HashSecret("asalab-decoy")

// CheckLogin checks an SSH login against the local users (`login local`
// on the vty lines).
func (d *Device) CheckLogin(user, password string) (privilege int, known, ok bool) {
	u, found := d.Running.User(user)
	if !found {
		config.CheckSecret(decoySecret, password)
		return 0, false, false
	}
	return u.Privilege, true, u.Check(password)
}

// CheckEnable checks the enable secret; a router without one refuses
// `enable` on a vty ("% No password set").
func (d *Device) CheckEnable(password string) bool {
	return config.CheckSecret(d.Running.EnableSecret, password)
}

// The SSH server of IOS 15.5(3)M: SSH 2 (`ip ssh version 2` is the lab's
// only form), Diffie-Hellman group 14 and group 1 with SHA-1, the CTR and
// CBC AES ciphers and 3DES, and the SHA-1 MACs (Cisco IOS Secure Shell
// Configuration Guide, 15M&T, "Secure Shell Version 2 Support": the
// algorithms IOS 15.x offers before the 15.5(2)T/16.x additions).
var (
	sshKex     = []string{"diffie-hellman-group14-sha1", "diffie-hellman-group1-sha1"}
	sshCiphers = []string{"aes128-ctr", "aes192-ctr", "aes256-ctr", "aes128-cbc", "3des-cbc", "aes192-cbc", "aes256-cbc"}
	sshMACs    = []string{"hmac-sha1", "hmac-sha1-96"}
)

// SSH is what the router's SSH server offers: it answers once an RSA key
// exists (`crypto key generate rsa`, which needs `ip domain name`) and the
// vty lines let SSH in (`transport input ssh|all`); the idle timeout is the
// vty `exec-timeout`.
func (d *Device) SSH(client netip.Addr) family.SSHOffer {
	return family.SSHOffer{
		Permitted: d.RSAKeyBits > 0 && d.Running.VTY.SSHAllowed(), Version: 2,
		KeyExchanges: sshKex, Ciphers: sshCiphers, MACs: sshMACs,
		IdleMinutes: d.Running.VTY.IdleMinutes(),
	}
}

// Addresses are the addresses of the interfaces up and addressed.
func (d *Device) Addresses() []netip.Addr { return d.Running.ActiveAddresses() }
