// Package twin makes a lab headend the twin of a real ASA 5500/5500-X from
// the output of `show version` captured on that box (and, optionally, of
// `show activation-key`): the same model, software release, serial number
// and hostname, and keys minted for that serial with the lab's secret that
// reproduce the box's licensed features, time-based ones included. It is
// pure: the capture is text, the time and the signer are passed in.
//
// A twin is made only when the lab prints the capture's licensed features
// block and platform line again, line for line; anything the lab's model
// of the box cannot say the same way is refused with the line it could not
// reproduce, so that a twin never differs silently from its original.
package twin

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/asalab/asalab/headend"
)

// Errors a capture is refused with. Each wraps the text it could not use.
var (
	// ErrNotShowVersion: the text is not the output of `show version` on an
	// ASA (no version line, no hardware line, no licensed features block).
	ErrNotShowVersion = errors.New("twin: not the output of show version on an ASA")
	// ErrUnknownModel: the Hardware line names a model the catalog lacks
	// (an ISA-3000, a Firepower module).
	ErrUnknownModel = errors.New("twin: model not in the catalog")
	// ErrNotActivationKeyModel: the model is in the catalog but is not
	// licensed by activation keys (an ASAv under Smart Licensing), or the
	// capture was taken in a security context.
	ErrNotActivationKeyModel = errors.New("twin: not an ASA 5500/5500-X licensed by activation keys")
	// ErrUnknownFeatureLine: a line of the licensed features block is not
	// one the ASA 5500/5500-X prints.
	ErrUnknownFeatureLine = errors.New("twin: feature line not understood")
	// ErrCaptureMismatch: the show activation-key capture is of another box
	// than the show version capture.
	ErrCaptureMismatch = errors.New("twin: show activation-key is not from the same box")
	// ErrNotReproducible: the lab cannot license the twin so that it prints
	// the capture's block (a value the catalog caps, a feature the lab has
	// no time-based license for...).
	ErrNotReproducible = errors.New("twin: the lab cannot reproduce the capture")
)

// Feature is one line of a "Licensed features for this platform:" block.
type Feature struct {
	// Line is the line as captured, without its indentation and trailing
	// blanks.
	Line string
	// Name is the feature ("Maximum VLANs"); Value what follows the colon
	// ("150", "Enabled", "Active/Standby", "Unlimited").
	Name, Value string
	// Days is the N of an "N days" suffix (a time-based license), 0 for
	// "perpetual". Suffix is the suffix as printed.
	Days   int
	Suffix string
}

// TimedKey is one entry of the "Active Timebased Activation Key:" list:
// a key and the features it carries with their days left.
type TimedKey struct {
	Key      string
	Features []Feature
}

// Capture is what a `show version` (with `show activation-key`) tells
// about a box.
type Capture struct {
	// Version is the ASA release, "9.14(2)14".
	Version string
	// Model is the model id of the Hardware or Model Id line, "ASA5555";
	// Platform its catalog row.
	Model    string
	Platform *headend.Platform
	// Serial is "" when the capture prints none (a box whose serial was
	// blanked out).
	Serial   string
	Hostname string
	// RunningKey is the "Running Permanent Activation Key:" as printed,
	// "" when absent. The twin's keys are minted by the lab: they never
	// equal the box's, which Cisco signed.
	RunningKey string
	// Features is the "Licensed features for this platform:" block;
	// PlatformLine the "This platform has ..." line ("" when the capture
	// has none, as a unit of a failover pair prints none).
	Features     []Feature
	PlatformLine string
	// Timed is the list of active time-based keys, when printed.
	Timed []TimedKey
	// PairUnit is set when the capture is of a unit of a failover pair:
	// it prints a "failover cluster up" line or the cluster's licensed
	// features block.
	PairUnit bool
	// Indent is the blanks before the first feature line ("" as real
	// boxes print it).
	Indent string
}

