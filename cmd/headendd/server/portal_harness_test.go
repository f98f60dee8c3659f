package server

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/asalab/asalab/keygen/portal"
	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// Transcript commands for the licensing portal (PortalService), and a
// stand-in for the admission records the compliance report reads:
//
//	portal-order name=P sku=S [users=N] [months=N] [start=DATE] [size=N] [quantity=N] customer=C
//	portal-register pak=P serial=S [migrate] [name=K]
//	portal-share source=S target=T [name=CODE]
//	portal-use-code code=C [skus=A,B] [name=K]
//	portal-licenses serial=S
//	portal-demo serial=S [name=K]
//	portal-rehost old=S new=T [name=K]
//	portal-compliance [customer=C]
//	fake-usage                          connect fakeUsage (restarts the daemon)
//	fake-admit serial=S users=a,b,u*100 [at=TIME] [apex]   (u*100: u0..u99)
//
// name= stores the PAK, activation code or (first) key in a variable for
// later lines ($P, $KEY). Customer names are one word in transcripts.

// fakeUsage stands in for the admission records: it answers Users from
// admissions the transcript records with fake-admit.
type fakeUsage struct {
	mu   sync.Mutex
	recs []usageRec
}

type usageRec struct {
	serial, user string
	at           time.Time
	apexOnly     bool
}

// orNil keeps a nil *fakeUsage from becoming a non-nil interface.
func (u *fakeUsage) orNil() portal.Usage {
	if u == nil {
		return nil
	}
	return u
}

func (u *fakeUsage) admit(serial string, at time.Time, apexOnly bool, users ...string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, n := range users {
		u.recs = append(u.recs, usageRec{serial, n, at, apexOnly})
	}
}

func (u *fakeUsage) Users(serials []string, from, to time.Time) (all, apexOnly []string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	seen, seenApex := map[string]bool{}, map[string]bool{}
	for _, r := range u.recs {
		if !slices.Contains(serials, r.serial) || r.at.Before(from) || !r.at.Before(to) {
			continue
		}
		if !seen[r.user] {
			seen[r.user] = true
			all = append(all, r.user)
		}
		if r.apexOnly && !seenApex[r.user] {
			seenApex[r.user] = true
			apexOnly = append(apexOnly, r.user)
		}
	}
	return all, apexOnly
}

func (e *env) portal() headendv1.PortalServiceClient { return headendv1.NewPortalServiceClient(e.conn) }

