package config

import (
	"container/list"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/asalab/asalab/headend"
)

// The factory login of a new headend: `username admin password admin
// privilege 15` and `enable password admin`. A real ASA ships without them;
// the lab gives every unit a documented login so that SSH clients work at
// once (README).
const (
	DefaultUsername       = "admin"
	DefaultPassword       = "admin"
	DefaultEnablePassword = "admin"
)

// Privilege levels of the ASA's local user database.
const (
	MinPrivilege     = 0
	MaxPrivilege     = 15
	DefaultPrivilege = 2 // `username NAME password PASS` without privilege
)

// User is a `username NAME password PASS privilege N` line of a
// configuration. Only the password's hash is kept, as on the ASA.
type User struct {
	Name      string `json:"name"`
	Hash      string `json:"hash"` // PasswordHash form: $sha512$5000$salt$hash
	Privilege int    `json:"privilege"`
}

// ASA 9.x stores local passwords as PBKDF2-HMAC-SHA512 with 5000 iterations,
// a 16-byte salt and a 16-byte result, and prints them as
// "$sha512$5000$<base64 salt>$<base64 hash> pbkdf2".
const (
	pbkdf2Iter    = 5000
	pbkdf2SaltLen = 16
	pbkdf2KeyLen  = 16
	hashPrefix    = "$sha512$"
	maxNameLen    = 64
	maxPassLen    = 127
)

// HashPassword hashes a clear-text password in the stored form. The
// derivation costs milliseconds of CPU, and a lab file gives the same
// password to a thousand headends (and hashes it twice for each, once in
// its rehearsal), so a password is hashed once per process: with the
// process's one random salt, and remembered (hashMemo). Two headends given
// the same password then show the same hash. A real ASA draws a salt per
// password, but a salt and its hash are a valid stored form either way
// (Cisco ASA Series Command Reference, `username` command: the pbkdf2
// keyword takes a hash as `more system:running-config` prints it), and no
// user can tell one unit's salt from another's without comparing units.
func HashPassword(pass string) string {
	return hashMemo.hash(pass)
}

// maxHashMemo bounds the remembered passwords: enough for every password of
// a large lab file, small enough (about 1 MiB) to keep for the process.
const maxHashMemo = 4096

// hashMemo is the process's memo of HashPassword.
var hashMemo = newPasswordMemo(maxHashMemo)

// passwordMemo remembers the hashes of the passwords last hashed, at most
// max of them, dropping the least recently used. Its salt is drawn once.
type passwordMemo struct {
	salt []byte
	max  int
	mu   sync.Mutex
	m    map[string]*list.Element // of *memoEntry
	lru  list.List                // most recent first
}

type memoEntry struct{ pass, hash string }

func newPasswordMemo(max int) *passwordMemo {
	salt := make([]byte, pbkdf2SaltLen)
	_, _ = rand.Read(salt) // never fails (crypto/rand)
	return &passwordMemo{salt: salt, max: max, m: make(map[string]*list.Element)}
}

func (p *passwordMemo) hash(pass string) string {
	p.mu.Lock()
	if e, ok := p.m[pass]; ok {
		p.lru.MoveToFront(e)
		h := e.Value.(*memoEntry).hash
		p.mu.Unlock()
		return h
	}
	p.mu.Unlock()
	// Derived without the lock, so that other passwords need not wait; two
	// callers that race on one password derive the same hash (one salt).
	h := hashWithSalt(pass, p.salt)
	p.mu.Lock()
	defer p.mu.Unlock()
	if e, ok := p.m[pass]; ok {
		p.lru.MoveToFront(e)
		return h
	}
	p.m[pass] = p.lru.PushFront(&memoEntry{pass: pass, hash: h})
	if p.lru.Len() > p.max {
		old := p.lru.Back()
		p.lru.Remove(old)
		delete(p.m, old.Value.(*memoEntry).pass)
	}
	return h
}

// len is how many passwords the memo holds.
func (p *passwordMemo) len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lru.Len()
}

func hashWithSalt(pass string, salt []byte) string {
	key, err := pbkdf2.Key(sha512.New, pass, salt, pbkdf2Iter, pbkdf2KeyLen)
	if err != nil {
		panic("headend: pbkdf2: " + err.Error()) // only for an invalid key length
	}
	enc := base64.StdEncoding
	return fmt.Sprintf("%s%d$%s$%s", hashPrefix, pbkdf2Iter, enc.EncodeToString(salt), enc.EncodeToString(key))
}

// factoryHash is the hash of the factory passwords. Every new unit shares it
// (as units share a factory image), which spares a PBKDF2 per created
// headend.
var factoryHash = sync.OnceValue(func() string {
	return hashWithSalt(DefaultPassword, []byte("asalab-factory-0"))
})

// CheckPassword reports whether pass matches a PasswordHash. An empty hash
// (no password configured) matches only the empty password.
func CheckPassword(hash, pass string) bool {
	if hash == "" {
		return pass == ""
	}
	iter, salt, want, ok := parseHash(hash)
	if !ok {
		return false
	}
	got, err := pbkdf2.Key(sha512.New, pass, salt, iter, len(want))
	return err == nil && subtle.ConstantTimeCompare(got, want) == 1
}

