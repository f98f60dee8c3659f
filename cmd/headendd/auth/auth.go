// Package auth is headendd's one place of authorization: it tells who
// calls (the admin, a lab's token, or nobody) from a bearer token, and its
// gRPC interceptors let a call through to its handler only if that caller
// may make it, on the lab the request names. Handlers see no tokens: a
// request that reaches one names the lab it may act on, and a handler that
// must know the caller reads FromContext.
package auth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
)

// Errors of Authenticate.
var (
	ErrNoToken      = errors.New("auth: no token")
	ErrUnknownToken = errors.New("auth: unknown token")
)

// Kind is what a principal is.
type Kind int

const (
	// None is no caller: no token, or one the daemon does not know.
	None Kind = iota
	// Admin may call everything, on every lab.
	Admin
	// Lab reaches one lab only.
	Lab
)

func (k Kind) String() string {
	switch k {
	case Admin:
		return "admin"
	case Lab:
		return "lab"
	}
	return "none"
}

// Principal is who makes a call.
type Principal struct {
	Kind Kind
	Lab  string // the lab a Lab principal reaches
}

// IsAdmin reports whether p may call everything.
func (p Principal) IsAdmin() bool { return p.Kind == Admin }

// TokenResolver knows the labs' tokens: LabOfToken returns the lab a token
// reaches, or an error for a token it does not know (a deleted lab's).
// A daemon's set of labs is one; it is called on every authenticated RPC,
// so it must not wait on a lock a slow request could hold.
type TokenResolver interface {
	LabOfToken(token string) (string, error)
}

// maxTokenLen bounds what is hashed or looked up: tokens are about 60
// bytes; anything much longer is not one.
const maxTokenLen = 512

// Authenticator tells callers apart by their tokens.
type Authenticator struct {
	adminSum [sha256.Size]byte
	labs     TokenResolver
	enforce  bool
}

// Options configure an Authenticator.
type Options struct {
	// Enforce makes the interceptors refuse calls without a valid token.
	// Without it a call without a token is the admin's (the daemon then
	// listens on loopback, or was told --insecure); a token that is sent
	// still counts, and an unknown one is refused.
	Enforce bool
	// AdminToken is the token that may call everything; it must not be
	// empty.
	AdminToken string
	// Labs resolves lab tokens; nil: there are none.
	Labs TokenResolver
}

// New returns an Authenticator.
func New(o Options) (*Authenticator, error) {
	if o.AdminToken == "" {
		return nil, errors.New("auth: the admin token is empty")
	}
	return &Authenticator{adminSum: sha256.Sum256([]byte(o.AdminToken)), labs: o.Labs, enforce: o.Enforce}, nil
}

// Enforced reports whether calls need a token.
func (a *Authenticator) Enforced() bool { return a.enforce }

// Authenticate tells who holds token: the admin, a lab's holder, or nobody
// (ErrNoToken, ErrUnknownToken). The web console checks its logins with
// it, the interceptors every RPC.
func (a *Authenticator) Authenticate(token string) (Principal, error) {
	if token == "" {
		return Principal{}, ErrNoToken
	}
	if len(token) > maxTokenLen {
		return Principal{}, ErrUnknownToken
	}
	// Comparing digests keeps the comparison's time independent of how
	// much of the admin token a guess gets right, and of its length.
	sum := sha256.Sum256([]byte(token))
	if subtle.ConstantTimeCompare(sum[:], a.adminSum[:]) == 1 {
		return Principal{Kind: Admin}, nil
	}
	if a.labs != nil {
		if lab, err := a.labs.LabOfToken(token); err == nil && lab != "" {
			return Principal{Kind: Lab, Lab: lab}, nil
		}
	}
	return Principal{}, ErrUnknownToken
}

type principalKey struct{}

// NewContext returns ctx carrying the caller p, as the interceptors pass
// it to handlers (and tests of handlers may).
func NewContext(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the caller of the RPC whose context ctx is. A daemon
// that does not enforce tokens trusts a caller without one as the admin,
// and so does a context no interceptor has seen (a handler called
// directly): the interceptors are the only gate, so there is nothing to
// hold back there.
func FromContext(ctx context.Context) Principal {
	if p, ok := ctx.Value(principalKey{}).(Principal); ok {
		return p
	}
	return Principal{Kind: Admin}
}
