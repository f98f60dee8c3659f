// Package labfile reads lab files: YAML that declares a lab (its clock,
// headends with their keys and configuration, portal orders and Smart
// accounts), and makes a lab match one. Parse checks a file on its own;
// Apply checks it against the lab, then changes the lab through its
// ordinary API, every change synced and evented. An error names the file,
// the line and the field, and nothing is applied.
package labfile

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/keygen/portal"
	"github.com/asalab/asalab/keygen/smart"
	"github.com/asalab/asalab/sim"
)

// MaxSize bounds a lab file.
const MaxSize = 4 << 20

// ErrInvalid is the error of a lab file that does not read or does not
// hold together, or does not fit the lab it is applied to; the *Error
// wrapping it says where.
var ErrInvalid = errors.New("labfile: invalid lab file")

// Error is a lab file's error at a line and field.
type Error struct {
	File string
	// Line and Column from 1; 0 when the error is about the whole file.
	Line, Column int
	// Field is the path of the field, as headends[1].keys[0].
	Field string
	Msg   string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
		if e.Column > 0 {
			b.WriteString(":" + strconv.Itoa(e.Column))
		}
	}
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	return b.String() + ": " + e.Msg
}

// Unwrap makes every *Error an ErrInvalid.
func (e *Error) Unwrap() error { return ErrInvalid }

// File is a lab file, checked on its own.
type File struct {
	// Name is the file's name as the user gave it.
	Name string
	// Lab is the lab the file names ("": none).
	Lab string
	// Clock: nil when the file has none (the lab's clock is left alone).
	Clock *Clock
	// Prune: headends of the lab that the file does not declare are
	// deleted.
	Prune    bool
	Customer string
	Orders   []Order
	Accounts []Account
	Headends []Headend

	lab, prune, orders, accounts, headends pos
}

// Clock is the lab's clock.
type Clock struct {
	Mode sim.ClockMode
	// Start: a simulated clock's first reading (zero: none given).
	Start time.Time
	mode  pos
	start pos
}

// Order is a portal order line, one PAK, known by its name in the file.
type Order struct {
	Name string
	Line portal.OrderLine
	at   pos
}

// Account is a Smart Account with its virtual accounts and entitlements.
type Account struct {
	Name            string
	VirtualAccounts []string
	Entitlements    []Entitlement
	at              pos
}

// Entitlement is licenses of a tag in a virtual account ("": DEFAULT).
type Entitlement struct {
	VirtualAccount, Tag string
	Count               int
	at                  pos
}

// Headend is a headend of the lab.
type Headend struct {
	Hostname string
	// Model is the catalog's name of the model.
	Model  string
	Serial string
	// Features: the permanent key the lab mints for the serial; nil: none.
	Features *keygen.Features
	// featureWords are the features as the file writes them.
	featureWords []string
	// Orders are the names of the file's orders registered to the serial,
	// their keys installed.
	Orders []string
	// Essentials: nil leaves anyconnect-essentials as it is.
	Essentials *bool
	Interfaces []Interface
	Config     []string
	Failover   *Failover
	Shared     *Shared

	at                                                                    pos
	model, serial, features, orders, essentials, failover, shared, config pos
	orderAt                                                               []pos
	ifAt, configAt                                                        []pos
}

// Interface is a named interface with its address.
type Interface struct {
	Name, Nameif string
	Prefix       netip.Prefix
}

// Failover pairs the headend with its peer over a LAN failover link.
type Failover struct {
	Peer string
	// Unit: "primary" or "secondary".
	Unit, Key string
	// Interface is the physical interface of the failover link.
	Interface string
	// Link is the primary's address on the link with its length; the
	// secondary's standby address is the next one. A file that gives none
	// gets a /30 of 10.255.0.0/16 of its own (pairLinks): units
	// pair with the unit whose failover link addresses and key match
	// theirs, so two pairs of one lab need links of their own.
	Link       netip.Prefix
	linkSet    bool
	peer, link pos
	// defaultLink: neither unit of the pair gives a link; mate is the
	// peer's Failover then.
	defaultLink bool
	mate        *Failover
}

// Shared is the headend's role in shared AnyConnect Premium licensing.
type Shared struct {
	// Role: "server" or "participant".
	Role, Secret string
	// Interface: the server's interface it serves on (its nameif).
	Interface string
	// Server: a participant's server's address.
	Server netip.Addr
	at     pos
}

// DefaultFailoverInterface is a failover link's interface when a file
// does not name one.
const DefaultFailoverInterface = "GigabitEthernet0/7"

// The default links are the /30s of 10.255.0.0/16, each pair that gives
// no link taking the first one free in the file's order: free of the
// links the file gives and, applied to a lab, of the links its units have
// (a pair already formed keeps its own, so a second apply changes nothing).
const defaultLinkBlocks = 1 << 14