// doPortal runs a portal command; ok is false for other commands.
func (e *env) doPortal(c *ddCase) (out string, ok bool) {
	t := e.t
	arg := func(k string) string { return e.subst(c.arg(k, "")) }
	num := func(k string) int32 {
		v := arg(k)
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("line %d: %s=%q is not a number", c.line, k, v)
		}
		return int32(n)
	}
	save := func(v string) {
		if name := c.arg("name", ""); name != "" {
			e.vars[name] = v
		}
	}
	pc := e.portal()
	switch c.cmd {
	case "portal-order":
		resp, err := pc.PlaceOrder(ctxT(), &headendv1.PlaceOrderRequest{Lines: []*headendv1.OrderLine{{
			Sku: arg("sku"), Size: num("size"), Customer: arg("customer"), Users: num("users"), Months: num("months"),
			StartDate: arg("start"), Quantity: num("quantity"),
		}}})
		if err != nil {
			return errText(err), true
		}
		p := resp.GetPaks()[0]
		save(p.GetPak())
		return pakText(resp.GetSalesOrder(), p), true
	case "portal-register":
		resp, err := pc.RegisterPak(ctxT(), &headendv1.RegisterPakRequest{Pak: arg("pak"), Serial: arg("serial"), Migrate: c.has("migrate")})
		if err != nil {
			return errText(err), true
		}
		save(resp.GetActivationKey().GetKey())
		var b strings.Builder
		if resp.GetAlreadyRegistered() {
			b.WriteString("[already registered: nothing changed]\n")
		}
		if m := resp.GetMigrated(); len(m) > 0 {
			b.WriteString("migrated:\n" + migratedText(m) + "\n")
		}
		fmt.Fprintf(&b, "key: %s\n", keyText(resp.GetActivationKey()))
		b.WriteString("serial's keys:\n" + keysText(resp.GetActivationKeys()))
		b.WriteString("\n" + resp.GetEmail())
		return b.String(), true
	case "portal-share":
		resp, err := pc.GetActivationCode(ctxT(), &headendv1.GetActivationCodeRequest{SourceSerial: arg("source"), TargetSerial: arg("target")})
		if err != nil {
			return errText(err), true
		}
		save(resp.GetActivationCode())
		return fmt.Sprintf("activation code %s, expires %s\n%s\n%s", resp.GetActivationCode(),
			resp.GetExpiresAt().AsTime().Format(time.RFC3339), licensesText(resp.GetShareable()), resp.GetEmail()), true
	case "portal-use-code":
		var skus []string
		if v := arg("skus"); v != "" {
			skus = strings.Split(v, ",")
		}
		resp, err := pc.UseActivationCode(ctxT(), &headendv1.UseActivationCodeRequest{ActivationCode: arg("code"), Skus: skus})
		if err != nil {
			return errText(err), true
		}
		if len(resp.GetActivationKeys()) > 0 {
			save(resp.GetActivationKeys()[0].GetKey())
		}
		return fmt.Sprintf("shared from %s to %s:\n%s\ntarget's keys:\n%s\n%s", resp.GetSourceSerial(), resp.GetTargetSerial(),
			licensesText(resp.GetShared()), keysText(resp.GetActivationKeys()), resp.GetEmail()), true
	case "portal-licenses":
		resp, err := pc.ListLicenses(ctxT(), &headendv1.ListLicensesRequest{Serial: arg("serial")})
		if err != nil {
			return errText(err), true
		}
		out := licensesText(resp.GetLicenses()) + "\nkeys:\n" + keysText(resp.GetActivationKeys())
		if m := resp.GetMigrated(); len(m) > 0 {
			out += "\nmigrated:\n" + migratedText(m)
		}
		if r := resp.GetRehostedTo(); r != "" {
			out = "returned under RMA, replaced by " + r + "\n" + out
		}
		return out, true
	case "portal-demo":
		resp, err := pc.RequestDemoLicense(ctxT(), &headendv1.RequestDemoLicenseRequest{Serial: arg("serial")})
		if err != nil {
			return errText(err), true
		}
		save(resp.GetActivationKey().GetKey())
		return "key: " + keyText(resp.GetActivationKey()) + "\n\n" + resp.GetEmail(), true
	case "portal-rehost":
		resp, err := pc.RehostForRma(ctxT(), &headendv1.RehostForRmaRequest{OldSerial: arg("old"), NewSerial: arg("new")})
		if err != nil {
			return errText(err), true
		}
		if len(resp.GetActivationKeys()) > 0 {
			save(resp.GetActivationKeys()[0].GetKey())
		}
		return "moved:\n" + licensesText(resp.GetMoved()) + "\nkeys:\n" + keysText(resp.GetActivationKeys()) + "\n" + resp.GetEmail(), true
	case "portal-compliance":
		resp, err := pc.GetComplianceReport(ctxT(), &headendv1.GetComplianceReportRequest{Customer: arg("customer")})
		if err != nil {
			return errText(err), true
		}
		return complianceText(resp), true
	case "fake-usage":
		e.usage = &fakeUsage{}
		e.restart()
		return "admission records connected (daemon restarted)", true
	case "fake-admit":
		if e.usage == nil {
			t.Fatalf("line %d: fake-admit before fake-usage", c.line)
		}
		at := e.lab.Clock().Now()
		if v := arg("at"); v != "" {
			var err error
			if at, err = time.Parse(time.RFC3339, v); err != nil {
				t.Fatalf("line %d: %v", c.line, err)
			}
		}
		var users []string
		for _, u := range strings.Split(arg("users"), ",") {
			// NAME*N stands for NAME0 .. NAME<N-1>.
			if name, n, ok := strings.Cut(u, "*"); ok {
				count, err := strconv.Atoi(n)
				if err != nil {
					t.Fatalf("line %d: %q", c.line, u)
				}
				for i := range count {
					users = append(users, name+strconv.Itoa(i))
				}
				continue
			}
			users = append(users, u)
		}
		e.usage.admit(arg("serial"), at, c.has("apex"), users...)
		return fmt.Sprintf("%d users admitted on %s at %s", len(users), arg("serial"), at.Format(time.RFC3339)), true
	}
	return "", false
}

func lower(enum fmt.Stringer, prefix string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(enum.String(), prefix), "_", "-"))
}

