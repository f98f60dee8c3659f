package labfile_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/sim/labfile"
)

// TestParseExample: the documented example reads.
func TestParseExample(t *testing.T) {
	src, err := os.ReadFile("../../docs/examples/lab.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f, err := labfile.Parse("lab.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	if f.Lab != "training1" || len(f.Headends) != 4 || len(f.Orders) != 1 || len(f.Accounts) != 1 || f.Clock == nil {
		t.Fatalf("parsed %+v", f)
	}
	if h := f.Headends[2]; h.Features == nil || h.Features.PremiumPeers != 500 || h.Essentials == nil || *h.Essentials {
		t.Fatalf("srv %+v", h)
	}
}

// TestParseBadInput: every refusal names the file, the line and column,
// and the field, with the exact message.
func TestParseBadInput(t *testing.T) {
	models := strings.Join(headend.ModelNames(), ", ")
	for _, c := range []struct{ name, src, want string }{
		{"unknown model", "headends:\n  - hostname: asa1\n    model: ASA9999\n",
			`lab.yaml:3:12: headends[0].model: unknown model "ASA9999" (known: ` + models + `)`},
		{"duplicate hostname", "headends:\n  - {hostname: asa1, model: ASA5525}\n  - {hostname: asa1, model: ASA5525}\n",
			`lab.yaml:3:16: headends[1].hostname: hostname "asa1" is taken by the headend at line 2`},
		{"bad key feature", "headends:\n  - hostname: asa1\n    model: ASA5525\n    keys: [premium=250, premum]\n",
			`lab.yaml:4:25: headends[0].keys[1]: unknown feature "premum" (one of ` + keygen.FeatureHelp + `)`},
		{"bad yaml type", "portal:\n  customer: Acme\n  orders:\n    - {name: p, sku: L-AC-PLS-LIC=, users: many}\n",
			`lab.yaml:4:44: portal.orders[0].users: want a whole number, not "many"`},
		{"unknown field", "headends:\n  - hostname: asa1\n    model: ASA5525\n    modle: x\n",
			`lab.yaml:4:5: headends[0].modle: unknown field "modle" (known: config, essentials, failover, hostname, interfaces, keys, model, orders, serial, shared)`},
		{"empty file", "", `lab.yaml:1: the file is empty: it holds no YAML document (a lab file is a mapping of clock, headends, lab, portal, prune, smart)`},
		{"only a comment", "# a lab\n", `lab.yaml:1: the file is empty: it holds no YAML document (a lab file is a mapping of clock, headends, lab, portal, prune, smart)`},
		{"tab indent", "headends:\n  - hostname: asa1\n\tmodel: ASA5525\n",
			`lab.yaml:3:1: a tab indents this line: YAML is indented with spaces only (found a tab character that violates indentation)`},
		{"feature too large", "headends:\n  - {hostname: asa1, model: ASA5525, keys: [premium=99999999999999999999]}\n",
			fmt.Sprintf(`lab.yaml:2:45: headends[0].keys[0]: premium=99999999999999999999 is too large: premium is 1..%d`, keygen.MaxPremiumPeers)},
		{"unknown top field", "labs: x\n",
			`lab.yaml:1:1: labs: unknown field "labs" (known: clock, headends, lab, portal, prune, smart)`},
		{"order reference", "portal:\n  customer: Acme\n  orders: [{name: p1, sku: L-AC-PLS-LIC=, users: 25, months: 12}]\nheadends:\n  - {hostname: asa1, model: ASA5525, orders: [p2]}\n",
			`lab.yaml:5:47: headends[0].orders[0]: no order named "p2" in portal.orders (there are: p1)`},
		{"peer reference", "headends:\n  - hostname: asa1\n    model: ASA5525\n    failover: {peer: asa3, unit: primary, key: k}\n",
			`lab.yaml:4:22: headends[0].failover.peer: peer "asa3" is not another headend of the file`},
		{"peer not mutual", "headends:\n  - {hostname: a, model: ASA5525, failover: {peer: b, unit: primary, key: k}}\n  - {hostname: b, model: ASA5525}\n",
			`lab.yaml:2:52: headends[0].failover.peer: peer b does not name a as its failover peer`},
		{"shared failover link", "headends:\n" +
			"  - {hostname: a1, model: ASA5525, failover: {peer: a2, unit: primary, key: k, link: 10.9.9.1/30}}\n" +
			"  - {hostname: a2, model: ASA5525, failover: {peer: a1, unit: secondary, key: k}}\n" +
			"  - {hostname: b1, model: ASA5525, failover: {peer: b2, unit: primary, key: k, link: 10.9.9.2/30}}\n" +
			"  - {hostname: b2, model: ASA5525, failover: {peer: b1, unit: secondary, key: k}}\n",
			`lab.yaml:4:86: headends[2].failover.link: the pairs a1/a2 and b1/b2 share the failover link 10.9.9.0/30: give each pair a link of its own`},
		{"bad clock mode", "clock: {mode: fast}\n",
			`lab.yaml:1:15: clock.mode: clock mode "fast" is not simulated or real`},
		{"bad clock start", "clock: {start: monday}\n",
			`lab.yaml:1:16: clock.start: "monday" is not an RFC 3339 time, as 2026-01-05T09:00:00Z`},
		{"real clock with start", "clock: {mode: real, start: 2026-01-05T09:00:00Z}\n",
			`lab.yaml:1:28: clock.start: a real clock has no start; only a simulated one`},
		{"yaml syntax", "headends: [\n",
			`lab.yaml:1: did not find expected node content`},
		{"not a list", "headends: {hostname: asa1}\n",
			`lab.yaml:1:11: headends: want a list, not a mapping`},
		{"bad lab name", "lab: Training_1\n",
			`lab.yaml:1:6: lab: lab name "Training_1": 1 to 63 of a-z, 0-9 and '-', starting with a letter or digit`},
		{"missing model", "headends:\n  - hostname: asa1\n",
			`lab.yaml:2:5: headends[0].model: a headend needs a model (known: ` + models + `)`},
		{"bad serial", "headends:\n  - {hostname: asa1, model: ASA5525, serial: X}\n",
			`lab.yaml:2:46: headends[0].serial: serial "X" is not an 11-character serial`},
		{"keys on an ASAv", "headends:\n  - {hostname: v1, model: ASAv10, keys: [3des]}\n",
			`lab.yaml:2:41: headends[0].keys: the ASAv10 is not licensed by activation keys`},
		{"bad sku", "portal:\n  customer: Acme\n  orders: [{name: p1, sku: L-NOPE=}]\n",
			`lab.yaml:3:28: portal.orders[0].sku: unknown SKU "L-NOPE=" (the portal sells `},
		{"orders without customer", "portal:\n  orders: [{name: p1, sku: L-AC-PLS-LIC=, users: 25, months: 12}]\n",
			`lab.yaml:2:12: portal.customer: the portal's orders need a customer`},
		{"bad tag", "smart:\n  accounts: [{name: Acme, entitlements: [{tag: ASAv-XL, count: 1}]}]\n",
			`lab.yaml:2:48: smart.accounts[0].entitlements[0].tag: tag "ASAv-XL" is not one of `},
		{"bad essentials", "headends:\n  - {hostname: asa1, model: ASA5525, essentials: maybe}\n",
			`lab.yaml:2:50: headends[0].essentials: want true or false, not "maybe"`},
		{"bad address", "headends:\n  - hostname: asa1\n    model: ASA5525\n    interfaces: [{name: G0/0, nameif: out, address: 10.1.0.1}]\n",
			`lab.yaml:4:53: headends[0].interfaces[0].address: "10.1.0.1" is not an IPv4 address with its length, as 10.1.0.1/24`},
		{"shared participant without server", "headends:\n  - {hostname: asa1, model: ASA5525, shared: {role: participant, secret: s}}\n",
			`lab.yaml:2:46: headends[0].shared.server: a participant needs its server's address`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := labfile.Parse("lab.yaml", []byte(c.src))
			var fe *labfile.Error
			if !errors.As(err, &fe) || !errors.Is(err, labfile.ErrInvalid) {
				t.Fatalf("err %v, want a *labfile.Error", err)
			}
			if got := err.Error(); got != c.want && !(strings.HasSuffix(c.want, " ") && strings.HasPrefix(got, c.want)) {
				t.Fatalf("got  %s\nwant %s", got, c.want)
			}
			if fe.File != "lab.yaml" || fe.Line == 0 {
				t.Fatalf("error %+v has no file or line", fe)
			}
		})
	}
}

// TestDocExample: the schema document shows the example file as it is.
func TestDocExample(t *testing.T) {
	doc, err := os.ReadFile("../../docs/lab-files.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(doc), "```yaml\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatal("docs/lab-files.md has no yaml block")
	}
	src, err := os.ReadFile("../../docs/examples/lab.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.SplitAfter(string(src), "\n") {
		if !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	if got := strings.Join(lines, ""); got != block {
		t.Fatalf("docs/lab-files.md's example differs from docs/examples/lab.yaml:\n%s\nvs\n%s", block, got)
	}
}

// TestParseTooLarge: a file over 4 MiB is refused before it is read.
func TestParseTooLarge(t *testing.T) {
	src := make([]byte, labfile.MaxSize+1)
	_, err := labfile.Parse("big.yaml", src)
	if err == nil || err.Error() != "big.yaml: 4194305 bytes; a lab file has at most 4194304" {
		t.Fatalf("err %v", err)
	}
}
