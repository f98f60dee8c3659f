package config

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/asalab/asalab/headend"
)

// Errors of configuration commands; the console words them as IOS does.
var (
	ErrNoInterface   = errors.New("ios: no such interface")
	ErrBadMask       = errors.New("ios: bad mask")
	ErrBadAddress    = errors.New("ios: not a valid host address")
	ErrOverlap       = errors.New("ios: the subnet overlaps another interface's")
	ErrNoGateway     = errors.New("ios: no such webvpn gateway")
	ErrGatewayInUse  = errors.New("ios: the webvpn gateway is used by a context")
	ErrNoGatewayAddr = errors.New("ios: the webvpn gateway has no ip address")
	ErrBadName       = errors.New("ios: invalid name")
	ErrBadSecret     = errors.New("ios: invalid secret")
	ErrBadPrivilege  = errors.New("ios: privilege level must be 0-15")
	ErrLastAdmin     = errors.New("ios: the last privilege 15 user cannot be removed")
)

// The factory login of a new router: `username admin privilege 15 secret
// admin` and `enable secret admin`. A real ISR ships without them; the lab
// gives every unit a documented login so that SSH clients work at once,
// as it does for the ASA.
const (
	DefaultUsername       = "admin"
	DefaultPassword       = "admin"
	DefaultEnablePassword = "admin"
	DefaultDomain         = "lab.local"
)

// Logging buffer sizes: `logging buffered` takes 4096 to 2147483647 bytes;
// without a size IOS keeps 4096 (Cisco IOS Configuration Fundamentals
// Command Reference, "logging buffered").
const (
	MinLogBuffer     = 4096
	MaxLogBuffer     = 2147483647
	DefaultLogBuffer = 4096
	// DebugLevel is the buffer's default severity: debugging (7).
	DebugLevel = 7
)

// User is a `username NAME [privilege N] secret 5 HASH` line, or a
// `username NAME [privilege N] password 0 PASS` line: IOS keeps a
// password in clear text (type 0) unless `service password-encryption`,
// which the lab does not have.
type User struct {
	Name      string `json:"name"`
	Privilege int    `json:"privilege"`
	Secret    string `json:"secret,omitempty"`
	Password  string `json:"password,omitempty"`
}

// Check reports whether pass is the user's.
func (u User) Check(pass string) bool {
	if u.Secret == "" {
		return subtle.ConstantTimeCompare([]byte(u.Password), []byte(pass)) == 1 && u.Password != ""
	}
	return CheckSecret(u.Secret, pass)
}

// Interface is one physical interface's configuration.
type Interface struct {
	Name        string       `json:"name"` // "GigabitEthernet0/0"
	Description string       `json:"description,omitempty"`
	Address     netip.Prefix `json:"address,omitzero"`
	Shutdown    bool         `json:"shutdown"`
	// Tunnel marks a virtual template (`interface Virtual-TemplateN type
	// tunnel`).
	Tunnel bool `json:"tunnel,omitempty"`
}

// Gateway is a `webvpn gateway NAME`: where the router answers SSL VPN
// clients (`ip address A port N`) once `inservice`.
type Gateway struct {
	Name      string     `json:"name"`
	Address   netip.Addr `json:"address,omitzero"`
	Port      int        `json:"port,omitempty"`
	InService bool       `json:"inservice,omitempty"`
}

// Context is a `webvpn context NAME`: the SSL VPN service a gateway
// carries (`gateway NAME`) once `inservice`.
type Context struct {
	Name      string `json:"name"`
	Gateway   string `json:"gateway,omitempty"`
	InService bool   `json:"inservice,omitempty"`
}

// VTY is `line vty 0 4`: how SSH logins reach the EXEC.
type VTY struct {
	LoginLocal bool `json:"login_local"`
	// Transport is `transport input`: "ssh", "telnet", "all", "none";
	// "" is the IOS 15 default, all.
	Transport string `json:"transport,omitempty"`
	// ExecTimeout is `exec-timeout M`, minutes; 0 is the default 10,
	// NoExecTimeout `exec-timeout 0 0`.
	ExecTimeout int `json:"exec_timeout,omitempty"`
}

