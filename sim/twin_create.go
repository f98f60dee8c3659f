package sim

import (
	"fmt"

	"github.com/asalab/asalab/headend/family"
	"github.com/asalab/asalab/sim/twin"
)

// MaxCaptureBytes bounds a captured output given to CreateTwin: a real
// `show version` is a few kilobytes.
const MaxCaptureBytes = 64 << 10

// CreateTwin creates the twin of a real ASA 5500/5500-X from the output of
// `show version` captured on it, and optionally of `show activation-key`
// (package twin): a headend of its model, release and serial (one drawn
// when the capture prints none), named hostname (the capture's when empty),
// with keys minted by the lab for that serial that reproduce the box's
// licensed features as of the lab time. A capture the lab cannot
// reproduce is refused and creates nothing.
func (l *Lab) CreateTwin(hostname, showVersion, activationKey string) (Snapshot, error) {
	if len(showVersion) > MaxCaptureBytes || len(activationKey) > MaxCaptureBytes {
		return Snapshot{}, fmt.Errorf("%w: a capture is at most %d bytes", ErrInvalidArgument, MaxCaptureBytes)
	}
	c, err := twin.Parse(showVersion, activationKey)
	if err != nil {
		return Snapshot{}, err
	}
	if hostname == "" {
		hostname = c.Hostname
	}
	return l.Create(c.Platform.Model, hostname, c.Serial, func(d family.Device) error {
		return twin.Apply(d, c, l.signer)
	})
}
