package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/asalab/asalab/keygen"
	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

func (c *cli) create(args []string) error {
	var model, hostname, serial, user, pass, enable, version string
	pos, err := subflags("create", args, func(fs *flag.FlagSet) {
		fs.StringVar(&model, "model", "", "model id, e.g. ASA5525")
		fs.StringVar(&hostname, "hostname", "", "hostname, unique in the lab")
		fs.StringVar(&serial, "serial", "", "serial number (11 characters A-Z, 0-9); generated when empty")
		fs.StringVar(&user, "username", "", "the SSH user of the factory configuration (default admin)")
		fs.StringVar(&pass, "password", "", "that user's password (default admin)")
		fs.StringVar(&enable, "enable-password", "", "the enable password (default admin)")
		fs.StringVar(&version, "version", "", "the software version, e.g. 8.4(7) (default: the model's, see platforms)")
	})
	if err != nil {
		return err
	}
	if len(pos) > 0 || model == "" || hostname == "" {
		return usagef("usage: create --model M --hostname H [--serial S] [--username U --password P] [--enable-password E] [--version V]")
	}
	return c.call(func(cx context.Context, s services) error {
		resp, err := s.hc.CreateHeadend(cx, &headendv1.CreateHeadendRequest{
			Lab: c.lab, Model: model, Hostname: hostname, Serial: serial, Username: user, Password: pass, EnablePassword: enable,
			SoftwareVersion: version,
		})
		if err != nil {
			return err
		}
		return c.emit(resp, func() error { printHeadend(c, resp.GetHeadend()); return nil })
	})
}

func oneHostname(name string, args []string) (string, error) {
	if len(args) != 1 || args[0] == "" {
		return "", usagef("usage: %s HOSTNAME", name)
	}
	return args[0], nil
}

func (c *cli) get(args []string) error {
	h, err := oneHostname("get", args)
	if err != nil {
		return err
	}
	return c.call(func(cx context.Context, s services) error {
		resp, err := s.hc.GetHeadend(cx, &headendv1.GetHeadendRequest{Lab: c.lab, Hostname: h})
		if err != nil {
			return err
		}
		return c.emit(resp, func() error { printHeadend(c, resp.GetHeadend()); return nil })
	})
}

func (c *cli) list(args []string) error {
	if len(args) > 0 {
		return usagef("usage: list")
	}
	s, err := c.dial()
	if err != nil {
		return err
	}
	// Every page, then the table or one document of them all.
	all := &headendv1.ListHeadendsResponse{}
	token := ""
	for {
		cx, cancel := ctx()
		resp, err := s.hc.ListHeadends(cx, &headendv1.ListHeadendsRequest{Lab: c.lab, PageSize: 1000, PageToken: token})
		cancel()
		if err != nil {
			return err
		}
		all.Headends = append(all.Headends, resp.GetHeadends()...)
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	return c.emit(all, func() error {
		tw := tabwriter.NewWriter(c.stdout, 0, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "HOSTNAME\tMODEL\tSERIAL\tSTATE\tPREMIUM\tTOTAL\tRELOAD PENDING\tESSENTIALS\tLICENSE")
		for _, h := range all.GetHeadends() {
			if sl := h.GetSmartLicense(); sl != nil {
				// Smart Licensing has no keys, totals or Essentials to show.
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t-\t-\t-\tsmart %s\n", h.GetHostname(), h.GetModel(), h.GetSerial(), state(h),
					sl.GetPremiumPeers(), smartState(sl))
				continue
			}
			if il := h.GetIosLicense(); il != nil {
				// An IOS router has neither keys nor Essentials.
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t-\t-\t-\t-\t%s\n", h.GetHostname(), h.GetModel(), h.GetSerial(), state(h), iosLicenseSummary(il))
				continue
			}
			f := h.GetLicense().GetFeatures()
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\tactivation keys\n", h.GetHostname(), h.GetModel(), h.GetSerial(), state(h),
				f.GetAnyconnectPremiumPeers(), f.GetTotalVpnPeers(), yesNo(h.GetLicense().GetReloadPending()),
				onOff(h.GetRunningConfig().GetAnyconnectEssentials()))
		}
		return tw.Flush()
	})
}

