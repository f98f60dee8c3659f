package keygen

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// Words is a key as the ASA shows it: five 32-bit words.
type Words [5]uint32

// String prints the words the way the ASA does: lowercase, 0x-prefixed,
// without leading zeros ("0x1395643"), except that a zero word prints as
// 0x00000000 (an all-zero key is printed that way on real devices).
func (w Words) String() string {
	var b strings.Builder
	for i, v := range w {
		if i > 0 {
			b.WriteByte(' ')
		}
		if v == 0 {
			b.WriteString("0x00000000")
			continue
		}
		b.WriteString("0x")
		b.WriteString(strconv.FormatUint(uint64(v), 16))
	}
	return b.String()
}

// IsZero reports whether all five words are zero (no key installed).
func (w Words) IsZero() bool { return w == Words{} }

// ParseWords reads five hexadecimal words separated by one or more spaces or
// tabs, each with or without 0x, in any case.
func ParseWords(s string) (Words, error) {
	fields := strings.Fields(s)
	if len(fields) != 5 {
		return Words{}, fmt.Errorf("%w: got %d words", ErrMalformedKey, len(fields))
	}
	var w Words
	for i, f := range fields {
		v, err := ParseWord(f)
		if err != nil {
			return Words{}, fmt.Errorf("%w: word %d %q is not hexadecimal", ErrMalformedKey, i+1, f)
		}
		w[i] = v
	}
	return w, nil
}

// ParseWordList is ParseWords for words already split (console arguments).
func ParseWordList(fields []string) (Words, error) {
	return ParseWords(strings.Join(fields, " "))
}

// ParseWord reads one hexadecimal word, with or without 0x.
func ParseWord(f string) (uint32, error) {
	if len(f) > 2 && (f[:2] == "0x" || f[:2] == "0X") {
		f = f[2:]
	}
	if len(f) == 0 || len(f) > 8 {
		return 0, ErrMalformedKey
	}
	v, err := strconv.ParseUint(f, 16, 32)
	return uint32(v), err
}

// ValidSerial reports whether s is an ASA-style serial: 11 characters, A-Z
// and 0-9.
func ValidSerial(s string) bool {
	if len(s) != 11 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// Key is a decoded activation key.
type Key struct {
	Serial   string
	Features Features
	// Days is the duration of a time-based key; 0 makes the key permanent.
	Days int
	// Nonce tells apart otherwise identical time-based licenses (two 4-week
	// demos bought one after the other must give two keys). Permanent keys
	// have nonce 0: the same permanent feature set always gives the same key.
	Nonce int
}

// TimeBased reports whether the key carries a duration.
func (k Key) TimeBased() bool { return k.Days > 0 }

// Validate checks the key's serial, duration, nonce and features.
func (k Key) Validate() error {
	if !ValidSerial(k.Serial) {
		return fmt.Errorf("%w: %q", ErrInvalidSerial, k.Serial)
	}
	if k.Days < 0 || k.Days > MaxDays {
		return fmt.Errorf("%w: days must be 0..%d", ErrInvalidFeatures, MaxDays)
	}
	if k.Nonce < 0 || k.Nonce > MaxNonce || (k.Days == 0 && k.Nonce != 0) {
		return fmt.Errorf("%w: nonce must be 0 for a permanent key and 0..%d otherwise", ErrInvalidFeatures, MaxNonce)
	}
	if k.Days > 0 {
		if k.Features.IsZero() {
			return fmt.Errorf("%w: a time-based key must grant at least one feature", ErrInvalidFeatures)
		}
		if p := k.Features.permanentOnly(); p != "" {
			return fmt.Errorf("%w: %s cannot be time-based", ErrInvalidFeatures, p)
		}
	}
	return k.Features.Validate()
}

// MinSecretLen is the shortest lab signing secret accepted.
const MinSecretLen = 16

// Signer makes and checks the keys of one lab.
//
// Layout: the 160 bits are a 96-bit payload followed by a 64-bit tag.
//
//	tag     = HMAC-SHA256(secret, "asalab-key-mac" | serial | payload)[:8]
//	words   = (payload XOR HMAC-SHA256(secret, "asalab-key-stream" | serial | tag)[:12]) | tag
//
// The tag is a MAC over the serial and the payload, so a key made for another
// serial or by another lab (another secret), or with any bit changed, is
// refused, and forging one means forging a 64-bit MAC. Encrypting the payload
// with a stream derived from the tag (a synthetic IV, as in SIV) makes keys
// look as random as Cisco's instead of leaking the feature bits, while keeping
// them deterministic: the same features for the same serial give the same key.
//
// Payload bits, most significant first: version 2 (always 1), days 10, nonce
// 4, sec-plus 1, 3des 1, failover 2, contexts 8, vlans 11, premium 15,
// essentials, mobile, phone, aea, shared-participant, botnet, carrier,
// cluster, plus-apex 1 each, shared-server 15, proxy sessions 14, vpn-only
// tier index 4: 96 bits.
type Signer struct {
	secret []byte
}

// NewSigner returns a Signer for the given lab secret.
func NewSigner(secret []byte) (*Signer, error) {
	if len(secret) < MinSecretLen {
		return nil, ErrInvalidSecret
	}
	return &Signer{secret: append([]byte(nil), secret...)}, nil
}

// ForLab derives the signer of a named lab from the daemon's master secret,
// so that a key made in one lab is refused in every other.
func (s *Signer) ForLab(name string) *Signer {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("asalab-lab\x00"))
	m.Write([]byte(name))
	return &Signer{secret: m.Sum(nil)}
}

const payloadLen, tagLen = 12, 8

