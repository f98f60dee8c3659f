package labtest_test

import (
	"os"
	"strings"
	"testing"
)

// TestDocsShowTheExample: docs/labtest.md shows TestExample as it is, so
// the example the docs give is one make test runs.
func TestDocsShowTheExample(t *testing.T) {
	doc, err := os.ReadFile("../../docs/labtest.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	fn := func(text, where string) string {
		i := strings.Index(text, "func TestExample(")
		if i < 0 {
			t.Fatalf("%s has no func TestExample", where)
		}
		j := strings.Index(text[i:], "\n}\n")
		if j < 0 {
			t.Fatalf("%s: TestExample does not end", where)
		}
		return text[i : i+j+3]
	}
	if got, want := fn(string(doc), "docs/labtest.md"), fn(string(src), "example_test.go"); got != want {
		t.Errorf("docs/labtest.md shows\n%s\nexample_test.go has\n%s", got, want)
	}
}
