package family

import (
	"net/netip"
	"slices"
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
	// LogShared logs the syslog line of a shared licensing event on the
	// unit at lab time now (the logging buffer, and from there the event
	// log and the syslog forward, as the unit's other lines). The lab
	// calls it inside a change of the unit, which it then stores.
	LogShared(now time.Time, ev SharedEvent)
}

// SharedEventKind is a shared licensing event a unit logs, by its ASA
// syslog message.
type SharedEventKind int

// Shared licensing events.
const (
	// SharedRequestFailed is %ASA-5-444100: a request (Request:
	// "registration", "get", "release", "transfer") was refused or
	// unanswered (Reason).
	SharedRequestFailed SharedEventKind = iota + 1
	// SharedServiceActive is %ASA-5-444101: the participant registered
	// with the server at Addr.
	SharedServiceActive
	// SharedServerNotResponding is %ASA-2-444102: the server stopped
	// answering.
	SharedServerNotResponding
	// SharedReleased is %ASA-2-444105: Count borrowed sessions released
	// after 24 hours without the server.
	SharedReleased
	// SharedBackupUnavailable is %ASA-4-444106: the backup server at Addr
	// does not answer.
	SharedBackupUnavailable
	// SharedBackupRole is %ASA-4-444109: the backup server's role changed
	// to State ("active" or "inactive").
	SharedBackupRole
	// SharedBackupDaysLeft is %ASA-4-444110: the active backup may serve
	// Days more days.
	SharedBackupDaysLeft
	// SharedBackupTerminated is %ASA-2-444111: the backup stopped serving
	// after the main server at Addr was away for Days days.
	SharedBackupTerminated
)

// SharedEvent is one shared licensing event, with the arguments its
// syslog line names.
type SharedEvent struct {
	Kind    SharedEventKind
	Request string     // SharedRequestFailed
	Reason  string     // SharedRequestFailed
	Addr    netip.Addr // SharedServiceActive, SharedBackupUnavailable, SharedBackupTerminated
	Count   int        // SharedReleased
	State   string     // SharedBackupRole
	Days    int        // SharedBackupDaysLeft, SharedBackupTerminated
}

// SharedConfig is the `license-server` lines of a unit. A unit may hold
// the lines of several roles; which role it plays is the lab's call
// (a server with `license-server enable` serves; a participant with an
// address registers).
type SharedConfig struct {
	// Server: `license-server secret`, `enable IFNAME`, `refresh-interval`,
	// `port`, `backup A backup-id SERIAL [ha-backup-id SERIAL]`.
	Secret string `json:"secret,omitempty"`
	// EnableIface is the first interface of EnableIfaces ("": not
	// enabled). `license-server enable` may be repeated for as many
	// interfaces as participants reach the server on: EnableIfaces, in
	// the order typed.
	EnableIface     string     `json:"enable,omitempty"`
	EnableIfaces    []string   `json:"enable_ifaces,omitempty"`
	RefreshInterval int        `json:"refresh_interval,omitempty"` // seconds, 10-300; 0: the default 30
	Port            int        `json:"port,omitempty"`             // 0: the default 50554
	BackupAddr      netip.Addr `json:"backup_addr,omitzero"`
	BackupID        string     `json:"backup_id,omitempty"`
	HABackupID      string     `json:"ha_backup_id,omitempty"`
	// Backup server: `license-server backup enable IFNAME`.
	BackupEnableIface string `json:"backup_enable,omitempty"`
	// Participant: `license-server address A secret S [port N]`,
	// `license-server backup address A`.
	ServerAddr       netip.Addr `json:"server_addr,omitzero"`
	ServerSecret     string     `json:"server_secret,omitempty"`
	ServerPort       int        `json:"server_port,omitempty"` // 0: the default 50554
	ServerBackupAddr netip.Addr `json:"server_backup_addr,omitzero"`
}

// Refresh is the refresh interval in force, in seconds.
func (c SharedConfig) Refresh() int {
	if c.RefreshInterval == 0 {
		return SharedDefaultRefresh
	}
	return c.RefreshInterval
}

// ServerListenPort is the port a server listens on.
func (c SharedConfig) ServerListenPort() int {
	if c.Port == 0 {
		return SharedDefaultPort
	}
	return c.Port
}

// ParticipantPort is the port a participant reaches its server on.
func (c SharedConfig) ParticipantPort() int {
	if c.ServerPort == 0 {
		return SharedDefaultPort
	}
	return c.ServerPort
}

// IsZero reports whether no license-server line is configured.
func (c SharedConfig) IsZero() bool {
	return c.Secret == "" && len(c.EnableIfaces) == 0 && c.RefreshInterval == 0 && c.Port == 0 &&
		!c.BackupAddr.IsValid() && c.BackupEnableIface == "" && !c.ServerAddr.IsValid() &&
		c.ServerSecret == "" && c.ServerPort == 0 && !c.ServerBackupAddr.IsValid()
}

// Equal reports whether two configurations hold the same lines.
func (c SharedConfig) Equal(o SharedConfig) bool {
	return c.Secret == o.Secret && c.EnableIface == o.EnableIface && slices.Equal(c.EnableIfaces, o.EnableIfaces) &&
		c.RefreshInterval == o.RefreshInterval && c.Port == o.Port && c.BackupAddr == o.BackupAddr &&
		c.BackupID == o.BackupID && c.HABackupID == o.HABackupID && c.BackupEnableIface == o.BackupEnableIface &&
		c.ServerAddr == o.ServerAddr && c.ServerSecret == o.ServerSecret && c.ServerPort == o.ServerPort &&
		c.ServerBackupAddr == o.ServerBackupAddr
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
	// ServerAddr is a participant's main server, the one its
	// `license-server address` names (a server's: its own address), and
	// Active whether that server answers it (a server: it is enabled).
	// A participant the backup serves has Active false and
	// Backup.Active true.
	Active     bool
	ServerAddr netip.Addr
	// The pool, as the serving server last told this unit.
	TotalForNetwork, Available, Utilized int
	// This device: its platform limit, its current and highest use of
	// shared sessions.
	PlatformLimit, CurrentUsage, HighUsage int
	// Borrowed is how many shared sessions the unit holds: blocks of
	// SharedBlock, the last one smaller where its platform limit leaves
	// less than a block.
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
	// High is the most shared sessions it held; Registration, Get,
	// Release and Transfer count its messages (`show shared license
	// client`).
	High                                 int
	Registration, Get, Release, Transfer SharedMessages
}

// SharedBackupStatus is the backup server, from the unit that shows it.
// A participant knows the backup address it is configured with or the
// backup its server told it of; its Active is whether the backup serves
// it, and it sees no Hello, Sync or Update (they pass between the servers).
type SharedBackupStatus struct {
	Addr        netip.Addr
	ID, HAID    string
	Registered  bool // it has registered with the main server
	Active      bool // it is serving while the main is down
	DaysLeft    int  // days it may still serve on its own (5 to 30)
	ActiveSince time.Time
	// HARegistered: the backup's failover mate (HAID) has registered.
	HARegistered bool
	// Hello, Sync and Update count the messages between the main and
	// the backup server.
	Hello, Sync, Update SharedMessages
}
