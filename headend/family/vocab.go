package family

import (
	"time"

	"github.com/asalab/asalab/headend/admission"
	"github.com/asalab/asalab/keygen"
)

// LogEntry is one syslog line the device logged.
type LogEntry struct {
	Time time.Time `json:"time"`
	Msg  string    `json:"msg"` // "%ASA-4-444005: ..."
}

// SSHSession is one SSH connection to a headend's console, as `show ssh
// sessions` lists it.
type SSHSession struct {
	SID      int
	Client   string // the client's IP address
	Version  string // the client's protocol version, "2.0"
	Username string
	// The algorithms negotiated for each direction: IN from the client,
	// OUT to it. MAC is empty for an AEAD cipher, whose integrity is
	// the cipher's own.
	InCipher, InMAC, OutCipher, OutMAC string
}

// InstallResult is what installing or (de)activating a key did, and the
// lines the ASA prints for it.
type InstallResult struct {
	Lines         []string
	TimeBased     bool
	ReloadPending bool
}

// KeyAction is the optional keyword of `activation-key <key> [activate|deactivate]`.
type KeyAction int

// Key actions.
const (
	KeyActivate KeyAction = iota
	KeyDeactivate
)

// LicensedFeatures are the features a license grants, as the API shows
// them.
type LicensedFeatures struct {
	SecurityPlus bool
	PhysIf       string // Maximum Physical Interfaces
	VLANs        int
	Failover     keygen.Failover
	TripleDES    bool
	Contexts     int
	Carrier      bool
	Premium      int
	Essentials   bool
	Other        int
	Total        int
	Shared       bool
	SharedPool   int
	Mobile       bool
	Phone        bool
	AEA          bool
	Proxy        int
	Botnet       bool
	Cluster      bool
	// PlusApex / VPNOnly: the 4.x entitlement in force
	// (docs/licensing-rules.md, Plus, Apex and VPN Only).
	PlusApex bool
	VPNOnly  int
	// Capped lists the warnings ("The Running Activation Key feature:
	// ...") for values the keys grant beyond the platform.
	Capped []string
}

// SessionView is what the session list shows of one session.
type SessionView struct {
	Info       admission.SessionInfo
	User       string
	Device     string
	License    string
	AssignedIP string
	PublicIP   string
}
