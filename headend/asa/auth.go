package asa

import (
	"fmt"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/asa/config"
)

// SetFactoryLogin replaces the factory login of a new unit, in both the
// running and the saved configuration: `headendctl create --username U
// --password P --enable-password E`. Empty values keep the defaults.
func (d *Device) SetFactoryLogin(user, pass, enable string) error {
	if user == "" {
		user = config.DefaultUsername
	}
	if err := config.ValidateUsername(user); err != nil {
		return err
	}
	cfg := d.Running
	if user != config.DefaultUsername || pass != "" {
		if pass == "" {
			return fmt.Errorf("%w: a password is required for user %q", headend.ErrInvalidPassword, user)
		}
		if err := config.ValidatePassword(pass); err != nil {
			return err
		}
		cfg.Users = []config.User{{Name: user, Hash: config.HashPassword(pass), Privilege: config.MaxPrivilege}}
	}
	if enable != "" {
		if err := config.ValidatePassword(enable); err != nil {
			return fmt.Errorf("enable password: %w", err)
		}
		cfg.EnablePassword = config.HashPassword(enable)
	}
	d.Running, d.Startup = cfg, cfg
	return nil
}
