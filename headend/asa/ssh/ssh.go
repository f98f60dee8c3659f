// Package ssh is the ASA's SSH server as its software version and its
// `ssh` lines make it: the key exchanges, ciphers and MACs each release
// offers, the settings `ssh ...` changes and their checks, and what the
// ASA prints of them (`show running-config ssh`, `show ssh`, `show ssh
// sessions`). It is pure logic on a configuration and a version string.
package ssh

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/asa/config"
)

// sshTrain is what a software version's SSH server can do, from the ASA
// release notes: AES-CTR came with 9.1(2); `ssh cipher encryption` and `ssh
// cipher integrity` with 9.1(7), 9.4(3), 9.5(3) and 9.6(1) (not in 9.2 and
// 9.3); 9.12(1) added the dh-group14-sha256 key exchange and made it the
// default (before: dh-group1-sha1), made the high integrity set the default
// (before: medium) and dropped SSH version 1; 9.16(1) added
// ecdh-sha2-nistp256 and curve25519-sha256 and deprecated dh-group1-sha1.
type sshTrain struct {
	ctr, cipherCmds, group14, group14sha256, ecdh, noV1 bool
}

func trainOf(version string) sshTrain {
	major, minor, maint := headend.ParseVersion(version)
	at := func(mj, mn, mt int) bool {
		return major > mj || major == mj && (minor > mn || minor == mn && maint >= mt)
	}
	cipherCmds := at(9, 6, 1) || major == 9 && (minor == 1 && maint >= 7 || minor == 4 && maint >= 3 || minor == 5 && maint >= 3)
	return sshTrain{
		ctr: at(9, 1, 2), cipherCmds: cipherCmds, group14: at(8, 4, 4),
		group14sha256: at(9, 12, 1), ecdh: at(9, 16, 1), noV1: at(9, 12, 1),
	}
}

// sshGroups maps the groups of `ssh key-exchange group` to the key exchange
// names of the SSH protocol.
var sshGroups = map[string]string{
	"dh-group1-sha1":     "diffie-hellman-group1-sha1",
	"dh-group14-sha1":    "diffie-hellman-group14-sha1",
	"dh-group14-sha256":  "diffie-hellman-group14-sha256",
	"ecdh-sha2-nistp256": "ecdh-sha2-nistp256",
	"curve25519-sha256":  "curve25519-sha256",
}

// Groups are the groups `ssh key-exchange group` takes on this version,
// in the order of the ASA's help.
func Groups(version string) []string {
	t := trainOf(version)
	var out []string
	if t.ecdh {
		out = append(out, "curve25519-sha256")
	}
	out = append(out, "dh-group1-sha1")
	if t.group14 {
		out = append(out, "dh-group14-sha1")
	}
	if t.group14sha256 {
		out = append(out, "dh-group14-sha256")
	}
	if t.ecdh {
		out = append(out, "ecdh-sha2-nistp256")
	}
	if len(out) == 1 {
		return nil // 8.x before 8.4(4): no ssh key-exchange command
	}
	return out
}

// DefaultGroup is the key exchange of a configuration without `ssh
// key-exchange group`.
func DefaultGroup(version string) string {
	if trainOf(version).group14sha256 {
		return "dh-group14-sha256"
	}
	return "dh-group1-sha1"
}

// The cipher sets of `ssh cipher encryption` and `ssh cipher integrity`.
// The encryption sets are those a 9.4(3)12 lists in `show ssh ciphers`
// (layer77.net, "SSH Cipher Updates in Cisco ASA 9.4(3)12", 2016); `all` is
// `low`. The integrity sets follow the command reference; `high` is
// hmac-sha1 and hmac-sha2-256, as the 9.12(1) release notes define it.
var (
	sshCipherLevels = []string{"all", "fips", "high", "low", "medium"}
	sshEncryption   = map[string][]string{
		"low":    {"3des-cbc", "aes128-cbc", "aes192-cbc", "aes256-cbc", "aes128-ctr", "aes192-ctr", "aes256-ctr"},
		"medium": {"aes128-cbc", "aes192-cbc", "aes256-cbc", "aes128-ctr", "aes192-ctr", "aes256-ctr"},
		"fips":   {"aes128-cbc", "aes256-cbc"},
		"high":   {"aes256-cbc", "aes256-ctr"},
	}
	sshIntegrity = map[string][]string{
		"low":    {"hmac-sha1", "hmac-sha1-96", "hmac-md5", "hmac-md5-96", "hmac-sha2-256"},
		"medium": {"hmac-sha1", "hmac-sha1-96", "hmac-sha2-256"},
		"fips":   {"hmac-sha1", "hmac-sha2-256"},
		"high":   {"hmac-sha1", "hmac-sha2-256"},
	}
)

func init() {
	sshEncryption["all"] = sshEncryption["low"]
	sshIntegrity["all"] = sshIntegrity["low"]
}

// HasCiphers reports whether the version has `ssh cipher encryption` and
// `ssh cipher integrity`.
func HasCiphers(version string) bool { return trainOf(version).cipherCmds }

// DefaultEncryption and DefaultIntegrity are the cipher levels of a
// configuration without the cipher lines.
func DefaultEncryption(version string) string { return "medium" }

func DefaultIntegrity(version string) string {
	if trainOf(version).group14sha256 {
		return "high"
	}
	return "medium"
}

// Algorithms are the algorithms the SSH server of a device offers, by
// their SSH protocol names, most preferred first.
type Algorithms struct {
	KeyExchanges []string
	Ciphers      []string
	MACs         []string
}

