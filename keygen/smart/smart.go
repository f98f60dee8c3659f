package smart

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/asalab/asalab/keygen"
)

// Entitlement tags the manager sells. The ASAv tiers are Cisco's
// ASAv-STD-* throughput entitlements (ASAv5 100 Mbps, ASAv10 1 Gbps, ASAv30
// 2 Gbps, ASAv50 10 Gbps, ASAv100 20 Gbps). Cisco's display names of the
// AnyConnect entitlements on an ASA are not quoted publicly; the lab uses
// the names Firepower Threat Defense shows, "AnyConnect Plus",
// "AnyConnect Apex" and "AnyConnect VPN Only".
const (
	TagASAv100M = "ASAv-STD-100M"
	TagASAv1G   = "ASAv-STD-1G"
	TagASAv2G   = "ASAv-STD-2G"
	TagASAv10G  = "ASAv-STD-10G"
	TagASAv20G  = "ASAv-STD-20G"
	TagPlus     = "AnyConnect Plus"
	TagApex     = "AnyConnect Apex"
	TagVPNOnly  = "AnyConnect VPN Only"
)

// Tags lists the entitlement tags in display order: the ASAv's, then the
// CSR 1000V's (CSRTags).
var Tags = append([]string{TagASAv100M, TagASAv1G, TagASAv2G, TagASAv10G, TagASAv20G, TagPlus, TagApex, TagVPNOnly}, CSRTags...)

// CSR 1000V entitlements: one per technology package and throughput
// level. Cisco's Smart Account lists them by display names of the form
// "CSR 1KV AX 100M" (the package, then the throughput); the lab uses
// that display name as the tag (UNSURE: the real tags are regid strings
// that are not quoted publicly). Packages: IPBASE, SECURITY, APPX, AX;
// levels 10M to 10G.
var (
	CSRPackages = []string{"IPBASE", "SECURITY", "APPX", "AX"}
	CSRLevels   = []string{"10M", "50M", "100M", "250M", "500M", "1G", "2500M", "5G", "10G"}
	CSRTags     = func() []string {
		var out []string
		for _, p := range CSRPackages {
			for _, l := range CSRLevels {
				out = append(out, CSRTag(p, l))
			}
		}
		return out
	}()
)

// CSRTag is the entitlement tag of a CSR 1000V package ("AX") at a
// throughput level ("100M"): "CSR 1KV AX 100M".
func CSRTag(pkg, level string) string { return "CSR 1KV " + pkg + " " + level }

// TierTags are the ASAv throughput tiers, lowest first.
var TierTags = Tags[:5]

// ValidTag reports whether tag is one the manager sells (exact spelling).
func ValidTag(tag string) bool { return slices.Contains(Tags, tag) }

// Limits and periods.
const (
	// DefaultVirtualAccount is made with every Smart Account.
	DefaultVirtualAccount = "DEFAULT"
	// DefaultTokenDays and MaxTokenDays: an ID token expires after 30
	// days unless asked otherwise, at most 365 (Cisco Smart Software
	// Manager's "Expire After" field).
	DefaultTokenDays = 30
	MaxTokenDays     = 365
	// MaxCount bounds entitlement counts and token use counts.
	MaxCount = 1_000_000
	// MaxNameLen bounds account names.
	MaxNameLen = 64
	// AuthorizationPeriod and RegistrationPeriod: a registered device
	// renews its authorization every 30 days and its registration (ID
	// certificate) every 6 months.
	AuthorizationPeriod = 30 * 24 * time.Hour
	RegistrationPeriod  = 180 * 24 * time.Hour
)

// Account is a Smart Account and its Virtual Accounts.
type Account struct {
	Name            string    `json:"name"`
	CreatedAt       time.Time `json:"created_at"`
	VirtualAccounts []string  `json:"virtual_accounts"`
}

// Entitlement is one purchase of Count licenses of Tag into a virtual
// account, valid from AddedAt until EndsAt (zero: perpetual).
type Entitlement struct {
	ID             string    `json:"id"`
	Account        string    `json:"account"`
	VirtualAccount string    `json:"virtual_account"`
	Tag            string    `json:"tag"`
	Count          int       `json:"count"`
	AddedAt        time.Time `json:"added_at"`
	EndsAt         time.Time `json:"ends_at,omitzero"`
}