func (c *cli) delete(args []string) error {
	h, err := oneHostname("delete", args)
	if err != nil {
		return err
	}
	return c.call(func(cx context.Context, s services) error {
		resp, err := s.hc.DeleteHeadend(cx, &headendv1.DeleteHeadendRequest{Lab: c.lab, Hostname: h})
		if err != nil {
			return err
		}
		return c.emitf(resp, "deleted %s\n", h)
	})
}

func (c *cli) exec(args []string) error {
	if len(args) < 2 {
		return usagef("usage: exec HOSTNAME 'LINE' ['LINE'...]")
	}
	return c.call(func(cx context.Context, s services) error {
		resp, err := s.hc.Exec(cx, &headendv1.ExecRequest{Lab: c.lab, Hostname: args[0], Lines: args[1:]})
		if err != nil {
			return err
		}
		err = c.emit(resp, func() error {
			fmt.Fprint(c.stdout, resp.GetTranscript())
			if !strings.HasSuffix(resp.GetTranscript(), "\n") {
				fmt.Fprintln(c.stdout)
			}
			return nil
		})
		if err != nil {
			return err
		}
		// Scripts rely on $?: a line the console refused fails the
		// command, after the whole transcript is printed.
		for i, r := range resp.GetResults() {
			if r.GetError() {
				return execFailed{line: i + 1, input: r.GetInput()}
			}
		}
		return nil
	})
}

// execFailed: a line of exec answered with an error (exit status 1).
type execFailed struct {
	line  int
	input string
}

func (e execFailed) Error() string {
	return fmt.Sprintf("exec: line %d (%q) answered with an error", e.line, e.input)
}

func (c *cli) installKey(args []string) error {
	var deactivate bool
	pos, err := subflags("install-key", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&deactivate, "deactivate", false, "deactivate an installed time-based key")
	})
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return usagef("usage: install-key HOSTNAME KEY [--deactivate] (KEY: five hex words, quoted or not)")
	}
	action := headendv1.KeyAction_KEY_ACTION_ACTIVATE
	if deactivate {
		action = headendv1.KeyAction_KEY_ACTION_DEACTIVATE
	}
	return c.call(func(cx context.Context, s services) error {
		resp, err := s.hc.InstallActivationKey(cx, &headendv1.InstallActivationKeyRequest{
			Lab: c.lab, Hostname: pos[0], ActivationKey: strings.Join(pos[1:], " "), Action: action,
		})
		if err != nil {
			return err
		}
		return c.emit(resp, func() error {
			for _, m := range resp.GetMessages() {
				fmt.Fprintln(c.stdout, m)
			}
			return nil
		})
	})
}

func (c *cli) reload(args []string) error {
	var save bool
	pos, err := subflags("reload", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&save, "save", false, "save the running configuration first")
	})
	if err != nil {
		return err
	}
	h, err := oneHostname("reload [--save]", pos)
	if err != nil {
		return err
	}
	return c.call(func(cx context.Context, s services) error {
		resp, err := s.hc.Reload(cx, &headendv1.ReloadRequest{Lab: c.lab, Hostname: h, SaveConfig: save})
		if err != nil {
			return err
		}
		return c.emitf(resp, "%s reloaded, up at %s\n", h, resp.GetHeadend().GetUpSince().AsTime().Format(time.RFC3339))
	})
}

