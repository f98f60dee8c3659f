package console

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/asalab/asalab/headend/asa/shared"
	"github.com/asalab/asalab/headend/family"
)

// labBackend is a headend whose lab tells it the shared licensing
// service's state, as family.Host does.
type labBackend struct {
	*memBackend
	st family.SharedStatus
}

func (b labBackend) SharedStatus() family.SharedStatus { return b.st }

// TestShowSharedLicenseFromTheLab: the show commands print the lab's view
// of the service, as the renderers lay it out.
func TestShowSharedLicenseFromTheLab(t *testing.T) {
	st := family.SharedStatus{
		Role: family.SharedServer, Active: true, TotalForNetwork: 1000, Available: 900, Utilized: 100,
		PlatformLimit: 750, CurrentUsage: 0,
		Backup: family.SharedBackupStatus{Addr: netip.MustParseAddr("10.15.0.16"), ID: "JMX0916L0Z4", DaysLeft: 5},
		Clients: []family.SharedClient{
			{ID: "FCH1947V0AB", Hostname: "part1", Usage: 50, Platform: 750},
			{ID: "FCH1947V0AC", Hostname: "part2", Usage: 50, Platform: 750},
		},
	}
	s := New(labBackend{newMemBackend(t), st}, Options{User: "admin", Mode: ModeUser})
	for line, want := range map[string]string{
		"show shared license":              shared.Show(st),
		"show shared license detail":       shared.ShowDetail(st),
		"show shared license backup":       shared.ShowBackup(st),
		"show shared license client":       shared.ShowClient(st, ""),
		"show shared license client part2": shared.ShowClient(st, "part2"),
	} {
		if got := s.Line(line); got != want {
			t.Errorf("%s:\n%s\nwant:\n%s", line, got, want)
		}
	}
	if got := s.Line("show shared license client part2"); !strings.Contains(got, "part2") || strings.Contains(got, "part1") {
		t.Errorf("client part2:\n%s", got)
	}
	// Without a lab, the unit shows an empty pool at its platform limit.
	s = New(newMemBackend(t), Options{User: "admin", Mode: ModeUser})
	if got := s.Line("show shared license"); !strings.Contains(got, "    Platform limit    :      750\n") {
		t.Errorf("no lab:\n%s", got)
	}
}