// Encode makes the key. It fails on an invalid serial or feature set.
func (s *Signer) Encode(k Key) (Words, error) {
	if err := k.Validate(); err != nil {
		return Words{}, err
	}
	payload := packPayload(k)
	tag := s.tag(k.Serial, payload[:])
	stream := s.stream(k.Serial, tag[:])
	var raw [payloadLen + tagLen]byte
	for i := range payloadLen {
		raw[i] = payload[i] ^ stream[i]
	}
	copy(raw[payloadLen:], tag[:])
	var w Words
	for i := range w {
		w[i] = binary.BigEndian.Uint32(raw[4*i:])
	}
	return w, nil
}

// Decode checks the words against the serial and returns the key. Any key
// not made by this signer for this serial gives ErrInvalidKey.
func (s *Signer) Decode(serial string, w Words) (Key, error) {
	if !ValidSerial(serial) {
		return Key{}, fmt.Errorf("%w: %q", ErrInvalidSerial, serial)
	}
	var raw [payloadLen + tagLen]byte
	for i, v := range w {
		binary.BigEndian.PutUint32(raw[4*i:], v)
	}
	tag := raw[payloadLen:]
	stream := s.stream(serial, tag)
	var payload [payloadLen]byte
	for i := range payloadLen {
		payload[i] = raw[i] ^ stream[i]
	}
	want := s.tag(serial, payload[:])
	if subtle.ConstantTimeCompare(want[:], tag) != 1 {
		return Key{}, ErrInvalidKey
	}
	k, ok := unpackPayload(payload)
	if !ok {
		return Key{}, ErrInvalidKey
	}
	k.Serial = serial
	if k.Validate() != nil {
		return Key{}, ErrInvalidKey
	}
	return k, nil
}

func (s *Signer) tag(serial string, payload []byte) (t [tagLen]byte) {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("asalab-key-mac\x00"))
	m.Write([]byte(serial))
	m.Write(payload)
	copy(t[:], m.Sum(nil))
	return t
}

func (s *Signer) stream(serial string, tag []byte) (ks [payloadLen]byte) {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("asalab-key-stream\x00"))
	m.Write([]byte(serial))
	m.Write(tag)
	copy(ks[:], m.Sum(nil))
	return ks
}

// bits packs fields most significant first into a 96-bit payload.
type bits struct {
	hi  uint32 // top 32 bits
	lo  uint64 // low 64 bits
	pos int    // bits written
}

func (b *bits) put(v uint64, n int) {
	for i := n - 1; i >= 0; i-- {
		bit := (v >> uint(i)) & 1
		// shift the 96-bit value left by one and add the bit
		b.hi = b.hi<<1 | uint32(b.lo>>63)
		b.lo = b.lo<<1 | bit
		b.pos++
	}
}

func (b *bits) get(n int) uint64 {
	var v uint64
	for range n {
		v = v<<1 | uint64(b.hi>>31)
		b.hi = b.hi<<1 | uint32(b.lo>>63)
		b.lo <<= 1
	}
	return v
}

func b2u(v bool) uint64 {
	if v {
		return 1
	}
	return 0
}

const payloadVersion = 1

func packPayload(k Key) (out [payloadLen]byte) {
	f := k.Features
	var b bits
	b.put(payloadVersion, 2)
	b.put(uint64(k.Days), 10)
	b.put(uint64(k.Nonce), 4)
	b.put(b2u(f.SecurityPlus), 1)
	b.put(b2u(f.Encryption3DES), 1)
	b.put(uint64(f.Failover), 2)
	b.put(uint64(f.Contexts), 8)
	b.put(uint64(f.VLANs), 11)
	b.put(uint64(f.PremiumPeers), 15)
	for _, v := range []bool{f.Essentials, f.Mobile, f.Phone, f.AEA, f.SharedParticipant, f.Botnet, f.Carrier, f.Cluster, f.PlusApex} {
		b.put(b2u(v), 1)
	}
	b.put(uint64(f.SharedServer), 15)
	b.put(uint64(f.ProxySessions), 14)
	tier := 0
	for i, n := range VPNOnlyTiers {
		if n == f.VPNOnly {
			tier = i + 1
		}
	}
	b.put(uint64(tier), 4)
	if b.pos != 96 {
		panic(fmt.Sprintf("keygen: payload layout is %d bits, want 96", b.pos))
	}
	binary.BigEndian.PutUint32(out[:4], b.hi)
	binary.BigEndian.PutUint64(out[4:], b.lo)
	return out
}

func unpackPayload(p [payloadLen]byte) (Key, bool) {
	b := bits{hi: binary.BigEndian.Uint32(p[:4]), lo: binary.BigEndian.Uint64(p[4:])}
	if b.get(2) != payloadVersion {
		return Key{}, false
	}
	var k Key
	k.Days = int(b.get(10))
	k.Nonce = int(b.get(4))
	f := &k.Features
	f.SecurityPlus = b.get(1) == 1
	f.Encryption3DES = b.get(1) == 1
	f.Failover = Failover(b.get(2))
	f.Contexts = int(b.get(8))
	f.VLANs = int(b.get(11))
	f.PremiumPeers = int(b.get(15))
	for _, p := range []*bool{&f.Essentials, &f.Mobile, &f.Phone, &f.AEA, &f.SharedParticipant, &f.Botnet, &f.Carrier, &f.Cluster, &f.PlusApex} {
		*p = b.get(1) == 1
	}
	f.SharedServer = int(b.get(15))
	f.ProxySessions = int(b.get(14))
	tier := int(b.get(4))
	if tier > len(VPNOnlyTiers) {
		return Key{}, false
	}
	if tier > 0 {
		f.VPNOnly = VPNOnlyTiers[tier-1]
	}
	return k, true
}
