package ctlconf

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/asalab/asalab/cmd/headendctl/ctlconn"
)

// TestUpdate: the file is made owner-only in a directory made for it, a
// change that fails saves nothing, and no temporary file is left beside
// it.
func TestUpdate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "asalab", "config.json")
	if conf, err := Load(path); err != nil || len(conf.Contexts) != 0 || conf.Current != "" {
		t.Fatalf("Load of no file = %+v, %v; want no contexts", conf, err)
	}
	if _, err := Update(path, func(conf *Config) error {
		conf.Contexts["east"] = &Context{Addr: "lab-east.example.com:443", Token: "asalab_admin_X", TLS: true}
		conf.Current = "east"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("%s: %v, %v; want mode 0600", path, st.Mode(), err)
	}
	if st, err := os.Stat(filepath.Dir(path)); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("%s: %v, %v; want mode 0700", filepath.Dir(path), st.Mode(), err)
	}
	refused := errors.New("refused")
	if _, err := Update(path, func(conf *Config) error {
		delete(conf.Contexts, "east")
		return refused
	}); err != refused {
		t.Errorf("Update = %v, want the change's error", err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Errorf("a failed change saved:\n%s\nwas\n%s", after, before)
	}
	names, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*"))
	if got := fmt.Sprint(names); got != fmt.Sprint([]string{path, path + ".lock"}) {
		t.Errorf("the directory holds %v", names)
	}
	conf, err := Load(path)
	if err != nil || conf.Current != "east" || *conf.Contexts["east"] != (Context{Addr: "lab-east.example.com:443", Token: "asalab_admin_X", TLS: true}) {
		t.Errorf("Load = %+v, %v", conf, err)
	}

	os.WriteFile(path, []byte(`{"contexts": {"n": null}}`), 0o600)
	if conf, err := Load(path); err != nil || conf.Contexts["n"] == nil {
		t.Errorf("a null context: %+v, %v; want an empty one", conf, err)
	}
	os.WriteFile(path, []byte("{not json"), 0o600)
	if _, err := Load(path); err == nil || !strings.HasPrefix(err.Error(), path+": invalid character") || !strings.HasSuffix(err.Error(), "(mend it, or remove it to start over)") {
		t.Errorf("Load of a bad file: %v", err)
	}
}

// TestUpdateConcurrent: changes made side by side are all kept: each
// reads the file under the lock the one before it saved under.
func TestUpdateConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.json")
	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := Update(path, func(conf *Config) error {
				conf.Contexts[fmt.Sprintf("c%d", i)] = &Context{Addr: fmt.Sprintf("127.0.0.1:%d", 1000+i)}
				return nil
			}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if conf, err := Load(path); err != nil || len(conf.Contexts) != n {
		t.Errorf("%d contexts kept of %d set (%v)", len(conf.Contexts), n, err)
	}
}

func TestCheckName(t *testing.T) {
	for name, ok := range map[string]bool{
		"east": true, "lab-a.example_1": true, "A": true, "9": true, strings.Repeat("a", 63): true,
		"": false, strings.Repeat("a", 64): false, "-a": false, ".a": false, "bad name": false, "a/b": false, "é": false,
	} {
		if err := CheckName(name); (err == nil) != ok {
			t.Errorf("CheckName(%q) = %v", name, err)
		}
	}
	if err := CheckName("bad name"); err == nil || err.Error() != `"bad name" is not a context name: 1-63 of letters, digits, '.', '_' and '-', starting with a letter or digit` {
		t.Errorf("CheckName: %v", err)
	}
}

// TestSettle: a flag given beats the environment, which beats the
// context, which beats the default; a context's token and lab go only to
// its own address.
func TestSettle(t *testing.T) {
	conf := &Config{Current: "one", Contexts: map[string]*Context{
		"one": {Addr: "one.example:443", Token: "tok-1", Lab: "lab-one", CA: "/ca.pem", Insecure: true},
		"two": {Addr: "two.example:443", Token: "tok-2", TLS: true},
		"any": {Lab: "lab-any", Token: "tok-any"},
	}}
	def := ctlconn.Settings{Addr: "127.0.0.1:50051"}
	for _, c := range []struct {
		name      string
		env       map[string]string
		context   string
		s         ctlconn.Settings // the flags' values, defaults included
		given     []string
		want      ctlconn.Settings
		tokenFrom string
	}{
		{"the current context", nil, "", def, nil,
			ctlconn.Settings{Addr: "one.example:443", Token: "tok-1", Lab: "lab-one", CA: "/ca.pem", Insecure: true}, "the token of context one"},
		{"--context", nil, "two", def, nil, ctlconn.Settings{Addr: "two.example:443", Token: "tok-2", TLS: true}, "the token of context two"},
		{"a context of no address", nil, "any", def, nil, ctlconn.Settings{Addr: "127.0.0.1:50051", Token: "tok-any", Lab: "lab-any"}, "the token of context any"},
		{"$ASALAB_ADDR elsewhere", map[string]string{"ASALAB_ADDR": "x:1"}, "", ctlconn.Settings{Addr: "x:1"}, nil,
			ctlconn.Settings{Addr: "x:1", CA: "/ca.pem", Insecure: true}, "--token"},
		{"$ASALAB_TOKEN", map[string]string{"ASALAB_TOKEN": "env"}, "", ctlconn.Settings{Addr: def.Addr, Token: "env"}, nil,
			ctlconn.Settings{Addr: "one.example:443", Token: "env", Lab: "lab-one", CA: "/ca.pem", Insecure: true}, "$ASALAB_TOKEN"},
		{"--token over $ASALAB_TOKEN", map[string]string{"ASALAB_TOKEN": "env"}, "", ctlconn.Settings{Addr: def.Addr, Token: "flag"}, []string{"token"},
			ctlconn.Settings{Addr: "one.example:443", Token: "flag", Lab: "lab-one", CA: "/ca.pem", Insecure: true}, "--token"},
		{"--addr the context's own", nil, "", ctlconn.Settings{Addr: "one.example:443"}, []string{"addr"},
			ctlconn.Settings{Addr: "one.example:443", Token: "tok-1", Lab: "lab-one", CA: "/ca.pem", Insecure: true}, "the token of context one"},
		{"flags over the context", nil, "", ctlconn.Settings{Addr: def.Addr, Lab: "lab-flag", CA: "/other.pem"}, []string{"lab", "ca", "insecure"},
			ctlconn.Settings{Addr: "one.example:443", Token: "tok-1", Lab: "lab-flag", CA: "/other.pem"}, "the token of context one"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("ASALAB_ADDR", c.env["ASALAB_ADDR"])
			t.Setenv("ASALAB_TOKEN", c.env["ASALAB_TOKEN"])
			given := map[string]bool{}
			for _, g := range c.given {
				given[g] = true
			}
			s := c.s
			from, err := conf.Settle("config.json", c.context, &s, given)
			if err != nil || s != c.want || from != c.tokenFrom {
				t.Errorf("Settle = %+v, %q, %v\n want %+v, %q", s, from, err, c.want, c.tokenFrom)
			}
		})
	}
	s := def
	if _, err := conf.Settle("config.json", "three", &s, nil); err == nil || err.Error() != `no context "three" in config.json (headendctl config get-contexts lists them)` {
		t.Errorf("Settle of no such context: %v", err)
	}
	s = def
	if from, err := (&Config{Contexts: map[string]*Context{}}).Settle("config.json", "", &s, nil); err != nil || s != def || from != "--token" {
		t.Errorf("Settle without a context = %+v, %q, %v", s, from, err)
	}
}
