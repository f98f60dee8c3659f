package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// twin creates the twin of a real box from its captured show version.
func (c *cli) twin(args []string) error {
	var hostname, from, akFile string
	pos, err := subflags("twin", args, func(fs *flag.FlagSet) {
		fs.StringVar(&hostname, "hostname", "", "the twin's hostname (default: the capture's)")
		fs.StringVar(&from, "from", "", "a file with the output of show version captured on the box")
		fs.StringVar(&akFile, "activation-key", "", "a file with the output of show activation-key on the same box")
	})
	if err != nil {
		return err
	}
	if len(pos) > 0 || from == "" {
		return usagef("usage: twin [--hostname H] --from FILE [--activation-key FILE]")
	}
	sv, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	var ak []byte
	if akFile != "" {
		if ak, err = os.ReadFile(akFile); err != nil {
			return err
		}
	}
	return c.call(func(cx context.Context, _ services) error {
		resp, err := headendv1.NewTwinServiceClient(c.conn).CreateTwin(cx, &headendv1.CreateTwinRequest{
			Lab: c.lab, Hostname: hostname, ShowVersion: string(sv), ShowActivationKey: string(ak)})
		if err != nil {
			return err
		}
		return c.emit(resp, func() error {
			printHeadend(c, resp.GetHeadend())
			for _, n := range resp.GetNotes() {
				fmt.Fprintf(c.stderr, "note: %s\n", n)
			}
			return nil
		})
	})
}
