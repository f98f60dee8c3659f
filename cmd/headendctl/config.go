package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"

	"google.golang.org/protobuf/types/known/structpb"
)

// configUsage describes the config command, for the command list.
const configUsage = `Contexts (named connection settings, like kubectl's; the file is $ASALAB_CONFIG,
else $XDG_CONFIG_HOME/asalab/config.json, else ~/.config/asalab/config.json, mode 0600):
  config set-context NAME [--addr A] [--token T | --token-file FILE] [--ca FILE] [--lab L] [--tls] [--insecure]
                                               make or change a context (only the flags given change;
                                               --token "" forgets the token; --token-file: the token
                                               from FILE, - for stdin, kept out of ps and history)
  config use-context NAME                      the context every command takes unless --context
  config get-contexts                          NAME ADDR LAB CURRENT (tokens are never printed)
  config current-context                       the current context's name
  config delete-context NAME                   forget a context
With -o json: get-contexts prints {"contexts": [{"name", "addr", "lab", "ca", "tls",
"insecure", "hasToken", "current"}], "currentContext"}; set-context {"context": {...},
"created" or "modified": true}; use-context and current-context {"currentContext"};
delete-context {"deleted"}.
`

// ctlConfig is the file of named contexts.
type ctlConfig struct {
	Current  string                   `json:"current-context,omitempty"`
	Contexts map[string]*namedContext `json:"contexts,omitempty"`
}

// namedContext is one daemon, and optionally one lab of it, with the
// credentials to reach it.
type namedContext struct {
	Addr     string `json:"addr,omitempty"`
	Token    string `json:"token,omitempty"`
	CA       string `json:"ca,omitempty"` // absolute path of a PEM file
	Lab      string `json:"lab,omitempty"`
	TLS      bool   `json:"tls,omitempty"`
	Insecure bool   `json:"insecure,omitempty"`
}

// configPath is where the contexts are kept.
func configPath() (string, error) {
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

// loadConfig reads the contexts; no file is no contexts.
func loadConfig(path string) (*ctlConfig, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &ctlConfig{Contexts: map[string]*namedContext{}}, nil
	}
	if err != nil {
		return nil, err
	}
	var conf ctlConfig
	if err := json.Unmarshal(b, &conf); err != nil {
		return nil, fmt.Errorf("%s: %v (mend it, or remove it to start over)", path, err)
	}
	if conf.Contexts == nil {
		conf.Contexts = map[string]*namedContext{}
	}
	for name, cx := range conf.Contexts {
		if cx == nil {
			conf.Contexts[name] = &namedContext{}
		}
	}
	return &conf, nil
}

// updateConfig reads the contexts, lets change alter them and saves the
// result, holding the file's lock all the while: headendctl commands run
// side by side (CI jobs setting up their contexts) would otherwise each
// save the copy they read and lose the others' contexts. change returning
// an error saves nothing.
func updateConfig(path string, change func(conf *ctlConfig) error) (*ctlConfig, error) {
	unlock, err := lockConfig(path)
	if err != nil {
		return nil, err
	}
	defer unlock()
	conf, err := loadConfig(path)
	if err != nil {
		return nil, err
	}
	if err := change(conf); err != nil {
		return nil, err
	}
	return conf, conf.save(path)
}

