package config

import (
	"slices"
	"strconv"
	"strings"
)

// cutACLLine takes the position out of `access-list NAME line N ...`: the
// line as kept, and N (0 when no position was given).
func cutACLLine(text string) (string, int) {
	f := strings.Fields(text)
	if len(f) < 4 || f[0] != "access-list" || f[2] != "line" {
		return text, 0
	}
	n, err := strconv.Atoi(f[3])
	if err != nil {
		return text, 0
	}
	return strings.Join(append(f[:2:2], f[4:]...), " "), n
}

// aclLineIndex is the index in c.Lines of line n (1-based) of the access list
// name, or -1 past its end.
func (c *Config) aclLineIndex(name string, n int) int {
	k := 0
	for i, l := range c.Lines {
		if l.Section == "access-list" && strings.Fields(l.Text)[1] == name {
			if k++; k == n {
				return i
			}
		}
	}
	return -1
}

// applyACE adds an access list line: at position N of its list with `line
// N` (the entries from N move down, as on the ASA), at its end otherwise. A
// position past the end appends (ours: no source says what the ASA answers).
// An entry already in the list stays where it is.
func (c *Config) applyACE(text string) {
	text, n := cutACLLine(text)
	if slices.ContainsFunc(c.Lines, func(l Line) bool { return l.Section == "access-list" && l.Text == text }) {
		return
	}
	nl := Line{Text: text, Section: "access-list"}
	i := -1
	if n > 0 {
		i = c.aclLineIndex(strings.Fields(text)[1], n)
	}
	c.Lines = cloneLines(c.Lines)
	if i < 0 {
		c.Lines = append(c.Lines, nl)
		return
	}
	c.Lines = slices.Insert(c.Lines, i, nl)
}

// removeACE is `no access-list NAME line N [...]`: with only the position it
// removes line N of the list, with the entry's words the entry they name
// wherever it is. It reports false for a line without a position, which
// the `no` form's general rule removes.
func (c *Config) removeACE(words string) bool {
	text, n := cutACLLine(words)
	if n == 0 {
		return false
	}
	f := strings.Fields(text)
	c.Lines = cloneLines(c.Lines)
	if len(f) > 2 {
		c.Lines = slices.DeleteFunc(c.Lines, func(l Line) bool { return l.Section == "access-list" && l.Text == text })
		return true
	}
	if i := c.aclLineIndex(f[1], n); i >= 0 {
		c.Lines = slices.Delete(c.Lines, i, i+1)
	}
	return true
}
