package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/asalab/asalab/keygen"
	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
	"github.com/asalab/asalab/sim/load"
)

// The gRPC load measurements of issue 3, each next to its baseline in the
// same run on the same server and client settings:
//
//	go test -run '^$' -bench GRPC -benchtime 1x ./cmd/headendd/server
//
// They report calls (or decisions) per second and the ratio to the
// baseline; they assert nothing, `make bench` prints them.

const (
	benchHeadends = 64
	benchWorkers  = 32
	// Many short interleaved rounds: on a shared 2-core machine the drift
	// between two runs of a few seconds is as large as the difference
	// measured, and a median of nine one-second pairs moves less than one
	// of five two-second pairs.
	benchDuration = time.Second
	benchRounds   = 9
)

// echoDesc is a raw bidi echo stream, the baseline of streamed admission.
var echoDesc = grpc.ServiceDesc{
	ServiceName: "asalab.bench.Echo",
	HandlerType: (*any)(nil),
	Streams: []grpc.StreamDesc{{
		StreamName: "Echo", ServerStreams: true, ClientStreams: true,
		Handler: func(_ any, stream grpc.ServerStream) error {
			m := new(headendv1.AdmitConnectionsRequest)
			for {
				if err := stream.RecvMsg(m); err != nil {
					if errors.Is(err, io.EOF) {
						return nil
					}
					return err
				}
				if err := stream.SendMsg(m); err != nil {
					return err
				}
			}
		},
	}},
}

type benchServer struct {
	lab  *sim.Lab
	conn *grpc.ClientConn
	hc   headendv1.HeadendServiceClient
}

// servedLab is a lab in a store of its own, served over TCP loopback, and
// a client connection to it.
type servedLab struct {
	store  *sim.Store
	lab    *sim.Lab
	signer *keygen.Signer
	conn   *grpc.ClientConn
}

// serveBenchLab serves a new lab with opts; register adds the benchmark's
// own service to the server before it serves. All is stopped when the
// benchmark ends.
func serveBenchLab(b *testing.B, opts Options, register func(gs *grpc.Server, store *sim.Store)) servedLab {
	b.Helper()
	store, err := sim.OpenStore(filepath.Join(b.TempDir(), "store"), nil)
	if err != nil {
		b.Fatal(err)
	}
	master, _ := keygen.NewSigner(testSecret)
	signer := master.ForLab(sim.DefaultLab)
	lab, err := sim.OpenLab(sim.Config{Store: store, Signer: signer})
	if err != nil {
		b.Fatal(err)
	}
	gs := New(NewLabs(lab), opts)
	register(gs, store)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go gs.Serve(lis)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		conn.Close()
		gs.Stop()
		lab.Close()
		store.Close()
	})
	return servedLab{store: store, lab: lab, signer: signer, conn: conn}
}