// Config is a router's configuration.
type Config struct {
	Hostname     string      `json:"hostname"`
	EnableSecret string      `json:"enable_secret,omitempty"`
	Users        []User      `json:"users,omitempty"`
	DomainName   string      `json:"domain_name,omitempty"`
	Interfaces   []Interface `json:"interfaces"`
	// The `crypto ikev2` proposals, policies and profiles, in the order
	// made.
	IKEv2Proposals []IKEv2Proposal `json:"ikev2_proposals,omitempty"`
	IKEv2Policies  []IKEv2Policy   `json:"ikev2_policies,omitempty"`
	IKEv2Profiles  []IKEv2Profile  `json:"ikev2_profiles,omitempty"`
	Gateways       []Gateway       `json:"gateways,omitempty"`
	Contexts       []Context       `json:"contexts,omitempty"`
	// LogBuffer is `logging buffered SIZE` (0: the default size);
	// NoLogBuffer is `no logging buffered`.
	LogBuffer   int  `json:"log_buffer,omitempty"`
	NoLogBuffer bool `json:"no_log_buffer,omitempty"`
	VTY         VTY  `json:"vty"`
	// BootPackages are the `license boot module M technology-package P`
	// lines: the packages the router boots with when they are saved.
	BootPackages []string `json:"boot_packages,omitempty"`
	// BootLevel is an IOS XE router's `license boot level LEVEL` (the
	// technology package it boots with when saved: "ax"); ThroughputMB
	// its `platform hardware throughput level MB N` (0: none).
	BootLevel    string `json:"boot_level,omitempty"`
	ThroughputMB int    `json:"throughput_mb,omitempty"`
}

// Default is the factory configuration of a router named hostname with the
// interfaces ifaces, all shut down and unaddressed as IOS leaves them, and
// the lab's factory login reachable over SSH.
func Default(hostname string, ifaces []string) Config {
	c := Config{Hostname: hostname, EnableSecret: factorySecret, DomainName: DefaultDomain,
		Users: []User{{Name: DefaultUsername, Privilege: 15, Secret: factorySecret}},
		VTY:   VTY{LoginLocal: true, Transport: "ssh"}}
	for _, n := range ifaces {
		c.Interfaces = append(c.Interfaces, Interface{Name: n, Shutdown: true})
	}
	return c
}

// factorySecret is the factory password's secret, with a fixed salt: every
// new unit shares it, as units share a factory image.
var factorySecret = md5Crypt(DefaultPassword, "lab0")

// Clone is a deep copy.
func (c Config) Clone() Config {
	c.Users = slices.Clone(c.Users)
	c.Interfaces = slices.Clone(c.Interfaces)
	c.IKEv2Proposals = slices.Clone(c.IKEv2Proposals)
	c.IKEv2Policies = slices.Clone(c.IKEv2Policies)
	c.IKEv2Profiles = slices.Clone(c.IKEv2Profiles)
	c.Gateways = slices.Clone(c.Gateways)
	c.Contexts = slices.Clone(c.Contexts)
	c.BootPackages = slices.Clone(c.BootPackages)
	return c
}

// Equal reports whether two configurations print the same.
func (c Config) Equal(o Config) bool {
	return c.Hostname == o.Hostname && c.EnableSecret == o.EnableSecret && slices.Equal(c.Users, o.Users) &&
		c.DomainName == o.DomainName && slices.Equal(c.Interfaces, o.Interfaces) &&
		slices.Equal(c.IKEv2Profiles, o.IKEv2Profiles) &&
		slices.Equal(c.IKEv2Proposals, o.IKEv2Proposals) && slices.Equal(c.IKEv2Policies, o.IKEv2Policies) && slices.Equal(c.Gateways, o.Gateways) &&
		slices.Equal(c.Contexts, o.Contexts) && c.LogBuffer == o.LogBuffer && c.NoLogBuffer == o.NoLogBuffer &&
		c.VTY == o.VTY && slices.Equal(c.BootPackages, o.BootPackages) &&
		c.BootLevel == o.BootLevel && c.ThroughputMB == o.ThroughputMB
}

// SetBootPackage adds (on) or removes the `license boot module` line of
// package pkg.
func (c *Config) SetBootPackage(pkg string, on bool) {
	c.BootPackages = slices.DeleteFunc(c.BootPackages, func(p string) bool { return p == pkg })
	if on {
		c.BootPackages = append(c.BootPackages, pkg)
	}
}

// ValidName checks a name IOS takes as one word (a username, a gateway or
// context, a profile): 1 to 64 printable characters without spaces.
func ValidName(n string) error {
	if n == "" || len(n) > 64 {
		return fmt.Errorf("%w %q: 1 to 64 characters", ErrBadName, n)
	}
	for i := 0; i < len(n); i++ {
		if n[i] <= ' ' || n[i] > '~' {
			return fmt.Errorf("%w %q: printable characters, no spaces", ErrBadName, n)
		}
	}
	return nil
}

// ValidPassword checks a clear-text secret: 1 to 25 printable characters
// (IOS refuses longer ones), which may not start with a digit followed by
// a space (that is the encryption type).
func ValidPassword(p string) error {
	if p == "" || len(p) > maxPassLen {
		return fmt.Errorf("%w: 1 to %d characters", ErrBadSecret, maxPassLen)
	}
	for i := 0; i < len(p); i++ {
		if p[i] < ' ' || p[i] > '~' {
			return fmt.Errorf("%w: printable characters only", ErrBadSecret)
		}
	}
	return nil
}

