// Package faults is the pure part of the lab's faults, which rehearse an
// outage: a link cut between two headends (every lab network path between
// them fails, both ways, until it is restored) and a headend powered off
// (it answers nothing, admits nothing, runs no console and takes no change
// until powered on, when it boots as after a reload). It holds their
// errors, the cut link as the lab reports it, the admission policy of a
// headend switched off and the texts of their events; the lab stores each
// fault in the synced batch of its event.
//
// A powered-off unit keeps its flash (activation keys, saved
// configuration) and loses its running state: power on reloads it, down
// for the lab's boot time. Its time-based keys go on counting while it is
// off: on 8.4 and later, if the time-based license is active and the ASA
// is shut down, the timer continues to count down (Cisco ASA 8.4 and 9.x
// CLI configuration guides, licensing chapter, on the time-based license
// timer, which advise deactivating it before a shutdown).
// The device does not run while off, so it logs nothing then; the lines
// its keys had due meanwhile (444005 warnings, 444007 expiries) come at
// power on with their own times, as after a move of the lab clock.
package faults

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
)

// Errors of the lab's faults.
var (
	ErrLinkAlreadyCut    = errors.New("sim: the link is already cut")
	ErrLinkNotCut        = errors.New("sim: the link is not cut")
	ErrAlreadyPoweredOff = errors.New("sim: the headend is already powered off")
	ErrAlreadyPoweredOn  = errors.New("sim: the headend is already powered on")
	// ErrPoweredOff: the headend is switched off. It is also
	// headend.ErrUnavailable, which it refines: what refuses a reloading
	// headend refuses an off one.
	ErrPoweredOff error = poweredOff{}
)

type poweredOff struct{}

func (poweredOff) Error() string        { return "sim: the headend is powered off" }
func (poweredOff) Is(target error) bool { return target == headend.ErrUnavailable }

// Link is a cut between two headends, by their running hostnames in sorted
// order, or between a headend (A) and the lab's Smart Software Manager
// (Manager, B "smart").
type Link struct {
	A, B string
	// Since is when it was cut, lab time.
	Since time.Time
	// Manager: B is the lab's Smart Software Manager, not a headend.
	Manager bool
}

// NewLink is the cut between a and b since then, its hostnames sorted.
func NewLink(a, b string, since time.Time) Link {
	if b < a {
		a, b = b, a
	}
	return Link{A: a, B: b, Since: since}
}

// Sort sorts links by their first hostname, then their second, a link
// to the Smart Software Manager after one to a headend named smart.
func Sort(links []Link) {
	slices.SortFunc(links, func(x, y Link) int {
		return cmp.Or(cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B), cmp.Compare(b2i(x.Manager), b2i(y.Manager)))
	})
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// CutText is the text of the event of a cut between a and b.
func CutText(a, b string) string {
	return fmt.Sprintf("link cut between %s and %s: no lab network path joins them", a, b)
}

// SmartLink is the cut between headend h and the lab's Smart Software
// Manager since then.
func SmartLink(h string, since time.Time) Link {
	return Link{A: h, B: "smart", Since: since, Manager: true}
}

// SmartCutText is the text of the event of a cut between headend h and
// the lab's Smart Software Manager.
func SmartCutText(h string) string {
	return fmt.Sprintf("link cut between %s and the Smart Software Manager: its Smart Agent reaches no manager", h)
}

// SmartRestoredText is the text of the event of the end of that cut.
func SmartRestoredText(h string) string {
	return fmt.Sprintf("link restored between %s and the Smart Software Manager", h)
}

// RestoredText is the text of the event of the end of the cut between a
// and b.
func RestoredText(a, b string) string { return fmt.Sprintf("link restored between %s and %s", a, b) }

// DownPolicy refuses every connection as unavailable, for good: that of a
// headend switched off. Switching it on sets its device's policy again.
func DownPolicy(serial string) *admission.Policy {
	return admission.NewPolicy(admission.Rules{UpAt: math.MaxInt64, ValidUntil: admission.NoExpiry, Serial: serial})
}

// PowerOffText is the text of the event of a power cut that ended n VPN
// sessions.
func PowerOffText(n int) string {
	return fmt.Sprintf("powered off: %d VPN sessions ended; it answers nothing until powered on", n)
}

// PowerOnText is the text of the event of a power on, the unit up at upAt.
func PowerOnText(upAt time.Time) string {
	return fmt.Sprintf("powered on: booting, up at %s", upAt.UTC().Format(time.RFC3339))
}

// OffError is the error of a request to a headend named name, powered off
// since then.
func OffError(name string, since time.Time) error {
	return fmt.Errorf("%w: %s was powered off at %s; power it on first", ErrPoweredOff, name, since.UTC().Format(time.RFC3339))
}
