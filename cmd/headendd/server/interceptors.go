package server

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// GRPCMetrics are the gRPC server's Prometheus metrics. A nil *GRPCMetrics
// records nothing.
type GRPCMetrics struct {
	handled  *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewGRPCMetrics registers the gRPC server metrics with reg.
func NewGRPCMetrics(reg prometheus.Registerer) *GRPCMetrics {
	m := &GRPCMetrics{
		handled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "asalab", Subsystem: "grpc_server", Name: "handled_total",
			Help: "RPCs completed, by method and status code.",
		}, []string{"grpc_method", "grpc_code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "asalab", Subsystem: "grpc_server", Name: "handling_seconds",
			Help:    "Time to handle an RPC (streams: the whole stream), by method.",
			Buckets: prometheus.ExponentialBuckets(0.00005, 4, 10),
		}, []string{"grpc_method"}),
	}
	reg.MustRegister(m.handled, m.duration)
	return m
}

// numCodes is the number of status codes gRPC defines (OK..Unauthenticated).
const numCodes = int(codes.Unauthenticated) + 1

// methodMetrics are one method's series, bound on first use so that
// /metrics lists only the series of RPCs that happened.
type methodMetrics struct {
	m        *GRPCMetrics
	method   string
	duration atomic.Pointer[prometheus.Observer]
	handled  [numCodes]atomic.Pointer[prometheus.Counter]
}

func (mm *methodMetrics) observe(code codes.Code, d time.Duration) {
	if int(code) < numCodes {
		c := mm.handled[code].Load()
		if c == nil {
			// Racing first uses bind the same child: either store will do.
			bound := mm.m.handled.WithLabelValues(mm.method, code.String())
			c = &bound
			mm.handled[code].Store(c)
		}
		(*c).Inc()
	} else {
		mm.m.handled.WithLabelValues(mm.method, code.String()).Inc()
	}
	o := mm.duration.Load()
	if o == nil {
		bound := mm.m.duration.WithLabelValues(mm.method)
		o = &bound
		mm.duration.Store(o)
	}
	(*o).Observe(d.Seconds())
}

// rpcObserver logs and measures every RPC, timing each once; it answers
// the requests requestCodec could not decode, and bounds what failed RPCs echo of
// their requests (echoed).
type rpcObserver struct {
	log *zap.Logger
	m   *GRPCMetrics
	// methods holds the registered methods' series; filled by bind before
	// the server serves, read-only after.
	methods map[string]*methodMetrics
}

// bind prepares the series of every method registered with gs.
func (o *rpcObserver) bind(gs *grpc.Server) {
	if o.m == nil {
		return
	}
	o.methods = map[string]*methodMetrics{}
	for svc, info := range gs.GetServiceInfo() {
		for _, md := range info.Methods {
			name := "/" + svc + "/" + md.Name
			o.methods[name] = &methodMetrics{m: o.m, method: name}
		}
	}
}

func (o *rpcObserver) done(method string, req any, err error, d time.Duration) {
	if o.m != nil {
		code := status.Code(err)
		if mm := o.methods[method]; mm != nil {
			mm.observe(code, d)
		} else {
			o.m.handled.WithLabelValues(method, code.String()).Inc()
			o.m.duration.WithLabelValues(method).Observe(d.Seconds())
		}
	}
	logRPC(o.log, method, echoed(err, req, true), d)
}

func (o *rpcObserver) unary() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		start := time.Now()
		var resp any
		err := malformed(req)
		if err == nil {
			resp, err = h(ctx, req)
		}
		o.done(info.FullMethod, req, err, time.Since(start))
		return resp, echoed(err, req, false)
	}
}

func (o *rpcObserver) stream() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		start := time.Now()
		rs := &recvStream{ServerStream: ss}
		err := h(srv, rs)
		o.done(info.FullMethod, rs.last, err, time.Since(start))
		return echoed(err, rs.last, false)
	}
}

// recvStream is a server stream whose messages the codec may have failed
// to decode; it keeps the last one for echoed.
type recvStream struct {
	grpc.ServerStream
	last any
}

func (s *recvStream) RecvMsg(m any) error {
	if err := s.ServerStream.RecvMsg(m); err != nil {
		return err
	}
	s.last = m
	return malformed(m)
}

// recovery turns a panic in a handler into an Internal error, logged with
// its stack, instead of a crashed daemon.
func recovery(log *zap.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (resp any, err error) {
		defer func() {
			if p := recover(); p != nil {
				log.Error("panic in handler", zap.String("method", info.FullMethod), zap.Any("panic", p), zap.Stack("stack"))
				err = status.Errorf(codes.Internal, "internal error in %s", info.FullMethod)
			}
		}()
		return h(ctx, req)
	}
}

func streamRecovery(log *zap.Logger) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) (err error) {
		defer func() {
			if p := recover(); p != nil {
				log.Error("panic in handler", zap.String("method", info.FullMethod), zap.Any("panic", p), zap.Stack("stack"))
				err = status.Errorf(codes.Internal, "internal error in %s", info.FullMethod)
			}
		}()
		return h(srv, ss)
	}
}

// logRPC logs failed RPCs (at debug level, successful ones too).
// Requests are not logged: they may carry activation keys; err has been
// through echoed for the log.
func logRPC(log *zap.Logger, method string, err error, d time.Duration) {
	if err == nil {
		if ce := log.Check(zap.DebugLevel, "rpc"); ce != nil {
			ce.Write(zap.String("method", method), zap.Duration("took", d))
		}
		return
	}
	log.Info("rpc failed", zap.String("method", method), zap.String("code", status.Code(err).String()),
		zap.String("error", status.Convert(err).Message()), zap.Duration("took", d))
}
