package config

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
)

// ErrBadIKEv2 is an IKEv2 proposal, policy or profile line with a value
// IOS does not take.
var ErrBadIKEv2 = errors.New("ios: invalid IKEv2 value")

// IKEv2Proposal is a `crypto ikev2 proposal NAME`: the transforms offered.
// Each field holds its line's values, space-separated, as typed.
type IKEv2Proposal struct {
	Name       string `json:"name"`
	Encryption string `json:"encryption,omitempty"`
	Integrity  string `json:"integrity,omitempty"`
	Group      string `json:"group,omitempty"`
}

// IKEv2Policy is a `crypto ikev2 policy NAME` and its `proposal NAME`.
type IKEv2Policy struct {
	Name     string `json:"name"`
	Proposal string `json:"proposal,omitempty"`
}

// IKEv2Profile is a `crypto ikev2 profile NAME`: which peers it matches
// (`match identity remote ...`), how each side authenticates
// (`authentication remote|local METHOD`), the trustpoint for rsa-sig and
// the virtual template that clones a tunnel per peer.
type IKEv2Profile struct {
	Name            string `json:"name"`
	MatchRemote     string `json:"match_remote,omitempty"`
	AuthRemote      string `json:"auth_remote,omitempty"`
	AuthLocal       string `json:"auth_local,omitempty"`
	Trustpoint      string `json:"trustpoint,omitempty"`
	VirtualTemplate int    `json:"virtual_template,omitempty"`
}

// UnmarshalJSON also reads a bare name, as profiles were stored before
// they had contents.
func (p *IKEv2Profile) UnmarshalJSON(b []byte) error {
	var name string
	if json.Unmarshal(b, &name) == nil {
		*p = IKEv2Profile{Name: name}
		return nil
	}
	type plain IKEv2Profile
	return json.Unmarshal(b, (*plain)(p))
}

// Complete reports whether the profile can answer a peer: IOS uses a
// profile only when it matches the peer's identity and names both the
// remote and the local authentication method ("authentication local and
// remote methods are mandatory", Cisco FlexVPN and Internet Key Exchange
// Version 2 Configuration Guide, "Configuring IKEv2 Profile").
func (p IKEv2Profile) Complete() bool {
	return p.MatchRemote != "" && p.AuthRemote != "" && p.AuthLocal != ""
}

// The values IOS 15 takes on a proposal's lines.
var (
	ikev2Encryption = []string{"3des", "aes-cbc-128", "aes-cbc-192", "aes-cbc-256", "aes-gcm-128", "aes-gcm-256", "des"}
	ikev2Integrity  = []string{"md5", "sha1", "sha256", "sha384", "sha512"}
	ikev2Groups     = []string{"1", "2", "5", "14", "15", "16", "19", "20", "21", "24"}
	ikev2Auth       = []string{"pre-share", "rsa-sig", "ecdsa-sig", "eap"}
)

// ikev2Values checks vals against allowed and joins them.
func ikev2Values(vals []string, allowed []string) (string, error) {
	if len(vals) == 0 {
		return "", ErrBadIKEv2
	}
	for _, v := range vals {
		if !slices.Contains(allowed, v) {
			return "", ErrBadIKEv2
		}
	}
	return strings.Join(vals, " "), nil
}

// IKEv2Proposal is the proposal named name.
func (c *Config) IKEv2Proposal(name string) (*IKEv2Proposal, bool) {
	i := slices.IndexFunc(c.IKEv2Proposals, func(p IKEv2Proposal) bool { return p.Name == name })
	if i < 0 {
		return nil, false
	}
	return &c.IKEv2Proposals[i], true
}

// AddIKEv2Proposal is `crypto ikev2 proposal NAME`.
func (c *Config) AddIKEv2Proposal(name string) error {
	if err := ValidName(name); err != nil {
		return err
	}
	if _, ok := c.IKEv2Proposal(name); !ok {
		c.IKEv2Proposals = append(c.IKEv2Proposals, IKEv2Proposal{Name: name})
	}
	return nil
}

// RemoveIKEv2Proposal is `no crypto ikev2 proposal NAME`.
func (c *Config) RemoveIKEv2Proposal(name string) {
	c.IKEv2Proposals = slices.DeleteFunc(c.IKEv2Proposals, func(p IKEv2Proposal) bool { return p.Name == name })
}

// SetIKEv2Transform is a proposal's `encryption`, `integrity` or `group`
// line (what); no values removes the line.
func (c *Config) SetIKEv2Transform(name, what string, vals []string) error {
	p, ok := c.IKEv2Proposal(name)
	if !ok {
		return ErrBadName
	}
	var field *string
	var allowed []string
	switch what {
	case "encryption":
		field, allowed = &p.Encryption, ikev2Encryption
	case "integrity":
		field, allowed = &p.Integrity, ikev2Integrity
	case "group":
		field, allowed = &p.Group, ikev2Groups
	default:
		return ErrBadIKEv2
	}
	if len(vals) == 0 {
		*field = ""
		return nil
	}
	v, err := ikev2Values(vals, allowed)
	if err != nil {
		return err
	}
	*field = v
	return nil
}

