package console

import (
	"slices"
	"strings"

	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/keygen"
)

// keyConfirmPrompt asks to go on with a key that cannot use the Essentials
// option. Cisco's Secure Client (AnyConnect) Licensing FAQ says only that
// the warning "needs to be agreed to"; its exact wording is not on record,
// so this prompt is ours, in the form of the ASA's other confirmations
// ("Proceed with reload? [confirm]"): Enter, y or yes installs, anything
// else leaves the keys as they were.
const keyConfirmPrompt = "Proceed with update flash activation key? [confirm]"

// installKey is `activation-key` once its words are read. A key that would
// install with asa.EssentialsWarning (a Plus, Apex or VPN Only permanent
// key while anyconnect-essentials is on) shows the validation line and the
// warning first and installs only once agreed; any other key, and any key
// the device refuses, goes through at once.
func installKey(s *Session, w keygen.Words, action asa.KeyAction) {
	var dry asa.InstallResult
	var dryErr error
	if !s.view(func(d *asa.Device) { dry, dryErr = d.TryKey(s.b.Signer(), w, action, s.b.Now()) }) {
		return
	}
	if dryErr != nil || !slices.Contains(dry.Lines, asa.EssentialsWarning) {
		applyKey(s, w, action)
		return
	}
	shown := []string{dry.Lines[0], asa.EssentialsWarning}
	s.println(shown...)
	s.confirm(false, keyConfirmPrompt, func(s *Session) { applyKey(s, w, action, shown...) })
}

// applyKey installs key w and prints the result, leaving out the lines in
// shown (printed before the confirmation).
func applyKey(s *Session, w keygen.Words, action asa.KeyAction, shown ...string) {
	var res asa.InstallResult
	err := s.b.Update(func(d *asa.Device) error {
		var err error
		res, err = d.InstallKey(s.b.Signer(), w, action, s.b.Now())
		return err
	})
	if err != nil {
		if strings.Contains(errorLine(err), "not valid") {
			s.println("Validating activation key. This may take a few minutes...")
		}
		s.println(errorLine(err))
		return
	}
	for _, l := range res.Lines {
		if !slices.Contains(shown, l) {
			s.println(l)
		}
	}
}
