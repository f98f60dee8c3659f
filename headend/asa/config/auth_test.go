package config

import (
	"fmt"
	"testing"
)

// TestPasswordMemoBounded: the memo keeps at most its bound of passwords,
// dropping the least recently used, and a password hashed again after it
// was dropped gets the same verifiable hash (the process's one salt).
func TestPasswordMemoBounded(t *testing.T) {
	p := newPasswordMemo(3)
	first := p.hash("pw0")
	for i := 1; i < 5; i++ {
		p.hash(fmt.Sprintf("pw%d", i))
	}
	if n := p.len(); n != 3 {
		t.Fatalf("memo holds %d passwords, want 3", n)
	}
	if _, ok := p.m["pw0"]; ok {
		t.Fatal("the least recently used password was kept")
	}
	if again := p.hash("pw0"); again != first || !CheckPassword(again, "pw0") || CheckPassword(again, "pw1") {
		t.Fatalf("pw0 hashed again: %q, first %q", again, first)
	}
	if n := p.len(); n != 3 {
		t.Fatalf("memo holds %d passwords, want 3", n)
	}
}

// TestHashPasswordMemo: one password hashed twice gives one hash, which
// checks; another password gets another hash; the process-wide memo has
// its bound.
func TestHashPasswordMemo(t *testing.T) {
	h := HashPassword("s3cret")
	if h != HashPassword("s3cret") {
		t.Fatal("one password hashed twice gave two hashes")
	}
	if !ValidPasswordHash(h) || !CheckPassword(h, "s3cret") || CheckPassword(h, "s3cre") {
		t.Fatalf("hash %q does not check", h)
	}
	if o := HashPassword("0ther"); o == h || !CheckPassword(o, "0ther") {
		t.Fatalf("another password: %q", o)
	}
	if hashMemo.max != 4096 {
		t.Fatalf("memo bound %d", hashMemo.max)
	}
}
