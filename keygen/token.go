package keygen

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
)

// tokenAlphabet: digits and capitals without I and O, which read as 1 and 0.
const tokenAlphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// Token derives the n-th token of a kind ("pak", "code") from the lab
// secret, length characters long: the portal's PAKs and activation codes
// are deterministic for a lab (stable test transcripts) but cannot be
// guessed without the secret, since a PAK is as good as the license it
// was bought for.
func (s *Signer) Token(kind string, n uint64, length int) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("asalab-portal-" + kind + "\x00"))
	m.Write(binary.BigEndian.AppendUint64(nil, n))
	sum := m.Sum(nil)
	b := make([]byte, length)
	for i := range b {
		b[i] = tokenAlphabet[int(sum[i])%len(tokenAlphabet)]
	}
	return string(b)
}