var defaultLinkNet = netip.MustParsePrefix("10.255.0.0/16")

// defaultLink is the primary's address on the default link numbered block.
func defaultLink(block int) netip.Prefix {
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 255, byte(block >> 6), byte(block&63)<<2 | 1}), 30)
}

// linkBlocks are the default links (their numbers) that p overlaps.
func linkBlocks(p netip.Prefix) (first, last int, ok bool) {
	if !p.IsValid() || !p.Addr().Is4() || !p.Overlaps(defaultLinkNet) {
		return 0, 0, false
	}
	if p.Bits() <= 16 {
		return 0, defaultLinkBlocks - 1, true
	}
	a := p.Masked().Addr().As4()
	first = (int(a[2])<<8 | int(a[3])) >> 2
	n := 1
	if p.Bits() < 30 {
		n = 1 << (30 - p.Bits())
	}
	return first, first + n - 1, true
}

// pairLinks gives the file's pairs that name no link their default link:
// the link kept[primary] when there is one, else the first /30 that no
// link of the file, of kept, or of taken overlaps; at(i) is the error of
// the pair of the primary f.Headends[i] when none is left.
func pairLinks(f *File, kept map[string]netip.Prefix, taken []netip.Prefix, at func(i int) error) error {
	used := make([]bool, defaultLinkBlocks)
	mark := func(p netip.Prefix) {
		if first, last, ok := linkBlocks(p); ok {
			for b := first; b <= last; b++ {
				used[b] = true
			}
		}
	}
	for _, p := range taken {
		mark(p)
	}
	var todo []int
	for i := range f.Headends {
		h := &f.Headends[i]
		fo := h.Failover
		switch {
		case fo == nil || fo.Unit != "primary":
		case !fo.defaultLink:
			mark(fo.Link)
		default:
			if k, ok := kept[h.Hostname]; ok {
				mark(k)
				fo.setLink(k)
				continue
			}
			todo = append(todo, i)
		}
	}
	next := 0
	for _, i := range todo {
		for next < defaultLinkBlocks && used[next] {
			next++
		}
		if next == defaultLinkBlocks {
			return at(i)
		}
		used[next] = true
		f.Headends[i].Failover.setLink(defaultLink(next))
	}
	return nil
}

// noDefaultLink is the error of a pair that found no default link free.
func noDefaultLink(errAt func(w pos, field, format string, args ...any) error, f *File, i int) error {
	h := &f.Headends[i]
	return errAt(h.Failover.peer, "headends["+strconv.Itoa(i)+"].failover", "no /30 of 10.255.0.0/16 is left for the default link of %s/%s: give the pair a link of its own", h.Hostname, h.Failover.Peer)
}

// setLink makes link the link of fo's pair.
func (fo *Failover) setLink(link netip.Prefix) {
	fo.Link = link
	if fo.mate != nil {
		fo.mate.Link = link
	}
}

// pos is where a node is.
type pos struct{ line, col int }

func at(n *yaml.Node) pos { return pos{n.Line, n.Column} }

// parser reads one file.
type parser struct{ file string }

func (p *parser) errAt(w pos, field, format string, args ...any) error {
	return &Error{File: p.file, Line: w.line, Column: w.col, Field: field, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) err(n *yaml.Node, field, format string, args ...any) error {
	return p.errAt(at(n), field, format, args...)
}

// fields walks a mapping node, each key with its handler; a key without one
// is an error naming the keys there are.
func (p *parser) fields(n *yaml.Node, path string, handlers map[string]func(v *yaml.Node, path string) error) error {
	if n.Kind != yaml.MappingNode {
		return p.err(n, path, "want a mapping of %s, not %s", known(handlers), kindName(n))
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		fp := join(path, k.Value)
		h, ok := handlers[k.Value]
		if !ok || k.Kind != yaml.ScalarNode {
			return p.err(k, fp, "unknown field %q (known: %s)", k.Value, known(handlers))
		}
		if seen[k.Value] {
			return p.err(k, fp, "given twice")
		}
		seen[k.Value] = true
		if v.Kind == yaml.AliasNode {
			return p.err(v, fp, "aliases are not supported")
		}
		if err := h(v, fp); err != nil {
			return err
		}
	}
	return nil
}

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

func known(m map[string]func(*yaml.Node, string) error) string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return strings.Join(ks, ", ")
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return strconv.Quote(n.Value)
	}
	return "that"
}

func (p *parser) str(n *yaml.Node, path string, dst *string) error {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return p.err(n, path, "want a string, not %s", kindName(n))
	}
	*dst = n.Value
	return nil
}

func (p *parser) integer(n *yaml.Node, path string, dst *int) error {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		return p.err(n, path, "want a whole number, not %s", kindName(n))
	}
	v, err := strconv.Atoi(strings.ReplaceAll(n.Value, "_", ""))
	if err != nil {
		return p.err(n, path, "want a whole number, not %s", kindName(n))
	}
	*dst = v
	return nil
}

