// Package cli is the terminal line discipline every headend's console
// shares, whatever its command set: echo, line editing, `?` answered as
// soon as it is typed, questions abandoned with Ctrl-C, and long output
// paged behind `<--- More --->`. The command interpreter behind it is a
// Session of the device's family.
package cli
