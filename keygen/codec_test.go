package keygen

import (
	"errors"
	"math/rand/v2"
	"testing"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef")

func testSigner(t testing.TB) *Signer {
	t.Helper()
	s, err := NewSigner(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// randomKey draws a valid key from the whole space the layout allows.
func randomKey(r *rand.Rand) Key {
	var f Features
	f.SecurityPlus = r.IntN(2) == 1
	f.Encryption3DES = r.IntN(2) == 1
	f.Failover = Failover(r.IntN(3))
	f.Contexts = r.IntN(MaxContexts + 1)
	f.VLANs = r.IntN(MaxVLANs + 1)
	f.Mobile = r.IntN(2) == 1
	f.Phone = r.IntN(2) == 1
	f.AEA = r.IntN(2) == 1
	f.Botnet = r.IntN(2) == 1
	f.Carrier = r.IntN(2) == 1
	f.Cluster = r.IntN(2) == 1
	f.ProxySessions = r.IntN(MaxProxySessions + 1)
	switch r.IntN(3) {
	case 0: // the retired model
		f.PremiumPeers = r.IntN(MaxPremiumPeers + 1)
		f.Essentials = r.IntN(2) == 1
		f.SharedParticipant = r.IntN(2) == 1
		f.SharedServer = r.IntN(MaxSharedServer + 1)
	case 1:
		f.PlusApex = true
	case 2:
		f.VPNOnly = VPNOnlyTiers[r.IntN(len(VPNOnlyTiers))]
	}
	k := Key{Serial: randomSerial(r), Features: f}
	if r.IntN(2) == 1 {
		// Only what can be time-based.
		k.Features = Features{Contexts: f.Contexts, PremiumPeers: f.PremiumPeers, Essentials: f.Essentials,
			Mobile: f.Mobile, Phone: f.Phone, AEA: f.AEA, Botnet: true, Carrier: f.Carrier,
			ProxySessions: f.ProxySessions, PlusApex: f.PlusApex}
		if k.Features.PlusApex {
			k.Features.PremiumPeers, k.Features.Essentials = 0, false
		}
		k.Days = 1 + r.IntN(MaxDays)
		k.Nonce = r.IntN(MaxNonce + 1)
	}
	return k
}

func randomSerial(r *rand.Rand) string {
	const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, 11)
	for i := range b {
		b[i] = alpha[r.IntN(len(alpha))]
	}
	return string(b)
}

func TestRoundTripRandomFeatureSets(t *testing.T) {
	s := testSigner(t)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 5000 {
		k := randomKey(r)
		w, err := s.Encode(k)
		if err != nil {
			t.Fatalf("#%d Encode(%+v): %v", i, k, err)
		}
		got, err := s.Decode(k.Serial, w)
		if err != nil {
			t.Fatalf("#%d Decode(%s): %v", i, w, err)
		}
		if got != k {
			t.Fatalf("#%d round trip:\n got %+v\nwant %+v", i, got, k)
		}
		// The printed form parses back to the same words.
		if back, err := ParseWords(w.String()); err != nil || back != w {
			t.Fatalf("#%d ParseWords(%q) = %v, %v", i, w.String(), back, err)
		}
	}
}

func TestEveryBitFlipIsRefused(t *testing.T) {
	s := testSigner(t)
	r := rand.New(rand.NewPCG(3, 4))
	for range 50 {
		k := randomKey(r)
		w, err := s.Encode(k)
		if err != nil {
			t.Fatal(err)
		}
		for bit := range 160 {
			flipped := w
			flipped[bit/32] ^= 1 << (bit % 32)
			if _, err := s.Decode(k.Serial, flipped); !errors.Is(err, ErrInvalidKey) {
				t.Fatalf("key %s with bit %d flipped: err = %v, want ErrInvalidKey", w, bit, err)
			}
		}
	}
}

func TestKeyIsBoundToSerialAndLab(t *testing.T) {
	s := testSigner(t)
	k := Key{Serial: "JMX1628X0P9", Features: Features{PremiumPeers: 250, Encryption3DES: true}}
	w, err := s.Encode(k)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Decode("JMX1628X0P8", w); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("other serial: err = %v, want ErrInvalidKey", err)
	}
	other, _ := NewSigner([]byte("another lab's secret, 32 bytes!!"))
	if _, err := other.Decode(k.Serial, w); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("other lab: err = %v, want ErrInvalidKey", err)
	}
	if _, err := s.ForLab("training").Decode(k.Serial, w); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("derived lab: err = %v, want ErrInvalidKey", err)
	}
	if _, err := s.Decode(k.Serial, Words{}); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("all-zero key: err = %v, want ErrInvalidKey", err)
	}
}

func TestEncodeIsDeterministic(t *testing.T) {
	s := testSigner(t)
	k := Key{Serial: "FCH1947V0GY", Features: Features{PlusApex: true}}
	a, _ := s.Encode(k)
	b, _ := s.Encode(k)
	if a != b {
		t.Fatalf("same key encoded twice: %s vs %s", a, b)
	}
	k.Days, k.Nonce = 28, 1
	c, _ := s.Encode(k)
	k.Nonce = 2
	d, _ := s.Encode(k)
	if c == d {
		t.Fatal("nonce does not change a time-based key")
	}
}