func (p *parser) boolean(n *yaml.Node, path string, dst *bool) error {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		return p.err(n, path, "want true or false, not %s", kindName(n))
	}
	return n.Decode(dst)
}

// list walks a sequence node.
func (p *parser) list(n *yaml.Node, path string, each func(i int, v *yaml.Node, path string) error) error {
	if n.Kind != yaml.SequenceNode {
		return p.err(n, path, "want a list, not %s", kindName(n))
	}
	for i, v := range n.Content {
		if v.Kind == yaml.AliasNode {
			return p.err(v, path, "aliases are not supported")
		}
		if err := each(i, v, path+"["+strconv.Itoa(i)+"]"); err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) strings(n *yaml.Node, path string, dst *[]string) error {
	return p.list(n, path, func(_ int, v *yaml.Node, path string) error {
		var s string
		if err := p.str(v, path, &s); err != nil {
			return err
		}
		*dst = append(*dst, s)
		return nil
	})
}

// labNameRE is a lab's name: it goes into store keys and HTTP headers.
var labNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// Parse reads a lab file and checks it on its own: its syntax, every
// field's type and value, and its references (orders, failover peers).
func Parse(file string, src []byte) (*File, error) {
	p := &parser{file: file}
	if len(src) > MaxSize {
		return nil, &Error{File: file, Msg: fmt.Sprintf("%d bytes; a lab file has at most %d", len(src), MaxSize)}
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(src))
	if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
		return nil, &Error{File: file, Line: 1, Msg: "the file is empty: it holds no YAML document (a lab file is a mapping of clock, headends, lab, portal, prune, smart)"}
	} else if err != nil {
		return nil, yamlError(file, src, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, p.err(&extra, "", "a lab file holds one YAML document")
	}
	f := &File{Name: file}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return f, nil // an empty file declares nothing
	}
	root := doc.Content[0]
	err := p.fields(root, "", map[string]func(*yaml.Node, string) error{
		"lab": func(v *yaml.Node, path string) error {
			f.lab = at(v)
			if err := p.str(v, path, &f.Lab); err != nil {
				return err
			}
			if !labNameRE.MatchString(f.Lab) {
				return p.err(v, path, "lab name %q: 1 to 63 of a-z, 0-9 and '-', starting with a letter or digit", f.Lab)
			}
			return nil
		},
		"prune": func(v *yaml.Node, path string) error { f.prune = at(v); return p.boolean(v, path, &f.Prune) },
		"clock": func(v *yaml.Node, path string) error { return p.clock(f, v, path) },
		"portal": func(v *yaml.Node, path string) error {
			return p.fields(v, path, map[string]func(*yaml.Node, string) error{
				"customer": func(v *yaml.Node, path string) error { return p.str(v, path, &f.Customer) },
				"orders":   func(v *yaml.Node, path string) error { f.orders = at(v); return p.orderList(f, v, path) },
			})
		},
		"smart": func(v *yaml.Node, path string) error {
			return p.fields(v, path, map[string]func(*yaml.Node, string) error{
				"accounts": func(v *yaml.Node, path string) error { f.accounts = at(v); return p.accountList(f, v, path) },
			})
		},
		"headends": func(v *yaml.Node, path string) error {
			f.headends = at(v)
			return p.list(v, path, func(i int, v *yaml.Node, path string) error { return p.headend(f, v, path) })
		},
	})
	if err != nil {
		return nil, err
	}
	for i := range f.Orders {
		o := &f.Orders[i]
		o.Line.Customer = f.Customer
		if f.Customer == "" {
			return nil, p.errAt(o.at, "portal.customer", "the portal's orders need a customer")
		}
	}
	if err := p.references(f); err != nil {
		return nil, err
	}
	return f, nil
}

// yamlLine is a YAML error's position: "yaml: line 3: ...".
var yamlLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

func yamlError(file string, src []byte, err error) error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		e := &Error{File: file, Line: line, Msg: m[2]}
		// YAML forbids tabs in indentation; the parser's words for it
		// do not say so.
		// The parser names the line of the tab or the one before it.
		lines := strings.Split(string(src), "\n")
		for l := line; l >= 1 && l <= len(lines) && l <= line+1; l++ {
			text := lines[l-1]
			indent := text[:len(text)-len(strings.TrimLeft(text, " \t"))]
			if i := strings.IndexByte(indent, '\t'); i >= 0 {
				e.Line, e.Column, e.Msg = l, i+1, "a tab indents this line: YAML is indented with spaces only ("+m[2]+")"
				break
			}
		}
		return e
	}
	return &Error{File: file, Msg: msg}
}

