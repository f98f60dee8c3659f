package family

import (
	"net/netip"
	"time"
)

// Shared AnyConnect Premium licensing (ASA 5500/5500-X, single context):
// a server lends its pool, in blocks of 50 sessions, to participants that
// have used up their local Premium sessions; an optional backup server
// takes over while the server is down. The device keeps the configuration
// and what its keys allow (SharedLicensing); the lab runs the service
// between the units over the lab network and tells each console what it
// sees (Host.SharedStatus).

// SharedLicensing is the capability of a family that takes part in shared
// licensing.
type SharedLicensing interface {
	// SharedConfig is the license-server configuration in the running
	// configuration.
	SharedConfig() SharedConfig
	// SharedKey is what the keys in force at now allow: the pool a
	// shared-server key carries (0: none), and whether a participant key
	// is installed (a server key is one too).
	SharedKey(now time.Time) (pool int, participant bool)
}

// SharedConfig is the `license-server` lines of a unit. A unit may hold
// the lines of several roles; which role it plays is the lab's call
// (a server with `license-server enable` serves; a participant with an
// address registers).
type SharedConfig struct {
	// Server: `license-server secret`, `enable IFNAME`, `refresh-interval`,
	// `port`, `backup A backup-id SERIAL [ha-backup-id SERIAL]`.
	Secret          string
	EnableIface     string // "" : not enabled
	RefreshInterval int    // seconds, 10-300; 0: the default 30
	Port            int    // 0: the default 50554
	BackupAddr      netip.Addr
	BackupID        string
	HABackupID      string
	// Backup server: `license-server backup enable IFNAME`.
	BackupEnableIface string
	// Participant: `license-server address A secret S [port N]`,
	// `license-server backup address A`.
	ServerAddr       netip.Addr
	ServerSecret     string
	ServerPort       int // 0: the default 50554
	ServerBackupAddr netip.Addr
}

// Shared licensing defaults.
const (
	SharedDefaultRefresh = 30    // seconds
	SharedDefaultPort    = 50554 // TCP
	SharedBlock          = 50    // sessions a participant asks for at a time
)

// SharedRole is the role a unit plays in shared licensing, as the lab
// sees it.
type SharedRole int

// Shared licensing roles.
const (
	SharedNone SharedRole = iota
	SharedServer
	SharedBackup // a backup server (active or not: SharedStatus.BackupActive)
	SharedParticipant
)

// SharedStatus is what `show shared license` shows on a unit: the lab's
// view of the service from that unit at one moment.
type SharedStatus struct {
	Role SharedRole
	// Active: a participant is registered to a server answering it (the
	// main or the active backup); a server is enabled.
	Active     bool
	ServerAddr netip.Addr // the server the participant uses
	// The pool, as the serving server last told this unit.
	TotalForNetwork, Available, Utilized int
	// This device: its platform limit, its current and highest use of
	// shared sessions.
	PlatformLimit, CurrentUsage, HighUsage int
	// Borrowed is how many shared sessions the unit holds (a multiple of
	// SharedBlock).
	Borrowed int
	// Messages counts the messages of each kind, sent, received and in
	// error.
	Registration, Get, Release, Transfer SharedMessages
	// Clients are the participants a server knows (server and active
	// backup only), by ID.
	Clients []SharedClient
	// Backup is the backup server's state, as `show shared license
	// backup` prints it.
	Backup SharedBackupStatus
	// ExpiresAt: a participant cut off from its server keeps what it
	// borrowed until then (zero: not cut off).
	ExpiresAt time.Time
}

// SharedMessages are the Tx/Rx/Error counts of one message kind.
type SharedMessages struct{ Tx, Rx, Error uint64 }

// SharedClient is one participant as a server lists it.
type SharedClient struct {
	ID       string // the participant's serial number
	Hostname string
	Usage    int // shared sessions it holds
	Platform int // its platform limit
	// LastSeen is its last refresh.
	LastSeen time.Time
}

// SharedBackupStatus is the backup server, from the unit that shows it.
type SharedBackupStatus struct {
	Addr        netip.Addr
	ID, HAID    string
	Registered  bool // it has registered with the main server
	Active      bool // it is serving while the main is down
	DaysLeft    int  // days it may still serve on its own (5 to 30)
	ActiveSince time.Time
}