// ActiveAt reports whether the entitlement counts at now.
func (e *Entitlement) ActiveAt(now time.Time) bool {
	return !now.Before(e.AddedAt) && (e.EndsAt.IsZero() || now.Before(e.EndsAt))
}

// Token is a product instance registration (ID) token.
type Token struct {
	Token          string    `json:"token"`
	Account        string    `json:"account"`
	VirtualAccount string    `json:"virtual_account"`
	CreatedAt      time.Time `json:"created_at"`
	ExpiresAt      time.Time `json:"expires_at"`
	// MaxUses 0: unlimited.
	MaxUses   int       `json:"max_uses,omitempty"`
	Used      int       `json:"used"`
	RevokedAt time.Time `json:"revoked_at,omitzero"`
}

// Device is a product instance registered (or reserved) under a virtual
// account.
type Device struct {
	UDI            string    `json:"udi"`
	Account        string    `json:"account"`
	VirtualAccount string    `json:"virtual_account"`
	Tags           []string  `json:"tags"`
	RegisteredAt   time.Time `json:"registered_at"`
	// AuthorizedAt and RegistrationRenewedAt are the last renewals.
	AuthorizedAt          time.Time `json:"authorized_at"`
	RegistrationRenewedAt time.Time `json:"registration_renewed_at"`
	// DeregisteredAt set: the device no longer consumes anything.
	DeregisteredAt time.Time `json:"deregistered_at,omitzero"`
	// Reservation: a Permanent License Reservation (no token, no renewal).
	Reservation *Reservation `json:"reservation,omitempty"`
}

// Active reports whether the device consumes its entitlements.
func (d *Device) Active() bool { return d.DeregisteredAt.IsZero() }

// AuthorizationExpires is when the device's authorization runs out
// without a renewal (zero for a reservation).
func (d *Device) AuthorizationExpires() time.Time {
	if d.Reservation != nil {
		return time.Time{}
	}
	return d.AuthorizedAt.Add(AuthorizationPeriod)
}

// RegistrationExpires is when the registration must be renewed by.
func (d *Device) RegistrationExpires() time.Time {
	if d.Reservation != nil {
		return time.Time{}
	}
	return d.RegistrationRenewedAt.Add(RegistrationPeriod)
}

func (d *Device) clone() *Device {
	c := *d
	c.Tags = slices.Clone(d.Tags)
	if d.Reservation != nil {
		r := *d.Reservation
		c.Reservation = &r
	}
	return &c
}

// Reservation is a Permanent License Reservation.
type Reservation struct {
	RequestCode       string    `json:"request_code"`
	AuthorizationCode string    `json:"authorization_code"`
	At                time.Time `json:"at"`
}

// Meta holds the manager's counters.
type Meta struct {
	NextToken       uint64 `json:"next_token"`
	NextEntitlement uint64 `json:"next_entitlement"`
	NextAuth        uint64 `json:"next_auth"`
}

// Change is what one action writes: the records to store (each replaces
// the stored record with its key) and the counters.
type Change struct {
	Meta         *Meta
	Accounts     []Account
	Entitlements []Entitlement
	Tokens       []Token
	Devices      []Device
}

// IsEmpty reports whether the change writes nothing.
func (c *Change) IsEmpty() bool {
	return c.Meta == nil && len(c.Accounts) == 0 && len(c.Entitlements) == 0 && len(c.Tokens) == 0 && len(c.Devices) == 0
}