// startBenchServer serves a lab over TCP loopback, with the echo service,
// and fills it with ASA5585-SSP60s holding a Plus/Apex key (10,000 sessions
// each), Essentials off.
func startBenchServer(b *testing.B) *benchServer {
	b.Helper()
	sl := serveBenchLab(b, Options{}, func(gs *grpc.Server, _ *sim.Store) { gs.RegisterService(&echoDesc, struct{}{}) })
	signer := sl.signer
	s := &benchServer{lab: sl.lab, conn: sl.conn, hc: headendv1.NewHeadendServiceClient(sl.conn)}
	ctx := context.Background()
	for i := range benchHeadends {
		host := fmt.Sprintf("fw%02d", i)
		resp, err := s.hc.CreateHeadend(ctx, &headendv1.CreateHeadendRequest{Model: "ASA5585-SSP60", Hostname: host})
		if err != nil {
			b.Fatal(err)
		}
		w, _ := signer.Encode(keygen.Key{Serial: resp.GetHeadend().GetSerial(), Features: keygen.Features{PlusApex: true}})
		if _, err := s.hc.InstallActivationKey(ctx, &headendv1.InstallActivationKeyRequest{Hostname: host, ActivationKey: w.String()}); err != nil {
			b.Fatal(err)
		}
		if _, err := s.hc.Exec(ctx, &headendv1.ExecRequest{Hostname: host, Lines: []string{"configure terminal", "webvpn", "no anyconnect-essentials"}}); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

func benchUser(w, i int) string { return fmt.Sprintf("w%02d-u%07d", w, i) }

// benchNames holds the user and headend names of every worker's calls,
// made once: formatting them per call would bill the client's fmt work to
// the admission side of the comparison.
type benchNames struct{ users, hosts [][]string }

func newBenchNames(workers int) *benchNames {
	n := &benchNames{users: make([][]string, workers), hosts: make([][]string, workers)}
	for w := range workers {
		for i := range benchPopulation {
			n.users[w] = append(n.users[w], benchUser(w, i))
			n.hosts[w] = append(n.hosts[w], benchHost(w, i))
		}
	}
	return n
}

// benchHost is the headend of a worker's call: each worker has two, and its
// population of benchPopulation users connect again and again, each user
// always to the same headend (sessions accumulate within the 20,000 of a
// worker's two headends during a run).
func benchHost(w, i int) string { return fmt.Sprintf("fw%02d", (2*w+i%2)%benchHeadends) }

const benchPopulation = 5000

// logoff ends every session, between runs.
func (s *benchServer) logoff(b *testing.B) {
	for i := range benchHeadends {
		h, err := s.lab.Headend(fmt.Sprintf("fw%02d", i))
		if err != nil {
			b.Fatal(err)
		}
		h.Admission().LogoffAll()
	}
}

// BenchmarkGRPCUnary: AdmitConnection calls/s next to grpc.health.v1 Check.
func BenchmarkGRPCUnary(b *testing.B) {
	s := startBenchServer(b)
	health := healthpb.NewHealthClient(s.conn)
	names := newBenchNames(benchWorkers)
	reqs := make([]headendv1.AdmitConnectionRequest, benchWorkers)
	for b.Loop() {
		// Interleaved rounds, baseline first then admission, and the
		// median of the per-round ratios: the machine's drift between two
		// runs of a few seconds is larger than the difference measured.
		var hRates, aRates, ratios []float64
		for range benchRounds {
			n, d, err := load.Rate(context.Background(), benchWorkers, benchDuration, func(ctx context.Context, w, i int) error {
				_, err := health.Check(ctx, &healthpb.HealthCheckRequest{})
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			hRate := load.PerSecond(n, d)
			n, d, err = load.Rate(context.Background(), benchWorkers, benchDuration, func(ctx context.Context, w, i int) error {
				req := &reqs[w] // reused: Invoke marshals before it returns
				u := names.users[w][i%benchPopulation]
				req.Headend, req.User, req.ClientDevice = names.hosts[w][i%benchPopulation], u, u
				req.Kind = headendv1.ConnectionKind_CONNECTION_KIND_ANYCONNECT
				resp, err := s.hc.AdmitConnection(ctx, req)
				if err == nil && !resp.GetAdmitted() {
					err = fmt.Errorf("refused: %v", resp.GetReason())
				}
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			aRate := load.PerSecond(n, d)
			s.logoff(b)
			hRates, aRates, ratios = append(hRates, hRate), append(aRates, aRate), append(ratios, aRate/hRate)
		}
		b.Logf("per-round ratios %.3f", ratios)
		b.ReportMetric(median(hRates), "health-calls/s")
		b.ReportMetric(median(aRates), "admit-calls/s")
		b.ReportMetric(median(ratios), "ratio")
	}
}

// median of a few measurements.
func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkGRPCStream: AdmitConnections (one decision per message, one
// message in flight per stream) next to a raw bidi echo stream.
func BenchmarkGRPCStream(b *testing.B) {
	s := startBenchServer(b)
	streamDesc := &grpc.StreamDesc{StreamName: "Echo", ServerStreams: true, ClientStreams: true}
	run := func(open func(ctx context.Context) (grpc.ClientStream, error), send func(w, i int) *headendv1.AdmitConnectionsRequest, recv any) float64 {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		streams := make([]grpc.ClientStream, benchWorkers)
		for w := range streams {
			st, err := open(ctx)
			if err != nil {
				b.Fatal(err)
			}
			streams[w] = st
		}
		n, d, err := load.Rate(context.Background(), benchWorkers, benchDuration, func(_ context.Context, w, i int) error {
			if err := streams[w].SendMsg(send(w, i)); err != nil {
				return err
			}
			out := new(headendv1.AdmitConnectionsResponse)
			if recv != nil {
				return streams[w].RecvMsg(new(headendv1.AdmitConnectionsRequest))
			}
			if err := streams[w].RecvMsg(out); err != nil {
				return err
			}
			if !out.GetAdmitted() {
				return fmt.Errorf("refused: %v", out.GetReason())
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		return load.PerSecond(n, d)
	}
	names := newBenchNames(benchWorkers)
	reqs := make([]headendv1.AdmitConnectionsRequest, benchWorkers)
	req := func(w, i int) *headendv1.AdmitConnectionsRequest {
		r := &reqs[w] // reused: SendMsg marshals before it returns
		u := names.users[w][i%benchPopulation]
		r.Headend, r.User, r.ClientDevice = names.hosts[w][i%benchPopulation], u, u
		r.Kind = headendv1.ConnectionKind_CONNECTION_KIND_ANYCONNECT
		return r
	}
	for b.Loop() {
		var eRates, aRates, ratios []float64
		for range benchRounds {
			eRate := run(func(ctx context.Context) (grpc.ClientStream, error) {
				return s.conn.NewStream(ctx, streamDesc, "/asalab.bench.Echo/Echo")
			}, req, true)
			aRate := run(func(ctx context.Context) (grpc.ClientStream, error) {
				return s.hc.AdmitConnections(ctx)
			}, req, nil)
			s.logoff(b)
			eRates, aRates, ratios = append(eRates, eRate), append(aRates, aRate), append(ratios, aRate/eRate)
		}
		b.Logf("per-round ratios %.3f", ratios)
		b.ReportMetric(median(eRates), "echo-msgs/s")
		b.ReportMetric(median(aRates), "admit-msgs/s")
		b.ReportMetric(median(ratios), "ratio")
	}
}

// BenchmarkGRPCBatch: AdmitConnectionBatch decisions/s (1,000 per message,
// each batch then released in one ReleaseConnectionBatch, both timed) next
// to redis-benchmark -t incr -P 16 on a local redis-server, when Debian's
// redis-server is installed.
func BenchmarkGRPCBatch(b *testing.B) {
	s := startBenchServer(b)
	const per = 1000
	workers := 16
	batches := make([]*headendv1.AdmitConnectionBatchRequest, workers)
	for w := range batches {
		req := &headendv1.AdmitConnectionBatchRequest{}
		for i := range per {
			u := benchUser(w, i)
			req.Attempts = append(req.Attempts, &headendv1.ConnectionAttempt{
				Headend: fmt.Sprintf("fw%02d", (w*per+i)%benchHeadends), User: u, ClientDevice: u,
				Kind: headendv1.ConnectionKind_CONNECTION_KIND_ANYCONNECT})
		}
		batches[w] = req
	}
	for b.Loop() {
		n, d, err := load.Rate(context.Background(), workers, 3*benchDuration, func(ctx context.Context, w, _ int) error {
			resp, err := s.hc.AdmitConnectionBatch(ctx, batches[w])
			if err != nil {
				return err
			}
			rel := &headendv1.ReleaseConnectionBatchRequest{Sessions: make([]*headendv1.SessionRef, 0, per)}
			for i, dec := range resp.GetDecisions() {
				if !dec.GetAdmitted() {
					return fmt.Errorf("refused: %v", dec.GetReason())
				}
				rel.Sessions = append(rel.Sessions, &headendv1.SessionRef{Headend: batches[w].Attempts[i].Headend, SessionId: dec.GetSessionId()})
			}
			_, err = s.hc.ReleaseConnectionBatch(ctx, rel)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		rate := load.PerSecond(n*per, d)
		b.ReportMetric(rate, "decisions/s")
		if redis := redisIncrRate(b); redis > 0 {
			b.ReportMetric(redis, "redis-incr-P16/s")
			b.ReportMetric(rate/redis, "ratio")
		}
	}
}

var redisRate = regexp.MustCompile(`INCR: ([0-9.]+) requests per second`)

// redisIncrRate runs redis-benchmark -t incr -P 16 against a throwaway
// redis-server on a free loopback port; 0 when redis is not installed.
func redisIncrRate(b *testing.B) float64 {
	if _, err := exec.LookPath("redis-server"); err != nil {
		b.Logf("redis-server is not installed (apt-get install redis-server): no baseline")
		return 0
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	srv := exec.Command("redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", b.TempDir())
	if err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = srv.Process.Kill(); _ = srv.Wait() }()
	for range 100 {
		if c, err := net.Dial("tcp", "127.0.0.1:"+port); err == nil {
			c.Close()
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	out, err := exec.Command("redis-benchmark", "-h", "127.0.0.1", "-p", port, "-t", "incr", "-P", "16", "-n", "2000000", "-q").CombinedOutput()
	if err != nil {
		b.Fatalf("redis-benchmark: %v\n%s", err, out)
	}
	m := redisRate.FindSubmatch(out)
	if m == nil {
		b.Fatalf("redis-benchmark printed %q", out)
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return v
}

// syncWriteDesc is a raw unary RPC that makes one bare pebble synced write
// of a headend record's size: InstallActivationKey's baseline behind the
// same gRPC server, interceptors and connection.
var syncWriteDesc = grpc.ServiceDesc{
	ServiceName: "asalab.bench.SyncWrite",
	HandlerType: (*any)(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "Write",
		Handler: func(srv any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
			req := new(headendv1.GetHeadendRequest)
			if err := dec(req); err != nil {
				return nil, err
			}
			write := func(_ context.Context, req any) (any, error) {
				key := []byte(req.(*headendv1.GetHeadendRequest).GetHostname())
				return &headendv1.GetHeadendResponse{}, srv.(*sim.Store).SyncWrite(key, benchRecord)
			}
			if interceptor == nil {
				return write(ctx, req)
			}
			return interceptor(ctx, req, &grpc.UnaryServerInfo{Server: srv, FullMethod: "/asalab.bench.SyncWrite/Write"}, write)
		},
	}},
}

// benchRecord is about the size of a stored headend.
var benchRecord = []byte(strings.Repeat("x", 1400))

// BenchmarkGRPCInstall: the latency of an acknowledged (synced)
// InstallActivationKey beside, in turns on the same store and connection, a
// bare pebble synced write in process, the same write behind a raw gRPC
// unary on the same server, and a health check (the gRPC round trip alone).
// install/sync is the ratio to the bare write; install/grpc-sync, to the
// bare write with the round trip every acknowledged change over gRPC makes.
func BenchmarkGRPCInstall(b *testing.B) {
	const calls = 1000
	sl := serveBenchLab(b, Options{Metrics: NewGRPCMetrics(prometheus.NewRegistry())},
		func(gs *grpc.Server, store *sim.Store) { gs.RegisterService(&syncWriteDesc, store) })
	store, signer, conn := sl.store, sl.signer, sl.conn
	hc, health := headendv1.NewHeadendServiceClient(conn), healthpb.NewHealthClient(conn)
	ctx := context.Background()
	created, err := hc.CreateHeadend(ctx, &headendv1.CreateHeadendRequest{Model: "ASA5525", Hostname: "asa1"})
	if err != nil {
		b.Fatal(err)
	}
	// Two permanent keys in turn: every call changes the flash and running
	// keys.
	var keys [2]string
	for i, n := range []int{250, 500} {
		w, err := signer.Encode(keygen.Key{Serial: created.GetHeadend().GetSerial(), Features: keygen.Features{PremiumPeers: n}})
		if err != nil {
			b.Fatal(err)
		}
		keys[i] = w.String()
	}
	for b.Loop() {
		lat, err := load.Interleave(calls,
			func(i int) error {
				_, err := hc.InstallActivationKey(ctx, &headendv1.InstallActivationKeyRequest{Hostname: "asa1", ActivationKey: keys[i%2]})
				return err
			},
			func(i int) error { return store.SyncWrite([]byte{byte(i % 64)}, benchRecord) },
			func(i int) error {
				return conn.Invoke(ctx, "/asalab.bench.SyncWrite/Write",
					&headendv1.GetHeadendRequest{Hostname: strconv.Itoa(i % 64)}, new(headendv1.GetHeadendResponse))
			},
			func(int) error {
				_, err := health.Check(ctx, &healthpb.HealthCheckRequest{})
				return err
			})
		if err != nil {
			b.Fatal(err)
		}
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		p50 := func(d []time.Duration) time.Duration { return load.Percentile(d, 50) }
		install, bare, grpcSync, rtt := lat[0], lat[1], lat[2], lat[3]
		b.ReportMetric(ms(p50(install)), "install-p50-ms")
		b.ReportMetric(ms(load.Percentile(install, 99)), "install-p99-ms")
		b.ReportMetric(ms(p50(bare)), "sync-p50-ms")
		b.ReportMetric(ms(load.Percentile(bare, 99)), "sync-p99-ms")
		b.ReportMetric(ms(p50(grpcSync)), "grpc-sync-p50-ms")
		b.ReportMetric(ms(p50(rtt)), "grpc-rtt-p50-ms")
		b.ReportMetric(float64(p50(install))/float64(p50(bare)), "install/sync")
		b.ReportMetric(float64(p50(install))/float64(p50(grpcSync)), "install/grpc-sync")
	}
}
