package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"google.golang.org/protobuf/types/known/structpb"

	"github.com/asalab/asalab/cmd/headendctl/ctlconf"
	"github.com/asalab/asalab/cmd/headendctl/ctlconn"
)

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

func (c *cli) config(args []string) error {
	path, err := ctlconf.Path()
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
	conf, err := ctlconf.Load(path)
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
	_, err := ctlconf.Update(path, func(conf *ctlconf.Config) error {
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
	var cx ctlconf.Context
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
	if err := ctlconf.CheckName(name); err != nil {
		return usagef("%v", err)
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
	if err := ctlconn.CheckToken(cx.Token); err != nil {
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
	var old *ctlconf.Context
	exists := false
	conf, err := ctlconf.Update(path, func(conf *ctlconf.Config) error {
		old, exists = conf.Contexts[name]
		if !exists {
			old = &ctlconf.Context{}
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

func (c *cli) getContexts(conf *ctlconf.Config) error {
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
func contextObject(name string, cx *ctlconf.Context, current string) map[string]any {
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
