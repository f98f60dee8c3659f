package console

import (
	"fmt"
	"strings"
)

// objectGroupHelp is what `?` alone prints in an object-group sub-mode, as
// ASAs print it: the commands in alphabetical order, each padded to the
// longest name and two spaces, `help` listed and `exit` not. The network
// group's list is copied from an ASAv 9.6(2) transcript
// (github.com/authentic75/authentic75.github.io,
// _posts/2020-08-24-asa_global_object.md), the service groups' with and
// without a protocol from another ASA's (github.com/mr-seawolf/
// CiscoConfigParser, README.md, "Name Conflict Issue"); the protocol
// group's follows their pattern and is not confirmed by a real output. The
// `help` command itself is not simulated.
func objectGroupHelp(m subMode) ([][2]string, bool) {
	const (
		desc  = "Specify description text"
		group = "Configure an object group as an object"
		no    = "Remove an object or description from object-group"
	)
	var kind, object, objectHelp string
	switch m.table {
	case "og-network":
		kind, object, objectHelp = "network", "network-object", "Configure a network object"
	case "og-service":
		kind, object, objectHelp = "service", "service-object", "Configure a service object"
		if len(strings.Fields(m.header)) > 3 { // object-group service NAME tcp
			object, objectHelp = "port-object", "Configure a port object"
		}
	case "og-protocol":
		kind, object, objectHelp = "protocol", "protocol-object", "Configure a protocol object"
	default:
		return nil, false
	}
	help := "Help for " + kind + " object-group configuration commands"
	lines := [][2]string{{"description", desc}, {"group-object", group}, {"help", help}, {"no", no}, {object, objectHelp}}
	// The object command sorts after "no" unless it is network-object.
	if object == "network-object" {
		lines[3], lines[4] = lines[4], lines[3]
	}
	return lines, true
}

// helpColumns prints help lines as the ASA's sub-modes do: two spaces, the
// name padded to the longest one plus two spaces, the help.
func (s *Session) helpColumns(lines [][2]string) {
	width := 0
	for _, l := range lines {
		width = max(width, len(l[0]))
	}
	for _, l := range lines {
		s.println(fmt.Sprintf("  %-*s%s", width+2, l[0], l[1]))
	}
}