// lockConfig takes an exclusive flock on a lock file beside the config
// file, as kubectl keeps one beside kubeconfig. The config file itself
// cannot carry the lock: save replaces it by a rename, and a writer
// waiting on the old file would then hold a lock on a file no one reads.
// The lock goes with the process, so a killed headendctl leaves none.
func lockConfig(path string) (unlock func(), err error) {
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
// or the new one, never an empty one.
func (conf *ctlConfig) save(path string) error {
	b, err := json.MarshalIndent(conf, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".config-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// readTokenFile reads a token from a file, or stdin for "-": a token on
// the command line shows in ps and the shell's history. The line break a
// file ends with is not part of the token.
func readTokenFile(file string) (string, error) {
	r := io.Reader(os.Stdin)
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return "", err
		}
		defer f.Close()
		r = f
	}
	// A token is tens of bytes; a file of more than 4 KiB is not one.
	b, err := io.ReadAll(io.LimitReader(r, 4<<10+1))
	if err != nil {
		return "", err
	}
	tok := strings.TrimRight(string(b), "\r\n")
	switch {
	case len(b) > 4<<10:
		return "", fmt.Errorf("%s holds more than 4 KiB: not a token", file)
	case tok == "":
		return "", fmt.Errorf("%s is empty (--token \"\" forgets a context's token)", file)
	}
	return tok, nil
}

// checkContextName keeps context names to what a shell and a table show
// plainly.
func checkContextName(name string) error {
	ok := len(name) >= 1 && len(name) <= 63
	for i := 0; ok && i < len(name); i++ {
		ch := name[i]
		ok = ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || strings.IndexByte("._-", ch) >= 0 && i > 0
	}
	if !ok {
		return usagef("%q is not a context name: 1-63 of letters, digits, '.', '_' and '-', starting with a letter or digit", name)
	}
	return nil
}

func (c *cli) config(args []string) error {
	path, err := configPath()
	if err != nil {
		return err
	}
	if len(args) == 0 {
		return usagef("usage: config set-context|use-context|get-contexts|current-context|delete-context")
	}
	sub, args := args[0], args[1:]
	if sub == "set-context" {
		return c.setContext(path, args)
	}
	if (sub == "use-context" || sub == "delete-context") && len(args) == 1 {
		return c.changeCurrent(path, sub, args[0])
	}
	conf, err := loadConfig(path)
	if err != nil {
		return err
	}
	switch {
	case sub == "get-contexts" && len(args) == 0:
		return c.getContexts(conf)
	case sub == "current-context" && len(args) == 0:
		if conf.Current == "" {
			return fmt.Errorf("no current context (headendctl config use-context NAME)")
		}
		return c.emitObject(map[string]any{"currentContext": conf.Current}, func() error {
			_, err := fmt.Fprintln(c.stdout, conf.Current)
			return err
		})
	}
	switch sub {
	case "use-context", "delete-context":
		return usagef("usage: config %s NAME", sub)
	case "get-contexts", "current-context":
		return usagef("usage: config %s", sub)
	}
	return usagef("config: unknown subcommand %q (set-context, use-context, get-contexts, current-context, delete-context)", sub)
}

// changeCurrent runs use-context and delete-context, which change the file
// under its lock.
func (c *cli) changeCurrent(path, sub, name string) error {
	_, err := updateConfig(path, func(conf *ctlConfig) error {
		if _, ok := conf.Contexts[name]; !ok {
			return fmt.Errorf("no context %q in %s", name, path)
		}
		if sub == "use-context" {
			conf.Current = name
			return nil
		}
		delete(conf.Contexts, name)
		if conf.Current == name {
			conf.Current = ""
		}
		return nil
	})
	if err != nil {
		return err
	}
	if sub == "use-context" {
		return c.emitObject(map[string]any{"currentContext": name}, func() error {
			_, err := fmt.Fprintf(c.stdout, "switched to context %s\n", name)
			return err
		})
	}
	return c.emitObject(map[string]any{"deleted": name}, func() error {
		_, err := fmt.Fprintf(c.stdout, "deleted context %s\n", name)
		return err
	})
}

// setContext makes or changes a context, leaving the fields no flag names
// as they were. Every value is checked before the file changes.
func (c *cli) setContext(path string, args []string) error {
	var cx namedContext
	var given []string
	var set *flag.FlagSet
	tokenFile := ""
	pos, err := subflags("config set-context", args, func(fs *flag.FlagSet) {
		set = fs
		fs.StringVar(&cx.Addr, "addr", "", "")
		fs.StringVar(&cx.Token, "token", "", "")
		fs.StringVar(&tokenFile, "token-file", "", "")
		fs.StringVar(&cx.CA, "ca", "", "")
		fs.StringVar(&cx.Lab, "lab", "", "")
		fs.BoolVar(&cx.TLS, "tls", false, "")
		fs.BoolVar(&cx.Insecure, "insecure", false, "")
	})
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("usage: config set-context NAME [--addr HOST:PORT] [--token T | --token-file FILE] [--ca FILE] [--lab L] [--tls] [--insecure]")
	}
	name := pos[0]
	if err := checkContextName(name); err != nil {
		return err
	}
	set.Visit(func(f *flag.Flag) { given = append(given, f.Name) })
	if slices.Contains(given, "token-file") {
		if slices.Contains(given, "token") {
			return usagef("config set-context: --token and --token-file: give one")
		}
		if cx.Token, err = readTokenFile(tokenFile); err != nil {
			return usagef("config set-context: --token-file: %v", err)
		}
		given = append(given, "token")
	}
	if slices.Contains(given, "addr") && cx.Addr != "" {
		if _, _, err := net.SplitHostPort(cx.Addr); err != nil {
			return usagef("config set-context: --addr %q is not HOST:PORT", cx.Addr)
		}
	}
	if err := checkToken(cx.Token); err != nil {
		return usagef("config set-context: --token: %v", err)
	}
	if cx.Lab != "" {
		if err := checkLabName(cx.Lab); err != nil {
			return usagef("config set-context: --lab: %v", err)
		}
	}
	if cx.CA != "" {
		abs, err := filepath.Abs(cx.CA)
		if err != nil {
			return err
		}
		// The context is used from other directories, and a CA that
		// does not read would fail every command later.
		pem, err := os.ReadFile(abs)
		if err != nil {
			return usagef("config set-context: --ca: %v", err)
		}
		if !bytes.Contains(pem, []byte("-----BEGIN CERTIFICATE-----")) {
			return usagef("config set-context: --ca %s: no PEM certificate in it", cx.CA)
		}
		cx.CA = abs
	}
	var old *namedContext
	exists := false
	conf, err := updateConfig(path, func(conf *ctlConfig) error {
		old, exists = conf.Contexts[name]
		if !exists {
			old = &namedContext{}
			conf.Contexts[name] = old
		}
		for _, f := range given {
			switch f {
			case "addr":
				old.Addr = cx.Addr
			case "token":
				old.Token = cx.Token
			case "ca":
				old.CA = cx.CA
			case "lab":
				old.Lab = cx.Lab
			case "tls":
				old.TLS = cx.TLS
			case "insecure":
				old.Insecure = cx.Insecure
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	verb := "modified"
	if !exists {
		verb = "created"
	}
	return c.emitObject(map[string]any{"context": contextObject(name, old, conf.Current), verb: true}, func() error {
		hint := ""
		if conf.Current != name {
			hint = fmt.Sprintf(" (headendctl config use-context %s to use it)", name)
		}
		_, err := fmt.Fprintf(c.stdout, "context %s %s%s\n", name, verb, hint)
		return err
	})
}

func (c *cli) getContexts(conf *ctlConfig) error {
	names := make([]string, 0, len(conf.Contexts))
	for n := range conf.Contexts {
		names = append(names, n)
	}
	slices.Sort(names)
	var list []any
	for _, n := range names {
		list = append(list, contextObject(n, conf.Contexts[n], conf.Current))
	}
	return c.emitObject(map[string]any{"contexts": list, "currentContext": conf.Current}, func() error {
		tw := tabwriter.NewWriter(c.stdout, 0, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tADDR\tLAB\tCURRENT")
		for _, n := range names {
			cx := conf.Contexts[n]
			cur := ""
			if n == conf.Current {
				cur = "*"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", n, orDash(cx.Addr), orDash(cx.Lab), cur)
		}
		return tw.Flush()
	})
}

// contextObject is a context for -o json: its settings except the token,
// of which it says only whether there is one.
func contextObject(name string, cx *namedContext, current string) map[string]any {
	return map[string]any{
		"name": name, "addr": cx.Addr, "lab": cx.Lab, "ca": cx.CA, "tls": cx.TLS, "insecure": cx.Insecure,
		"hasToken": cx.Token != "", "current": name == current,
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// emitObject prints a result that is no API message (the contexts live
// in a local file) as one JSON object with -o json, through c.emit.
func (c *cli) emitObject(obj map[string]any, text func() error) error {
	if c.output != "json" {
		return text()
	}
	s, err := structpb.NewStruct(obj)
	if err != nil {
		return err
	}
	return c.emit(s, text)
}
