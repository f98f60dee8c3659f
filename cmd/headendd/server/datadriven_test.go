package server

// A small data-driven test runner in the style of cockroachdb/datadriven:
// a file holds cases of the form
//
//	command arg key=value ...
//	input line
//	input line
//	----
//	expected output
//	<blank line>
//
// When the expected output itself holds blank lines, the separator is
// doubled and the output ends with a doubled separator:
//
//	command
//	----
//	----
//	output
//
//	with blank lines
//	----
//	----
//
// Run with -rewrite (or -update) to regenerate the expectations from what
// the code does, then read the diff.

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var (
	rewriteFlag = flag.Bool("rewrite", false, "rewrite the expected output in testdata files")
	updateFlag  = flag.Bool("update", false, "the same as -rewrite")
)

func rewriting() bool { return *rewriteFlag || *updateFlag }

type ddCase struct {
	comments []string // comment and blank lines before the case, kept by -rewrite
	line     int      // of the command, for messages
	cmd      string   // first word
	args     []string // the other words of the command line
	input    []string
	expected string
}

// arg returns the value of key=value, or def.
func (c *ddCase) arg(key, def string) string {
	for _, a := range c.args {
		if k, v, ok := strings.Cut(a, "="); ok && k == key {
			return v
		}
	}
	return def
}

// has reports whether a bare word is among the arguments.
func (c *ddCase) has(word string) bool {
	for _, a := range c.args {
		if a == word {
			return true
		}
	}
	return false
}

// positional returns the arguments that are not key=value.
func (c *ddCase) positional() []string {
	var out []string
	for _, a := range c.args {
		if !strings.Contains(a, "=") {
			out = append(out, a)
		}
	}
	return out
}

func parseDD(t *testing.T, path string) (cases []ddCase) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	i := 0
	var comments []string
	for i < len(lines) {
		l := lines[i]
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
			if strings.HasPrefix(l, "#") {
				comments = append(comments, l)
			}
			i++
			continue
		}
		c := ddCase{line: i + 1, comments: comments}
		comments = nil
		f := strings.Fields(l)
		c.cmd, c.args = f[0], f[1:]
		i++
		for i < len(lines) && lines[i] != "----" {
			c.input = append(c.input, lines[i])
			i++
		}
		if i >= len(lines) {
			t.Fatalf("%s:%d: no ---- after the command", path, c.line)
		}
		i++ // ----
		if i < len(lines) && lines[i] == "----" {
			i++
			var out []string
			for i+1 < len(lines) && !(lines[i] == "----" && lines[i+1] == "----") {
				out = append(out, lines[i])
				i++
			}
			if i+1 >= len(lines) {
				t.Fatalf("%s:%d: no closing ----/---- after the output", path, c.line)
			}
			i += 2
			c.expected = strings.Join(out, "\n")
		} else {
			var out []string
			for i < len(lines) && lines[i] != "" {
				out = append(out, lines[i])
				i++
			}
			c.expected = strings.Join(out, "\n")
		}
		cases = append(cases, c)
	}
	return cases
}

// runDD runs every case of a file through do and compares, or rewrites the
// file with -rewrite.
func runDD(t *testing.T, path string, do func(c *ddCase) string) {
	t.Helper()
	cases := parseDD(t, path)
	var out strings.Builder
	failed := false
	for i := range cases {
		c := &cases[i]
		got := strings.TrimRight(do(c), "\n")
		if rewriting() {
			writeCase(&out, c, got)
			continue
		}
		if got != c.expected {
			failed = true
			t.Errorf("%s:%d: %s %s\n--- got:\n%s\n--- want:\n%s\n%s", path, c.line, c.cmd, strings.Join(c.args, " "),
				got, c.expected, firstDiff(got, c.expected))
		}
	}
	if rewriting() {
		if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if failed {
		t.Logf("rerun with -rewrite to accept the new output")
	}
}

func writeCase(out *strings.Builder, c *ddCase, got string) {
	for _, l := range c.comments {
		out.WriteString(l)
		out.WriteByte('\n')
	}
	out.WriteString(strings.TrimSpace(c.cmd + " " + strings.Join(c.args, " ")))
	out.WriteByte('\n')
	for _, l := range c.input {
		out.WriteString(l)
		out.WriteByte('\n')
	}
	if strings.Contains(got, "\n\n") || strings.HasPrefix(got, "\n") || strings.HasSuffix(got, "\n") {
		fmt.Fprintf(out, "----\n----\n%s\n----\n----\n\n", got)
		return
	}
	fmt.Fprintf(out, "----\n%s\n\n", got)
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("first difference at output line %d:\n got: %q\nwant: %q", i+1, x, y)
		}
	}
	return ""
}
