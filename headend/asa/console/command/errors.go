package command

import (
	"errors"
	"strings"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/asa/license"
	"github.com/asalab/asalab/headend/cli"
	"github.com/asalab/asalab/keygen"
)

// ErrorLine is the console's wording of a domain error.
func ErrorLine(err error) string {
	switch {
	case errors.Is(err, keygen.ErrInvalidKey), errors.Is(err, keygen.ErrMalformedKey):
		return "ERROR: The requested activation key is not valid."
	case errors.Is(err, license.ErrTimeBasedUnsupported):
		return "ERROR: Time-based activation keys are not supported on this platform."
	case errors.Is(err, license.ErrNotTimeBased):
		return "ERROR: Only a timebased activation key can be deactivated."
	case errors.Is(err, license.ErrKeyNotInstalled):
		return "ERROR: The requested timebased activation key is not installed."
	case errors.Is(err, license.ErrVPNOnlyWithPlusApex), errors.Is(err, license.ErrNewWithClassic):
		return "ERROR: The requested activation key cannot be installed. " + strings.TrimPrefix(err.Error(), "headend: ") + "."
	case errors.Is(err, headend.ErrUnavailable):
		return "ERROR: The system is reloading."
	}
	return "ERROR: " + err.Error()
}

// IfErrorLine is the ASA's wording of an interface configuration error of
// the call c. The overlap refusal is the ASA's own; the others are worded
// after it (ERROR: and what was refused).
func IfErrorLine(err error, c *cli.Call) string {
	var ov *config.OverlapError
	switch {
	case errors.As(err, &ov):
		return "ERROR: Failed to apply IP address to interface " + ov.Interface +
			", as the network overlaps with interface " + ov.Other + ". Two interfaces cannot be in the same subnet."
	case errors.Is(err, config.ErrFailoverIfNameif):
		return "ERROR: The interface carries a failover link and takes no nameif (no failover lan interface or no failover link first)"
	case errors.Is(err, config.ErrNameifInUse):
		return "ERROR: Name " + c.Arg(0) + " is used by another interface"
	case errors.Is(err, config.ErrInvalidNetmask):
		return "ERROR: Invalid netmask " + c.Arg(1)
	case errors.Is(err, config.ErrInvalidAddress):
		return "ERROR: Invalid IP address " + c.Arg(0) + " for netmask " + c.Arg(1)
	case errors.Is(err, config.ErrStandbySubnet):
		return "ERROR: Standby address " + c.Arg(3) + " is not a host of the interface's subnet"
	case errors.Is(err, config.ErrStandbySame):
		// The ASA's wording was not found: ours, in its form.
		return "ERROR: Standby address " + c.Arg(3) + " is the same as the active address"
	}
	return ErrorLine(err)
}
