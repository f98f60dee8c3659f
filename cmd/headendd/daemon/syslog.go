package daemon

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/asalab/asalab/sim/syslogout"
)

const syslogForwardUsage = "send every headend's syslog lines to the syslog collector at `URL`, as an ASA's logging host does (an IOS router's in IOS's form): " +
	"udp://HOST[:PORT] or tcp://HOST[:PORT] (ports default to the ASA's 514 and 1470), " +
	"with ?format=bsd (default: the ASA's header with logging timestamp) or ?format=rfc5424 (logging timestamp rfc5424) " +
	"and, for TCP, &framing=lf (default) or &framing=octet-counting; repeat the flag for more collectors"

// syslogForwards are the collectors of --syslog-forward.
type syslogForwards []*syslogout.Forwarder

func startSyslogForwards(targets []string, log *zap.Logger, reg prometheus.Registerer) (syslogForwards, error) {
	if len(targets) == 0 {
		return nil, nil
	}
	m := syslogout.NewMetrics(reg)
	var fs syslogForwards
	for _, t := range targets {
		f, err := syslogout.New(t, syslogout.Options{Log: log, Metrics: m})
		if err != nil {
			fs.close(log)
			return nil, err
		}
		log.Info("forwarding syslog", zap.String("target", f.Target().String()))
		fs = append(fs, f)
	}
	return fs, nil
}

// sink is the lab's Config.Syslog: each line goes to every collector
// (nil: none, so the lab does no work for them).
func (fs syslogForwards) sink() func(at time.Time, hostname, line string) {
	if len(fs) == 0 {
		return nil
	}
	return func(at time.Time, hostname, line string) {
		l := syslogout.LineOf(at, hostname, line)
		for _, f := range fs {
			f.Send(l)
		}
	}
}

// close flushes the queues, each within its deadline.
func (fs syslogForwards) close(log *zap.Logger) {
	for _, f := range fs {
		if err := f.Close(); err != nil {
			log.Warn("syslog forward", zap.Error(err))
		}
	}
}