// Manager is the Smart Software Manager.
//
// The Manager is pure: every action takes the lab time and returns a
// Change without changing the Manager; the caller persists the change in
// one synced batch and then applies it with Apply. A Manager is not safe
// for concurrent use: the lab serialises its actions.
//
// Where Cisco documents nothing, one behaviour each:
//   - Compliance is first come, first served: in a virtual account, the
//     licenses of a tag active at the lab time go to its reservations,
//     then to its registered devices in the order they registered
//     (then by UDI); a device that finds none left is OUT OF COMPLIANCE,
//     and so is the account. An entitlement that ends frees nothing: its
//     devices fall out of compliance in that order.
//   - A device registering again (the device's "force") moves to the new
//     token's virtual account with the tags it asks for now; its token use
//     is counted again.
//   - A reservation consumes one license of the tier tag named, or, with
//     none named, of the one ASAv tier that has a balance.
type Manager struct {
	signer   *keygen.Signer
	meta     Meta
	accounts map[string]*Account
	ents     map[string]*Entitlement
	tokens   map[string]*Token
	devices  map[string]*Device
	// byRequest indexes reservations by request code; derived.
	byRequest map[string]string
}

// New returns an empty manager whose tokens and codes signer derives.
func New(signer *keygen.Signer) (*Manager, error) {
	if signer == nil {
		return nil, fmt.Errorf("%w: the Smart Software Manager needs the lab's signer", keygen.ErrInvalidSecret)
	}
	return &Manager{signer: signer, accounts: map[string]*Account{}, ents: map[string]*Entitlement{},
		tokens: map[string]*Token{}, devices: map[string]*Device{}, byRequest: map[string]string{}}, nil
}

// Apply makes a persisted change part of the manager (and loads stored
// records at startup).
func (m *Manager) Apply(c Change) error {
	for i := range c.Entitlements {
		if !ValidTag(c.Entitlements[i].Tag) {
			return fmt.Errorf("%w %q in stored entitlement %s", ErrUnknownTag, c.Entitlements[i].Tag, c.Entitlements[i].ID)
		}
	}
	if c.Meta != nil {
		m.meta = *c.Meta
	}
	for i := range c.Accounts {
		a := c.Accounts[i]
		a.VirtualAccounts = slices.Clone(a.VirtualAccounts)
		m.accounts[a.Name] = &a
	}
	for i := range c.Entitlements {
		e := c.Entitlements[i]
		m.ents[e.ID] = &e
	}
	for i := range c.Tokens {
		t := c.Tokens[i]
		m.tokens[t.Token] = &t
	}
	for i := range c.Devices {
		d := c.Devices[i].clone()
		m.devices[d.UDI] = d
		if d.Reservation != nil {
			m.byRequest[d.Reservation.RequestCode] = d.UDI
		}
	}
	return nil
}

// Len reports the number of accounts, entitlements, tokens and devices.
func (m *Manager) Len() (accounts, entitlements, tokens, devices int) {
	return len(m.accounts), len(m.ents), len(m.tokens), len(m.devices)
}

// checkName: names are typed by people and printed in tables.
func checkName(kind, s string) error {
	if s == "" || strings.TrimSpace(s) != s || len(s) > MaxNameLen {
		return fmt.Errorf("%w: %s %q (1 to %d characters, no leading or trailing space)", ErrInvalidName, kind, s, MaxNameLen)
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(" -_.", r)) {
			return fmt.Errorf("%w: %s %q (letters, digits, space, '-', '_', '.')", ErrInvalidName, kind, s)
		}
	}
	return nil
}

// ValidName reports whether s is an account or virtual account name the
// manager takes (checkName).
func ValidName(s string) bool { return checkName("", s) == nil }

// virtualAccount resolves an account and a virtual account ("" is
// DEFAULT).
func (m *Manager) virtualAccount(account, va string) (*Account, string, error) {
	a, ok := m.accounts[account]
	if !ok {
		return nil, "", fmt.Errorf("%w: %q", ErrUnknownAccount, account)
	}
	if va == "" {
		va = DefaultVirtualAccount
	}
	if !slices.Contains(a.VirtualAccounts, va) {
		return nil, "", fmt.Errorf("%w: %q in Smart Account %q", ErrUnknownVirtualAccount, va, account)
	}
	return a, va, nil
}

// CreateAccount makes a Smart Account with its DEFAULT virtual account.
func (m *Manager) CreateAccount(now time.Time, name string) (Change, Account, error) {
	if err := checkName("Smart Account", name); err != nil {
		return Change{}, Account{}, err
	}
	if _, ok := m.accounts[name]; ok {
		return Change{}, Account{}, fmt.Errorf("%w: %q", ErrAccountExists, name)
	}
	a := Account{Name: name, CreatedAt: now, VirtualAccounts: []string{DefaultVirtualAccount}}
	return Change{Accounts: []Account{a}}, a, nil
}

