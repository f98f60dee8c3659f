// Package cli is the line discipline every headend's console shares,
// whatever its command set: the terminal (echo, line editing, `?`
// answered as soon as it is typed, questions abandoned with Ctrl-C, long
// output paged behind `<--- More --->`), the command registry (keywords
// per mode, unique-prefix abbreviations, `?` help, the errors of a line
// that does not resolve), the output filters after `|`, and the scripted
// run of a session. The family's console names the modes, registers the
// commands, and is the Session behind the terminal.
package cli
