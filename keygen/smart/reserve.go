package smart

import (
	"crypto/sha512"
	"fmt"
	"hash/crc32"
	"slices"
	"strings"
	"time"

	"github.com/asalab/asalab/keygen"
)

// Permanent License Reservation. A device makes a request code naming its
// serial ("license smart reservation request universal"); the manager
// turns it into an authorization code consuming one license of a tier tag;
// the device installs the code and needs no further communication. The
// request code follows the shape of a real ASAv one, "CB-ZASAv:" then the
// serial, a nonce and a check; the authorization code carries the tag and
// serial with a MAC of the lab's signer, so that a headend checks it with
// VerifyAuthorization without asking the manager.

const (
	requestPrefix = "CB-ZASAv:"
	nonceLen      = 9
	authMACLen    = 24
)

// RequestCode is the reservation request code of an ASAv serial; nonce
// (nonceLen characters of letters and digits, chosen by the device) tells
// apart the requests of one serial.
func RequestCode(serial, nonce string) string {
	body := requestPrefix + serial + "-" + nonce
	return fmt.Sprintf("%s-%02X", body, crc32.ChecksumIEEE([]byte(body))&0xff)
}

// ParseRequestCode checks a request code and returns its serial.
func ParseRequestCode(code string) (string, error) {
	bad := fmt.Errorf("%w: %q", ErrRequestCode, code)
	i := strings.LastIndexByte(code, '-')
	if i < 0 || !strings.HasPrefix(code, requestPrefix) {
		return "", bad
	}
	body := code[:i]
	rest, _ := strings.CutPrefix(body, requestPrefix)
	sn, nonce, ok := strings.Cut(rest, "-")
	if !ok || !keygen.ValidSerial(sn) || len(nonce) != nonceLen || RequestCode(sn, nonce) != code {
		return "", bad
	}
	for _, r := range nonce {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return "", bad
		}
	}
	return sn, nil
}

func authCode(signer *keygen.Signer, request, tag string) string {
	sn, _ := ParseRequestCode(request)
	return "PLR:" + tag + ":" + sn + ":" + signer.Token("smart-auth|"+tag+"|"+request, 0, authMACLen)
}

// VerifyAuthorization checks an authorization code against the device's
// request code and returns the tier tag it reserves.
func VerifyAuthorization(signer *keygen.Signer, request, code string) (string, error) {
	if _, err := ParseRequestCode(request); err != nil {
		return "", err
	}
	rest, ok := strings.CutPrefix(code, "PLR:")
	if ok {
		tag, _, _ := strings.Cut(rest, ":")
		if ValidTag(tag) && code == authCode(signer, request, tag) {
			return tag, nil
		}
	}
	return "", fmt.Errorf("%w: the authorization code does not match the request code", ErrRequestCode)
}

// VerifyAuthorization is the package's VerifyAuthorization with the
// manager's signer.
func (m *Manager) VerifyAuthorization(request, code string) (string, error) {
	return VerifyAuthorization(m.signer, request, code)
}

// ReturnCode is the code a device prints when it returns the reservation
// its authorization code installed (`license smart reservation return`),
// in the form of the Smart Agent's return codes: nine groups of six
// letters and digits and one of three, dash-separated (IOS-XE's
// "ChWhde-okvz5f-…-K5SEWq-rbr"). It is a digest of the authorization
// code, so the manager checks it against the reservation it made.
func ReturnCode(authorizationCode string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	sum := sha512.Sum512([]byte("smart-return|" + authorizationCode))
	var b strings.Builder
	for i, c := range sum[:57] {
		if i > 0 && i%6 == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return b.String()
}

// ReturnReservation takes back a reservation by the return code the
// device printed: its license goes back to the virtual account, as at a
// deregistration. A code that is not the reserved device's changes
// nothing.
func (m *Manager) ReturnReservation(now time.Time, udi, code string) (Change, Device, error) {
	d, err := m.device(udi)
	if err != nil {
		return Change{}, Device{}, err
	}
	if d.Reservation == nil {
		return Change{}, Device{}, fmt.Errorf("%w: %s has no reservation", ErrReturnCode, udi)
	}
	if strings.TrimSpace(code) != ReturnCode(d.Reservation.AuthorizationCode) {
		return Change{}, Device{}, fmt.Errorf("%w: it does not match the reservation of %s", ErrReturnCode, udi)
	}
	return m.Deregister(now, udi)
}

// Reserved is a reservation made.
type Reserved struct {
	Device            Device
	Tag               string
	AuthorizationCode string
}

// Reserve turns a request code into an authorization code for a virtual
// account, consuming one license of tag (a tier; "" picks the one ASAv
// tier with a balance). The reserved device is listed under the virtual
// account with no renewal due.
func (m *Manager) Reserve(now time.Time, account, va, request, tag string) (Change, Reserved, error) {
	_, va, err := m.virtualAccount(account, va)
	if err != nil {
		return Change{}, Reserved{}, err
	}
	request = strings.TrimSpace(request)
	sn, err := ParseRequestCode(request)
	if err != nil {
		return Change{}, Reserved{}, err
	}
	if _, ok := m.byRequest[request]; ok {
		return Change{}, Reserved{}, fmt.Errorf("%w: %s", ErrReserved, request)
	}
	udi := UDI(sn)
	if d, ok := m.devices[udi]; ok && d.Active() {
		return Change{}, Reserved{}, fmt.Errorf("%w: %s, to Smart Account %q; deregister it first", ErrAlreadyRegistered, udi, d.Account)
	}
	devs := m.activeDevices(account, va, nil)
	balance := func(t string) int {
		n := m.purchased(now, account, va, t)
		for _, d := range devs {
			for _, dt := range d.Tags {
				if dt == t {
					n--
				}
			}
		}
		return n
	}
	if tag == "" {
		var with []string
		for _, t := range TierTags {
			if balance(t) > 0 {
				with = append(with, t)
			}
		}
		if len(with) != 1 {
			return Change{}, Reserved{}, fmt.Errorf("%w: %d ASAv tiers have a balance", ErrTagRequired, len(with))
		}
		tag = with[0]
	}
	if !slices.Contains(TierTags, tag) {
		return Change{}, Reserved{}, fmt.Errorf("%w: %q (a reservation takes an ASAv tier)", ErrUnknownTag, tag)
	}
	if balance(tag) < 1 {
		return Change{}, Reserved{}, fmt.Errorf("%w: %s", ErrInsufficientLicenses, tag)
	}
	code := authCode(m.signer, request, tag)
	d := Device{UDI: udi, Account: account, VirtualAccount: va, Tags: []string{tag},
		RegisteredAt: now, AuthorizedAt: now, RegistrationRenewedAt: now,
		Reservation: &Reservation{RequestCode: request, AuthorizationCode: code, At: now}}
	return Change{Devices: []Device{d}}, Reserved{Device: d, Tag: tag, AuthorizationCode: code}, nil
}
