package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// maxLabFileBytes is the largest lab file the daemon takes (ApplyLab).
const maxLabFileBytes = 4 << 20

func (c *cli) apply(args []string) error {
	file, dryRun := "", false
	pos, err := subflags("apply", args, func(fs *flag.FlagSet) {
		fs.StringVar(&file, "f", "", "the lab file (YAML), - for stdin")
		fs.BoolVar(&dryRun, "dry-run", false, "say what would change, change nothing")
	})
	if err != nil {
		return err
	}
	if len(pos) > 0 || file == "" {
		return usagef("usage: apply -f FILE [--dry-run] (FILE: a lab file, - for stdin)")
	}
	name, content, err := readLabFile(file)
	if err != nil {
		return err
	}
	// The request's lab wins over the file's, which would otherwise go
	// unsaid: a context's lab sends every file to it. Stderr, so that the
	// output (and -o json) stays the daemon's answer.
	fl := fileLab(content)
	if c.lab != "" && fl != "" && fl != c.lab {
		fmt.Fprintf(c.stderr, "note: applying %s to lab %s (from %s); the file names lab %s\n", name, c.lab, c.cf.labFrom, fl)
	}
	return c.callLabs(func(cx context.Context, lc headendv1.LabsServiceClient) error {
		resp, err := lc.ApplyLab(c.withFileLab(cx, fl), &headendv1.ApplyLabRequest{Lab: c.lab, FileName: name, Content: content, DryRun: dryRun})
		if err != nil {
			return err
		}
		return c.emit(resp, func() error {
			lab := resp.GetLab().GetName()
			if resp.GetCreated() && resp.GetToken() != "" {
				fmt.Fprintf(c.stdout, "lab %s created; token: %s\n", lab, resp.GetToken())
			}
			notes := resp.GetNotes()
			if len(resp.GetChanges()) == 0 {
				// A note of work still to come (an order waiting for its
				// PAK, a key waiting for a reload) means the lab does not
				// match the file yet.
				i := slices.IndexFunc(notes, pendingNote)
				if i < 0 {
					fmt.Fprintf(c.stdout, "no changes: lab %s matches %s\n", lab, name)
				} else {
					fmt.Fprintf(c.stdout, "no changes now; pending: %s\n", notes[i])
					notes = slices.Delete(slices.Clone(notes), i, i+1)
				}
			}
			for _, ch := range resp.GetChanges() {
				fmt.Fprintln(c.stdout, ch)
			}
			for _, n := range notes {
				fmt.Fprintln(c.stdout, "note: "+n)
			}
			if dryRun && len(resp.GetChanges()) > 0 {
				_, err := fmt.Fprintf(c.stdout, "dry run: lab %s not changed\n", lab)
				return err
			}
			return nil
		})
	})
}

// pendingNote reports whether an apply's note says the lab does not match
// the file yet: every note but the one listing the headends the file
// leaves out.
func pendingNote(n string) bool { return !strings.HasPrefix(n, "not in the file: ") }

// readLabFile reads a lab file, or stdin for "-", and the name its errors
// will give it.
func readLabFile(file string) (name, content string, err error) {
	name = file
	var r io.Reader
	if file == "-" {
		name, r = "<stdin>", os.Stdin
	} else {
		f, err := os.Open(file)
		if err != nil {
			return "", "", err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxLabFileBytes+1))
	if err != nil {
		return "", "", fmt.Errorf("%s: %v", name, err)
	}
	if len(b) > maxLabFileBytes {
		return "", "", fmt.Errorf("%s: more than 4 MiB; a lab file is at most 4 MiB", name)
	}
	return name, string(b), nil
}
