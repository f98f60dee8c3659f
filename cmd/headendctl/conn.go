package main

import (
	"cmp"
	"flag"

	"github.com/asalab/asalab/cmd/headendctl/ctlconf"
	"github.com/asalab/asalab/cmd/headendctl/ctlconn"
)

// connFlags are the connection's global options beyond those main.go
// declares, and which of them the command line gave.
type connFlags struct {
	context  string
	tls      bool
	insecure bool
	given    map[string]bool
	// labFrom is where the lab came from, for notes that name it: "--lab"
	// or "context NAME"; "" when there is none.
	labFrom string
}

// defineConnFlags adds the connection's global flags to headendctl's.
func (c *cli) defineConnFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.cf.context, "context", "", "take the connection settings of this context (default: the current one)")
	fs.BoolVar(&c.cf.tls, "tls", false, "connect with TLS, trusting the system's CAs")
	fs.BoolVar(&c.cf.insecure, "insecure", false, "send the token without TLS to an address that is not loopback")
}

// settle fills the connection settings the command line left out from the
// environment and then from the context (ctlconf.Settle), once the global
// flags are parsed, and checks the lab and the token before anything is
// sent. The config commands read the config file themselves, so that a
// file that does not read can still be mended with them.
func (c *cli) settle(fs *flag.FlagSet, cmd string) error {
	c.cf.given = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { c.cf.given[f.Name] = true })
	switch cmd {
	case "config", "help", "completion":
		return nil
	}
	path, err := ctlconf.Path()
	if err != nil {
		return err
	}
	conf, err := ctlconf.Load(path)
	if err != nil {
		return err
	}
	s := c.settings()
	tokenFrom, err := conf.Settle(path, c.cf.context, &s, c.cf.given)
	if err != nil {
		return err
	}
	c.addr, c.lab, c.token, c.ca, c.cf.tls, c.cf.insecure = s.Addr, s.Lab, s.Token, s.CA, s.TLS, s.Insecure
	switch {
	case c.cf.given["lab"]:
		c.cf.labFrom = "--lab"
	case c.lab != "":
		c.cf.labFrom = "context " + cmp.Or(c.cf.context, conf.Current)
	}
	if c.lab != "" {
		if err := checkLabName(c.lab); err != nil {
			return usageError{"--lab: " + err.Error()}
		}
	}
	if err := ctlconn.CheckToken(c.token); err != nil {
		return usageError{tokenFrom + ": " + err.Error()}
	}
	return nil
}

// settings are the connection's settings as the command line has them.
func (c *cli) settings() ctlconn.Settings {
	return ctlconn.Settings{Addr: c.addr, Lab: c.lab, Token: c.token, CA: c.ca, TLS: c.cf.tls, Insecure: c.cf.insecure, CallTimeout: c.callTimeout}
}
