package server

import (
	"context"
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

func (m *GRPCMetrics) observe(method string, err error, d time.Duration) {
	m.handled.WithLabelValues(method, status.Code(err).String()).Inc()
	m.duration.WithLabelValues(method).Observe(d.Seconds())
}

func (m *GRPCMetrics) unary() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		if m == nil {
			return h(ctx, req)
		}
		start := time.Now()
		resp, err := h(ctx, req)
		m.observe(info.FullMethod, err, time.Since(start))
		return resp, err
	}
}

func (m *GRPCMetrics) stream() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		if m == nil {
			return h(srv, ss)
		}
		start := time.Now()
		err := h(srv, ss)
		m.observe(info.FullMethod, err, time.Since(start))
		return err
	}
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

// unaryLogging logs failed RPCs (at debug level, successful ones too).
// Requests are not logged: they may carry activation keys.
func unaryLogging(log *zap.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		start := time.Now()
		resp, err := h(ctx, req)
		logRPC(log, info.FullMethod, err, time.Since(start))
		return resp, err
	}
}

func streamLogging(log *zap.Logger) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		start := time.Now()
		err := h(srv, ss)
		logRPC(log, info.FullMethod, err, time.Since(start))
		return err
	}
}

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