// Offered is what the SSH server of a device running version offers with
// the settings s: the configured or default key exchange group, and the
// configured or default cipher sets of its software version.
func Offered(version string, s config.SSH) Algorithms {
	t := trainOf(version)
	group := s.KeyExchange
	if group == "" {
		group = DefaultGroup(version)
	}
	a := Algorithms{KeyExchanges: []string{sshGroups[group]}}
	if !t.cipherCmds {
		// Before the cipher commands every cipher the version had was
		// offered, 3DES and the MD5 MACs included.
		a.Ciphers = []string{"3des-cbc", "aes128-cbc", "aes192-cbc", "aes256-cbc"}
		if t.ctr {
			a.Ciphers = append(a.Ciphers, "aes128-ctr", "aes192-ctr", "aes256-ctr")
		}
		a.MACs = []string{"hmac-sha1", "hmac-sha1-96", "hmac-md5", "hmac-md5-96"}
		return a
	}
	a.Ciphers = cipherSet(sshEncryption, s.Encryption, DefaultEncryption(version))
	a.MACs = cipherSet(sshIntegrity, s.Integrity, DefaultIntegrity(version))
	return a
}

func cipherSet(levels map[string][]string, setting, def string) []string {
	if setting == "" {
		setting = def
	}
	if list, ok := strings.CutPrefix(setting, "custom "); ok {
		return strings.Split(list, ":")
	}
	return slices.Clone(levels[setting])
}

// SetPermit is `ssh A M IFNAME` in configuration c. The mask may be 0.0.0.0 (any address);
// the address must have no bits outside the mask, and the interface name
// must be one of the configuration's nameifs. A line already present is
// not added twice.
func SetPermit(c *config.Config, addr, mask netip.Addr, nameif string) error {
	p, err := sshNet(addr, mask)
	if err != nil {
		return err
	}
	if _, ok := c.InterfaceByNameif(nameif); !ok {
		return fmt.Errorf("%w %q", config.ErrSSHNameif, nameif)
	}
	perm := config.SSHPermit{Net: p, Nameif: nameif}
	if slices.Contains(c.SSH.Permits, perm) {
		return nil
	}
	// Copied, never appended in place: the saved configuration may share
	// the slice.
	c.SSH.Permits = append(slices.Clone(c.SSH.Permits), perm)
	return nil
}

// ClearPermit is `no ssh A M IFNAME` in s; a line that is not there is no
// error, as on the ASA.
func ClearPermit(s *config.SSH, addr, mask netip.Addr, nameif string) error {
	p, err := sshNet(addr, mask)
	if err != nil {
		return err
	}
	out := slices.DeleteFunc(slices.Clone(s.Permits), func(x config.SSHPermit) bool {
		return x.Net == p && x.Nameif == nameif
	})
	if len(out) == 0 {
		out = nil
	}
	s.Permits = out
	return nil
}

func sshNet(addr, mask netip.Addr) (netip.Prefix, error) {
	bits, ok := headend.MaskLen(mask)
	if !ok {
		return netip.Prefix{}, fmt.Errorf("%w %s", config.ErrInvalidNetmask, mask)
	}
	p := netip.PrefixFrom(addr, bits)
	if p.Masked().Addr() != addr {
		return netip.Prefix{}, fmt.Errorf("%w: %s %s", config.ErrSSHPermitPair, addr, mask)
	}
	return p, nil
}

// SetTimeout is `ssh timeout N` in s (1-60 minutes); 0 is `no ssh timeout`.
func SetTimeout(s *config.SSH, minutes int) error {
	if minutes < 0 || minutes > 60 {
		return fmt.Errorf("%w: %d", config.ErrSSHTimeout, minutes)
	}
	if minutes == config.DefaultSSHTimeout {
		minutes = 0
	}
	s.Timeout = minutes
	return nil
}

// HasVersion1 reports whether `ssh version 1` exists on the version.
func HasVersion1(version string) bool { return !trainOf(version).noV1 }

// SetVersion is `ssh version N` in s on version; 0 is `no ssh version`. Version 1 exists
// only before 9.12(1).
func SetVersion(version string, s *config.SSH, v int) error {
	if v < 0 || v > 2 || v == 1 && trainOf(version).noV1 {
		return fmt.Errorf("%w: ssh version %d", config.ErrSSHNotSupported, v)
	}
	s.Version = v
	return nil
}

// SetKeyExchange is `ssh key-exchange group G` in s on version; "" is `no ssh
// key-exchange group`.
func SetKeyExchange(version string, s *config.SSH, group string) error {
	if group != "" && !slices.Contains(Groups(version), group) {
		return fmt.Errorf("%w: key exchange group %q", config.ErrSSHAlgorithm, group)
	}
	s.KeyExchange = group
	return nil
}

// SetCipher is `ssh cipher encryption|integrity LEVEL` or `... custom
// A:B:C`; level "" is the `no` form.
func SetCipher(version string, s *config.SSH, integrity bool, level, custom string) error {
	if !HasCiphers(version) {
		return fmt.Errorf("%w: ssh cipher", config.ErrSSHNotSupported)
	}
	sets := sshEncryption
	if integrity {
		sets = sshIntegrity
	}
	setting := level
	switch {
	case level == "custom":
		if custom == "" {
			return fmt.Errorf("%w: empty custom list", config.ErrSSHAlgorithm)
		}
		for _, a := range strings.Split(custom, ":") {
			if !slices.Contains(sets["all"], a) {
				return fmt.Errorf("%w %q", config.ErrSSHAlgorithm, a)
			}
		}
		setting = "custom " + custom
	case level != "" && !slices.Contains(sshCipherLevels, level):
		return fmt.Errorf("%w: cipher level %q", config.ErrSSHAlgorithm, level)
	}
	if integrity {
		s.Integrity = setting
	} else {
		s.Encryption = setting
	}
	return nil
}