// Notes are the lines of the capture a twin does not print the same, each
// with its reason. Apply checks every other line of the block and the
// platform line.
func (c *Capture) Notes() []string {
	var out []string
	if c.PairUnit {
		out = append(out, "the capture is of a unit of a failover pair; a twin is a single unit, so its show version "+
			"has no \"failover cluster up\" line and no \"Failover cluster licensed features\" block, and ends its "+
			"licensed features with the platform line a single unit prints, which a unit of a pair leaves out")
	}
	if c.Indent != "" {
		out = append(out, fmt.Sprintf("the capture indents each licensed feature line by %q and a sub-line such as "+
			"\"Shared AnyConnect Premium Peers\" by one space more; the twin prints the lines flush left and a sub-line "+
			"two spaces in, its colon under the others', as the real 9.x captures lay the block out (the only indented "+
			"capture found is the Cisco command reference's 8.4(1) example)", c.Indent))
	}
	return out
}

var (
	versionLine  = regexp.MustCompile(`^Cisco Adaptive Security Appliance Software Version (\S+)(.*)$`)
	uptimeLine   = regexp.MustCompile(`^(\S+) up (\d+ \S+( \d+ \S+)?)$`)
	hardwareLine = regexp.MustCompile(`^Hardware:\s+([^,\s]+)`)
	modelIDLine  = regexp.MustCompile(`^Model Id:\s+(\S+)`)
	serialLine   = regexp.MustCompile(`^Serial Number:\s*(\S*)\s*$`)
	runningKey   = regexp.MustCompile(`^Running Permanent Activation Key:\s*(.*?)\s*$`)
	keyWords     = regexp.MustCompile(`^0x[0-9a-zA-Z]+( 0x[0-9a-zA-Z]+){4}$`)
	daysSuffix   = regexp.MustCompile(`^(\d+) days$`)
)

const (
	blockHeading   = "Licensed features for this platform:"
	contextHeading = "Licensed features for this user context:"
	clusterHeading = "Failover cluster licensed features for this platform:"
	timedHeading   = "Active Timebased Activation Key:"
	platformPrefix = "This platform has "
)

// morePrompt is the ASA's pager prompt, which a terminal capture taken
// with paging on keeps on a line of its own.
const morePrompt = "<--- More --->"

// lines splits captured text into lines without their trailing blanks or
// carriage returns, and without pager prompts.
func lines(text string) []string {
	ls := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	out := ls[:0]
	for _, l := range ls {
		l = strings.TrimRight(l, " \t\r")
		if strings.TrimSpace(l) == morePrompt {
			continue
		}
		out = append(out, l)
	}
	return out
}

// Parse reads a `show version` capture, and optionally a `show
// activation-key` capture of the same box (activationKey may be ""). The
// prompt and command line a session log puts before an output are
// skipped; the failover cluster block of a unit of a pair is not used (the
// twin is a single unit). Nothing is refused silently: each error names the
// line, or the line missing, that made the capture unusable.
func Parse(showVersion, activationKey string) (*Capture, error) {
	c, err := parse(showVersion, true)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(activationKey) == "" {
		return c, nil
	}
	ak, err := parse(activationKey, false)
	if err != nil {
		return nil, fmt.Errorf("show activation-key: %w", err)
	}
	if err := c.merge(ak); err != nil {
		return nil, err
	}
	return c, nil
}