// CreateVirtualAccount adds a virtual account to a Smart Account.
func (m *Manager) CreateVirtualAccount(now time.Time, account, va string) (Change, Account, error) {
	a, ok := m.accounts[account]
	if !ok {
		return Change{}, Account{}, fmt.Errorf("%w: %q", ErrUnknownAccount, account)
	}
	if err := checkName("Virtual Account", va); err != nil {
		return Change{}, Account{}, err
	}
	if slices.Contains(a.VirtualAccounts, va) {
		return Change{}, Account{}, fmt.Errorf("%w: Virtual Account %q in %q", ErrAccountExists, va, account)
	}
	c := *a
	c.VirtualAccounts = append(slices.Clone(a.VirtualAccounts), va)
	return Change{Accounts: []Account{c}}, c, nil
}

// AddEntitlement buys count licenses of tag into a virtual account, ending
// at ends (zero: perpetual).
func (m *Manager) AddEntitlement(now time.Time, account, va, tag string, count int, ends time.Time) (Change, Entitlement, error) {
	_, va, err := m.virtualAccount(account, va)
	if err != nil {
		return Change{}, Entitlement{}, err
	}
	if !ValidTag(tag) {
		return Change{}, Entitlement{}, fmt.Errorf("%w: %q (one of %s)", ErrUnknownTag, tag, strings.Join(Tags, ", "))
	}
	if count < 1 || count > MaxCount {
		return Change{}, Entitlement{}, fmt.Errorf("%w: %d licenses (1 to %d)", ErrCountOutOfRange, count, MaxCount)
	}
	if !ends.IsZero() && !ends.After(now) {
		return Change{}, Entitlement{}, fmt.Errorf("%w: %s is not after the lab time %s", ErrEndDate, ends.Format(time.DateOnly), now.Format(time.DateOnly))
	}
	meta := m.meta
	meta.NextEntitlement++
	e := Entitlement{ID: fmt.Sprintf("E%06d", meta.NextEntitlement), Account: account, VirtualAccount: va,
		Tag: tag, Count: count, AddedAt: now, EndsAt: ends}
	return Change{Meta: &meta, Entitlements: []Entitlement{e}}, e, nil
}

// tokenLen: Cisco ID tokens are long opaque strings; the lab's are 32
// characters of the lab's token alphabet, derived so they cannot be
// guessed from one another.
const tokenLen = 32

// CreateToken makes an ID token of a virtual account, expiring after days
// (0: DefaultTokenDays) and good for uses registrations (0: unlimited).
func (m *Manager) CreateToken(now time.Time, account, va string, days, uses int) (Change, Token, error) {
	_, va, err := m.virtualAccount(account, va)
	if err != nil {
		return Change{}, Token{}, err
	}
	if days == 0 {
		days = DefaultTokenDays
	}
	if days < 1 || days > MaxTokenDays {
		return Change{}, Token{}, fmt.Errorf("%w: %d (1 to %d)", ErrDaysOutOfRange, days, MaxTokenDays)
	}
	if uses < 0 || uses > MaxCount {
		return Change{}, Token{}, fmt.Errorf("%w: %d uses (0 for unlimited, up to %d)", ErrCountOutOfRange, uses, MaxCount)
	}
	meta := m.meta
	var id string
	for {
		meta.NextToken++
		id = m.signer.Token("smart-token", meta.NextToken, tokenLen)
		if _, taken := m.tokens[id]; !taken {
			break
		}
	}
	t := Token{Token: id, Account: account, VirtualAccount: va, CreatedAt: now,
		ExpiresAt: now.Add(time.Duration(days) * 24 * time.Hour), MaxUses: uses}
	return Change{Meta: &meta, Tokens: []Token{t}}, t, nil
}