// SetHostname is `hostname NAME`.
func (c *Config) SetHostname(h string) error {
	if err := headend.ValidateHostname(h); err != nil {
		return err
	}
	c.Hostname = h
	return nil
}

// User finds a local user.
func (c *Config) User(name string) (User, bool) {
	for _, u := range c.Users {
		if u.Name == name {
			return u, true
		}
	}
	return User{}, false
}

// SetUser is `username NAME [privilege N] secret [0|5] S`: secret is the
// type 5 secret (hash it with HashSecret first).
func (c *Config) SetUser(name string, privilege int, secret string) error {
	if err := ValidName(name); err != nil {
		return err
	}
	if privilege < 0 || privilege > 15 {
		return ErrBadPrivilege
	}
	if !ValidSecret(secret) {
		return ErrBadSecret
	}
	return c.putUser(User{Name: name, Privilege: privilege, Secret: secret})
}

// SetUserPassword is `username NAME [privilege N] password [0] P`.
func (c *Config) SetUserPassword(name string, privilege int, password string) error {
	if err := ValidName(name); err != nil {
		return err
	}
	if privilege < 0 || privilege > 15 {
		return ErrBadPrivilege
	}
	if err := ValidPassword(password); err != nil {
		return err
	}
	return c.putUser(User{Name: name, Privilege: privilege, Password: password})
}

// putUser replaces the user of u's name, or adds u.
func (c *Config) putUser(u User) error {
	name := u.Name
	for i := range c.Users {
		if c.Users[i].Name == name {
			c.Users[i] = u
			return nil
		}
	}
	c.Users = append(c.Users, u)
	return nil
}

// RemoveUser is `no username NAME`. Removing a user that does not exist
// is no error, as on IOS.
func (c *Config) RemoveUser(name string) {
	c.Users = slices.DeleteFunc(c.Users, func(u User) bool { return u.Name == name })
}

// Interface finds an interface by its full name.
func (c *Config) Interface(name string) (*Interface, bool) {
	for i := range c.Interfaces {
		if c.Interfaces[i].Name == name {
			return &c.Interfaces[i], true
		}
	}
	return nil, false
}

// SetAddress is `ip address A M` on interface name; a zero prefix is `no
// ip address`.
func (c *Config) SetAddress(name string, p netip.Prefix) error {
	f, ok := c.Interface(name)
	if !ok {
		return ErrNoInterface
	}
	if p.IsValid() {
		for _, o := range c.Interfaces {
			if o.Name != name && o.Address.IsValid() && o.Address.Masked().Overlaps(p.Masked()) {
				return fmt.Errorf("%w: %s overlaps with %s", ErrOverlap, p.Masked().Addr(), o.Name)
			}
		}
	}
	f.Address = p
	return nil
}

// ParseAddress reads `ip address A M`: a host address of an IPv4 subnet
// with a contiguous mask.
func ParseAddress(a, m string) (netip.Prefix, error) {
	addr, err := netip.ParseAddr(a)
	if err != nil || !addr.Is4() {
		return netip.Prefix{}, ErrBadAddress
	}
	mask, err := netip.ParseAddr(m)
	if err != nil {
		return netip.Prefix{}, ErrBadMask
	}
	n, ok := headend.MaskLen(mask)
	if !ok || n == 0 {
		return netip.Prefix{}, ErrBadMask
	}
	p := netip.PrefixFrom(addr, n)
	if n < 31 && (addr == p.Masked().Addr() || addr == lastAddr(p)) {
		return netip.Prefix{}, fmt.Errorf("%w: %s is the subnet's network or broadcast address", ErrBadMask, addr)
	}
	return p, nil
}

func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]) | host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// ActiveAddresses are the addresses of the interfaces up and addressed.
func (c *Config) ActiveAddresses() []netip.Addr {
	var out []netip.Addr
	for _, f := range c.Interfaces {
		// A virtual template's address is no place a peer reaches.
		if !f.Shutdown && f.Address.IsValid() && !f.Tunnel {
			out = append(out, f.Address.Addr())
		}
	}
	return out
}

// Gateway finds a webvpn gateway.
func (c *Config) Gateway(name string) (*Gateway, bool) {
	for i := range c.Gateways {
		if c.Gateways[i].Name == name {
			return &c.Gateways[i], true
		}
	}
	return nil, false
}

// AddGateway is `webvpn gateway NAME`: it makes the gateway if new.
func (c *Config) AddGateway(name string) error {
	if err := ValidName(name); err != nil {
		return err
	}
	if _, ok := c.Gateway(name); !ok {
		c.Gateways = append(c.Gateways, Gateway{Name: name})
	}
	return nil
}

