package syslogout

import (
	"net"
	"testing"
	"time"
)

// BenchmarkSend is what a refusal pays to reach a collector: LineOf and
// Send from concurrent callers, against the baseline of a non-blocking
// send on a buffered channel of the same capacity drained by one
// goroutine. The forwarder writes each line to a loopback UDP socket that
// discards it; "dropped/op" is the share of lines a full queue dropped,
// "sent/s" the rate its writer delivered at.
func BenchmarkSend(b *testing.B) {
	b.Run("baseline-chan", func(b *testing.B) {
		q := make(chan Line, DefaultQueueSize)
		done := make(chan struct{})
		go func() {
			for range q {
			}
			close(done)
		}()
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				select {
				case q <- LineOf(at, "asa1", refusal):
				default:
				}
			}
		})
		close(q)
		<-done
	})
	b.Run("forwarder-udp", func(b *testing.B) {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		defer pc.Close()
		go func() {
			buf := make([]byte, 2048)
			for {
				if _, _, err := pc.ReadFrom(buf); err != nil {
					return
				}
			}
		}()
		f, err := New("udp://"+pc.LocalAddr().String(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		start := time.Now()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				f.Send(LineOf(at, "asa1", refusal))
			}
		})
		b.StopTimer()
		_ = f.Close()
		dropped := f.nDropped.Load()
		b.ReportMetric(float64(dropped)/float64(b.N), "dropped/op")
		// What the writer delivered, the queue's drain at Close included.
		b.ReportMetric(float64(uint64(b.N)-dropped-f.nFailed.Load())/time.Since(start).Seconds(), "sent/s")
	})
}