// RevokeToken revokes an ID token: it registers nothing more (devices it
// registered stay registered). Revoking it again changes nothing.
func (m *Manager) RevokeToken(now time.Time, token string) (Change, Token, error) {
	t, ok := m.tokens[strings.TrimSpace(token)]
	if !ok {
		return Change{}, Token{}, &TokenError{Token: token, Reason: ErrTokenInvalid}
	}
	if !t.RevokedAt.IsZero() {
		return Change{}, *t, nil
	}
	c := *t
	c.RevokedAt = now
	return Change{Tokens: []Token{c}}, c, nil
}

// checkToken returns the token if it registers at now.
func (m *Manager) checkToken(now time.Time, token string) (*Token, error) {
	t, ok := m.tokens[strings.TrimSpace(token)]
	switch {
	case !ok:
		return nil, &TokenError{Token: token, Reason: ErrTokenInvalid}
	case !t.RevokedAt.IsZero():
		return nil, &TokenError{Token: token, Reason: ErrTokenRevoked}
	case !now.Before(t.ExpiresAt):
		return nil, &TokenError{Token: token, Reason: ErrTokenExpired}
	case t.MaxUses > 0 && t.Used >= t.MaxUses:
		return nil, &TokenError{Token: token, Reason: ErrTokenUsedUp}
	}
	return t, nil
}

// ParseUDI checks a UDI of the form "PID:ASAv,SN:<serial>" or
// "PID:CSR1000V,SN:<serial>" (the Smart-licensed products, the serial as
// show version prints it) and returns the serial.
func ParseUDI(udi string) (string, error) {
	sn, ok := strings.CutPrefix(udi, "PID:ASAv,SN:")
	if !ok {
		sn, ok = strings.CutPrefix(udi, "PID:"+PIDCSR+",SN:")
	}
	if !ok || !keygen.ValidSerial(sn) {
		return "", fmt.Errorf("%w: %q (PID:ASAv|CSR1000V,SN:<11-character serial>)", ErrInvalidUDI, udi)
	}
	return sn, nil
}

// PIDCSR is the CSR 1000V's UDI product ID.
const PIDCSR = "CSR1000V"

// UDIOf is the UDI of a product's serial: "PID:CSR1000V,SN:9ABC...".
func UDIOf(pid, serial string) string { return "PID:" + pid + ",SN:" + serial }

// UDI is the UDI of an ASAv serial.
func UDI(serial string) string { return "PID:ASAv,SN:" + serial }

func checkTags(tags []string) ([]string, error) {
	if len(tags) == 0 {
		return nil, fmt.Errorf("%w: the device requests no entitlement", ErrUnknownTag)
	}
	out := slices.Clone(tags)
	slices.Sort(out)
	out = slices.Compact(out)
	for _, t := range out {
		if !ValidTag(t) {
			return nil, fmt.Errorf("%w: %q", ErrUnknownTag, t)
		}
	}
	return out, nil
}

// Registration is the outcome of a registration or renewal: the device as
// the manager now holds it and its authorization state.
type Registration struct {
	Device Device
	Status Status
}

// Register registers a device with an ID token, requesting tags (the
// tier tag and any AnyConnect tags). A refused token is a *TokenError.
func (m *Manager) Register(now time.Time, udi, token string, tags []string) (Change, Registration, error) {
	if _, err := ParseUDI(udi); err != nil {
		return Change{}, Registration{}, err
	}
	tags, err := checkTags(tags)
	if err != nil {
		return Change{}, Registration{}, err
	}
	t, err := m.checkToken(now, token)
	if err != nil {
		return Change{}, Registration{}, err
	}
	if old, ok := m.devices[udi]; ok && old.Active() && old.Reservation != nil {
		return Change{}, Registration{}, fmt.Errorf("%w: %s holds a reservation", ErrReserved, udi)
	}
	tc := *t
	tc.Used++
	d := Device{UDI: udi, Account: t.Account, VirtualAccount: t.VirtualAccount, Tags: tags,
		RegisteredAt: now, AuthorizedAt: now, RegistrationRenewedAt: now}
	c := Change{Tokens: []Token{tc}, Devices: []Device{d}}
	return c, Registration{Device: d, Status: m.statusWith(now, d)}, nil
}

