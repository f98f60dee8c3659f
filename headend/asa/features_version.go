package asa

import "github.com/asalab/asalab/headend"

// The licensed-features block changed between software trains, so a unit
// loaded with an older image than its model's default prints the block of
// that image. The one table of which train prints which block is
// lineSetOfTrain; each catalog model has one precomputed variant per block,
// read-only after init, so that the license calculation (admission included)
// picks its platform without allocating or locking.
//
// What each block is rests on real outputs:
//   - 8.x: ASA 5520 8.4(1) (genieparser ShowVersion golden_output2):
//     VPN-DES / VPN-3DES-AES, GTP/GPRS, Shared License before AnyConnect for
//     Mobile, UC Phone Proxy Sessions + Total UC Proxy Sessions, Intercompany
//     Media Engine, no Cluster line (clustering came with 9.0).
//   - 9.0-9.3 (LinesLegacy): the 8.4 block with Encryption-DES /
//     Encryption-3DES-AES, plus Cluster where the model clusters.
//   - 9.4 (Lines94): GTP/GPRS still, Total UC Proxy Sessions alone, no
//     Intercompany Media Engine, and Encryption-3DES-AES Disabled until the
//     free K9 key is installed (ASA 5515-X 9.4(1) default-license console
//     log, pastebin a39ecgPW). The Shared License position of that log is not
//     known: it stays where 8.4 and 9.0-9.3 print it.
//   - 9.5-9.7 (Lines95): Carrier, Shared License after Advanced Endpoint
//     Assessment, Total UC Proxy Sessions (ASAv 9.5(2)204, ntc-templates
//     cisco_asa_show_version1.raw); strong encryption without a key.
//   - 9.8 and later (Lines9x): Total TLS Proxy Sessions (ASA 5506-X 9.8(4)22
//     with no key, ASA 5516-X 9.9(2)32 in ntc-templates
//     cisco_asa_show_version3.raw).
// The exact releases of the Carrier rename and of free strong encryption
// between 9.4(1) and 9.5(2), and of the TLS rename between 9.5(2) and
// 9.8(4), are not known; the block changes at the train boundaries above.

// lineSetOfTrain is the block a major.minor train prints on a model whose
// own block is not the 5505's.
func lineSetOfTrain(major, minor int) LineSet {
	switch {
	case major < 9 || major == 9 && minor <= 3:
		return LinesLegacy
	case major == 9 && minor == 4:
		return Lines94
	case major == 9 && minor <= 7:
		return Lines95
	}
	return Lines9x
}

// strongEncryptionFree reports whether the block's trains enable
// Encryption-3DES-AES without a key on models that allow it.
func strongEncryptionFree(ls LineSet) bool { return ls == Lines95 || ls == Lines9x }

// platformVariants holds, per catalog model, the model as each block's
// trains license it.
var platformVariants = func() map[*Platform]map[LineSet]*Platform {
	catalog := headend.Platforms()
	m := make(map[*Platform]map[LineSet]*Platform, len(catalog))
	for i := range catalog {
		p := &catalog[i]
		if p.Lines != LinesLegacy && p.Lines != Lines9x {
			continue // the 5505 keeps its own block; IOS and others have none
		}
		vs := make(map[LineSet]*Platform, 4)
		for _, ls := range []LineSet{LinesLegacy, Lines94, Lines95, Lines9x} {
			v := *p
			v.Lines = ls
			v.StrongEncryption = p.StrongEncryption && strongEncryptionFree(ls)
			vs[ls] = &v
		}
		m[p] = vs
	}
	return m
}()

// licensed is the device's platform as its software version licenses and
// prints it: the model itself on its default version.
func (d *Device) licensed() *Platform {
	p := d.platform
	if d.Version == p.Version {
		return p
	}
	major, minor, _ := parseVersion(d.Version)
	if major == 0 {
		return p
	}
	if v := platformVariants[p][lineSetOfTrain(major, minor)]; v != nil {
		return v
	}
	return p
}
