package main

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim/load"
)

// BenchmarkSSHRestart measures a restart of headendd with 1,000 stored
// headends and SSH on, each figure next to its baseline from the same run:
//
//   - restart-ssh-banner-ms: from the start of the process until every
//     console has sent its SSH banner (it listens and serves SSH), next to
//     restart-nossh-ms, the same restart without SSH until headendd is
//     ready, and running-banner-ms, the same probe of the daemon once it
//     runs (what the probe itself takes);
//   - restart-ssh-kex-ms: until a Go SSH client has completed the key
//     exchange with every console and been asked to authenticate, next to
//     running-kex-ms, the same probe of every console of the daemon once
//     it runs: what the 1,000 handshakes cost by themselves; and
//     running-kex-ed25519-ms, that probe with the client preferring the
//     ssh-ed25519 host key as OpenSSH, paramiko and libssh do (Go's client
//     prefers rsa-sha2-256, whose signature is most of the server's work);
//   - first-ssh-start-ms: the first start with SSH of headends stored
//     without it, which gives each a port, until ready (baseline
//     restart-nossh-ms).
//
// Run it once: go test -run '^$' -bench SSHRestart -benchtime 1x ./cmd/headendd
func BenchmarkSSHRestart(b *testing.B) {
	const fleet, probes = 1000, 32
	headendd, _ := buildBinaries(b)
	base := 20000 + rand.IntN(10000-fleet-100)
	sshArgs := []string{"--ssh-addr", fmt.Sprintf("127.0.0.1:%d", base), "--ssh-ports", fmt.Sprint(fleet + 100)}
	for b.Loop() {
		dataDir := filepath.Join(b.TempDir(), "data")
		d := startDaemon(b, headendd, dataDir)
		conn := d.dial(b)
		if _, err := load.CreateFleet(context.Background(), headendv1.NewHeadendServiceClient(conn), "asa", "ASA5525", fleet, 16); err != nil {
			b.Fatal(err)
		}
		conn.Close()
		d.term()

		start := time.Now()
		d = startDaemon(b, headendd, dataDir, sshArgs...)
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "first-ssh-start-ms")
		addrs := consoleAddrs(b, d)
		d.term()

		start = time.Now()
		d = startDaemon(b, headendd, dataDir)
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "restart-nossh-ms")
		d.term()

		start = time.Now()
		d = startDaemon(b, headendd, dataDir, sshArgs...)
		if err := probeConsoles(addrs, probes, probeBanner); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "restart-ssh-banner-ms")
		start = time.Now()
		if err := probeConsoles(addrs, probes, probeBanner); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "running-banner-ms")
		d.term()

		start = time.Now()
		d = startDaemon(b, headendd, dataDir, sshArgs...)
		if err := probeConsoles(addrs, probes, probeKex); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "restart-ssh-kex-ms")
		start = time.Now()
		if err := probeConsoles(addrs, probes, probeKex); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "running-kex-ms")
		start = time.Now()
		if err := probeConsoles(addrs, probes, probeKexEd25519); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "running-kex-ed25519-ms")
		d.term()
	}
}

// consoleAddrs lists the SSH addresses of the daemon's headends.
func consoleAddrs(b *testing.B, d *daemon) []string {
	conn := d.dial(b)
	defer conn.Close()
	hc := headendv1.NewHeadendServiceClient(conn)
	var addrs []string
	for tok := ""; ; {
		resp, err := hc.ListHeadends(context.Background(), &headendv1.ListHeadendsRequest{PageSize: 1000, PageToken: tok})
		if err != nil {
			b.Fatal(err)
		}
		for _, h := range resp.GetHeadends() {
			if h.GetSshAddress() == "" {
				b.Fatalf("%s has no console", h.GetHostname())
			}
			addrs = append(addrs, h.GetSshAddress())
		}
		if tok = resp.GetNextPageToken(); tok == "" {
			return addrs
		}
	}
}

// probeConsoles waits until probe succeeds on every address, with workers
// probing in parallel; a failure (not listening yet) is retried a
// millisecond later, for 30 s at most.
func probeConsoles(addrs []string, workers int, probe func(addr string) error) error {
	deadline := time.Now().Add(30 * time.Second)
	next := make(chan string)
	errc := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for addr := range next {
				for {
					err := probe(addr)
					if err == nil {
						break
					}
					if time.Now().After(deadline) {
						errc <- fmt.Errorf("%s does not answer: %v", addr, err)
						for range next {
						}
						return
					}
					time.Sleep(time.Millisecond)
				}
			}
		}()
	}
	for _, a := range addrs {
		next <- a
	}
	close(next)
	wg.Wait()
	select {
	case err := <-errc:
		return err
	default:
		return nil
	}
}

// probeBanner succeeds once the console sends its SSH version line.
func probeBanner(addr string) error {
	nc, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer nc.Close()
	_ = nc.SetDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(nc).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "SSH-2.0-") {
		return fmt.Errorf("banner %q", line)
	}
	return nil
}

// probeKex succeeds once a Go SSH client has done the key exchange with the
// console and been refused authentication "none".
func probeKex(addr string) error { return probeKexWith(addr, nil) }

func probeKexEd25519(addr string) error {
	return probeKexWith(addr, []string{ssh.KeyAlgoED25519, ssh.KeyAlgoRSASHA256})
}

func probeKexWith(addr string, hostKeyAlgos []string) error {
	nc, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer nc.Close()
	_ = nc.SetDeadline(time.Now().Add(5 * time.Second))
	c, _, _, err := ssh.NewClientConn(nc, addr, &ssh.ClientConfig{User: "probe", HostKeyCallback: ssh.InsecureIgnoreHostKey(),
		HostKeyAlgorithms: hostKeyAlgos})
	if err == nil {
		c.Close()
		return nil
	}
	if strings.Contains(err.Error(), "unable to authenticate") {
		return nil
	}
	return err
}
