package console

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/asa/grammar"
)

// subMode is one level of a grammar sub-mode the session is in: the block
// line that opened it, the grammar table of its commands and its prompt
// ("config-network-object-group").
type subMode struct {
	header, table, prompt string
}

// registerGrammar adds the configuration commands of the data-driven grammar
// (headend/grammar.go): their first keywords and `no` forms in configuration
// mode, `show running-config SECTION` and `clear configure SECTION`. The
// grammar checks the rest of the line.
func registerGrammar(r *registry) {
	cfg := modes(ModeConfig)
	for _, kw := range grammar.Keywords("") {
		help := grammarHelp[kw]
		if help == "" {
			help = "Configure " + kw
		}
		r.Add(cfg, kw, help, argWord, "LINE  The "+kw+" command's arguments", cmdGrammar)
		r.Add(cfg, "no "+kw, "Remove "+kw+" configuration", argWord, "LINE  The "+kw+" command's arguments", cmdNoGrammar)
	}
	for _, sec := range grammar.Sections() {
		r.Add(privAndUp, "show running-config "+sec, "Show "+sec+" configuration", argNone, "", cmdShowRunSection(sec))
		r.Add(cfg, "clear configure "+sec, "Clear "+sec+" configuration", argWord, "LINE  What to clear, or <cr> for all", cmdClearConfigure(sec))
	}
	// configure terminal is also a configuration-mode command on the ASA
	// (beside configure memory and configure factory-default): a tool
	// whose previous push stopped at a refused line, still in (config)#,
	// starts its next push with it (Ansible's cisco.asa cliconf does).
	r.Add(cfg, "configure terminal", "Configure using terminal/console", argNone, "", cmdConfigure)
	r.Describe(cfg, "clear", "Reset functions")
	r.Describe(cfg, "clear configure", "Clear configuration")
}

// grammarHelp is the ASA's `?` help of the grammar's commands.
var grammarHelp = map[string]string{
	"aaa":                   "Enable, disable, or view user authentication, authorization and accounting",
	"aaa-server":            "Configure a AAA server group or a AAA server",
	"access-group":          "Bind an access-list to an interface to filter traffic",
	"access-list":           "Configure an access control element",
	"banner":                "Configure login/session banners",
	"class-map":             "Configure MPF Class Map",
	"crypto":                "Configure IPSec, ISAKMP, Certification authority, key",
	"http":                  "Configure http server and https related commands",
	"ntp":                   "Configure NTP",
	"object":                "Configure an object",
	"object-group":          "Create an object group for use in 'access-list', etc",
	"policy-map":            "Configure MPF Policy Map",
	"route":                 "Configure a static route for an interface",
	"same-security-traffic": "Enable same security level interfaces to communicate",
	"service-policy":        "Configure MPF service policy",
	"snmp-server":           "Modify SNMP engine parameters",
	"tunnel-group":          "Create and manage the database of connection specific records for IPSec connections",
}

// cmdGrammar runs a grammar command of configuration mode; one that opens a
// sub-mode enters it.
func cmdGrammar(s *Session, c *call) {
	start := tokenize(c.Line)[0].Pos
	p, err := grammar.ParseConfigLine("", c.Line[start:], false)
	if grammarApply(s, c.Prompt, start, p, err, nil) {
		l2lNameWarning(s, p)
	}
}

// l2lNameWarning prints the ASA's warning after `tunnel-group NAME type
// ipsec-l2l` where NAME is not the peer's address.
func l2lNameWarning(s *Session, p grammar.ParsedLine) {
	if f := strings.Fields(p.Text); len(f) == 4 && f[0] == "tunnel-group" && f[3] == "ipsec-l2l" {
		if _, ok := parseIPv4(f[1]); !ok {
			s.println(config.L2LNameWarning...)
		}
	}
}

func cmdNoGrammar(s *Session, c *call) {
	start := tokenize(c.Line)[1].Pos
	p, err := grammar.ParseConfigLine("", c.Line[start:], true)
	grammarRemove(s, c.Prompt, start, p, err, nil)
}

// grammarHeaders checks the parse of a line that starts at start, printing
// the ASA's error for err, and returns the headers of the sub-modes at path,
// which the line is under.
func grammarHeaders(s *Session, prompt string, start int, err error, path []subMode) ([]string, bool) {
	if err != nil {
		grammarError(s, prompt, start, err)
		return nil, false
	}
	headers := make([]string, len(path))
	for i, m := range path {
		headers[i] = m.header
	}
	return headers, true
}

