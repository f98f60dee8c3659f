// Command headendd is the asalab daemon: it holds labs of simulated Cisco
// VPN headends in an embedded pebble store and serves them over gRPC, with
// Prometheus metrics, and, with --ssh-addr, each headend's console over SSH
// on a port of its own. The assembly lives in package daemon.
//
//	headendd --data-dir ./data --grpc-addr 127.0.0.1:50051 --clock sim --ssh-addr 127.0.0.1:2201
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"go.uber.org/zap"

	hd "github.com/asalab/asalab/cmd/headendd/daemon" // the test files have a type daemon
)

func main() {
	f, err := hd.ParseFlags(os.Args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "headendd:", err)
		os.Exit(2)
	}
	log, err := hd.NewLogger(f.LogLevel)
	if err != nil {
		fmt.Fprintln(os.Stderr, "headendd:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := hd.Run(ctx, f, log); err != nil {
		log.Error("headendd stopped", zap.Error(err))
		_ = log.Sync()
		// The JSON log is for machines; a person starting the daemon
		// reads this line.
		fmt.Fprintln(os.Stderr, "headendd:", err)
		os.Exit(1)
	}
	_ = log.Sync()
}
