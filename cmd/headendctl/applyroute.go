package main

import (
	"context"

	"go.yaml.in/yaml/v3"

	"github.com/asalab/asalab/cmd/headendctl/ctlconn"
)

// withFileLab names, as the routing key of an apply, the lab its file
// names at its top (fileLab), when the command line and the context name
// none: a balancer that routes on asalab-lab must take the file to the
// daemon that holds its lab (or will, when the apply creates it), not to
// its default route. The daemon fills the request's empty lab field from
// the key, so the file's lab wins over a lab token's own, as the lab file
// format says (a lab token applying a file of another lab gets NotFound,
// where it used to change its own lab behind the file's back). A file
// that does not parse, or names no valid lab (fileLab ""), adds nothing:
// the daemon reports it, with its file, line and field.
func (c *cli) withFileLab(cx context.Context, fileLab string) context.Context {
	if c.lab != "" {
		return cx // sent in the request's lab field, and as its key
	}
	if fileLab != "" {
		return ctlconn.WithLab(cx, fileLab)
	}
	return cx
}

// fileLab is the lab a lab file names at its top (`lab:`); "" when it
// does not parse or names no valid lab.
func fileLab(content string) string {
	var top struct {
		Lab string `yaml:"lab"`
	}
	if yaml.Unmarshal([]byte(content), &top) != nil || checkLabName(top.Lab) != nil {
		return ""
	}
	return top.Lab
}