func (p *parser) clock(f *File, n *yaml.Node, path string) error {
	c := &Clock{Mode: sim.ClockSimulated}
	f.Clock = c
	var start *yaml.Node
	err := p.fields(n, path, map[string]func(*yaml.Node, string) error{
		"mode": func(v *yaml.Node, path string) error {
			c.mode = at(v)
			var s string
			if err := p.str(v, path, &s); err != nil {
				return err
			}
			switch s {
			case "simulated", "sim":
				c.Mode = sim.ClockSimulated
			case "real":
				c.Mode = sim.ClockReal
			default:
				return p.err(v, path, "clock mode %q is not simulated or real", s)
			}
			return nil
		},
		"start": func(v *yaml.Node, path string) error { start = v; return nil },
	})
	if err != nil {
		return err
	}
	if start != nil {
		c.start = at(start)
		var s string
		if err := p.str(start, join(path, "start"), &s); err != nil {
			return err
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return p.err(start, join(path, "start"), "%q is not an RFC 3339 time, as 2026-01-05T09:00:00Z", s)
		}
		if c.Mode == sim.ClockReal {
			return p.err(start, join(path, "start"), "a real clock has no start; only a simulated one")
		}
		c.Start = t.UTC()
	}
	return nil
}

func (p *parser) orderList(f *File, n *yaml.Node, path string) error {
	names := map[string]bool{}
	return p.list(n, path, func(i int, v *yaml.Node, path string) error {
		o := Order{at: at(v)}
		var sku *yaml.Node
		err := p.fields(v, path, map[string]func(*yaml.Node, string) error{
			"name": func(v *yaml.Node, path string) error {
				if err := p.str(v, path, &o.Name); err != nil {
					return err
				}
				if o.Name == "" || names[o.Name] {
					return p.err(v, path, "order name %q is empty or taken", o.Name)
				}
				names[o.Name] = true
				return nil
			},
			"sku":      func(v *yaml.Node, path string) error { sku = v; return p.str(v, path, &o.Line.SKU) },
			"size":     func(v *yaml.Node, path string) error { return p.integer(v, path, &o.Line.Size) },
			"users":    func(v *yaml.Node, path string) error { return p.integer(v, path, &o.Line.Users) },
			"months":   func(v *yaml.Node, path string) error { return p.integer(v, path, &o.Line.Months) },
			"quantity": func(v *yaml.Node, path string) error { return p.integer(v, path, &o.Line.Quantity) },
			"start":    func(v *yaml.Node, path string) error { return p.str(v, path, &o.Line.Start) },
		})
		if err != nil {
			return err
		}
		if o.Name == "" {
			return p.err(v, join(path, "name"), "an order needs a name, for the headends' orders to name it")
		}
		if sku == nil {
			return p.err(v, join(path, "sku"), "an order needs a sku")
		}
		if _, err := portal.ParseSKU(o.Line.SKU, o.Line.Size); err != nil {
			return p.err(sku, join(path, "sku"), "%s", trimSentinel(err))
		}
		f.Orders = append(f.Orders, o)
		return nil
	})
}

func (p *parser) accountList(f *File, n *yaml.Node, path string) error {
	names := map[string]bool{}
	return p.list(n, path, func(i int, v *yaml.Node, path string) error {
		a := Account{at: at(v)}
		vas := map[string]bool{"": true, "DEFAULT": true}
		var entitlements *yaml.Node
		var entPath string
		err := p.fields(v, path, map[string]func(*yaml.Node, string) error{
			"name": func(v *yaml.Node, path string) error {
				if err := p.str(v, path, &a.Name); err != nil {
					return err
				}
				if !smart.ValidName(a.Name) || names[a.Name] {
					return p.err(v, path, "account name %q: a new name of letters, digits, spaces, '-', '_' or '.'", a.Name)
				}
				names[a.Name] = true
				return nil
			},
			"virtual_accounts": func(v *yaml.Node, path string) error {
				return p.list(v, path, func(_ int, v *yaml.Node, path string) error {
					var s string
					if err := p.str(v, path, &s); err != nil {
						return err
					}
					if !smart.ValidName(s) || vas[s] {
						return p.err(v, path, "virtual account %q: a new name of letters, digits, spaces, '-', '_' or '.'", s)
					}
					vas[s] = true
					a.VirtualAccounts = append(a.VirtualAccounts, s)
					return nil
				})
			},
			// Entitlements are read once the virtual accounts are known,
			// whatever the order of the keys.
			"entitlements": func(v *yaml.Node, path string) error { entitlements, entPath = v, path; return nil },
		})
		if err != nil {
			return err
		}
		if a.Name == "" {
			return p.err(v, join(path, "name"), "an account needs a name")
		}
		if entitlements != nil {
			seen := map[[2]string]bool{}
			err := p.list(entitlements, entPath, func(_ int, v *yaml.Node, path string) error {
				e := Entitlement{at: at(v)}
				var tag, va *yaml.Node
				err := p.fields(v, path, map[string]func(*yaml.Node, string) error{
					"tag":             func(v *yaml.Node, path string) error { tag = v; return p.str(v, path, &e.Tag) },
					"count":           func(v *yaml.Node, path string) error { return p.integer(v, path, &e.Count) },
					"virtual_account": func(v *yaml.Node, path string) error { va = v; return p.str(v, path, &e.VirtualAccount) },
				})
				if err != nil {
					return err
				}
				if tag == nil || !smart.ValidTag(e.Tag) {
					return p.err(cmp.Or(tag, v), join(path, "tag"), "tag %q is not one of %s", e.Tag, strings.Join(smart.Tags, ", "))
				}
				if e.VirtualAccount == "DEFAULT" {
					e.VirtualAccount = ""
				}
				if !vas[e.VirtualAccount] {
					return p.err(cmp.Or(va, v), join(path, "virtual_account"), "virtual account %q is not DEFAULT or one of the account's virtual_accounts", e.VirtualAccount)
				}
				if e.Count < 1 || e.Count > smart.MaxCount {
					return p.err(v, join(path, "count"), "count %d is not 1..%d", e.Count, smart.MaxCount)
				}
				k := [2]string{e.VirtualAccount, e.Tag}
				if seen[k] {
					return p.err(v, path, "a second entitlement of %s in one virtual account; give one count", e.Tag)
				}
				seen[k] = true
				a.Entitlements = append(a.Entitlements, e)
				return nil
			})
			if err != nil {
				return err
			}
		}
		f.Accounts = append(f.Accounts, a)
		return nil
	})
}

