package config

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/subtle"
	"strings"
)

// IOS keeps `enable secret` and `username NAME secret` as type 5 secrets:
// the FreeBSD MD5-crypt of the password with a four-character salt,
// printed "5 $1$SALT$HASH" (Cisco IOS Security Command Reference, "enable
// secret": "5 Specifies a message digest algorithm 5-encrypted secret").
// The salt alphabet and the algorithm are MD5-crypt's (Poul-Henning Kamp's
// crypt-md5, as in FreeBSD and glibc).

const (
	md5Magic   = "$1$"
	crypt64    = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	saltLen    = 4
	maxPassLen = 25 // IOS refuses longer enable secrets
)

// HashSecret is the type 5 secret of pass with a fresh salt.
func HashSecret(pass string) string {
	var b [saltLen]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	salt := make([]byte, saltLen)
	for i, c := range b {
		salt[i] = crypt64[int(c)%len(crypt64)]
	}
	return md5Crypt(pass, string(salt))
}

// CheckSecret reports whether pass matches a type 5 secret; an empty
// secret (none configured) matches nothing.
func CheckSecret(secret, pass string) bool {
	rest, ok := strings.CutPrefix(secret, md5Magic)
	if !ok {
		return false
	}
	salt, _, ok := strings.Cut(rest, "$")
	if !ok {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(md5Crypt(pass, salt)), []byte(secret)) == 1
}

// ValidSecret reports whether s is a type 5 secret as the configuration
// prints it, so that a pasted `enable secret 5 $1$...` keeps it.
func ValidSecret(s string) bool {
	rest, ok := strings.CutPrefix(s, md5Magic)
	if !ok {
		return false
	}
	salt, hash, ok := strings.Cut(rest, "$")
	if !ok || salt == "" || len(salt) > 8 || len(hash) != 22 {
		return false
	}
	for _, c := range salt + hash {
		if !strings.ContainsRune(crypt64, c) {
			return false
		}
	}
	return true
}

// md5Crypt is MD5-crypt ($1$) of pass with salt.
func md5Crypt(pass, salt string) string {
	if len(salt) > 8 {
		salt = salt[:8]
	}
	p, s := []byte(pass), []byte(salt)
	alt := md5.Sum(append(append(append([]byte{}, p...), s...), p...))
	h := md5.New()
	h.Write(p)
	h.Write([]byte(md5Magic))
	h.Write(s)
	for i := len(p); i > 0; i -= 16 {
		h.Write(alt[:min(i, 16)])
	}
	for i := len(p); i > 0; i >>= 1 {
		if i&1 != 0 {
			h.Write([]byte{0})
		} else {
			h.Write(p[:1])
		}
	}
	sum := h.Sum(nil)
	for i := range 1000 {
		h := md5.New()
		if i&1 != 0 {
			h.Write(p)
		} else {
			h.Write(sum)
		}
		if i%3 != 0 {
			h.Write(s)
		}
		if i%7 != 0 {
			h.Write(p)
		}
		if i&1 != 0 {
			h.Write(sum)
		} else {
			h.Write(p)
		}
		sum = h.Sum(nil)
	}
	var out strings.Builder
	out.WriteString(md5Magic + salt + "$")
	enc := func(a, b, c byte, n int) {
		v := uint(a)<<16 | uint(b)<<8 | uint(c)
		for range n {
			out.WriteByte(crypt64[v&0x3f])
			v >>= 6
		}
	}
	enc(sum[0], sum[6], sum[12], 4)
	enc(sum[1], sum[7], sum[13], 4)
	enc(sum[2], sum[8], sum[14], 4)
	enc(sum[3], sum[9], sum[15], 4)
	enc(sum[4], sum[10], sum[5], 4)
	enc(0, 0, sum[11], 2)
	return out.String()
}
