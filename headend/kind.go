package headend

// Kind is the kind of a VPN connection (docs/licensing-rules.md, Admission).
type Kind uint8

// Connection kinds.
const (
	KindAnyConnect      Kind = iota + 1 // AnyConnect client, SSL/DTLS or IKEv2
	KindClientless                      // clientless SSL VPN (WebVPN portal)
	KindIKEv2ThirdParty                 // a third-party IKEv2 remote-access client
	KindIPsecIKEv1                      // the legacy Cisco VPN client (IKEv1)
	KindSiteToSite                      // a LAN-to-LAN tunnel
	KindPhone                           // AnyConnect for Cisco VPN Phone
	KindMobile                          // AnyConnect on a mobile device
	numKinds
)

// NumKinds bounds Kind values, for tables indexed by kind.
const NumKinds = int(numKinds)

var kindNames = [numKinds]string{"", "anyconnect", "clientless", "ikev2-third-party", "ipsec-ikev1", "site-to-site", "phone", "mobile"}

func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "unknown"
}

// ParseKind reads a kind as String prints it.
func ParseKind(s string) (Kind, bool) {
	for k := KindAnyConnect; k < numKinds; k++ {
		if kindNames[k] == s {
			return k, true
		}
	}
	return 0, false
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k >= KindAnyConnect && k < numKinds }

// Reason is why a connection was refused; ReasonNone when it was admitted.
type Reason uint8

// Refusal reasons.
const (
	ReasonNone Reason = iota
	ReasonPremiumLimit
	ReasonEssentialsLimit
	ReasonOtherLimit
	ReasonTotalLimit
	ReasonNotLicensed
	ReasonUnavailable
	ReasonSimultaneousLogins // `vpn-simultaneous-logins 0`
	ReasonStandby            // the standby unit of a failover pair
	numReasons
)

// NumReasons bounds Reason values.
const NumReasons = int(numReasons)

var reasonNames = [numReasons]string{"admitted", "premium_limit", "essentials_limit", "other_limit", "total_limit", "not_licensed", "unavailable", "simultaneous_logins", "standby"}

func (r Reason) String() string {
	if r < numReasons {
		return reasonNames[r]
	}
	return "unknown"
}