func (p *parser) headend(f *File, n *yaml.Node, path string) error {
	h := Headend{at: at(n)}
	var hostNode *yaml.Node
	err := p.fields(n, path, map[string]func(*yaml.Node, string) error{
		"hostname": func(v *yaml.Node, path string) error { hostNode = v; return p.str(v, path, &h.Hostname) },
		"model": func(v *yaml.Node, path string) error {
			h.model = at(v)
			if err := p.str(v, path, &h.Model); err != nil {
				return err
			}
			pl, ok := headend.LookupPlatform(h.Model)
			if !ok {
				return p.err(v, path, "unknown model %q (known: %s)", h.Model, strings.Join(headend.ModelNames(), ", "))
			}
			h.Model = pl.Model
			return nil
		},
		"serial": func(v *yaml.Node, path string) error {
			h.serial = at(v)
			if err := p.str(v, path, &h.Serial); err != nil {
				return err
			}
			if !keygen.ValidSerial(h.Serial) {
				return p.err(v, path, "serial %q is not an 11-character serial", h.Serial)
			}
			return nil
		},
		"keys": func(v *yaml.Node, path string) error {
			h.features = at(v)
			var feats keygen.Features
			err := p.list(v, path, func(_ int, v *yaml.Node, path string) error {
				var w string
				if err := p.str(v, path, &w); err != nil {
					return err
				}
				if err := keygen.ParseFeature(w, &feats); err != nil {
					return p.err(v, path, "%s", trimSentinel(err))
				}
				h.featureWords = append(h.featureWords, w)
				return nil
			})
			if err != nil {
				return err
			}
			if err := feats.Validate(); err != nil {
				return p.err(v, path, "%s", trimSentinel(err))
			}
			h.Features = &feats
			return nil
		},
		"orders": func(v *yaml.Node, path string) error {
			h.orders = at(v)
			return p.list(v, path, func(_ int, v *yaml.Node, path string) error {
				var s string
				if err := p.str(v, path, &s); err != nil {
					return err
				}
				h.Orders = append(h.Orders, s)
				h.orderAt = append(h.orderAt, at(v))
				return nil
			})
		},
		"essentials": func(v *yaml.Node, path string) error {
			h.essentials = at(v)
			var b bool
			if err := p.boolean(v, path, &b); err != nil {
				return err
			}
			h.Essentials = &b
			return nil
		},
		"interfaces": func(v *yaml.Node, path string) error {
			return p.list(v, path, func(_ int, v *yaml.Node, path string) error {
				var i Interface
				var addr string
				var addrNode *yaml.Node
				err := p.fields(v, path, map[string]func(*yaml.Node, string) error{
					"name":    func(v *yaml.Node, path string) error { return p.str(v, path, &i.Name) },
					"nameif":  func(v *yaml.Node, path string) error { return p.str(v, path, &i.Nameif) },
					"address": func(v *yaml.Node, path string) error { addrNode = v; return p.str(v, path, &addr) },
				})
				if err != nil {
					return err
				}
				if i.Name == "" || i.Nameif == "" || addrNode == nil {
					return p.err(v, path, "an interface needs a name, a nameif and an address as 10.1.0.1/24")
				}
				pf, err := netip.ParsePrefix(addr)
				if err != nil || !pf.Addr().Is4() {
					return p.err(addrNode, join(path, "address"), "%q is not an IPv4 address with its length, as 10.1.0.1/24", addr)
				}
				i.Prefix = pf
				h.Interfaces = append(h.Interfaces, i)
				h.ifAt = append(h.ifAt, at(v))
				return nil
			})
		},
		"config": func(v *yaml.Node, path string) error {
			h.config = at(v)
			return p.list(v, path, func(_ int, v *yaml.Node, path string) error {
				var s string
				if err := p.str(v, path, &s); err != nil {
					return err
				}
				if strings.ContainsAny(s, "\r\n") || len(s) > 4096 {
					return p.err(v, path, "a configuration line is one line of at most 4096 characters")
				}
				h.Config = append(h.Config, s)
				h.configAt = append(h.configAt, at(v))
				return nil
			})
		},
		"failover": func(v *yaml.Node, path string) error { h.failover = at(v); return p.failover(&h, v, path) },
		"shared":   func(v *yaml.Node, path string) error { h.shared = at(v); return p.shared(&h, v, path) },
	})
	if err != nil {
		return err
	}
	if hostNode == nil {
		return p.err(n, join(path, "hostname"), "a headend needs a hostname")
	}
	if err := headend.ValidateHostname(h.Hostname); err != nil {
		return p.err(hostNode, join(path, "hostname"), "%s", trimSentinel(err))
	}
	if h.Model == "" {
		return p.err(n, join(path, "model"), "a headend needs a model (known: %s)", strings.Join(headend.ModelNames(), ", "))
	}
	for _, o := range f.Headends {
		if strings.EqualFold(o.Hostname, h.Hostname) {
			return p.err(hostNode, join(path, "hostname"), "hostname %q is taken by the headend at line %d", h.Hostname, o.at.line)
		}
		if h.Serial != "" && o.Serial == h.Serial {
			return p.errAt(h.serial, join(path, "serial"), "serial %q is taken by %s", h.Serial, o.Hostname)
		}
	}
	pl, _ := headend.LookupPlatform(h.Model)
	if pl.Licensing != headend.LicensingPAK {
		for _, w := range []struct {
			set   bool
			at    pos
			field string
		}{{h.Features != nil, h.features, "keys"}, {len(h.Orders) > 0, h.orders, "orders"}, {h.Essentials != nil, h.essentials, "essentials"},
			{h.Shared != nil, h.shared, "shared"}} {
			if w.set {
				return p.errAt(w.at, join(path, w.field), "the %s is not licensed by activation keys", h.Model)
			}
		}
	}
	if h.Features != nil && len(h.Orders) > 0 {
		return p.errAt(h.orders, join(path, "orders"), "keys and orders both make the permanent key: give one or the other")
	}
	f.Headends = append(f.Headends, h)
	return nil
}