// parse reads one capture; a show version (full) must name the release
// and the hardware, a show activation-key has only keys and features.
func parse(text string, full bool) (*Capture, error) {
	c := new(Capture)
	ls := lines(text)
	block := -1
	for i, l := range ls {
		t := strings.TrimSpace(l)
		if m := versionLine.FindStringSubmatch(t); m != nil && c.Version == "" {
			if strings.Contains(m[2], "<context>") {
				return nil, fmt.Errorf("%w: %q is the output of a security context, which has no activation keys of its own", ErrNotActivationKeyModel, t)
			}
			c.Version = m[1]
			continue
		}
		if strings.HasPrefix(t, "failover cluster up ") || t == clusterHeading {
			c.PairUnit = true
		}
		if m := uptimeLine.FindStringSubmatch(t); m != nil && c.Hostname == "" && m[1] != "failover" {
			c.Hostname = m[1]
			continue
		}
		if m := hardwareLine.FindStringSubmatch(t); m != nil && c.Model == "" {
			c.Model = m[1]
			continue
		}
		if m := modelIDLine.FindStringSubmatch(t); m != nil {
			c.Model = m[1] // ASAv: "Hardware:   ASAv," then "Model Id:   ASAv10"
			continue
		}
		if m := serialLine.FindStringSubmatch(t); m != nil && c.Serial == "" {
			c.Serial = m[1]
			continue
		}
		if m := runningKey.FindStringSubmatch(t); m != nil && c.RunningKey == "" {
			c.RunningKey = m[1]
			continue
		}
		switch t {
		case contextHeading:
			return nil, fmt.Errorf("%w: %q: the capture was taken in a security context", ErrNotActivationKeyModel, t)
		case blockHeading:
			if block < 0 {
				block = i
			}
		}
	}
	if full {
		if c.Version == "" {
			return nil, fmt.Errorf("%w: no line \"Cisco Adaptive Security Appliance Software Version ...\"", ErrNotShowVersion)
		}
		if c.Model == "" {
			return nil, fmt.Errorf("%w: no line \"Hardware:   <model>, ...\"", ErrNotShowVersion)
		}
		p, ok := headend.LookupPlatform(c.Model)
		if !ok {
			return nil, fmt.Errorf("%w: %q (the lab has %s)", ErrUnknownModel, c.Model, strings.Join(pakModels(), ", "))
		}
		if p.Licensing != headend.LicensingPAK {
			return nil, fmt.Errorf("%w: %s is licensed by %s", ErrNotActivationKeyModel, p.Model, p.Licensing)
		}
		c.Platform = p
	}
	if block < 0 {
		return nil, fmt.Errorf("%w: no line %q", ErrNotShowVersion, blockHeading)
	}
	if err := c.readBlock(ls[block+1:]); err != nil {
		return nil, err
	}
	return c, nil
}

// readBlock reads the feature lines after the block's heading, then the
// platform line and the time-based key list that follow it.
func (c *Capture) readBlock(ls []string) error {
	i := 0
	for ; i < len(ls); i++ {
		t := strings.TrimSpace(ls[i])
		if t == "" || strings.HasPrefix(t, platformPrefix) || strings.HasPrefix(t, "Serial Number:") {
			break
		}
		if i == 0 {
			c.Indent = ls[i][:len(ls[i])-len(strings.TrimLeft(ls[i], " \t"))]
		}
		f, err := parseFeature(t)
		if err != nil {
			return err
		}
		c.Features = append(c.Features, f)
	}
	if len(c.Features) == 0 {
		return fmt.Errorf("%w: the block %q lists no feature", ErrNotShowVersion, blockHeading)
	}
	// After the block: blank lines, the failover cluster block of a pair,
	// the platform line, the time-based keys; "Serial Number:" ends it.
	inCluster := false
	for ; i < len(ls); i++ {
		t := strings.TrimSpace(ls[i])
		switch {
		case strings.HasPrefix(t, "Serial Number:"):
			return nil
		case t == clusterHeading:
			inCluster = true
		case strings.HasPrefix(t, platformPrefix):
			c.PlatformLine = t
			inCluster = false
		case t == timedHeading:
			n, err := c.readTimed(ls[i+1:])
			if err != nil {
				return err
			}
			i += n
		case t == "" || inCluster:
		}
	}
	return nil
}