func (c *cli) rma(args []string) error {
	var serial string
	pos, err := subflags("rma", args, func(fs *flag.FlagSet) {
		fs.StringVar(&serial, "serial", "", "serial of the replacement unit; generated when empty")
	})
	if err != nil {
		return err
	}
	h, err := oneHostname("rma [--serial S]", pos)
	if err != nil {
		return err
	}
	return c.call(func(cx context.Context, s services) error {
		resp, err := s.hc.ReturnForRepair(cx, &headendv1.ReturnForRepairRequest{Lab: c.lab, Hostname: h, NewSerial: serial})
		if err != nil {
			return err
		}
		return c.emitf(resp, "%s replaced: serial %s -> %s, activation keys removed\n", h, resp.GetOldSerial(), resp.GetHeadend().GetSerial())
	})
}

func (c *cli) clock(args []string) error {
	return c.call(func(cx context.Context, s services) error {
		var clock *headendv1.Clock
		var out proto.Message // the response, for -o json
		switch {
		case len(args) == 0:
			resp, err := s.lc.GetClock(cx, &headendv1.GetClockRequest{Lab: c.lab})
			if err != nil {
				return err
			}
			clock, out = resp.GetClock(), resp
		case len(args) == 2 && args[0] == "set":
			t, err := time.Parse(time.RFC3339, args[1])
			if err != nil {
				return usagef("clock set: TIME must be RFC 3339, as 2026-12-01T09:00:00Z")
			}
			resp, err := s.lc.SetClock(cx, &headendv1.SetClockRequest{Lab: c.lab, Time: timestamppb.New(t)})
			if err != nil {
				return err
			}
			clock, out = resp.GetClock(), resp
		case len(args) == 2 && args[0] == "advance":
			d, err := parseDuration(args[1])
			if err != nil {
				return usagef("clock advance: DURATION must be like 90m, 36h or 30d")
			}
			resp, err := s.lc.AdvanceClock(cx, &headendv1.AdvanceClockRequest{Lab: c.lab, Duration: durationpb.New(d)})
			if err != nil {
				return err
			}
			clock, out = resp.GetClock(), resp
		default:
			return usagef("usage: clock [set TIME | advance DURATION]")
		}
		mode := "real"
		if clock.GetMode() == headendv1.ClockMode_CLOCK_MODE_SIMULATED {
			mode = "simulated"
		}
		return c.emitf(out, "%s (%s)\n", clock.GetNow().AsTime().Format(time.RFC3339), mode)
	})
}

func (c *cli) platforms(args []string) error {
	if len(args) > 0 {
		return usagef("usage: platforms")
	}
	return c.call(func(cx context.Context, s services) error {
		resp, err := s.hc.ListPlatforms(cx, &headendv1.ListPlatformsRequest{})
		if err != nil {
			return err
		}
		return c.emit(resp, func() error {
			tw := tabwriter.NewWriter(c.stdout, 0, 8, 2, ' ', 0)
			fmt.Fprintln(tw, "MODEL\tNAME\tVERSION\tVPN MAX\tPREMIUM MAX\tLICENSING\tSIMULATED")
			for _, p := range resp.GetPlatforms() {
				lic := strings.ToLower(strings.TrimPrefix(p.GetLicensing().String(), "LICENSING_"))
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%s\n", p.GetModel(), p.GetName(), p.GetDefaultSoftwareVersion(),
					p.GetVpnMax(), p.GetAnyconnectPremiumMax(), lic, yesNo(p.GetSimulated()))
			}
			return tw.Flush()
		})
	})
}

