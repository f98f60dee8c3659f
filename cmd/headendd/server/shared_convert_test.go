package server

import (
	"net/netip"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
)

// TestSharedPB: the API shows a headend's shared licensing as the lab sees
// it (a backup server with its days left, a participant cut off with the
// time it keeps its sessions until), and none for a headend without a role.
func TestSharedPB(t *testing.T) {
	if p := sharedPB(sim.SharedStatus{}, ""); p != nil {
		t.Fatalf("no role: %v", p)
	}
	var st sim.SharedStatus
	st.Role, st.Active, st.ServerAddr = sim.SharedBackup, true, netip.MustParseAddr("10.0.0.1")
	st.TotalForNetwork, st.Available, st.PlatformLimit = 1000, 900, 2500
	st.Backup.Active, st.Backup.DaysLeft = true, 29
	want := &headendv1.SharedLicensing{Role: headendv1.SharedLicensingRole_SHARED_LICENSING_ROLE_BACKUP,
		ServerAddress: "10.0.0.1", Registered: true, PoolTotal: 1000, PoolAvailable: 900, PlatformLimit: 2500,
		BackupActive: true, BackupDaysLeft: 29}
	if got := sharedPB(st, ""); !proto.Equal(got, want) {
		t.Fatalf("backup\n got %v\nwant %v", got, want)
	}
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	st = sim.SharedStatus{Role: sim.SharedParticipant, ServerAddr: netip.MustParseAddr("10.0.0.1"), Borrowed: 50,
		PlatformLimit: 750, ExpiresAt: at}
	st.Backup.DaysLeft = 30 // the backup as the participant sees it: not its own
	want = &headendv1.SharedLicensing{Role: headendv1.SharedLicensingRole_SHARED_LICENSING_ROLE_PARTICIPANT,
		ServerAddress: "10.0.0.1", Borrowed: 50, PlatformLimit: 750, BorrowedUntil: timestamppb.New(at), ServerHostname: "srv"}
	if got := sharedPB(st, "srv"); !proto.Equal(got, want) {
		t.Fatalf("participant\n got %v\nwant %v", got, want)
	}
}