// device returns a registered device.
func (m *Manager) device(udi string) (*Device, error) {
	d, ok := m.devices[udi]
	if !ok || !d.Active() {
		return nil, fmt.Errorf("%w: %s", ErrNotRegistered, udi)
	}
	return d, nil
}

// RenewAuthorization renews a device's authorization (the device does so
// every AuthorizationPeriod) and returns its state.
func (m *Manager) RenewAuthorization(now time.Time, udi string) (Change, Registration, error) {
	d, err := m.device(udi)
	if err != nil {
		return Change{}, Registration{}, err
	}
	c := d.clone()
	c.AuthorizedAt = now
	return Change{Devices: []Device{*c}}, Registration{Device: *c, Status: m.Status(now, udi)}, nil
}

// ReportUsage is an authorization renewal that reports the entitlements
// the device now uses (an IOS XE agent reports them after a change of
// package or throughput): they replace those it registered with, and its
// state is worked out with them.
func (m *Manager) ReportUsage(now time.Time, udi string, tags []string) (Change, Registration, error) {
	d, err := m.device(udi)
	if err != nil {
		return Change{}, Registration{}, err
	}
	tags, err = checkTags(tags)
	if err != nil {
		return Change{}, Registration{}, err
	}
	c := d.clone()
	c.Tags, c.AuthorizedAt = tags, now
	return Change{Devices: []Device{*c}}, Registration{Device: *c, Status: m.statusWith(now, *c)}, nil
}

// RenewRegistration renews a device's registration (every
// RegistrationPeriod); it renews the authorization too.
func (m *Manager) RenewRegistration(now time.Time, udi string) (Change, Registration, error) {
	d, err := m.device(udi)
	if err != nil {
		return Change{}, Registration{}, err
	}
	c := d.clone()
	c.AuthorizedAt, c.RegistrationRenewedAt = now, now
	return Change{Devices: []Device{*c}}, Registration{Device: *c, Status: m.Status(now, udi)}, nil
}

// Deregister removes a device from its virtual account; it consumes
// nothing more.
func (m *Manager) Deregister(now time.Time, udi string) (Change, Device, error) {
	d, err := m.device(udi)
	if err != nil {
		return Change{}, Device{}, err
	}
	c := d.clone()
	// A returned reservation keeps its record: its request code stays
	// used, and the device asks again with a new one.
	c.DeregisteredAt = now
	return Change{Devices: []Device{*c}}, *c, nil
}

// Status is an authorization state as the device prints it.
type Status string

// Authorization states.
const (
	StatusAuthorized      Status = "AUTHORIZED"
	StatusOutOfCompliance Status = "OUT OF COMPLIANCE"
	StatusNotRegistered   Status = "UNREGISTERED"
)

// Status is the authorization state of a device at now.
func (m *Manager) Status(now time.Time, udi string) Status {
	d, ok := m.devices[udi]
	if !ok || !d.Active() {
		return StatusNotRegistered
	}
	return m.statusWith(now, *d)
}

// statusWith is the state of d at now, with d replacing the stored record
// of its UDI.
func (m *Manager) statusWith(now time.Time, d Device) Status {
	return m.statusIn(now, d.Account, d.VirtualAccount, m.activeDevices(d.Account, d.VirtualAccount, &d))(&d)
}

// statusIn returns the state at now of a device of devs, the active
// devices of a virtual account in allocation order; each tag's allocation
// is worked out once, for all the devices asked about.
func (m *Manager) statusIn(now time.Time, account, va string, devs []*Device) func(*Device) Status {
	alloc := map[string]map[string]bool{}
	return func(d *Device) Status {
		for _, tag := range d.Tags {
			got, ok := alloc[tag]
			if !ok {
				got = m.allocated(now, account, va, tag, devs)
				alloc[tag] = got
			}
			if !got[d.UDI] {
				return StatusOutOfCompliance
			}
		}
		return StatusAuthorized
	}
}