// grammarApply keeps p, parsed (with the error err) from the line typed at
// start with the table of the sub-mode at path, in the running
// configuration.
func grammarApply(s *Session, prompt string, start int, p grammar.ParsedLine, err error, path []subMode) bool {
	headers, ok := grammarHeaders(s, prompt, start, err, path)
	if !ok {
		return false
	}
	// A word naming an interface no interface has gets the caret: the ASA
	// offers the interfaces' names as keywords.
	caretAt := func(word int) {
		pos := 0
		if word > 0 && word <= len(p.TokenPos) {
			pos = p.TokenPos[word-1]
		}
		s.caret(prompt, start+pos)
	}
	if !grammarUpdate(s, p.Text, func(d *asa.Device) error { return d.Running.ApplyConfigLine(headers, p) }, caretAt) {
		return false
	}
	s.sub = path
	if p.Sub != "" {
		s.sub = append(append([]subMode{}, path...), subMode{header: p.Text, table: p.Sub, prompt: p.Prompt})
	}
	return true
}

// grammarRemove is the `no` form: p names the lines to remove by their
// first words.
func grammarRemove(s *Session, prompt string, start int, p grammar.ParsedLine, err error, path []subMode) bool {
	headers, ok := grammarHeaders(s, prompt, start, err, path)
	if !ok {
		return false
	}
	s.sub = path
	return grammarUpdate(s, p.Text, func(d *asa.Device) error { return d.Running.RemoveConfigLines(headers, p.Text) }, nil)
}

// grammarUpdate changes the running configuration; a refusal prints the
// ASA's line and changes nothing. caretAt, if not nil, puts the caret under
// a word of the line.
func grammarUpdate(s *Session, text string, fn func(d *asa.Device) error, caretAt func(word int)) bool {
	err := s.configChange(fn)
	var inUse *config.InUseError
	var ref *config.RefError
	switch {
	case err == nil:
		return true
	case errors.As(err, &ref) && ref.Kind == "nameif" && caretAt != nil:
		caretAt(ref.Word)
	case errors.As(err, &ref) && ref.Kind == "access-list":
		// The wording a public ASA simulator's tests expect; not
		// confirmed against a capture of a real box.
		s.println("ERROR: access-list <" + ref.Name + "> does not exist")
	case errors.As(err, &ref) && ref.Kind == "object-group":
		// As a public ASA simulator's tests expect; not confirmed against
		// a capture of a real box.
		s.println("ERROR: specified object group <" + ref.Name + "> not found")
	case errors.As(err, &ref) && ref.Kind == "object":
		// Ours, by analogy with the object-group line.
		s.println("ERROR: specified object <" + ref.Name + "> not found")
	case errors.As(err, &inUse):
		// The ASA's refusal, which Ansible's cisco.asa terminal plugin
		// matches ("Removing.* not allowed, it is being used").
		s.println("Removing " + inUse.Kind + " (" + inUse.Name + ") not allowed, it is being used.")
	case errors.Is(err, config.ErrTunnelGroupUnknown):
		s.println("ERROR: tunnel-group " + strings.Fields(text)[1] + " does not exist")
	case errors.Is(err, config.ErrTunnelGroupType):
		s.println("ERROR: tunnel-group " + strings.Fields(text)[1] + " exists with another type; remove it first")
	case errors.Is(err, config.ErrTunnelGroupAttrs):
		s.println("ERROR: tunnel-group " + strings.Fields(text)[1] + " is not a remote-access tunnel-group")
	case errors.Is(err, config.ErrGroupPolicyNotFound):
		s.println("ERROR: group-policy " + strings.Fields(text)[1] + " does not exist")
	default:
		s.println(errorLine(err))
	}
	return false
}

func grammarError(s *Session, prompt string, start int, err error) {
	var se *grammar.ConfigSyntaxError
	var am *grammar.AddressMaskError
	if errors.As(err, &am) {
		s.println("ERROR: IP address,mask <" + am.Addr + "," + am.Mask + "> doesn't pair")
		return
	}
	if !errors.As(err, &se) {
		s.println(errorLine(err))
		return
	}
	switch {
	case errors.Is(err, grammar.ErrConfigIncomplete):
		s.incomplete()
	case errors.Is(err, grammar.ErrConfigAmbiguous):
		s.println(`ERROR: % Ambiguous command:  "` + se.Word + `"`)
	default:
		s.caret(prompt, start+se.Pos)
	}
}

