package replay

import (
	"fmt"
	"strings"
	"testing"
)

// TestDiff: hunks with three lines of context, as diff -u prints them;
// nothing for equal inputs.
func TestDiff(t *testing.T) {
	a := strings.Split("a b c d e f g h i j k l m n o p", " ")
	if d := Diff("x", "y", a, a); d != "" {
		t.Errorf("equal: %q", d)
	}
	b := append([]string(nil), a...)
	b[1] = "B"                                              // changed line 2
	b = append(b[:12], b[13:]...)                           // m removed
	b = append(b[:14], append([]string{"Z"}, b[14:]...)...) // Z added before p
	want := `--- x
+++ y
@@ -1,5 +1,5 @@
 a
-b
+B
 c
 d
 e
@@ -10,7 +10,7 @@
 j
 k
 l
-m
 n
 o
+Z
 p
`
	if got := Diff("x", "y", a, b); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got, want := Diff("x", "y", nil, []string{"new"}), "--- x\n+++ y\n@@ -0,0 +1 @@\n+new\n"; got != want {
		t.Errorf("from empty: %q, want %q", got, want)
	}
	if got, want := Diff("x", "y", []string{"a", "b"}, []string{"a"}), "--- x\n+++ y\n@@ -1,2 +1 @@\n a\n-b\n"; got != want {
		t.Errorf("removed last: %q, want %q", got, want)
	}
}

// TestEditScriptShortest: the script applied to a gives b, and it is no
// longer than a longest-common-subsequence count says it must be.
func TestEditScriptShortest(t *testing.T) {
	for i := range 200 {
		a := gen(i*7+1, 12)
		b := gen(i*13+5, 10)
		ops := editScript(a, b)
		var gotA, gotB []string
		edits := 0
		for _, o := range ops {
			if o.kind != '+' {
				gotA = append(gotA, o.text)
			}
			if o.kind != '-' {
				gotB = append(gotB, o.text)
			}
			if o.kind != ' ' {
				edits++
			}
		}
		if fmt.Sprint(gotA) != fmt.Sprint(a) || fmt.Sprint(gotB) != fmt.Sprint(b) {
			t.Fatalf("%d: script does not turn %v into %v: %v", i, a, b, ops)
		}
		if want := len(a) + len(b) - 2*lcs(a, b); edits != want {
			t.Fatalf("%d: %d edits, shortest is %d", i, edits, want)
		}
	}
}

// gen is a deterministic sequence over a small alphabet.
func gen(seed, n int) []string {
	out := make([]string, n)
	for i := range out {
		seed = (seed*1103515245 + 12345) & 0x7fffffff
		out[i] = string(rune('a' + seed%4))
	}
	return out
}

func lcs(a, b []string) int {
	dp := make([][]int, len(a)+1)
	for i := range dp {
		dp[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	return dp[0][0]
}

// TestEditScriptFarApart: outputs more than maxEdits lines apart get the
// plain script (all out, all in) instead of a search that would take
// O(D²) memory; it still turns a into b.
func TestEditScriptFarApart(t *testing.T) {
	var a, b []string
	for i := range 3000 {
		a = append(a, fmt.Sprintf("a%d", i))
		b = append(b, fmt.Sprintf("b%d", i))
	}
	a[0], b[0] = "same", "same"
	ops := editScript(a, b)
	if len(ops) != 1+2*2999 || ops[0] != (op{' ', "same"}) || ops[1] != (op{'-', "a1"}) || ops[3000] != (op{'+', "b1"}) {
		t.Fatalf("%d ops: %v ... ", len(ops), ops[:3])
	}
	d := Diff("x", "y", a, b)
	if !strings.HasPrefix(d, "--- x\n+++ y\n@@ -1,3000 +1,3000 @@\n same\n-a1\n") {
		t.Errorf("diff starts %q", d[:60])
	}
}