// keygen mints a key offline with the lab secret; no daemon is needed.
func (c *cli) keygen(args []string) error {
	var serial, dataDir, secretFile string
	var days, nonce int
	pos, err := subflags("keygen", args, func(fs *flag.FlagSet) {
		fs.StringVar(&serial, "serial", "", "serial number the key is for")
		intVar(fs, &days, "days", 0, 0, keygen.MaxDays, "make a time-based key lasting this many days (default: permanent)")
		intVar(fs, &nonce, "nonce", -1, -1, keygen.MaxNonce, "time-based keys: tells identical licenses apart, 0-15 (default: random)")
		fs.StringVar(&dataDir, "data-dir", "./data", "headendd data directory holding lab.secret")
		fs.StringVar(&secretFile, "secret-file", "", "file holding the lab signing secret in hex (overrides --data-dir)")
	})
	if err != nil {
		return err
	}
	if serial == "" || len(pos) == 0 {
		return usagef("usage: keygen --serial S [--days N] [--nonce N] FEATURE... (features: %s)", keygen.FeatureHelp)
	}
	features, err := keygen.ParseFeatures(pos)
	if err != nil {
		return err
	}
	secret, err := c.secret(dataDir, secretFile)
	if err != nil {
		return err
	}
	master, err := keygen.NewSigner(secret)
	if err != nil {
		return err
	}
	lab := c.lab
	if lab == "" {
		lab = defaultLab
	}
	k := keygen.Key{Serial: serial, Features: features, Days: days}
	if days > 0 {
		k.Nonce = nonce
		if nonce < 0 {
			k.Nonce = rand.IntN(keygen.MaxNonce + 1)
		}
	} else if nonce > 0 {
		return usagef("keygen: --nonce is for time-based keys (--days N)")
	}
	w, err := master.ForLab(lab).Encode(k)
	if err != nil {
		return err
	}
	// -o json: keygen calls no RPC, so its document is a Struct of
	// lab, serial, activationKey (the five words as printed), features
	// (as words, "none" for none), days (0: permanent) and nonce (0 for
	// a permanent key).
	doc, err := structpb.NewStruct(map[string]any{"lab": lab, "serial": serial, "activationKey": w.String(),
		"features": features.String(), "days": days, "nonce": k.Nonce})
	if err != nil {
		return err
	}
	return c.emit(doc, func() error { _, err := fmt.Fprintln(c.stdout, w); return err })
}

// defaultLab is the name of the lab every daemon has (the daemon's
// sim.DefaultLab, which a test checks): keys minted without --lab are
// for it.
const defaultLab = "default"

func (c *cli) secret(dataDir, secretFile string) ([]byte, error) {
	if env := os.Getenv("ASALAB_SECRET"); env != "" && secretFile == "" {
		return keygen.ParseSecret(env)
	}
	if secretFile == "" {
		secretFile = filepath.Join(dataDir, keygen.SecretFile)
	}
	return keygen.ReadSecretFile(secretFile)
}

func state(h *headendv1.Headend) string {
	switch h.GetState() {
	case headendv1.HeadendState_HEADEND_STATE_RELOADING:
		return "reloading"
	case headendv1.HeadendState_HEADEND_STATE_POWERED_OFF:
		return "off"
	}
	return "up"
}

func failoverText(f headendv1.FailoverMode) string {
	switch f {
	case headendv1.FailoverMode_FAILOVER_MODE_ACTIVE_STANDBY:
		return "active/standby"
	case headendv1.FailoverMode_FAILOVER_MODE_ACTIVE_ACTIVE:
		return "active/active"
	}
	return "disabled"
}

// failoverPairText is a failover unit's pair on one line: "primary,
// active; mate fo-b standby ready, stateful link; up since ...; last
// failover ...".
func failoverPairText(fo *headendv1.FailoverPair) string {
	state := func(s headendv1.FailoverState) string {
		return strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(s.String(), "FAILOVER_STATE_")), "_", " ")
	}
	t := fo.GetRole() + ", " + state(fo.GetState())
	if fo.GetMate() == "" {
		t += "; mate not detected"
	} else {
		t += "; mate " + fo.GetMate() + " " + state(fo.GetMateState())
		if fo.GetStateful() {
			t += ", stateful link"
		}
	}
	if fo.GetSince() != nil {
		t += "; pair up since " + fo.GetSince().AsTime().Format(time.RFC3339)
	}
	if fo.GetLastFailover() != nil {
		t += "; last failover " + fo.GetLastFailover().AsTime().Format(time.RFC3339)
	}
	if m := fo.GetMismatch(); m != "" {
		t += "; not paired: " + m
	}
	if cl := fo.GetCluster(); cl != nil {
		t += fmt.Sprintf("; cluster premium %d, other %d, total %d", cl.GetAnyconnectPremiumPeers(),
			cl.GetOtherVpnPeers(), cl.GetTotalVpnPeers())
	}
	return t
}