// subLine runs a line typed in a grammar sub-mode: exit and end, the
// sub-mode's commands and their `no` forms, a command of an enclosing
// sub-mode (which leaves the inner ones, as on the ASA). It reports false
// for a line that is a configuration-mode command: the session leaves the
// sub-mode and runs it there.
func (s *Session) subLine(line, prompt string) bool {
	toks := tokenize(line)
	first := strings.ToLower(toks[0].Text)
	switch {
	case len(first) >= 3 && strings.HasPrefix("exit", first) && len(toks) == 1:
		s.sub = s.sub[:len(s.sub)-1]
		return true
	case first == "end" && len(toks) == 1:
		s.sub, s.mode = nil, ModePriv
		return true
	}
	var firstErr error
	for level := len(s.sub); level > 0; level-- {
		path, table := s.sub[:level], s.sub[level-1].table
		var err error
		if first == "no" && len(toks) > 1 {
			var p grammar.ParsedLine
			p, err = grammar.ParseConfigLine(table, line[toks[1].Pos:], true)
			if err == nil {
				grammarRemove(s, prompt, toks[1].Pos, p, nil, path)
				return true
			}
		} else {
			var p grammar.ParsedLine
			p, err = grammar.ParseConfigLine(table, line[toks[0].Pos:], false)
			if err == nil || !errors.Is(err, grammar.ErrConfigSyntax) || errPos(err) > 0 {
				grammarApply(s, prompt, toks[0].Pos, p, err, path)
				return true
			}
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if _, perr := s.cmds.Resolve(line, ModeConfig); perr == nil || perr.Named {
		s.sub = nil
		return false
	}
	if first == "no" && len(toks) > 1 {
		grammarError(s, prompt, toks[1].Pos, firstErr)
	} else {
		grammarError(s, prompt, toks[0].Pos, firstErr)
	}
	return true
}

// errPos is where a grammar error points, relative to the command's start.
func errPos(err error) int {
	var se *grammar.ConfigSyntaxError
	if errors.As(err, &se) {
		return se.Pos
	}
	return 0
}

func cmdShowRunSection(section string) handler {
	return func(s *Session, _ *call) {
		s.view(func(d *asa.Device) { s.print(d.RenderConfigSection(d.Running, section)) })
	}
}

// cmdClearConfigure: clear configure SECTION [WORDS].
func cmdClearConfigure(section string) handler {
	return func(s *Session, c *call) {
		var words []string
		for _, a := range c.Args {
			words = append(words, a.Text)
		}
		grammarUpdate(s, "", func(d *asa.Device) error {
			d.Running.ClearConfigSection(section, strings.Join(words, " "))
			return nil
		}, nil)
	}
}

// subCommandHelp is the `?` help of the grammar's sub-mode commands.
var subCommandHelp = map[string]string{
	"description":                 "Specify description text",
	"network-object":              "Configure a network object",
	"group-object":                "Configure an object group as an object",
	"port-object":                 "Configure a port object",
	"service-object":              "Configure a service object",
	"protocol-object":             "Configure a protocol object",
	"host":                        "Enter this keyword to specify a single host object",
	"subnet":                      "Enter this keyword to specify a subnet",
	"range":                       "Enter this keyword to specify a range",
	"fqdn":                        "Enter this keyword to specify an FQDN",
	"service":                     "Specify the service",
	"match":                       "Configure classification criteria",
	"class":                       "Policy criteria",
	"inspect":                     "Protocol inspection services",
	"set":                         "Set connection values",
	"police":                      "Police",
	"ikev1":                       "Configure IKEv1",
	"ikev2":                       "Configure IKEv2",
	"peer-id-validate":            "Validate identity of the peer using the peer's certificate",
	"isakmp":                      "Configure ISAKMP policy",
	"default-group-policy":        "Associate a group-policy with this connection profile",
	"address-pool":                "Enter a list of address pools to assign addresses from",
	"authentication-server-group": "Enter the name of the authentication server group",
	"group-alias":                 "Enter an alias for this tunnel-group",
	"group-url":                   "Enter a group url for this tunnel-group",
	"authentication":              "Configure the authentication method",
	"key":                         "Server encryption key",
	"timeout":                     "Timeout for the server",
	"authentication-port":         "Port number for authentication",
	"accounting-port":             "Port number for accounting",
	"protocol":                    "Configure protocol parameters",
	"enrollment":                  "Enrollment parameters",
	"subject-name":                "Subject DN",
	"keypair":                     "Specify the key pair",
	"crl":                         "CRL option",
	"default":                     "Set a command to its defaults",
	"encryption":                  "Set encryption algorithm",
	"integrity":                   "Set integrity algorithm",
	"hash":                        "Set hash algorithm",
	"group":                       "Set the Diffie-Hellman group",
	"prf":                         "Set prf algorithm",
	"lifetime":                    "Set lifetime",
}

// subHelp answers `?` alone in a grammar sub-mode with the sub-mode's
// commands; it reports false for other help, which the configuration mode's
// registry answers.
func (s *Session) subHelp(line string) bool {
	if strings.TrimSpace(strings.TrimSuffix(line, "?")) != "" {
		return false
	}
	if lines, ok := objectGroupHelp(s.sub[len(s.sub)-1]); ok {
		s.println("")
		s.helpColumns(lines)
		return true
	}
	kws := append(grammar.Keywords(s.sub[len(s.sub)-1].table), "exit", "no")
	sort.Strings(kws)
	help := map[string]string{"exit": "Exit from this sub-mode", "no": "Negate a command or set its defaults"}
	s.println("")
	for _, kw := range kws {
		h := help[kw]
		if h == "" {
			h = subCommandHelp[kw]
		}
		s.println(fmt.Sprintf("  %-26s %s", kw, h))
	}
	return true
}