// activeDevices lists the active devices of a virtual account, with over
// replacing its UDI's record, in allocation order: reservations, then by
// registration time, then UDI.
func (m *Manager) activeDevices(account, va string, over *Device) []*Device {
	var out []*Device
	for udi, d := range m.devices {
		if over != nil && udi == over.UDI {
			continue
		}
		if d.Active() && d.Account == account && d.VirtualAccount == va {
			out = append(out, d)
		}
	}
	if over != nil && over.Active() && over.Account == account && over.VirtualAccount == va {
		out = append(out, over)
	}
	slices.SortFunc(out, func(a, b *Device) int {
		if (a.Reservation != nil) != (b.Reservation != nil) {
			if a.Reservation != nil {
				return -1
			}
			return 1
		}
		if c := a.RegisteredAt.Compare(b.RegisteredAt); c != 0 {
			return c
		}
		return strings.Compare(a.UDI, b.UDI)
	})
	return out
}

// purchased is the count of tag active at now in a virtual account.
func (m *Manager) purchased(now time.Time, account, va, tag string) int {
	n := 0
	for _, e := range m.ents {
		if e.Account == account && e.VirtualAccount == va && e.Tag == tag && e.ActiveAt(now) {
			n += e.Count
		}
	}
	return n
}

// allocated returns the devices of devs that hold a license of tag.
func (m *Manager) allocated(now time.Time, account, va, tag string, devs []*Device) map[string]bool {
	left := m.purchased(now, account, va, tag)
	got := map[string]bool{}
	for _, d := range devs {
		if !slices.Contains(d.Tags, tag) {
			continue
		}
		if left > 0 {
			got[d.UDI] = true
			left--
		}
	}
	return got
}

// TagUsage is the usage of one tag in a virtual account.
type TagUsage struct {
	VirtualAccount string
	Tag            string
	Purchased      int
	InUse          int
	// Balance is Purchased - InUse; negative when over-consumed.
	Balance int
}

// Usage is an account's usage at a lab time.
type Usage struct {
	Account string
	Tags    []TagUsage
	// InCompliance is false when a tag of a virtual account is
	// over-consumed.
	InCompliance bool
}

// Usage reports, for each virtual account and each tag bought or in use
// there, the licenses purchased (active at now), in use and the balance.
func (m *Manager) Usage(now time.Time, account string) (Usage, error) {
	a, ok := m.accounts[account]
	if !ok {
		return Usage{}, fmt.Errorf("%w: %q", ErrUnknownAccount, account)
	}
	u := Usage{Account: account, InCompliance: true}
	for _, va := range a.VirtualAccounts {
		inUse := map[string]int{}
		seen := map[string]bool{}
		for _, d := range m.activeDevices(account, va, nil) {
			for _, t := range d.Tags {
				inUse[t]++
				seen[t] = true
			}
		}
		for _, e := range m.ents {
			if e.Account == account && e.VirtualAccount == va {
				seen[e.Tag] = true
			}
		}
		for _, tag := range Tags {
			if !seen[tag] {
				continue
			}
			p := m.purchased(now, account, va, tag)
			tu := TagUsage{VirtualAccount: va, Tag: tag, Purchased: p, InUse: inUse[tag], Balance: p - inUse[tag]}
			if tu.Balance < 0 {
				u.InCompliance = false
			}
			u.Tags = append(u.Tags, tu)
		}
	}
	return u, nil
}

// DeviceStatus is a device and its state at a lab time.
type DeviceStatus struct {
	Device Device
	Status Status
}

// Devices lists the active devices of an account at now, by virtual
// account then UDI, with their authorization state.
func (m *Manager) Devices(now time.Time, account string) ([]DeviceStatus, error) {
	a, ok := m.accounts[account]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownAccount, account)
	}
	var out []DeviceStatus
	for _, va := range a.VirtualAccounts {
		devs := m.activeDevices(account, va, nil)
		status := m.statusIn(now, account, va, slices.Clone(devs))
		slices.SortFunc(devs, func(a, b *Device) int { return strings.Compare(a.UDI, b.UDI) })
		for _, d := range devs {
			out = append(out, DeviceStatus{Device: *d.clone(), Status: status(d)})
		}
	}
	return out, nil
}

// Device returns the record of a UDI (registered, reserved or
// deregistered).
func (m *Manager) Device(udi string) (Device, bool) {
	d, ok := m.devices[udi]
	if !ok {
		return Device{}, false
	}
	return *d.clone(), true
}
