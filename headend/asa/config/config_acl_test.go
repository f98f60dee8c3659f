package config

import (
	"strings"
	"testing"

	"github.com/asalab/asalab/headend/asa/grammar"
)

func aclTexts(c Config) []string {
	var out []string
	for _, l := range c.Lines {
		if l.Section == "access-list" {
			out = append(out, l.Text)
		}
	}
	return out
}

// TestAccessListLinePositions: `line N` inserts at line N of its own list
// (other lists' lines do not count), past the end appends, and `no
// access-list NAME line N` removes line N.
func TestAccessListLinePositions(t *testing.T) {
	c := Default("asa1")
	if err := applyTopLines(t, &c,
		"access-list A extended permit ip any any",
		"access-list B extended permit ip any any",
		"access-list A extended deny ip any any",
		"access-list A line 2 remark two",
		"access-list A line 1 extended permit tcp any any eq 22",
		"access-list A line 99 extended permit udp any any",
	); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"access-list A extended permit tcp any any eq ssh",
		"access-list A extended permit ip any any",
		"access-list B extended permit ip any any",
		"access-list A remark two",
		"access-list A extended deny ip any any",
		"access-list A extended permit udp any any",
	}
	if got := aclTexts(c); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("lines:\n%s", strings.Join(got, "\n"))
	}
	p, err := grammar.ParseConfigLine("", "access-list A line 3", true)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.RemoveConfigLines(nil, p.Text); err != nil {
		t.Fatal(err)
	}
	if got := aclTexts(c); len(got) != 5 || got[3] != "access-list A extended deny ip any any" {
		t.Fatalf("after no line 3:\n%s", strings.Join(got, "\n"))
	}
}

// TestRenderAccessList: the 9.x layout, an object group's entries indented
// under its line and counted as elements, the same hashes every time.
func TestRenderAccessList(t *testing.T) {
	c := Default("asa1")
	c.Lines = []Line{
		{Text: "object-group network G", Section: "object-group", Block: true, Sub: []Line{
			{Text: "network-object host 192.0.2.1"}, {Text: "network-object 10.0.0.0 255.0.0.0"}}},
		{Text: "access-list A remark hello", Section: "access-list"},
		{Text: "access-list A extended permit tcp object-group G any eq www log", Section: "access-list"},
	}
	out, ok := RenderAccessList(c, "A")
	want := "access-list cached ACL log flows: total 0, denied 0 (deny-flow-max 4096)\n" +
		"            alert-interval 300\n" +
		"access-list A; 2 elements; name hash: " + aclHash("A") + "\n" +
		"access-list A line 1 remark hello \n"
	if !ok || !strings.HasPrefix(out, want) {
		t.Fatalf("%v\n%s", ok, out)
	}
	lines := strings.Split(out, "\n")
	if l := lines[4]; !strings.HasPrefix(l, "access-list A line 2 extended permit tcp object-group G any eq www log informational interval 300 (hitcnt=0) 0x") {
		t.Errorf("entry %q", l)
	}
	if l := lines[6]; !strings.HasPrefix(l, "  access-list A line 2 extended permit tcp 10.0.0.0 255.0.0.0 any eq www log informational interval 300 (hitcnt=0) 0x") {
		t.Errorf("expansion %q", l)
	}
	if again, _ := RenderAccessList(c, ""); !strings.Contains(again, lines[6]) {
		t.Errorf("hashes differ between runs")
	}
	if _, ok := RenderAccessList(c, "B"); ok {
		t.Errorf("B exists")
	}
}
