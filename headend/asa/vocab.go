package asa

import (
	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/headend/family"
)

// The vocabulary the ASA family shares with every headend (the catalog,
// connection kinds, refusal reasons), with the admission engine and with
// the lab's interface to families, named here as the family's code has
// always named it.
type (
	Platform = headend.Platform
	Kind     = headend.Kind
	Reason   = headend.Reason

	Admission   = admission.Admission
	Policy      = admission.Policy
	Decision    = admission.Decision
	Counts      = admission.Counts
	Principal   = admission.Principal
	SessionInfo = admission.SessionInfo

	LogEntry      = family.LogEntry
	SSHSession    = family.SSHSession
	InstallResult = family.InstallResult
	KeyAction     = family.KeyAction
	SessionView   = family.SessionView

	class = admission.Class
)

const (
	Family5505   = headend.Family5505
	Family5500   = headend.Family5500
	Family5500X  = headend.Family5500X
	FamilySmallX = headend.FamilySmallX

	Lines9x = headend.Lines9x

	KindAnyConnect      = headend.KindAnyConnect
	KindClientless      = headend.KindClientless
	KindIKEv2ThirdParty = headend.KindIKEv2ThirdParty
	KindIPsecIKEv1      = headend.KindIPsecIKEv1
	KindSiteToSite      = headend.KindSiteToSite
	KindPhone           = headend.KindPhone
	KindMobile          = headend.KindMobile

	ReasonPremiumLimit       = headend.ReasonPremiumLimit
	ReasonEssentialsLimit    = headend.ReasonEssentialsLimit
	ReasonOtherLimit         = headend.ReasonOtherLimit
	ReasonNotLicensed        = headend.ReasonNotLicensed
	ReasonSimultaneousLogins = headend.ReasonSimultaneousLogins

	classPremium    = admission.ClassPremium
	classEssentials = admission.ClassEssentials
	classOther      = admission.ClassOther
	classNone       = admission.ClassNone

	NoExpiry = admission.NoExpiry

	KeyActivate   = family.KeyActivate
	KeyDeactivate = family.KeyDeactivate
)
