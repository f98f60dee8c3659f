package sim

import (
	"net/netip"

	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/cli"
	"github.com/asalab/asalab/headend/family"
)

// What the SSH consoles ask of a headend.

// DefaultSSHTimeout is the ASA's default `ssh timeout`, in minutes: the
// SSH server's idle timeout scales with a headend's own timeout against it.
const DefaultSSHTimeout = config.DefaultSSHTimeout

// Terminal is the line discipline of an interactive console (cli.Terminal).
type Terminal = cli.Terminal

// NewTerminal puts a terminal in front of a console session.
func NewTerminal(c Console) *Terminal { return cli.NewTerminal(c) }

// OpenConsole starts a console session on the headend, in its family's
// command line.
func (h *Headend) OpenConsole(opts ConsoleOptions) Console { return h.fam.Console(h, opts) }

// CheckLogin checks a console login against the headend's local users:
// the user's privilege level, whether the user exists, and whether the
// password is right. An unknown user takes as long to refuse as a wrong
// password.
func (h *Headend) CheckLogin(user, password string) (privilege int, known, ok bool, err error) {
	err = h.View(func(d family.Device) { privilege, known, ok = d.CheckLogin(user, password) })
	return privilege, known, ok, err
}

// SSH is what the headend's SSH server offers a client at an address.
func (h *Headend) SSH(client netip.Addr) (SSHOffer, error) {
	var o SSHOffer
	err := h.View(func(d family.Device) { o = d.SSH(client) })
	return o, err
}
