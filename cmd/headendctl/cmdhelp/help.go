// Package cmdhelp makes headendctl's usage, each command's help page and
// its bash completion script from the table of its commands, which it
// takes as data: the commands' handlers stay with the command line, and
// hand over only what the help tells of them (synopses, subcommands,
// flags, examples, what -o json prints).
package cmdhelp

import (
	"fmt"
	"slices"
	"strings"
)

// Table is everything the usage, the help pages and the completion
// script say.
type Table struct {
	// Head opens the usage: the global flags and their defaults.
	Head string
	// Sections are the titles the usage groups the commands under;
	// Command.Section is an index in them.
	Sections []string
	// Commands are the commands in the usage's order.
	Commands []*Command
	// Meta are help and completion, which read the table: their lines
	// close the first section, and they have help pages of their own.
	Meta []*Command
	// References are the word lists the usage ends with; a command's
	// help page shows those naming it.
	References []Reference
	// ExitStatus says what the exit status means; the usage and every
	// help page end with it.
	ExitStatus string
	// GlobalFlags closes every help page: the global flags by name.
	GlobalFlags string
	// ValueFlags are the global flags that take a value, BoolFlags those
	// that take none, for the completion.
	ValueFlags, BoolFlags []string
	// Kinds are the words admit --kind takes, EventKinds those events
	// --kind takes, for the completion.
	Kinds, EventKinds []string
}

// Command is what the help tells of one command.
type Command struct {
	Name    string
	Section int    // index in Table.Sections
	Lines   []Line // the usage's lines of the command, in order
	// Subs are the subcommands (one or two words: "token create").
	Subs []string
	// Hosts are the positions (from 0, after the command and its
	// subcommand) of the arguments that name a headend, by subcommand
	// ("" for none), for the completion.
	Hosts    map[string][]int
	Examples []string
	// JSON says what -o json prints.
	JSON string
	// Exit says what the exit status means where it is not the rule
	// ExitStatus gives.
	Exit string
	// Flags are the flags of the command ("") and of each subcommand,
	// by subcommand. A path that takes no flags at all is absent; one
	// present with no flags is listed by the completion as such.
	Flags map[string][]Flag
}

// Line is a synopsis and what it does (lines joined by "\n").
type Line struct{ Synopsis, Text string }

// Flag is one flag of a command.
type Flag struct {
	Name string // without dashes
	// Type names what the flag takes ("string", "int", "duration"), ""
	// for none.
	Type  string
	Usage string
	// Default is the flag's default as text; "", "0" and "false" are
	// not shown.
	Default string
	// Switch: the flag takes no value (a bool flag).
	Switch bool
}