// sharedText is a headend's shared licensing on one line: "participant of
// srv at 10.0.0.1, registered; borrowed 50; pool 1000, 950 available;
// platform limit 750".
func sharedText(sh *headendv1.SharedLicensing) string {
	var t string
	registered := "not registered"
	if sh.GetRegistered() {
		registered = "registered"
	}
	switch sh.GetRole() {
	case headendv1.SharedLicensingRole_SHARED_LICENSING_ROLE_SERVER:
		t = "server"
		if a := sh.GetServerAddress(); a != "" {
			t += " at " + a
		}
	case headendv1.SharedLicensingRole_SHARED_LICENSING_ROLE_BACKUP:
		t = "backup server, " + registered
		if sh.GetBackupActive() {
			t += ", serving"
		}
		t += fmt.Sprintf(", %d days left", sh.GetBackupDaysLeft())
	default:
		t = "participant"
		if n := sh.GetServerHostname(); n != "" {
			t += " of " + n
		}
		if a := sh.GetServerAddress(); a != "" {
			t += " at " + a
		}
		t += ", " + registered
		t += fmt.Sprintf("; borrowed %d", sh.GetBorrowed())
		if u := sh.GetBorrowedUntil(); u != nil {
			t += " until " + u.AsTime().Format(time.RFC3339)
		}
	}
	t += fmt.Sprintf("; pool %d, %d available; platform limit %d", sh.GetPoolTotal(), sh.GetPoolAvailable(), sh.GetPlatformLimit())
	return t
}

// iosLicenseSummary is an IOS router's LICENSE column: the technology
// packages running besides ipbasek9 (ipbasek9 alone when none) and the
// SSL_VPN seats licensed.
func iosLicenseSummary(l *headendv1.IosLicense) string {
	var run []string
	for _, p := range l.GetPackages() {
		if p.GetCurrent() && p.GetPackage() != "ipbasek9" {
			run = append(run, p.GetPackage())
		}
	}
	if len(run) == 0 {
		run = []string{"ipbasek9"}
	}
	return fmt.Sprintf("ios %s, %d seats", strings.Join(run, " "), l.GetSslVpnSeats())
}

// iosPackageText is one technology package: whether it runs and on what
// license, what is left of its evaluation, and the next reboot's package.
func iosPackageText(p *headendv1.IosTechnologyPackage) string {
	t := p.GetTechnology() + " " + p.GetPackage() + ": "
	if p.GetCurrent() {
		t += "running " + p.GetType()
	} else {
		t += "not running"
	}
	switch {
	case p.GetEvalExpired():
		t += ", evaluation expired"
	case p.GetEvalRemaining() != nil:
		t += fmt.Sprintf(", evaluation %d days left", int(p.GetEvalRemaining().AsDuration().Hours()/24))
	}
	if p.GetNextReboot() {
		return t + "; next reboot on"
	}
	return t + "; next reboot off"
}

