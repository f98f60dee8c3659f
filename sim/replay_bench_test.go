package sim

import (
	"testing"
)

// BenchmarkReplay: replaying a capture of the license outputs and the
// configuration against running the same lines with Exec (the baseline):
// what parsing, normalising and diffing add to the console's own work.
//
//	go test -run '^$' -bench Replay -benchmem ./sim/
func BenchmarkReplay(b *testing.B) {
	tl := openTestLab(&testing.T{}, b.TempDir())
	defer tl.close()
	must(tl.lab.Create("ASA5525", "asa1", ""))
	lines := []string{"show version", "show activation-key", "show running-config", "show inventory", "show vpn-sessiondb"}
	res, err := tl.lab.Exec("asa1", lines)
	if err != nil {
		b.Fatal(err)
	}
	text := res.Transcript
	b.Run("exec-baseline", func(b *testing.B) {
		for b.Loop() {
			if _, err := tl.lab.Exec("asa1", lines); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("replay", func(b *testing.B) {
		for b.Loop() {
			rep, err := tl.lab.Replay("asa1", text, nil)
			if err != nil || rep.Differs() {
				b.Fatal(err, rep.Text())
			}
		}
	})
}
