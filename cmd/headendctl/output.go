package main

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// jsonOutput is how -o json prints a response: one document, proto JSON
// names, every field present so that scripts need not know proto3's
// defaults.
var jsonOutput = protojson.MarshalOptions{Multiline: true, Indent: "  ", EmitUnpopulated: true}

// ndjsonOutput is how events --follow -o json prints an event: one line.
var ndjsonOutput = protojson.MarshalOptions{EmitUnpopulated: true}

// emit prints m as one JSON document with -o json; otherwise text prints
// the command's text output.
func (c *cli) emit(m proto.Message, text func() error) error {
	return c.emitWith(jsonOutput, m, text)
}

// emitLine prints m on one line with -o json (a stream: one document a
// line, NDJSON); otherwise text prints it.
func (c *cli) emitLine(m proto.Message, text func() error) error {
	return c.emitWith(ndjsonOutput, m, text)
}

func (c *cli) emitWith(o protojson.MarshalOptions, m proto.Message, text func() error) error {
	if c.output != "json" {
		return text()
	}
	b, err := o.Marshal(m)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(c.stdout, string(b))
	return err
}

// emitf is emit of a response whose text is one Fprintf line.
func (c *cli) emitf(m proto.Message, format string, args ...any) error {
	return c.emit(m, func() error {
		_, err := fmt.Fprintf(c.stdout, format, args...)
		return err
	})
}
