package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// maxFileBytes is the largest file the daemon's PutFile takes (1 MiB): a
// larger one is refused here, before it is read and sent.
const maxFileBytes = 1 << 20

// put copies a local file to a headend's flash: `put H flash:NAME FILE`.
func (c *cli) put(args []string) error {
	pos, err := subflags("put", args, func(*flag.FlagSet) {})
	if err != nil {
		return err
	}
	if len(pos) != 3 || pos[0] == "" || pos[1] == "" || pos[2] == "" {
		return usagef("usage: put HOSTNAME flash:NAME FILE")
	}
	host, path, file := pos[0], pos[1], pos[2]
	st, err := os.Stat(file)
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", file)
	}
	if st.Size() > maxFileBytes {
		return fmt.Errorf("%s is %d bytes; a headend's flash takes files of at most %d", file, st.Size(), maxFileBytes)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	return c.call(func(cx context.Context, s services) error {
		resp, err := s.hc.PutFile(cx, &headendv1.PutFileRequest{Lab: c.lab, Hostname: host, Path: path, Data: data})
		if err != nil {
			return err
		}
		f := resp.GetFile()
		return c.emitf(resp, "%s: %s, %d bytes\n", host, f.GetPath(), f.GetSize())
	})
}

// getFile reads a file from a headend's flash to stdout, or to a local
// file (0644): `get-file H flash:NAME [--out FILE]`.
func (c *cli) getFile(args []string) error {
	var out string
	pos, err := subflags("get-file", args, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "write the file here instead of to stdout")
	})
	if err != nil {
		return err
	}
	if len(pos) != 2 || pos[0] == "" || pos[1] == "" {
		return usagef("usage: get-file HOSTNAME flash:NAME [--out FILE]")
	}
	return c.call(func(cx context.Context, s services) error {
		resp, err := s.hc.GetFile(cx, &headendv1.GetFileRequest{Lab: c.lab, Hostname: pos[0], Path: pos[1]})
		if err != nil {
			return err
		}
		if out == "" {
			return c.emit(resp, func() error { _, err := c.stdout.Write(resp.GetData()); return err })
		}
		if err := os.WriteFile(out, resp.GetData(), 0o644); err != nil {
			return err
		}
		return c.emitf(resp, "%s: %d bytes of %s on %s\n", out, len(resp.GetData()), resp.GetFile().GetPath(), pos[0])
	})
}