// Find is the command of that name, nil for none; help and completion
// (Meta) are not among them.
func (t *Table) Find(name string) *Command {
	for _, c := range t.Commands {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Usage is the top-level usage: the table's lines by section.
func (t *Table) Usage() string {
	var b strings.Builder
	b.WriteString(t.Head)
	for i, title := range t.Sections {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(title + "\n")
		for _, c := range t.Commands {
			if c.Section == i {
				for _, l := range c.Lines {
					writeLine(&b, l)
				}
			}
		}
		if i == 0 {
			for _, m := range t.Meta {
				for _, l := range m.Lines {
					writeLine(&b, l)
				}
			}
		}
	}
	for _, r := range t.References {
		b.WriteString("\n" + r.Text + "\n")
	}
	b.WriteString("\n" + t.ExitStatus)
	return b.String()
}

// Reference is a word list of the usage, and the commands whose help
// pages show it.
type Reference struct {
	Text     string
	Commands []string
}

// writeLine writes a usage line: the synopsis, then its text from column
// 47 (on the next line when the synopsis is longer).
func writeLine(b *strings.Builder, l Line) {
	const col = 44
	text := strings.Split(l.Text, "\n")
	if len(l.Synopsis) < col {
		fmt.Fprintf(b, "  %-*s %s\n", col, l.Synopsis, text[0])
		text = text[1:]
	} else {
		fmt.Fprintf(b, "  %s\n", l.Synopsis)
	}
	for _, t := range text {
		fmt.Fprintf(b, "  %-*s %s\n", col, "", t)
	}
}

// Subcommand is the subcommand args start with, "" for none; the first
// word of two-word subcommands alone is their group ("smart token").
func Subcommand(cmd *Command, args []string) string {
	best := ""
	for _, s := range cmd.Subs {
		w := strings.Fields(s)
		if len(w) <= len(args) && slices.Equal(w, args[:len(w)]) && len(s) > len(best) {
			best = s
		}
		if best == "" && len(w) == 2 && len(args) > 0 && w[0] == args[0] {
			best = w[0]
		}
	}
	return best
}

// groupSubs are the subcommands of a group (smart token: token create,
// token revoke); none when sub is a subcommand itself.
func groupSubs(cmd *Command, sub string) []string {
	var subs []string
	for _, s := range cmd.Subs {
		if strings.HasPrefix(s, sub+" ") {
			subs = append(subs, s)
		}
	}
	return subs
}

// Page is a command's (or subcommand's) help page: its usage lines,
// flags with their defaults, examples, what -o json prints and its exit
// status.
func (t *Table) Page(cmd *Command, sub string) string {
	path := cmd.Name
	if sub != "" {
		path += " " + sub
	}
	var lines []Line
	for _, l := range cmd.Lines {
		if sub == "" || strings.HasPrefix(l.Synopsis, path+" ") || l.Synopsis == path || strings.Contains(l.Synopsis, "| "+path+" ") {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		lines = cmd.Lines
	}
	var b strings.Builder
	for i, l := range lines {
		if i == 0 {
			b.WriteString("usage: ")
		} else {
			b.WriteString("       ")
		}
		fmt.Fprintf(&b, "headendctl [GLOBAL FLAGS] %s\n", l.Synopsis)
	}
	for _, l := range lines {
		b.WriteString("\n")
		for _, t := range strings.Split(l.Text, "\n") {
			b.WriteString("  " + t + "\n")
		}
	}
	group := groupSubs(cmd, sub)
	switch {
	case len(cmd.Subs) > 0 && sub == "":
		fmt.Fprintf(&b, "\nSubcommands: %s (headendctl help %s SUBCOMMAND)\n", strings.Join(cmd.Subs, ", "), cmd.Name)
	case len(group) > 0:
		fmt.Fprintf(&b, "\nSubcommands: %s (headendctl help %s SUBCOMMAND)\n", strings.Join(group, ", "), cmd.Name+" "+sub)
	}
	if fs := cmd.Flags[sub]; len(group) == 0 && len(fs) > 0 {
		b.WriteString("\nFlags:\n")
		for _, f := range fs {
			writeFlag(&b, f)
		}
	}
	if len(cmd.Examples) > 0 {
		b.WriteString("\nExamples:\n")
		for _, e := range cmd.Examples {
			if sub == "" || strings.HasPrefix(e, "headendctl "+path) {
				b.WriteString("  " + e + "\n")
			}
		}
	}
	fmt.Fprintf(&b, "\n-o json: %s.\n", cmd.JSON)
	for _, r := range t.References {
		if slices.Contains(r.Commands, cmd.Name) {
			b.WriteString("\n" + r.Text + "\n")
		}
	}
	b.WriteString("\n")
	if cmd.Exit != "" {
		fmt.Fprintf(&b, "Exit status of %s: %s; otherwise as for every command:\n", cmd.Name, cmd.Exit)
	}
	b.WriteString(t.ExitStatus)
	b.WriteString("\n" + t.GlobalFlags + "\n")
	return b.String()
}

// writeFlag writes one flag of a command's help: its name and type, its
// usage and its default unless zero.
func writeFlag(b *strings.Builder, f Flag) {
	head := "  " + FlagName(f.Name)
	if f.Type != "" {
		head += " " + f.Type
	}
	fmt.Fprintf(b, "%s\n        %s", head, f.Usage)
	if d := f.Default; d != "" && d != "0" && d != "false" {
		fmt.Fprintf(b, " (default %s)", d)
	}
	b.WriteString("\n")
}

// FlagName is a flag as the help and the completion write it: -f for a
// one-letter name, --name for the others (the flag package takes both).
func FlagName(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}
