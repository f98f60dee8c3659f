package sim

import (
	"fmt"
	"strings"
	"testing"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/keygen"
)

// TestReturningUsersWithinLoweredLimit: ten users connect to a headend
// with ten AnyConnect Premium peers and leave; the limit drops (the
// time-based key expires, back to the 5525's base 2 peers; or the
// console lowers the AnyConnect session cap to 3); when the ten come back,
// only as many as the new limit are admitted, the others are refused with
// the new limit, and `show vpn-sessiondb` shows that many active.
func TestReturningUsersWithinLoweredLimit(t *testing.T) {
	tests := []struct {
		name  string
		lower func(t *testing.T, lab *Lab)
		limit int
	}{
		{name: "time-based key expired", limit: 2, lower: func(t *testing.T, lab *Lab) {
			must(lab.AdvanceClock(2 * day))
		}},
		{name: "session cap lowered", limit: 3, lower: func(t *testing.T, lab *Lab) {
			must(lab.Exec("asa1", []string{"configure terminal",
				"vpn-sessiondb max-anyconnect-premium-or-essentials-limit 3", "end"}))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lab := openTestLab(t, t.TempDir()).lab
			must(lab.Create("ASA5525", "asa1", "FCH1947V0GY"))
			key := keygen.Key{Serial: "FCH1947V0GY", Features: keygen.Features{PremiumPeers: 10}}
			if tt.limit == 2 {
				key.Days, key.Nonce = 1, 1
			}
			w, err := lab.signer.Encode(key)
			if err != nil {
				t.Fatal(err)
			}
			must2(lab.InstallKey("asa1", w.String(), KeyActivate))
			const users = 10
			var ids []uint64
			for i := range users {
				d := must(lab.Admit("asa1", fmt.Sprint("user", i), "laptop", headend.KindAnyConnect))
				if !d.Admitted {
					t.Fatalf("user%d refused under the key's 10 peers: %+v", i, d)
				}
				ids = append(ids, d.Session)
			}
			for _, id := range ids {
				if err := lab.Release("asa1", id); err != nil {
					t.Fatal(err)
				}
			}
			tt.lower(t, lab)
			h := must(lab.Headend("asa1"))
			for i := range users {
				user := fmt.Sprint("user", i)
				d := must(lab.Admit("asa1", user, "laptop", headend.KindAnyConnect))
				if i < tt.limit {
					if !d.Admitted {
						t.Errorf("%s refused within the new limit: %+v", user, d)
					}
					continue
				}
				if d.Admitted || d.Reason != headend.ReasonPremiumLimit || d.Limit != tt.limit {
					t.Errorf("%s coming back past the new limit of %d: %+v", user, tt.limit, d)
				}
				if tt.limit == 2 {
					got := h.RefusalSyslog(d, headend.KindAnyConnect, user, "laptop")
					if !strings.Contains(got, "User <"+user+">") || !strings.HasSuffix(got, "Session could not be established: session limit of 2 reached") {
						t.Errorf("%s's refusal logs %q", user, got)
					}
				}
			}
			out := must(lab.Exec("asa1", []string{"show vpn-sessiondb"})).Results[0].Output
			for _, want := range []string{
				fmt.Sprintf("AnyConnect Client            :      %d :         %d :", tt.limit, users+tt.limit),
				fmt.Sprintf("Total Active and Inactive    :      %d             Total Cumulative : %d", tt.limit, users+tt.limit),
			} {
				if !strings.Contains(out, want) {
					t.Errorf("show vpn-sessiondb lacks %q:\n%s", want, out)
				}
			}
		})
	}
}