// RemoveGateway is `no webvpn gateway NAME`; a context that names it
// keeps IOS from removing it.
func (c *Config) RemoveGateway(name string) error {
	if _, ok := c.Gateway(name); !ok {
		return ErrNoGateway
	}
	for _, x := range c.Contexts {
		if x.Gateway == name {
			return ErrGatewayInUse
		}
	}
	c.Gateways = slices.DeleteFunc(c.Gateways, func(g Gateway) bool { return g.Name == name })
	return nil
}

// Context finds a webvpn context.
func (c *Config) Context(name string) (*Context, bool) {
	for i := range c.Contexts {
		if c.Contexts[i].Name == name {
			return &c.Contexts[i], true
		}
	}
	return nil, false
}

// AddContext is `webvpn context NAME`.
func (c *Config) AddContext(name string) error {
	if err := ValidName(name); err != nil {
		return err
	}
	if _, ok := c.Context(name); !ok {
		c.Contexts = append(c.Contexts, Context{Name: name})
	}
	return nil
}

// RemoveContext is `no webvpn context NAME`.
func (c *Config) RemoveContext(name string) {
	c.Contexts = slices.DeleteFunc(c.Contexts, func(x Context) bool { return x.Name == name })
}

// SetContextGateway is `gateway NAME` under a context; "" is `no gateway`.
func (c *Config) SetContextGateway(ctx, gw string) error {
	x, ok := c.Context(ctx)
	if !ok {
		return ErrNoGateway
	}
	if gw != "" {
		if _, ok := c.Gateway(gw); !ok {
			return ErrNoGateway
		}
	}
	x.Gateway = gw
	return nil
}

// SetGatewayInService is `[no] inservice` under a gateway: a gateway
// without an address cannot go in service.
func (c *Config) SetGatewayInService(name string, on bool) error {
	g, ok := c.Gateway(name)
	if !ok {
		return ErrNoGateway
	}
	if on && !g.Address.IsValid() {
		return ErrNoGatewayAddr
	}
	g.InService = on
	return nil
}

// SSLVPNInService reports whether SSL VPN clients find a service: a
// context in service whose gateway is in service on an address of an
// interface that is up.
func (c *Config) SSLVPNInService() bool {
	for _, x := range c.Contexts {
		if !x.InService || x.Gateway == "" {
			continue
		}
		g, ok := c.Gateway(x.Gateway)
		if !ok || !g.InService {
			continue
		}
		if slices.Contains(c.ActiveAddresses(), g.Address) {
			return true
		}
	}
	return false
}

// AddIKEv2Profile is `crypto ikev2 profile NAME`.
func (c *Config) AddIKEv2Profile(name string) error {
	if err := ValidName(name); err != nil {
		return err
	}
	if _, ok := c.IKEv2Profile(name); !ok {
		c.IKEv2Profiles = append(c.IKEv2Profiles, IKEv2Profile{Name: name})
	}
	return nil
}

// RemoveIKEv2Profile is `no crypto ikev2 profile NAME`.
func (c *Config) RemoveIKEv2Profile(name string) {
	c.IKEv2Profiles = slices.DeleteFunc(c.IKEv2Profiles, func(p IKEv2Profile) bool { return p.Name == name })
}

// SetDomain is `ip domain name D` ("" : `no ip domain name`).
func (c *Config) SetDomain(d string) error {
	if d != "" {
		if len(d) > 64 || strings.ContainsAny(d, " \t") {
			return fmt.Errorf("%w %q", ErrBadName, d)
		}
	}
	c.DomainName = d
	return nil
}

// LogBufferSize is the logging buffer's size in force, 0 when `no logging
// buffered`.
func (c *Config) LogBufferSize() int {
	switch {
	case c.NoLogBuffer:
		return 0
	case c.LogBuffer == 0:
		return DefaultLogBuffer
	}
	return c.LogBuffer
}

// SSHAllowed reports whether `line vty` lets SSH in.
func (v VTY) SSHAllowed() bool {
	return v.Transport == "" || v.Transport == "all" || strings.Contains(v.Transport, "ssh")
}

// NoExecTimeout is `exec-timeout 0 0`: no idle timeout.
const NoExecTimeout = -1

// maxExecTimeout is the longest `exec-timeout` IOS takes, in minutes.
const maxExecTimeout = 35791

// IdleMinutes is the vty exec-timeout in force; `exec-timeout 0` is the
// longest IOS has.
func (v VTY) IdleMinutes() int {
	switch v.ExecTimeout {
	case 0:
		return 10
	case NoExecTimeout:
		return maxExecTimeout
	}
	return v.ExecTimeout
}