func pakText(order string, p *headendv1.Pak) string {
	var b strings.Builder
	fmt.Fprintf(&b, "PAK %s: sales order %s line %d, %s (%s, %s) for %q, quantity %d\n", p.GetPak(), order, p.GetLine(), p.GetSku(),
		lower(p.GetTier(), "LICENSE_TIER_"), lower(p.GetKind(), "LICENSE_KIND_"), p.GetCustomer(), p.GetQuantity())
	if p.GetAuthorizedUsers() > 0 {
		fmt.Fprintf(&b, "authorized users %d\n", p.GetAuthorizedUsers())
	}
	end := p.GetEndDate()
	if end == "" {
		end = "perpetual"
	}
	if p.GetDays() > 0 {
		end = fmt.Sprintf("a time-based key of %d days from its activation", p.GetDays())
	}
	fmt.Fprintf(&b, "license %s to %s", p.GetStartDate(), end)
	if p.GetRenewalOf() != "" {
		fmt.Fprintf(&b, ", renews PAK %s", p.GetRenewalOf())
	}
	fmt.Fprintf(&b, "\ndelivered %s, usable from %s; multi-use %v", p.GetDeliveredAt().AsTime().Format(time.RFC3339),
		p.GetActiveAt().AsTime().Format(time.RFC3339), p.GetMultiUse())
	return b.String()
}

func keyText(k *headendv1.IssuedKey) string {
	return fmt.Sprintf("%s: %s [%s: %s]", k.GetSerial(), k.GetKey(), k.GetLabel(), strings.Join(k.GetFeatures(), " "))
}

func keysText(keys []*headendv1.IssuedKey) string {
	if len(keys) == 0 {
		return "(none)"
	}
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(keyText(k))
	}
	return b.String()
}

func licensesText(rows []*headendv1.PortalLicense) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "SKU\tPAK\tQUANTITY\tSTART\tEND\tHOW\tFROM\tSHAREABLE")
	for _, r := range rows {
		end := r.GetEndDate()
		switch {
		case r.GetKind() == headendv1.LicenseKind_LICENSE_KIND_TIME_BASED:
			end = fmt.Sprintf("%d days", r.GetDays())
		case end == "":
			end = "perpetual"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%v\n", r.GetSku(), r.GetPak(), r.GetQuantity(), r.GetStartDate(), end,
			lower(r.GetRegistration(), "REGISTRATION_KIND_"), r.GetFromSerial(), r.GetShareable())
	}
	tw.Flush()
	return strings.TrimRight(b.String(), "\n")
}

// migratedText lists retired licenses a migration replaced.
func migratedText(rows []*headendv1.PortalLicense) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "SKU\tPAK\tREGISTERED\tMIGRATED\tTO PAK")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.GetSku(), r.GetPak(), r.GetRegisteredAt().AsTime().Format(time.RFC3339),
			r.GetMigratedAt().AsTime().Format(time.RFC3339), r.GetMigratedToPak())
	}
	tw.Flush()
	return strings.TrimRight(b.String(), "\n")
}

func complianceText(r *headendv1.GetComplianceReportResponse) string {
	var b strings.Builder
	fmt.Fprintf(&b, "report at %s, usage available: %v\n", r.GetGeneratedAt().AsTime().Format(time.RFC3339), r.GetUsageAvailable())
	for _, c := range r.GetCustomers() {
		fmt.Fprintf(&b, "customer %q: %d authorized in force, %d unique users\n", c.GetCustomer(), c.GetAuthorizedUsers(), c.GetUniqueUsers())
		for _, f := range c.GetFindings() {
			fmt.Fprintf(&b, "  ! %s\n", f)
		}
		for _, e := range c.GetEntitlements() {
			end := e.GetEndDate()
			if end == "" {
				end = "perpetual"
			}
			fmt.Fprintf(&b, "  %s %s %s..%s PAKs %s on [%s]: %d authorized, %d seen, over-use %v, expired %v, after end %d, apex-only %d\n",
				lower(e.GetTier(), "LICENSE_TIER_"), e.GetSku(), e.GetStartDate(), end, strings.Join(e.GetPaks(), ","),
				strings.Join(e.GetSerials(), " "), e.GetAuthorizedUsers(), e.GetUniqueUsers(), e.GetOverUse(), e.GetExpired(),
				e.GetUsersAfterEnd(), e.GetApexOnlyUsers())
			for _, m := range e.GetMigrations() {
				fmt.Fprintf(&b, "    migrated %s on %s by PAK %s: %s\n", m.GetSerial(), m.GetMigratedAt().AsTime().Format(time.RFC3339),
					m.GetPak(), strings.Join(m.GetSkus(), ", "))
			}
			for _, f := range e.GetFindings() {
				fmt.Fprintf(&b, "    ! %s\n", f)
			}
		}
	}
	return b.String()
}
