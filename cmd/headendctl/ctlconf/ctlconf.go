// Package ctlconf is headendctl's contexts file: named connection
// settings, like kubectl's, kept owner-only in $ASALAB_CONFIG (else
// $XDG_CONFIG_HOME/asalab/config.json, else ~/.config/asalab/config.json);
// its lock, which keeps commands run side by side from losing each
// other's changes; and the precedence by which a command's settings
// come from its flags, the environment and a context.
package ctlconf

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/asalab/asalab/cmd/headendctl/ctlconn"
	"github.com/asalab/asalab/keygen/atomicfile"
)

// Config is the file of named contexts.
type Config struct {
	Current  string              `json:"current-context,omitempty"`
	Contexts map[string]*Context `json:"contexts,omitempty"`
}

// Context is one daemon, and optionally one lab of it, with the
// credentials to reach it.
type Context struct {
	Addr     string `json:"addr,omitempty"`
	Token    string `json:"token,omitempty"`
	CA       string `json:"ca,omitempty"` // absolute path of a PEM file
	Lab      string `json:"lab,omitempty"`
	TLS      bool   `json:"tls,omitempty"`
	Insecure bool   `json:"insecure,omitempty"`
}

// Path is where the contexts are kept.
func Path() (string, error) {
	if p := os.Getenv("ASALAB_CONFIG"); p != "" {
		return p, nil
	}
	if d := os.Getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "asalab", "config.json"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no place for the contexts: set $ASALAB_CONFIG (%v)", err)
	}
	return filepath.Join(home, ".config", "asalab", "config.json"), nil
}

// Load reads the contexts; no file is no contexts.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Config{Contexts: map[string]*Context{}}, nil
	}
	if err != nil {
		return nil, err
	}
	var conf Config
	if err := json.Unmarshal(b, &conf); err != nil {
		return nil, fmt.Errorf("%s: %v (mend it, or remove it to start over)", path, err)
	}
	if conf.Contexts == nil {
		conf.Contexts = map[string]*Context{}
	}
	for name, cx := range conf.Contexts {
		if cx == nil {
			conf.Contexts[name] = &Context{}
		}
	}
	return &conf, nil
}

// Update reads the contexts, lets change alter them and saves the
// result, holding the file's lock all the while: headendctl commands run
// side by side (CI jobs setting up their contexts) would otherwise each
// save the copy they read and lose the others' contexts. change returning
// an error saves nothing.
func Update(path string, change func(conf *Config) error) (*Config, error) {
	unlock, err := lock(path)
	if err != nil {
		return nil, err
	}
	defer unlock()
	conf, err := Load(path)
	if err != nil {
		return nil, err
	}
	if err := change(conf); err != nil {
		return nil, err
	}
	return conf, conf.save(path)
}

// lock takes an exclusive flock on a lock file beside the config
// file, as kubectl keeps one beside kubeconfig. The config file itself
// cannot carry the lock: save replaces it by a rename, and a writer
// waiting on the old file would then hold a lock on a file no one reads.
// The lock goes with the process, so a killed headendctl leaves none.
func lock(path string) (unlock func(), err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: lock: %v", path+".lock", err)
	}
	return func() { f.Close() }, nil
}

// save writes the contexts, which hold tokens, readable by the user alone.
// The file is replaced whole, so that a failure leaves the old one, and
// synced before and after the rename, so that a crash leaves the old file
// or the new one, never an empty one. Its directory is there: lock made
// it.
func (conf *Config) save(path string) error {
	b, err := json.MarshalIndent(conf, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, append(b, '\n'))
}

// CheckName keeps context names to what a shell and a table show
// plainly.
func CheckName(name string) error {
	ok := len(name) >= 1 && len(name) <= 63
	for i := 0; ok && i < len(name); i++ {
		ch := name[i]
		ok = ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || strings.IndexByte("._-", ch) >= 0 && i > 0
	}
	if !ok {
		return fmt.Errorf("%q is not a context name: 1-63 of letters, digits, '.', '_' and '-', starting with a letter or digit", name)
	}
	return nil
}

// Settle fills the connection settings the command line left out from the
// context named (the current one for ""), once its flags are parsed. s
// holds the flags' values, whose defaults already hold the environment;
// given names the flags the command line gave. A flag given wins over the
// environment ($ASALAB_ADDR, $ASALAB_TOKEN), which wins over the context.
// tokenFrom says where the token came from, for an error about it.
func (conf *Config) Settle(path, name string, s *ctlconn.Settings, given map[string]bool) (tokenFrom string, err error) {
	tokenFrom = "--token"
	if !given["token"] && os.Getenv("ASALAB_TOKEN") != "" {
		tokenFrom = "$ASALAB_TOKEN"
	}
	name = cmp.Or(name, conf.Current)
	if name == "" {
		return tokenFrom, nil
	}
	cx, ok := conf.Contexts[name]
	if !ok {
		return "", fmt.Errorf("no context %q in %s (headendctl config get-contexts lists them)", name, path)
	}
	if !given["addr"] && os.Getenv("ASALAB_ADDR") == "" && cx.Addr != "" {
		s.Addr = cx.Addr
	}
	// A context's token is a credential of its daemon, and its lab
	// one of that daemon's labs: neither goes to another address
	// that --addr or $ASALAB_ADDR names, which could keep the token.
	elsewhere := cx.Addr != "" && s.Addr != cx.Addr
	if !given["token"] && os.Getenv("ASALAB_TOKEN") == "" && cx.Token != "" && !elsewhere {
		s.Token, tokenFrom = cx.Token, fmt.Sprintf("the token of context %s", name)
	}
	if !given["ca"] && cx.CA != "" {
		s.CA = cx.CA
	}
	if !given["lab"] && cx.Lab != "" && !elsewhere {
		s.Lab = cx.Lab
	}
	if !given["tls"] {
		s.TLS = cx.TLS
	}
	if !given["insecure"] {
		s.Insecure = cx.Insecure
	}
	return tokenFrom, nil
}