// readTimed reads the "Active Timebased Activation Key:" list: each key's
// words, then a short line per feature it carries ("Botnet Traffic Filter
// : Enabled    646 days"). It returns the lines read.
func (c *Capture) readTimed(ls []string) (int, error) {
	n := 0
	for ; n < len(ls); n++ {
		t := strings.TrimSpace(ls[n])
		if keyWords.MatchString(t) {
			c.Timed = append(c.Timed, TimedKey{Key: t})
			continue
		}
		if len(c.Timed) == 0 || !strings.Contains(t, ":") || strings.HasPrefix(t, "Serial Number:") ||
			strings.HasPrefix(t, "Running ") || strings.HasPrefix(t, "The flash") {
			break
		}
		f, err := parseFeature(t)
		if err != nil {
			return 0, err
		}
		k := &c.Timed[len(c.Timed)-1]
		k.Features = append(k.Features, f)
	}
	return n, nil
}

// parseFeature reads "Name : Value suffix" and checks that the name is one
// the block of an ASA 5500/5500-X prints.
func parseFeature(t string) (Feature, error) {
	colon := strings.Index(t, ":")
	if colon < 0 {
		return Feature{}, fmt.Errorf("%w: %q", ErrUnknownFeatureLine, t)
	}
	f := Feature{Line: t, Name: strings.TrimSpace(t[:colon])}
	rest := strings.Fields(t[colon+1:])
	if len(rest) == 0 {
		return Feature{}, fmt.Errorf("%w: %q has no value", ErrUnknownFeatureLine, t)
	}
	f.Value, f.Suffix = rest[0], strings.Join(rest[1:], " ")
	if _, ok := featureKinds[f.Name]; !ok {
		return Feature{}, fmt.Errorf("%w: %q: no ASA 5500/5500-X prints a feature %q", ErrUnknownFeatureLine, t, f.Name)
	}
	switch m := daysSuffix.FindStringSubmatch(f.Suffix); {
	case f.Suffix == "perpetual", f.Suffix == "DMZ Restricted" && f.Name == "VLANs":
	case m != nil:
		d, err := strconv.Atoi(m[1])
		if err != nil || d <= 0 {
			return Feature{}, fmt.Errorf("%w: %q: bad duration", ErrUnknownFeatureLine, t)
		}
		f.Days = d
	case f.Suffix == "":
		return Feature{}, fmt.Errorf("%w: %q has no duration (perpetual or N days), as a box licensed by activation keys prints", ErrUnknownFeatureLine, t)
	default:
		return Feature{}, fmt.Errorf("%w: %q: duration %q not understood", ErrUnknownFeatureLine, t, f.Suffix)
	}
	if err := checkValue(featureKinds[f.Name], f.Value); err != nil {
		return Feature{}, fmt.Errorf("%w: %q: %v", ErrUnknownFeatureLine, t, err)
	}
	return f, nil
}

// merge checks that ak (a show activation-key capture) is of the same box
// and takes what only it tells: the time-based keys.
func (c *Capture) merge(ak *Capture) error {
	if ak.Serial != "" && c.Serial != "" && ak.Serial != c.Serial {
		return fmt.Errorf("%w: serial %s, show version says %s", ErrCaptureMismatch, ak.Serial, c.Serial)
	}
	if ak.RunningKey != "" && c.RunningKey != "" && ak.RunningKey != c.RunningKey {
		return fmt.Errorf("%w: running key %s, show version says %s", ErrCaptureMismatch, ak.RunningKey, c.RunningKey)
	}
	if len(ak.Features) != len(c.Features) {
		return fmt.Errorf("%w: %d feature lines, show version has %d", ErrCaptureMismatch, len(ak.Features), len(c.Features))
	}
	for i := range ak.Features {
		if ak.Features[i].Line != c.Features[i].Line {
			return fmt.Errorf("%w: %q where show version has %q", ErrCaptureMismatch, ak.Features[i].Line, c.Features[i].Line)
		}
	}
	if len(c.Timed) == 0 {
		c.Timed = ak.Timed
	}
	if c.RunningKey == "" {
		c.RunningKey = ak.RunningKey
	}
	return nil
}

// pakModels lists the catalog's models licensed by activation keys.
func pakModels() []string {
	var out []string
	for _, p := range headend.Platforms() {
		if p.Licensing == headend.LicensingPAK {
			out = append(out, p.Model)
		}
	}
	return out
}
