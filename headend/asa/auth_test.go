package asa

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/keygen"
)

func TestPasswordHash(t *testing.T) {
	h := config.HashPassword("s3cret")
	if !strings.HasPrefix(h, "$sha512$5000$") || len(strings.Split(h, "$")) != 5 {
		t.Fatalf("hash %q is not in the ASA's pbkdf2 form", h)
	}
	// Hashed once per process (config.HashPassword): the same stored form.
	if h != config.HashPassword("s3cret") {
		t.Error("one password hashed twice gave two hashes")
	}
	for _, tc := range []struct {
		hash, pass string
		want       bool
	}{
		{h, "s3cret", true},
		{h, "s3cre", false},
		{h, "", false},
		{"", "", true}, // no enable password configured
		{"", "x", false},
		{"$sha512$5000$bad$bad", "s3cret", false},
		{"plain", "plain", false},
	} {
		if got := config.CheckPassword(tc.hash, tc.pass); got != tc.want {
			t.Errorf("CheckPassword(%q, %q) = %v, want %v", tc.hash, tc.pass, got, tc.want)
		}
	}
	if !config.ValidPasswordHash(h) || config.ValidPasswordHash("$sha512$x$y$z") {
		t.Error("ValidPasswordHash")
	}
}

func TestUsersCopyOnWrite(t *testing.T) {
	d := newTestDevice(t, "ASA5525", keygen.Features{})
	if d.ConfigUnsaved() {
		t.Fatal("a new unit has unsaved configuration")
	}
	if u, ok := d.Running.User(config.DefaultUsername); !ok || u.Privilege != 15 || !config.CheckPassword(u.Hash, config.DefaultPassword) ||
		!config.CheckPassword(d.Running.EnablePassword, config.DefaultEnablePassword) {
		t.Fatalf("factory login: %+v %v", u, ok)
	}
	c := d.Clone()
	c.Running.SetUser(config.User{Name: "bob", Hash: config.HashPassword("x"), Privilege: 5})
	if _, ok := d.Running.User("bob"); ok {
		t.Fatal("SetUser on a clone changed the original")
	}
	if !c.ConfigUnsaved() {
		t.Fatal("a new user is not an unsaved change")
	}
	c.WriteMemory()
	c.Running.RemoveUser("bob")
	if _, ok := c.Startup.User("bob"); !ok {
		t.Fatal("RemoveUser changed the saved configuration")
	}
}

// TestLegacyConfig: a configuration stored before the user database existed
// gets the factory login; one stored with no users keeps none.
func TestLegacyConfig(t *testing.T) {
	var c config.Config
	if err := json.Unmarshal([]byte(`{"hostname":"asa1","essentials":true}`), &c); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.User(config.DefaultUsername); !ok || c.EnablePassword == "" || c.PagerLines != config.DefaultPagerLines {
		t.Fatalf("legacy config has no factory login or pager lines: %+v", c)
	}
	if err := json.Unmarshal([]byte(`{"hostname":"asa1","essentials":true,"users":null,"pager_lines":0}`), &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Users) != 0 || c.EnablePassword != "" || c.PagerLines != 0 {
		t.Fatalf("config without users got some: %+v", c)
	}
	b, _ := json.Marshal(config.Config{Hostname: "asa1"})
	if !strings.Contains(string(b), `"users":null`) {
		t.Fatalf("an empty user list is not stored: %s", b)
	}
}

func TestSetFactoryLogin(t *testing.T) {
	d := newTestDevice(t, "ASA5525", keygen.Features{})
	if err := d.SetFactoryLogin("ops", "", ""); err == nil {
		t.Error("a user without a password was accepted")
	}
	if err := d.SetFactoryLogin("bad name", "x", ""); err == nil {
		t.Error("a username with a space was accepted")
	}
	if err := d.SetFactoryLogin("ops", "pw1", "en1"); err != nil {
		t.Fatal(err)
	}
	u, ok := d.Running.User("ops")
	if !ok || !config.CheckPassword(u.Hash, "pw1") || !config.CheckPassword(d.Running.EnablePassword, "en1") || d.ConfigUnsaved() {
		t.Fatalf("after SetFactoryLogin: %+v", d.Running)
	}
	if _, ok := d.Running.User(config.DefaultUsername); ok {
		t.Error("the default user is still there")
	}
}