// AddIKEv2Policy is `crypto ikev2 policy NAME`.
func (c *Config) AddIKEv2Policy(name string) error {
	if err := ValidName(name); err != nil {
		return err
	}
	if !slices.ContainsFunc(c.IKEv2Policies, func(p IKEv2Policy) bool { return p.Name == name }) {
		c.IKEv2Policies = append(c.IKEv2Policies, IKEv2Policy{Name: name})
	}
	return nil
}

// RemoveIKEv2Policy is `no crypto ikev2 policy NAME`.
func (c *Config) RemoveIKEv2Policy(name string) {
	c.IKEv2Policies = slices.DeleteFunc(c.IKEv2Policies, func(p IKEv2Policy) bool { return p.Name == name })
}

// SetIKEv2PolicyProposal is a policy's `proposal NAME` ("": `no
// proposal`); the proposal must exist, as IOS refuses an unknown one.
func (c *Config) SetIKEv2PolicyProposal(policy, proposal string) error {
	i := slices.IndexFunc(c.IKEv2Policies, func(p IKEv2Policy) bool { return p.Name == policy })
	if i < 0 {
		return ErrBadName
	}
	if _, ok := c.IKEv2Proposal(proposal); proposal != "" && !ok {
		return ErrBadIKEv2
	}
	c.IKEv2Policies[i].Proposal = proposal
	return nil
}

// IKEv2Profile is the profile named name.
func (c *Config) IKEv2Profile(name string) (*IKEv2Profile, bool) {
	i := slices.IndexFunc(c.IKEv2Profiles, func(p IKEv2Profile) bool { return p.Name == name })
	if i < 0 {
		return nil, false
	}
	return &c.IKEv2Profiles[i], true
}

// IKEv2Ready reports whether a profile is complete enough to answer an
// IKEv2 peer.
func (c *Config) IKEv2Ready() bool {
	return slices.ContainsFunc(c.IKEv2Profiles, IKEv2Profile.Complete)
}

// SetIKEv2ProfileLine is one line of a profile: `match identity remote
// ARGS`, `authentication remote|local METHOD`, `pki trustpoint NAME` or
// `virtual-template N` (what: "match", "remote", "local", "trustpoint",
// "virtual-template"); no args removes it.
func (c *Config) SetIKEv2ProfileLine(name, what string, args []string) error {
	p, ok := c.IKEv2Profile(name)
	if !ok {
		return ErrBadName
	}
	val := strings.Join(args, " ")
	switch what {
	case "match":
		if len(args) > 0 && !validMatch(args) {
			return ErrBadIKEv2
		}
		p.MatchRemote = val
	case "remote", "local":
		if len(args) > 0 && (!slices.Contains(ikev2Auth, args[0]) || len(args) > 1 && args[0] != "eap") {
			return ErrBadIKEv2
		}
		if what == "remote" {
			p.AuthRemote = val
		} else {
			p.AuthLocal = val
		}
	case "trustpoint":
		if len(args) > 1 || len(args) == 1 && ValidName(args[0]) != nil {
			return ErrBadIKEv2
		}
		p.Trustpoint = val
	case "virtual-template":
		n := 0
		if len(args) > 0 {
			var err error
			if n, err = strconv.Atoi(args[0]); err != nil || len(args) > 1 || n < 1 || n > 4096 {
				return ErrBadIKEv2
			}
		}
		p.VirtualTemplate = n
	default:
		return ErrBadIKEv2
	}
	return nil
}

// validMatch: `match identity remote any | address A [M] | fqdn [domain]
// NAME | email [domain] NAME | key-id ID`.
func validMatch(args []string) bool {
	switch args[0] {
	case "any":
		return len(args) == 1
	case "address", "fqdn", "email", "key-id":
		return len(args) >= 2 && len(args) <= 3
	}
	return false
}

// VirtualTemplate is the name of virtual template n.
func VirtualTemplate(n int) string { return "Virtual-Template" + strconv.Itoa(n) }

// AddVirtualTemplate is `interface Virtual-TemplateN type tunnel`: a
// template interface, up (a template is not shut down when made).
func (c *Config) AddVirtualTemplate(n int) error {
	if n < 1 || n > 4096 {
		return ErrNoInterface
	}
	if _, ok := c.Interface(VirtualTemplate(n)); !ok {
		c.Interfaces = append(c.Interfaces, Interface{Name: VirtualTemplate(n), Tunnel: true})
	}
	return nil
}

// RemoveVirtualTemplate is `no interface Virtual-TemplateN`.
func (c *Config) RemoveVirtualTemplate(n int) {
	c.Interfaces = slices.DeleteFunc(c.Interfaces, func(f Interface) bool { return f.Tunnel && f.Name == VirtualTemplate(n) })
}