func printHeadend(c *cli, h *headendv1.Headend) {
	l := h.GetLicense()
	f := l.GetFeatures()
	w := tabwriter.NewWriter(c.stdout, 0, 8, 1, ' ', 0)
	row := func(k, format string, args ...any) { fmt.Fprintf(w, "%s:\t"+format+"\n", append([]any{k}, args...)...) }
	row("hostname", "%s", h.GetHostname())
	row("model", "%s (software %s)", h.GetModel(), h.GetSoftwareVersion())
	row("serial", "%s", h.GetSerial())
	switch h.GetState() {
	case headendv1.HeadendState_HEADEND_STATE_POWERED_OFF:
		row("state", "powered off since %s", h.GetPoweredOffSince().AsTime().Format(time.RFC3339))
	case headendv1.HeadendState_HEADEND_STATE_RELOADING:
		row("state", "reloading, up at %s", h.GetUpSince().AsTime().Format(time.RFC3339))
	default:
		row("state", "up since %s", h.GetUpSince().AsTime().Format(time.RFC3339))
	}
	sl, il := h.GetSmartLicense(), h.GetIosLicense()
	// The key lines only for a family licensed by activation keys (the
	// ASA): the API gives the others (an IOS router) no key license.
	keyed := l != nil
	switch {
	case sl != nil:
		row("smart", "%s", smartText(sl))
	case il != nil:
		row("ios license", "udi %s, module %s", il.GetUdi(), il.GetModule())
		for _, p := range il.GetPackages() {
			row("technology", "%s", iosPackageText(p))
		}
		row("ssl vpn seats", "%d in use of %d", il.GetSslVpnSeatsInUse(), il.GetSslVpnSeats())
	case keyed:
		row("running key", "%s", l.GetRunningPermanentKey())
		row("flash key", "%s", l.GetFlashPermanentKey())
		row("reload pending", "%s", yesNo(l.GetReloadPending()))
		row("essentials", "%s (saved: %s)", onOff(h.GetRunningConfig().GetAnyconnectEssentials()), onOff(h.GetStartupConfig().GetAnyconnectEssentials()))
	}
	row("config unsaved", "%s", yesNo(h.GetConfigUnsaved()))
	ssh := h.GetSshAddress()
	if ssh == "" {
		ssh = "none"
	}
	row("ssh", "%s", ssh)
	if fo := h.GetFailover(); fo != nil {
		row("failover", "%s", failoverPairText(fo))
	}
	if sh := h.GetSharedLicensing(); sh != nil {
		row("shared", "%s", sharedText(sh))
	}
	if sl != nil {
		row("vpn peers", "premium %d", sl.GetPremiumPeers())
	}
	if sl != nil || !keyed {
		w.Flush()
		return
	}
	row("vpn peers", "premium %d, other %d, total %d", f.GetAnyconnectPremiumPeers(), f.GetOtherVpnPeers(), f.GetTotalVpnPeers())
	extras := []string{}
	add := func(on bool, name string) {
		if on {
			extras = append(extras, name)
		}
	}
	add(f.GetSecurityPlus(), "security-plus")
	add(f.GetStrongEncryption(), "3des-aes")
	add(f.GetAnyconnectEssentials(), "essentials")
	add(f.GetAnyconnectForMobile(), "mobile")
	add(f.GetAnyconnectForVpnPhone(), "vpn-phone")
	add(f.GetAdvancedEndpointAssessment(), "aea")
	add(f.GetSharedLicense(), "shared")
	add(f.GetBotnetTrafficFilter(), "botnet")
	add(f.GetAnyconnectPlusApex(), "plus/apex")
	if f.GetAnyconnectVpnOnlyPeers() > 0 {
		extras = append(extras, fmt.Sprintf("vpn-only=%d", f.GetAnyconnectVpnOnlyPeers()))
	}
	row("features", "contexts %d, vlans %d, failover %s; %s", f.GetSecurityContexts(), f.GetMaxVlans(),
		failoverText(f.GetFailover()), strings.Join(append(extras, ""), " "))
	for _, k := range l.GetTimeBasedKeys() {
		act := "inactive"
		if k.GetActive() {
			act = "active"
		}
		row("time-based key", "%s %s, %d days left: %s", k.GetKey(), act, k.GetDaysRemaining(), strings.Join(k.GetFeatures(), " "))
	}
	for _, warn := range l.GetPlatformLimitWarnings() {
		row("warning", "%s", warn)
	}
	w.Flush()
}