func (p *parser) failover(h *Headend, n *yaml.Node, path string) error {
	fo := &Failover{Interface: DefaultFailoverInterface}
	var unit *yaml.Node
	err := p.fields(n, path, map[string]func(*yaml.Node, string) error{
		"peer": func(v *yaml.Node, path string) error { fo.peer = at(v); return p.str(v, path, &fo.Peer) },
		"unit": func(v *yaml.Node, path string) error { unit = v; return p.str(v, path, &fo.Unit) },
		"key": func(v *yaml.Node, path string) error {
			if err := p.str(v, path, &fo.Key); err != nil {
				return err
			}
			if fo.Key == "" || strings.ContainsAny(fo.Key, " \t") {
				return p.err(v, path, "a failover key is one word")
			}
			return nil
		},
		"interface": func(v *yaml.Node, path string) error { return p.str(v, path, &fo.Interface) },
		"link": func(v *yaml.Node, path string) error {
			fo.link = at(v)
			var s string
			if err := p.str(v, path, &s); err != nil {
				return err
			}
			pf, err := netip.ParsePrefix(s)
			if err != nil || !pf.Addr().Is4() || pf.Bits() > 30 {
				return p.err(v, path, "%q is not the primary's IPv4 address on the link with its length (at most /30), as 10.255.255.1/30", s)
			}
			fo.Link, fo.linkSet = pf, true
			return nil
		},
	})
	if err != nil {
		return err
	}
	if fo.peer == (pos{}) {
		return p.err(n, join(path, "peer"), "a failover pair needs the peer's hostname")
	}
	if unit == nil || fo.Unit != "primary" && fo.Unit != "secondary" {
		return p.err(cmp.Or(unit, n), join(path, "unit"), "unit %q is not primary or secondary", fo.Unit)
	}
	h.Failover = fo
	return nil
}

