package portal

import (
	"fmt"
	"strings"
)

// The portal's e-mails follow the samples in Cisco's Secure Client
// (AnyConnect) Licensing FAQ: the license e-mail
// ("Your Cisco ASA 5500 Series Adaptive Security Appliance activation
// key"), the activation code e-mail ("Device Registration") and the shared
// license keys e-mail ("Your Cisco Product license keys"). Each key is
// printed on its own line as "<serial>: <five words>", the sample's
// "ASA-SerialNumber: this is your license key", so that a script can take
// the five words after the first.

const emailFrom = "From: do-not-reply@cisco.com"

const emailKeep = "PLEASE DO NOT DISCARD THIS EMAIL."

// licenseEmail is the license e-mail for one serial: one block per license,
// then the keys.
func licenseEmail(serial string, rows []LicenseRow, keys []IssuedKey) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line(emailFrom)
	line("Subject: Your Cisco ASA 5500 Series Adaptive Security Appliance activation key")
	line("")
	line(emailKeep)
	line("")
	line("You have received this email because your email address was provided to Cisco Systems during the " +
		"registration process for a Cisco ASA 5500 Series Adaptive Security Appliance. If you are not the correct " +
		"person, please do not open, print, copy, forward or otherwise disseminate this information. If you are the " +
		"correct person, please forward it with any attachments to the proper system administrator if you are not the correct person.")
	line("")
	shareable := false
	for _, r := range rows {
		shareable = shareable || r.Shareable
	}
	intro := "Below, you will find the Activation Key for your Cisco Adaptive Security Appliance."
	if shareable {
		intro += " Your AnyConnect Product activation key is only used for this initial device registration. " +
			"To obtain an Activation Code from the Cisco Licensing portal, please use Get Other License - Share " +
			"License Process - Get Activation Code - ASA AnyConnect Term and Content."
	}
	line(intro)
	line("")
	line("Serial #: %s", serial)
	for _, r := range rows {
		line("")
		if r.PAK != "" {
			line("Product Authorization Key : %s", r.PAK)
			line("")
		}
		line("Product : %s", rowProduct(r))
		line("")
		line("License Start Date : %s", FormatDate(r.Start))
		line("")
		line("License End Date : %s", rowEnd(r))
	}
	line("")
	line("Platform = asa")
	line("")
	for _, k := range keys {
		line("%s: %s", k.Serial, k.Words)
	}
	return b.String()
}

// rowProduct names a license: SKU and quantity.
func rowProduct(r LicenseRow) string {
	switch {
	case r.Kind == KindTerm || r.Kind == KindPerpetual:
		return fmt.Sprintf("%s, %d authorized users", r.SKU, r.Quantity)
	case r.Kind == KindDemo:
		return fmt.Sprintf("%s, AnyConnect Apex evaluation, %d days", r.SKU, r.Days)
	}
	return r.SKU
}

// rowEnd prints a license's end: a date, "Perpetual", or the duration of a
// time-based key, which counts from its activation on the ASA.
func rowEnd(r LicenseRow) string {
	switch {
	case r.Kind == KindTimeBased:
		return fmt.Sprintf("%d days after activation on the ASA", r.Days)
	case r.End.IsZero():
		return "Perpetual"
	}
	return FormatDate(r.End)
}

// codeEmail is the "Device Registration" e-mail of the activation code.
func codeEmail(c ActivationCode) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line(emailFrom)
	line("Subject: Device Registration")
	line("")
	line(emailKeep)
	line("")
	line("You have received this email because your email address was provided to Cisco Systems during the " +
		"registration process and you are requesting to copy the shared licenses.")
	line("")
	line("Below, you will find the Activation Code:")
	line("Activation Code : %s", c.Code)
	line("")
	line("Here is the device registration information:")
	line("Existing Device Serial # : %s", c.Source)
	line("New Device Serial # : %s", c.Target)
	line("")
	line("The code can be used once, until %s.", FormatDate(c.ExpiresAt))
	line("")
	line("1) Click on Other Licenses drop down and Select 'Share License Process' option.")
	line("2) Select 'Use Activation code' option and Enter the above activation code in 'Specify Activation Code' tab " +
		"and click on Next button to register the activation code.")
	return b.String()
}

// keysEmail is the "Your Cisco Product license keys" e-mail of the Share
// License Process, its .lic attachment inline.
func keysEmail(c ActivationCode, target string, rows []LicenseRow, keys []IssuedKey) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line(emailFrom)
	line("Subject: Your Cisco Product license keys :")
	line("")
	line("*** IMPORTANT - DO NOT DISCARD THIS E-MAIL ***")
	line("")
	line("You have received this email because your email address was provided to Cisco Systems during the " +
		"registration process for Cisco Systems product license keys.")
	line("")
	attachment := "ASAACTNCFEAT" + c.Code + ".lic"
	line("This email has the following attachments, which contains license keys/files and license installation instructions -")
	line("")
	line("%s- This attachment has the ASA AnyConnect Term and Content license key(s) and license installation help text.", attachment)
	line("")
	line("----- %s -----", attachment)
	line("Activation Code : %s", c.Code)
	line("Source Serial Number : %s", c.Source)
	line("Target Serial Number : %s", target)
	for _, r := range rows {
		line("%s  %s  %d  %s  %s", r.SKU, r.PAK, r.Quantity, FormatDate(r.Start), rowEnd(r))
	}
	line("")
	line("Install with the activation-key command in privileged EXEC mode:")
	for _, k := range keys {
		line("%s: %s", k.Serial, k.Words)
	}
	return b.String()
}
