package license

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
func lineSetOfTrain(major, minor int) headend.LineSet {
	switch {
	case major < 9 || major == 9 && minor <= 3:
		return headend.LinesLegacy
	case major == 9 && minor == 4:
		return headend.Lines94
	case major == 9 && minor <= 7:
		return headend.Lines95
	}
	return headend.Lines9x
}

// strongEncryptionFree reports whether the block's trains enable
// Encryption-3DES-AES without a key on models that allow it.
func strongEncryptionFree(ls headend.LineSet) bool {
	return ls == headend.Lines95 || ls == headend.Lines9x
}

// platformVariants holds, per catalog model, the model as each block's
// trains license it.
var platformVariants = func() map[*headend.Platform]map[headend.LineSet]*headend.Platform {
	catalog := headend.Platforms()
	m := make(map[*headend.Platform]map[headend.LineSet]*headend.Platform, len(catalog))
	for i := range catalog {
		p := &catalog[i]
		if p.Lines != headend.LinesLegacy && p.Lines != headend.Lines9x {
			continue // the 5505 keeps its own block; IOS and others have none
		}
		vs := make(map[headend.LineSet]*headend.Platform, 4)
		for _, ls := range []headend.LineSet{headend.LinesLegacy, headend.Lines94, headend.Lines95, headend.Lines9x} {
			v := *p
			v.Lines = ls
			v.StrongEncryption = p.StrongEncryption && strongEncryptionFree(ls)
			vs[ls] = &v
		}
		m[p] = vs
	}
	return m
}()

// ForTrain is catalog model p as software train major.minor licenses and
// prints it: one of its precomputed variants, or p itself where the train
// changes nothing (the 5505, models with no block).
func ForTrain(p *headend.Platform, major, minor int) *headend.Platform {
	if v := platformVariants[p][lineSetOfTrain(major, minor)]; v != nil {
		return v
	}
	return p
}
