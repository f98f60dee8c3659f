// Package grammar is the ASA's configuration grammar for the lines the
// simulator keeps without acting on them (object groups, access lists,
// SNMP, AAA, crypto, tunnel groups, class and policy maps), as data, and
// its parser.
package grammar