func (p *parser) shared(h *Headend, n *yaml.Node, path string) error {
	s := &Shared{at: at(n)}
	var role, server *yaml.Node
	err := p.fields(n, path, map[string]func(*yaml.Node, string) error{
		"role": func(v *yaml.Node, path string) error { role = v; return p.str(v, path, &s.Role) },
		"secret": func(v *yaml.Node, path string) error {
			if err := p.str(v, path, &s.Secret); err != nil {
				return err
			}
			if s.Secret == "" || strings.ContainsAny(s.Secret, " \t") {
				return p.err(v, path, "a shared licensing secret is one word")
			}
			return nil
		},
		"interface": func(v *yaml.Node, path string) error { return p.str(v, path, &s.Interface) },
		"server": func(v *yaml.Node, path string) error {
			server = v
			var a string
			if err := p.str(v, path, &a); err != nil {
				return err
			}
			addr, err := netip.ParseAddr(a)
			if err != nil || !addr.Is4() {
				return p.err(v, path, "%q is not an IPv4 address", a)
			}
			s.Server = addr
			return nil
		},
	})
	if err != nil {
		return err
	}
	switch {
	case role == nil || s.Role != "server" && s.Role != "participant":
		return p.err(cmp.Or(role, n), join(path, "role"), "role %q is not server or participant", s.Role)
	case s.Secret == "":
		return p.err(n, join(path, "secret"), "shared licensing needs the secret")
	case s.Role == "server" && s.Interface == "":
		return p.err(n, join(path, "interface"), "a server needs the interface (nameif) it serves on")
	case s.Role == "server" && server != nil:
		return p.err(server, join(path, "server"), "a server has no server address; a participant has")
	case s.Role == "participant" && server == nil:
		return p.err(n, join(path, "server"), "a participant needs its server's address")
	case s.Role == "participant" && s.Interface != "":
		return p.err(n, join(path, "interface"), "a participant has no interface; a server has")
	}
	h.Shared = s
	return nil
}

// references checks what names other parts of the file.
func (p *parser) references(f *File) error {
	orders := map[string]bool{}
	for _, o := range f.Orders {
		orders[o.Name] = true
	}
	hosts := map[string]*Headend{}
	for i := range f.Headends {
		hosts[f.Headends[i].Hostname] = &f.Headends[i]
	}
	// A pair's link is the primary's, the secondary's, or a default one
	// (pairLinks); two pairs on one link would pair across.
	links := map[netip.Prefix]string{}
	for i := range f.Headends {
		h := &f.Headends[i]
		fo := h.Failover
		if fo == nil || fo.Unit != "primary" {
			continue
		}
		if peer := hosts[fo.Peer]; peer != nil && peer.Failover != nil && peer.Failover.Peer == h.Hostname {
			switch pf := peer.Failover; {
			case !fo.linkSet && !pf.linkSet:
				fo.defaultLink, pf.defaultLink = true, true
				fo.mate, pf.mate = pf, fo
				continue
			case !pf.linkSet:
				pf.Link = fo.Link
			case !fo.linkSet:
				fo.Link = pf.Link
			}
			pair := h.Hostname + "/" + peer.Hostname
			if other, ok := links[fo.Link.Masked()]; ok {
				w := fo.peer
				if fo.linkSet {
					w = fo.link
				}
				return p.errAt(w, "headends["+strconv.Itoa(i)+"].failover.link", "the pairs %s and %s share the failover link %s: give each pair a link of its own",
					other, pair, fo.Link.Masked())
			}
			links[fo.Link.Masked()] = pair
		}
	}
	if err := pairLinks(f, nil, nil, func(i int) error { return noDefaultLink(p.errAt, f, i) }); err != nil {
		return err
	}
	for i, h := range f.Headends {
		path := "headends[" + strconv.Itoa(i) + "]"
		for j, o := range h.Orders {
			if !orders[o] {
				names := "none"
				if len(f.Orders) > 0 {
					names = f.Orders[0].Name
					for _, o := range f.Orders[1:] {
						names += ", " + o.Name
					}
				}
				return p.errAt(h.orderAt[j], fmt.Sprintf("%s.orders[%d]", path, j), "no order named %q in portal.orders (there are: %s)", o, names)
			}
		}
		if fo := h.Failover; fo != nil {
			fp := path + ".failover.peer"
			peer := hosts[fo.Peer]
			switch {
			case peer == nil || fo.Peer == h.Hostname:
				return p.errAt(fo.peer, fp, "peer %q is not another headend of the file", fo.Peer)
			case peer.Failover == nil || peer.Failover.Peer != h.Hostname:
				return p.errAt(fo.peer, fp, "peer %s does not name %s as its failover peer", fo.Peer, h.Hostname)
			case peer.Failover.Unit == fo.Unit:
				return p.errAt(fo.peer, fp, "%s and %s are both the %s unit", h.Hostname, fo.Peer, fo.Unit)
			case peer.Failover.Key != fo.Key || peer.Failover.Interface != fo.Interface || peer.Failover.Link != fo.Link:
				return p.errAt(fo.peer, fp, "%s and %s give different keys, interfaces or links", h.Hostname, fo.Peer)
			case peer.Model != h.Model:
				return p.errAt(fo.peer, fp, "a failover pair is of one model: %s is a %s, %s a %s", h.Hostname, h.Model, fo.Peer, peer.Model)
			}
		}
		if err := p.licensed(f, &f.Headends[i], path); err != nil {
			return err
		}
	}
	return nil
}

