package portal

import "slices"

// RegisterOptions are the choices of a registration besides the PAK and the
// serial.
//
// Migrate is the portal's Migration flow, for a serial whose retired
// AnyConnect licenses (Essentials, Premium, time-based Premium, Mobile,
// Shared server or participant) stand in the way of a Plus, Apex or VPN
// Only license: Cisco's Secure Client (AnyConnect) Licensing FAQ says
// "Discontinued Essentials or Premium licenses do not co-exist on the same
// hardware as newer Plus, Apex or VPN Only licenses" and "All older Cisco
// Secure Client licenses can be removed and replaced by the new licensing
// model when you install your new Product Activation Key (PAK)". With
// Migrate the registration replaces them: they leave the serial's keys and
// stay in its history (Licenses.Migrated) with the lab time and the PAK that
// replaced them. Licenses that are not AnyConnect licenses (Security Plus)
// stay registered, so the new permanent key keeps them next to the new
// entitlement. Mobile alone does not stand in the way (it co-exists with
// Plus/Apex, which grant it anyway); a migration replaces it all the same.
// One documented behaviour each where the FAQ is silent:
//   - Migrate on a serial with nothing to migrate is a plain registration
//     (a script may migrate a whole fleet, units without retired licenses
//     included); Registered.Migrated is then empty.
//   - Migrate takes only a Plus, Apex or VPN Only PAK (ErrMigrateToRetired).
//   - VPN Only keeps its own rules: a migration replaces retired licenses
//     only, never Plus/Apex or another VPN Only license.
//   - A single-use PAK whose license was migrated away stays used up: it
//     does not register to another ASA.
//   - The history stays with the serial: an RMA re-host moves the licenses
//     in force, not the migrated ones.
type RegisterOptions struct {
	Migrate bool
	// UDI registers an IOS license to the router "PID:SN" (ios.go); the
	// serial, when given, must be the UDI's SN.
	UDI string
}

// retired reports whether registration g is of a retired AnyConnect
// license.
func (t *tx) retired(g Registration) bool {
	k, _ := t.pak(g.PAK)
	return k.SKUInfo().RetiredAnyConnect()
}

// migrate moves the serial's retired AnyConnect registrations to its
// Migrated history, replaced by PAK to at the action's time, and returns
// their rows (none: the serial is left as it was).
func (t *tx) migrate(serial, to string) []LicenseRow {
	if !slices.ContainsFunc(t.serial(serial).Regs, t.retired) {
		return nil
	}
	r := t.editSerial(serial)
	var keep []Registration
	var rows []LicenseRow
	for _, g := range r.Regs {
		if !t.retired(g) {
			keep = append(keep, g)
			continue
		}
		g.MigratedAt, g.MigratedTo = t.now, to
		r.Migrated = append(r.Migrated, g)
		k, _ := t.pak(g.PAK)
		rows = append(rows, rowFor(k, g))
	}
	r.Regs = keep
	return rows
}

// migratedRows lists the serial's migrated licenses, oldest first.
func (t *tx) migratedRows(r *SerialRecord) []LicenseRow {
	var out []LicenseRow
	for _, g := range r.Migrated {
		k, _ := t.pak(g.PAK)
		out = append(out, rowFor(k, g))
	}
	return out
}