func TestEncodeRefusesInvalid(t *testing.T) {
	s := testSigner(t)
	tests := []struct {
		name string
		key  Key
		want error
	}{
		{"lowercase serial", Key{Serial: "jmx1628x0p9", Features: Features{Botnet: true}}, ErrInvalidSerial},
		{"short serial", Key{Serial: "JMX1628", Features: Features{Botnet: true}}, ErrInvalidSerial},
		{"too many contexts", Key{Serial: "JMX1628X0P9", Features: Features{Contexts: 300}}, ErrInvalidFeatures},
		{"vpn-only odd size", Key{Serial: "JMX1628X0P9", Features: Features{VPNOnly: 30}}, ErrInvalidFeatures},
		{"plus with vpn-only", Key{Serial: "JMX1628X0P9", Features: Features{PlusApex: true, VPNOnly: 25}}, ErrInvalidFeatures},
		{"plus with premium", Key{Serial: "JMX1628X0P9", Features: Features{PlusApex: true, PremiumPeers: 25}}, ErrInvalidFeatures},
		{"days too long", Key{Serial: "JMX1628X0P9", Days: 5000, Features: Features{Botnet: true}}, ErrInvalidFeatures},
		{"permanent with nonce", Key{Serial: "JMX1628X0P9", Nonce: 3, Features: Features{Botnet: true}}, ErrInvalidFeatures},
		{"empty time-based", Key{Serial: "JMX1628X0P9", Days: 10}, ErrInvalidFeatures},
		{"time-based 3des", Key{Serial: "JMX1628X0P9", Days: 10, Features: Features{Encryption3DES: true}}, ErrInvalidFeatures},
		{"time-based vpn-only", Key{Serial: "JMX1628X0P9", Days: 10, Features: Features{VPNOnly: 100}}, ErrInvalidFeatures},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := s.Encode(tt.key); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestParseWords(t *testing.T) {
	want := Words{0x4a3eea7b, 0x54b9f61a, 0x4143a8c4, 0x8df41e2b, 0x8328e8b8}
	good := []string{
		"0x4a3eea7b 0x54b9f61a 0x4143a8c4 0x8df41e2b 0x8328e8b8",
		"4a3eea7b 54b9f61a 4143a8c4 8df41e2b 8328e8b8",
		"0X4A3EEA7B   0x54B9F61A 4143a8c4\t0x8df41e2b 0x8328E8B8",
	}
	for _, s := range good {
		got, err := ParseWords(s)
		if err != nil || got != want {
			t.Errorf("ParseWords(%q) = %v, %v", s, got, err)
		}
	}
	if got := want.String(); got != good[0] {
		t.Errorf("String() = %q", got)
	}
	if got := (Words{0x5b0349c2, 0x55b93067, 0x1395643, 0xc48b41fb, 0x373ecb2}).String(); got != "0x5b0349c2 0x55b93067 0x1395643 0xc48b41fb 0x373ecb2" {
		t.Errorf("no leading zeros: %q", got)
	}
	bad := []string{"", "0x1 0x2 0x3 0x4", "0x1 0x2 0x3 0x4 0x5 0x6", "0x1 0x2 0x3 0x4 0xg", "0x 0x2 0x3 0x4 0x5",
		"0x123456789 0x2 0x3 0x4 0x5", "+1 2 3 4 5", "-1 2 3 4 5"}
	for _, s := range bad {
		if _, err := ParseWords(s); !errors.Is(err, ErrMalformedKey) {
			t.Errorf("ParseWords(%q) err = %v, want ErrMalformedKey", s, err)
		}
	}
}

func TestParseFeatures(t *testing.T) {
	f, err := ParseFeatures([]string{"sec-plus", "3des", "failover=active-active", "contexts=10", "premium=250", "mobile", "vpn-only=25"})
	if err == nil {
		t.Fatalf("premium with vpn-only accepted: %+v", f)
	}
	f, err = ParseFeatures([]string{"sec-plus", "3des", "failover=active-active", "contexts=10", "premium=250", "mobile", "shared-server=12000"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.String(), "sec-plus 3des failover=active-active contexts=10 premium=250 mobile shared-server=12000"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	back, err := ParseFeatures(f.Names())
	if err != nil || back != f {
		t.Errorf("Names round trip: %+v, %v", back, err)
	}
	for _, w := range []string{"premium", "premium=0", "premium=x", "failover=both", "mobile=1", "warp-drive"} {
		if _, err := ParseFeatures([]string{w}); !errors.Is(err, ErrInvalidFeatures) {
			t.Errorf("%q: err = %v", w, err)
		}
	}
}

// FuzzParseAndDecode: the parser and decoder never panic, and whatever they
// accept prints back to the same words.
func FuzzParseAndDecode(f *testing.F) {
	s := testSigner(f)
	k := Key{Serial: "JMX1628X0P9", Features: Features{PremiumPeers: 250}}
	w, _ := s.Encode(k)
	f.Add(w.String(), "JMX1628X0P9")
	f.Add("0x1 0x2 0x3 0x4 0x5", "JMX1628X0P9")
	f.Add("4a3eea7b 54b9f61a 4143a8c4 8df41e2b 8328e8b8", "FCH1947V0GY")
	f.Add("0x 0x 0x 0x 0x", "")
	f.Fuzz(func(t *testing.T, text, serial string) {
		w, err := ParseWords(text)
		if err != nil {
			if !errors.Is(err, ErrMalformedKey) {
				t.Fatalf("ParseWords(%q): unexpected error %v", text, err)
			}
			return
		}
		if back, err := ParseWords(w.String()); err != nil || back != w {
			t.Fatalf("print/parse mismatch for %q", text)
		}
		k, err := s.Decode(serial, w)
		if err != nil {
			return
		}
		again, err := s.Encode(k)
		if err != nil || again != w {
			t.Fatalf("decoded key %+v does not re-encode to %s", k, w)
		}
	})
}