// licensed checks what a headend's key and model must allow for its
// declaration: the interfaces it names are the model's (the catalog's
// ports); failover needs a permanent key (the ASA refuses `failover` on a
// unit whose key is all zeros); a shared licensing server needs a key with
// a shared-server pool, a participant one with shared-participant (the
// ASA refuses the license-server lines otherwise).
func (p *parser) licensed(f *File, h *Headend, path string) error {
	pl, _ := headend.LookupPlatform(h.Model)
	names := pl.InterfaceNames()
	for k, i := range h.Interfaces {
		if !hasInterface(names, i.Name) {
			return p.errAt(h.ifAt[k], fmt.Sprintf("%s.interfaces[%d].name", path, k), "the %s has no interface %s (it has %s)", h.Model, i.Name, strings.Join(names, ", "))
		}
	}
	if fo := h.Failover; fo != nil && !hasInterface(names, fo.Interface) {
		return p.errAt(h.failover, path+".failover.interface", "the %s has no interface %s (it has %s): give the failover link one of them",
			h.Model, fo.Interface, strings.Join(names, ", "))
	}
	feats, keyed := f.keyFeatures(h)
	if h.Failover != nil && !keyed {
		return p.errAt(h.failover, path+".failover", "failover needs a permanent activation key: give the headend keys (as [3des]) or orders")
	}
	if s := h.Shared; s != nil {
		switch {
		case s.Role == "server" && feats.SharedServer == 0:
			return p.errAt(s.at, path+".shared.role", "a shared licensing server needs a key with a pool: shared-server=N in its keys (or an order of L-ASA-SSL-SHR-SRV-<n>=)")
		case s.Role == "participant" && !feats.SharedParticipant:
			return p.errAt(s.at, path+".shared.role", "a shared licensing participant needs a key with shared-participant in its keys (or an order of L-ASA-SSL-SHR-PRT=)")
		case s.Role == "server" && !declaresNameif(h, s.Interface):
			return p.errAt(s.at, path+".shared.interface", "the server serves on %q, which no interface of the headend is named (nameif) in its interfaces or config", s.Interface)
		}
	}
	return nil
}

// declaresNameif reports whether the headend's interfaces or configuration
// lines name an interface nameif.
func declaresNameif(h *Headend, nameif string) bool {
	for _, i := range h.Interfaces {
		if i.Nameif == nameif {
			return true
		}
	}
	for _, l := range h.Config {
		if f := strings.Fields(l); len(f) == 2 && f[0] == "nameif" && f[1] == nameif {
			return true
		}
	}
	return false
}

// hasInterface reports whether name is one of the model's interfaces,
// written in full or abbreviated as the console takes it (Gi0/1).
func hasInterface(names []string, name string) bool {
	kind, num := splitInterface(name)
	for _, n := range names {
		k, m := splitInterface(n)
		if num == m && kind != "" && strings.HasPrefix(strings.ToLower(k), strings.ToLower(kind)) {
			return true
		}
	}
	return false
}

func splitInterface(name string) (kind, num string) {
	i := strings.IndexFunc(name, func(r rune) bool { return r >= '0' && r <= '9' })
	if i < 0 {
		return name, ""
	}
	return strings.TrimSpace(name[:i]), name[i:]
}

// keyFeatures are the features of the permanent key the file gives a
// headend: its keys, or the licenses of its orders' SKUs merged as the
// portal merges one serial's licenses into one key; ok is false when it
// gives none.
func (f *File) keyFeatures(h *Headend) (feats keygen.Features, ok bool) {
	if h.Features != nil {
		return *h.Features, true
	}
	for _, name := range h.Orders {
		for _, o := range f.Orders {
			if o.Name != name {
				continue
			}
			if sku, err := portal.ParseSKU(o.Line.SKU, o.Line.Size); err == nil {
				feats = feats.Merge(sku.Features)
			}
		}
	}
	return feats, len(h.Orders) > 0
}

// trimSentinel is an error's text without its package's sentinel prefix
// ("keygen: invalid features: unknown feature ..." reads "unknown
// feature ...").
func trimSentinel(err error) string {
	msg := err.Error()
	for _, s := range []error{keygen.ErrInvalidFeatures, headend.ErrInvalidHostname} {
		msg = strings.TrimPrefix(msg, s.Error()+": ")
		msg = strings.TrimPrefix(msg, s.Error()+" ")
	}
	return strings.TrimPrefix(strings.TrimPrefix(msg, "portal: "), "keygen: ")
}
