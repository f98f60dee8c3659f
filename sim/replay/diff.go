package replay

import (
	"fmt"
	"strings"
)

// op is one line of an edit script: kept, deleted from a, inserted from b.
type op struct {
	kind byte // ' ', '-', '+'
	text string
}

// editScript is a shortest edit script from a to b (Myers' O(ND)
// algorithm, after the common head and tail are set aside).
func editScript(a, b []string) []op {
	head := 0
	for head < len(a) && head < len(b) && a[head] == b[head] {
		head++
	}
	tail := 0
	for tail < len(a)-head && tail < len(b)-head && a[len(a)-1-tail] == b[len(b)-1-tail] {
		tail++
	}
	var ops []op
	for _, l := range a[:head] {
		ops = append(ops, op{' ', l})
	}
	ops = append(ops, myers(a[head:len(a)-tail], b[head:len(b)-tail])...)
	for _, l := range a[len(a)-tail:] {
		ops = append(ops, op{' ', l})
	}
	return ops
}

// myers is the edit script of the greedy algorithm of E. Myers, "An O(ND)
// Difference Algorithm and Its Variations" (1986), with the frontier of
// every step kept to walk the path back.
func myers(a, b []string) []op {
	n, m := len(a), len(b)
	maxD := min(n+m, maxEdits)
	if n+m == 0 {
		return nil
	}
	off := maxD + 1
	v := make([]int, 2*maxD+3)
	// trace[d] is the frontier before step d, for k in -d-1..d+1 (at
	// index k+d+1): O(D²) memory, not O(D·(N+M)).
	var trace [][]int
	for d := 0; d <= maxD; d++ {
		trace = append(trace, append([]int(nil), v[off-d-1:off+d+2]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1] // down: an insertion
			} else {
				x = v[off+k-1] + 1 // right: a deletion
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				return backtrack(a, b, trace, d)
			}
		}
	}
	// More than maxEdits apart: the outputs have little in common, and
	// the shortest script is not worth O(D²) memory. All of a out, all of
	// b in is a longer script, but a correct one.
	ops := make([]op, 0, n+m)
	for _, l := range a {
		ops = append(ops, op{'-', l})
	}
	for _, l := range b {
		ops = append(ops, op{'+', l})
	}
	return ops
}

// maxEdits bounds the search for the shortest edit script: its frontiers
// take O(D²) memory, 8 MB at this bound.
const maxEdits = 1000

func backtrack(a, b []string, trace [][]int, d int) []op {
	x, y := len(a), len(b)
	var rev []op
	for ; d > 0; d-- {
		w := trace[d]
		at := func(k int) int { return w[k+d+1] }
		k := x - y
		var prevK int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := at(prevK)
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			x--
			y--
			rev = append(rev, op{' ', a[x]})
		}
		if x == prevX {
			y--
			rev = append(rev, op{'+', b[y]})
		} else {
			x--
			rev = append(rev, op{'-', a[x]})
		}
	}
	for x > 0 && y > 0 {
		x--
		y--
		rev = append(rev, op{' ', a[x]})
	}
	ops := make([]op, len(rev))
	for i, o := range rev {
		ops[len(rev)-1-i] = o
	}
	return ops
}

// context is the number of unchanged lines around a change in a hunk, as
// diff -u prints.
const context = 3

// Diff is the unified diff from a to b with the given header lines
// (without the --- and +++ marks); "" when they are equal.
func Diff(fromName, toName string, a, b []string) string {
	ops := editScript(a, b)
	changed := false
	for _, o := range ops {
		if o.kind != ' ' {
			changed = true
			break
		}
	}
	if !changed {
		return ""
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n", fromName, toName)
	// Line numbers in a and b before each op.
	ai, bi := make([]int, len(ops)+1), make([]int, len(ops)+1)
	for i, o := range ops {
		ai[i+1], bi[i+1] = ai[i], bi[i]
		if o.kind != '+' {
			ai[i+1]++
		}
		if o.kind != '-' {
			bi[i+1]++
		}
	}
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		// A hunk: from context lines before the change to context lines
		// after the last change that is within 2*context of the next.
		start := max(0, i-context)
		end := i
		for j := i; j < len(ops); j++ {
			if ops[j].kind != ' ' {
				end = j + 1
			} else if j-end >= 2*context {
				break
			}
		}
		end = min(len(ops), end+context)
		fmt.Fprintf(&sb, "@@ -%s +%s @@\n", span(ai[start], ai[end]), span(bi[start], bi[end]))
		for _, o := range ops[start:end] {
			sb.WriteByte(o.kind)
			sb.WriteString(o.text)
			sb.WriteByte('\n')
		}
		i = end
	}
	return sb.String()
}

// span is a hunk range: first line (from 1) and count, as diff -u writes
// it ("3,4", "3" for one line, "2,0" for none after line 2).
func span(from, to int) string {
	n := to - from
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", from)
	case 1:
		return fmt.Sprintf("%d", from+1)
	}
	return fmt.Sprintf("%d,%d", from+1, n)
}