// ValidPasswordHash reports whether h is a hash as `more
// system:running-config` prints it, so that a configuration pasted back in
// (`username NAME password <hash> pbkdf2`) keeps its passwords.
func ValidPasswordHash(h string) bool {
	_, _, _, ok := parseHash(h)
	return ok
}

func parseHash(h string) (iter int, salt, key []byte, ok bool) {
	rest, found := strings.CutPrefix(h, hashPrefix)
	if !found {
		return 0, nil, nil, false
	}
	parts := strings.Split(rest, "$")
	if len(parts) != 3 {
		return 0, nil, nil, false
	}
	iter, err := strconv.Atoi(parts[0])
	if err != nil || iter < 1 || iter > 1_000_000 {
		return 0, nil, nil, false
	}
	salt, err1 := base64.StdEncoding.DecodeString(parts[1])
	key, err2 := base64.StdEncoding.DecodeString(parts[2])
	if err1 != nil || err2 != nil || len(salt) == 0 || len(key) == 0 || len(key) > 64 {
		return 0, nil, nil, false
	}
	return iter, salt, key, true
}

// ValidateUsername applies the local user database's rule: 1 to 64
// printable characters without spaces.
func ValidateUsername(name string) error {
	if name == "" || len(name) > maxNameLen || !printable(name) {
		return fmt.Errorf("%w %q: 1 to %d printable characters without spaces", headend.ErrInvalidUsername, name, maxNameLen)
	}
	return nil
}

// ValidatePassword applies the rule for clear-text passwords: 1 to 127
// printable characters without spaces (the CLI splits words at spaces).
func ValidatePassword(pass string) error {
	if pass == "" || len(pass) > maxPassLen || !printable(pass) {
		return fmt.Errorf("%w: 1 to %d printable characters without spaces", headend.ErrInvalidPassword, maxPassLen)
	}
	return nil
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// factoryLogin sets the factory credentials on a configuration.
func (c *Config) factoryLogin() {
	c.Users = []User{{Name: DefaultUsername, Hash: factoryHash(), Privilege: MaxPrivilege}}
	c.EnablePassword = factoryHash()
}

// User finds a local user.
func (c *Config) User(name string) (User, bool) {
	i := slices.IndexFunc(c.Users, func(u User) bool { return u.Name == name })
	if i < 0 {
		return User{}, false
	}
	return c.Users[i], true
}

// SetUser adds or replaces a local user. The slice is copied, never changed
// in place, because a running and a saved configuration may share it.
func (c *Config) SetUser(u User) {
	users := slices.DeleteFunc(slices.Clone(c.Users), func(x User) bool { return x.Name == u.Name })
	users = append(users, u)
	slices.SortFunc(users, func(a, b User) int { return strings.Compare(a.Name, b.Name) })
	c.Users = users
}

// RemoveUser deletes a local user (`no username NAME`); false if there was
// none.
func (c *Config) RemoveUser(name string) bool {
	if _, ok := c.User(name); !ok {
		return false
	}
	c.Users = slices.DeleteFunc(slices.Clone(c.Users), func(x User) bool { return x.Name == name })
	return true
}

// Equal reports whether two configurations are the same, as `write memory`
// would find them.
func (c Config) Equal(o Config) bool {
	return c.Hostname == o.Hostname && c.Essentials == o.Essentials && c.PagerLines == o.PagerLines &&
		slices.Equal(c.Prompt, o.Prompt) &&
		c.EnablePassword == o.EnablePassword && slices.Equal(c.Users, o.Users) &&
		slices.Equal(c.Interfaces, o.Interfaces) &&
		c.Logging.Equal(o.Logging) && c.EssentialsTyped == o.EssentialsTyped &&
		c.SSH.Equal(o.SSH) &&
		c.VPN.Equal(o.VPN) && c.Timezone == o.Timezone &&
		slices.EqualFunc(c.Lines, o.Lines, Line.equal) &&
		c.Failover.Equal(o.Failover) &&
		c.LicenseServer.Equal(o.LicenseServer) &&
		c.SmartLicense == o.SmartLicense && c.CallHome.Equal(o.CallHome)
}

// UnmarshalJSON reads a stored configuration. One stored before the local
// user database existed (no "users" key) gets the factory login, so that
// headends created by an older headendd can be reached over SSH; one stored
// before `pager lines` was kept has the factory 24; one stored before the
// logging commands were kept has the lab's default logging.
//
// The record is decoded once: the users are held raw to tell a missing key
// from a stored empty list ("users":null), which keeps none. Start-up
// decodes two configurations per stored headend.
func (c *Config) UnmarshalJSON(b []byte) error {
	type plain Config
	*c = Config{PagerLines: DefaultPagerLines, Logging: DefaultLogging()} // kept when the record has none
	v := struct {
		*plain
		Users json.RawMessage `json:"users"` // hides plain's
	}{plain: (*plain)(c)}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if v.Users == nil {
		c.factoryLogin()
		return nil
	}
	return json.Unmarshal(v.Users, &c.Users)
}
