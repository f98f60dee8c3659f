package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// The licensing portal commands. Their output is made for scripts: the PAK
// or activation code is the first word, and every key is on one line as
// "<serial>: <five words>", the license e-mail's format.

func (c *cli) portal(args []string) error {
	subs := map[string]func([]string) error{
		"order": c.portalOrder, "register": c.portalRegister, "share": c.portalShare, "use-code": c.portalUseCode,
		"licenses": c.portalLicenses, "demo": c.portalDemo, "rehost": c.portalRehost, "compliance": c.portalCompliance,
	}
	if len(args) == 0 {
		return usagef("usage: portal order|register|share|use-code|licenses|demo|rehost|compliance ...")
	}
	h, ok := subs[args[0]]
	if !ok {
		return usagef("portal: unknown command %q (order, register, share, use-code, licenses, demo, rehost, compliance)", args[0])
	}
	return h(args[1:])
}

// listFlag collects a repeated flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// seedDate prints a portal date (YYYY-MM-DD) as the portal's pages do:
// 04/27/2016.
func seedDate(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.Format("01/02/2006")
}

func (c *cli) portalOrder(args []string) error {
	var sku, start, customer string
	var users, months, size, quantity int32
	pos, err := subflags("portal order", args, func(fs *flag.FlagSet) {
		// The portal checks the ranges of its SKUs; here only what the
		// int32 fields of the request hold, with 0 for not given.
		fs.StringVar(&sku, "sku", "", "part number, e.g. L-AC-PLS-LIC=")
		intVar(fs, &users, "users", 0, 0, math.MaxInt32, "authorized users (Plus/Apex)")
		intVar(fs, &months, "months", 0, 0, math.MaxInt32, "term in months (banding SKUs: 12-60; time-based Premium: 1-12)")
		fs.StringVar(&start, "start", "", "term start, YYYY-MM-DD or MM/DD/YYYY, at most 60 days ahead (default: tomorrow)")
		intVar(fs, &size, "size", 0, 0, math.MaxInt32, "size of a sized SKU given without it (L-AC-VPNO= --size 100)")
		intVar(fs, &quantity, "quantity", 0, 0, math.MaxInt32, "quantity on the line (more entitlement, never more PAKs)")
		fs.StringVar(&customer, "customer", "", "the end customer of this line")
	})
	if err != nil {
		return err
	}
	if len(pos) > 0 || sku == "" {
		return usagef("usage: portal order --sku SKU [--users N] [--months N] [--start DATE] [--size N] [--quantity N] --customer NAME")
	}
	return c.call(func(cx context.Context, s services) error {
		resp, err := s.pc.PlaceOrder(cx, &headendv1.PlaceOrderRequest{Lab: c.lab, Lines: []*headendv1.OrderLine{{
			Sku: sku, Users: users, Months: months, StartDate: start, Size: size,
			Quantity: quantity, Customer: customer,
		}}})
		if err != nil {
			return err
		}
		if c.output == "json" {
			return c.emit(resp, nil)
		}
		p := resp.GetPaks()[0]
		var what []string
		if p.GetAuthorizedUsers() > 0 {
			what = append(what, fmt.Sprintf("%d authorized users", p.GetAuthorizedUsers()))
		}
		switch {
		case p.GetDays() > 0:
			what = append(what, fmt.Sprintf("a time-based key of %d days", p.GetDays()))
		case p.GetEndDate() == "":
			what = append(what, "from "+seedDate(p.GetStartDate())+", perpetual")
		default:
			what = append(what, seedDate(p.GetStartDate())+" to "+seedDate(p.GetEndDate()))
		}
		if p.GetRenewalOf() != "" {
			what = append(what, "renews PAK "+p.GetRenewalOf())
		}
		fmt.Fprintf(c.stdout, "%s %s for %q: %s; sales order %s; usable from %s\n", p.GetPak(), p.GetSku(), p.GetCustomer(),
			strings.Join(what, ", "), resp.GetSalesOrder(), p.GetActiveAt().AsTime().Format(time.RFC3339))
		return nil
	})
}

func (c *cli) portalRegister(args []string) error {
	var pak, serial, udi, out string
	var migrate bool
	pos, err := subflags("portal register", args, func(fs *flag.FlagSet) {
		fs.StringVar(&pak, "pak", "", "the Product Activation Key")
		fs.StringVar(&serial, "serial", "", "the ASA's serial number, as show version prints it")
		fs.BoolVar(&migrate, "migrate", false, "Migration: a Plus, Apex or VPN Only PAK replaces the serial's retired AnyConnect licenses")
		fs.StringVar(&udi, "udi", "", "an IOS router's UDI (PID:SN, as show license udi prints it), for an IOS PAK")
		fs.StringVar(&out, "out", "", "with --udi: where to write the license file")
	})
	if err != nil {
		return err
	}
	if len(pos) > 0 || pak == "" || (udi == "") != (out == "") || udi != "" && (serial != "" || migrate) {
		return usagef("usage: portal register --pak PAK --serial S [--migrate] | portal register --pak PAK --udi PID:SN --out FILE")
	}
	return c.call(func(cx context.Context, s services) error {
		resp, err := s.pc.RegisterPak(cx, &headendv1.RegisterPakRequest{Lab: c.lab, Pak: pak, Serial: serial, Migrate: migrate, Udi: udi})
		if err != nil {
			return err
		}
		if c.output == "json" {
			// The file is written as with text; the document holds it too.
			if udi != "" {
				if err := writeLicenseFile(out, pak, resp); err != nil {
					return err
				}
			}
			return c.emit(resp, nil)
		}
		fmt.Fprint(c.stdout, resp.GetEmail())
		if m := resp.GetMigrated(); len(m) > 0 {
			var names []string
			for _, l := range m {
				names = append(names, l.GetSku()+" (PAK "+l.GetPak()+")")
			}
			fmt.Fprintf(c.stdout, "\nmigrated on %s to PAK %s: %s\n", m[0].GetMigratedAt().AsTime().Format("01/02/2006"),
				m[0].GetMigratedToPak(), strings.Join(names, ", "))
		}
		if udi == "" {
			return nil
		}
		if err := writeLicenseFile(out, pak, resp); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "%s: license file %s for %s, %d bytes\n", out, resp.GetLicenseFileName(), udi, len(resp.GetLicenseFile()))
		return nil
	})
}

// writeLicenseFile writes the license file an IOS PAK's registration
// issued.
func writeLicenseFile(out, pak string, resp *headendv1.RegisterPakResponse) error {
	lic := resp.GetLicenseFile()
	if len(lic) == 0 {
		return fmt.Errorf("the portal issued no license file for PAK %s", pak)
	}
	return os.WriteFile(out, lic, 0o644)
}

func (c *cli) portalShare(args []string) error {
	var source, target string
	pos, err := subflags("portal share", args, func(fs *flag.FlagSet) {
		fs.StringVar(&source, "source", "", "serial of the ASA that has the licenses")
		fs.StringVar(&target, "target", "", "serial of the ASA to share them to")
	})
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("usage: portal share --source S --target T")
	}
	return c.call(func(cx context.Context, s services) error {
		resp, err := s.pc.GetActivationCode(cx, &headendv1.GetActivationCodeRequest{Lab: c.lab, SourceSerial: source, TargetSerial: target})
		if err != nil {
			return err
		}
		return c.emit(resp, func() error {
			fmt.Fprintf(c.stdout, "%s activation code for %s -> %s, usable once until %s\n\n", resp.GetActivationCode(), source, target,
				resp.GetExpiresAt().AsTime().Format(time.RFC3339))
			printLicenses(c, resp.GetShareable())
			fmt.Fprintln(c.stdout)
			fmt.Fprint(c.stdout, resp.GetEmail())
			return nil
		})
	})
}

func (c *cli) portalUseCode(args []string) error {
	var code string
	var skus listFlag
	pos, err := subflags("portal use-code", args, func(fs *flag.FlagSet) {
		fs.StringVar(&code, "code", "", "the activation code")
		fs.Var(&skus, "sku", "share only this SKU (or PAK); repeat for more (default: every shareable license)")
	})
	if err != nil {
		return err
	}
	if len(pos) > 0 || code == "" {
		return usagef("usage: portal use-code --code C [--sku SKU|PAK]...")
	}
	return c.call(func(cx context.Context, s services) error {
		resp, err := s.pc.UseActivationCode(cx, &headendv1.UseActivationCodeRequest{Lab: c.lab, ActivationCode: code, Skus: skus})
		if err != nil {
			return err
		}
		if c.output == "json" {
			return c.emit(resp, nil)
		}
		printKeys(c, resp.GetActivationKeys())
		var shared []string
		for _, l := range resp.GetShared() {
			shared = append(shared, l.GetSku()+" (PAK "+l.GetPak()+")")
		}
		if len(shared) == 0 {
			shared = []string{"nothing new (the target holds them already)"}
		}
		fmt.Fprintf(c.stdout, "\nshared from %s to %s: %s\n", resp.GetSourceSerial(), resp.GetTargetSerial(), strings.Join(shared, ", "))
		return nil
	})
}

func (c *cli) portalLicenses(args []string) error {
	var serial string
	pos, err := subflags("portal licenses", args, func(fs *flag.FlagSet) {
		fs.StringVar(&serial, "serial", "", "the ASA's serial number")
	})
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("usage: portal licenses --serial S")
	}
	return c.call(func(cx context.Context, s services) error {
		resp, err := s.pc.ListLicenses(cx, &headendv1.ListLicensesRequest{Lab: c.lab, Serial: serial})
		if err != nil {
			return err
		}
		if c.output == "json" {
			return c.emit(resp, nil)
		}
		if r := resp.GetRehostedTo(); r != "" {
			fmt.Fprintf(c.stdout, "%s was returned under RMA; its licenses are registered to %s\n", serial, r)
			return nil
		}
		if len(resp.GetLicenses()) == 0 {
			fmt.Fprintf(c.stdout, "no licenses are registered to %s\n", serial)
			return nil
		}
		printLicenses(c, resp.GetLicenses())
		fmt.Fprintln(c.stdout)
		printKeys(c, resp.GetActivationKeys())
		if m := resp.GetMigrated(); len(m) > 0 {
			fmt.Fprintln(c.stdout)
			printMigrated(c, m)
		}
		return nil
	})
}

// printMigrated prints a serial's history of retired licenses replaced by
// a migration.
func printMigrated(c *cli, rows []*headendv1.PortalLicense) {
	tw := tabwriter.NewWriter(c.stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "MIGRATED SKU\tPAK\tREGISTERED ON\tMIGRATED ON\tREPLACED BY PAK")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.GetSku(), r.GetPak(), r.GetRegisteredAt().AsTime().Format("01/02/2006"),
			r.GetMigratedAt().AsTime().Format("01/02/2006"), r.GetMigratedToPak())
	}
	tw.Flush()
}

func (c *cli) portalDemo(args []string) error {
	var serial string
	pos, err := subflags("portal demo", args, func(fs *flag.FlagSet) {
		fs.StringVar(&serial, "serial", "", "the ASA's serial number")
	})
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("usage: portal demo --serial S")
	}
	return c.call(func(cx context.Context, s services) error {
		resp, err := s.pc.RequestDemoLicense(cx, &headendv1.RequestDemoLicenseRequest{Lab: c.lab, Serial: serial})
		if err != nil {
			return err
		}
		return c.emit(resp, func() error { _, err := fmt.Fprint(c.stdout, resp.GetEmail()); return err })
	})
}

func (c *cli) portalRehost(args []string) error {
	var oldSerial, newSerial string
	pos, err := subflags("portal rehost", args, func(fs *flag.FlagSet) {
		fs.StringVar(&oldSerial, "old", "", "serial of the unit returned under RMA")
		fs.StringVar(&newSerial, "new", "", "serial of its replacement")
	})
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("usage: portal rehost --old S --new T")
	}
	return c.call(func(cx context.Context, s services) error {
		resp, err := s.pc.RehostForRma(cx, &headendv1.RehostForRmaRequest{Lab: c.lab, OldSerial: oldSerial, NewSerial: newSerial})
		if err != nil {
			return err
		}
		return c.emit(resp, func() error { _, err := fmt.Fprint(c.stdout, resp.GetEmail()); return err })
	})
}

func (c *cli) portalCompliance(args []string) error {
	var customer string
	pos, err := subflags("portal compliance", args, func(fs *flag.FlagSet) {
		fs.StringVar(&customer, "customer", "", "only this customer")
	})
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("usage: portal compliance [--customer NAME]")
	}
	return c.call(func(cx context.Context, s services) error {
		resp, err := s.pc.GetComplianceReport(cx, &headendv1.GetComplianceReportRequest{Lab: c.lab, Customer: customer})
		if err != nil {
			return err
		}
		if c.output == "json" {
			return c.emit(resp, nil)
		}
		fmt.Fprintf(c.stdout, "Compliance report at %s\n", resp.GetGeneratedAt().AsTime().Format(time.RFC3339))
		if !resp.GetUsageAvailable() {
			fmt.Fprintln(c.stdout, "Usage: unavailable (no admission records connected); user counts are not measured.")
		}
		for _, cc := range resp.GetCustomers() {
			fmt.Fprintf(c.stdout, "\nCustomer %q: %d users authorized by the licenses in force, %d unique users seen\n",
				cc.GetCustomer(), cc.GetAuthorizedUsers(), cc.GetUniqueUsers())
			for _, f := range cc.GetFindings() {
				fmt.Fprintf(c.stdout, "  ! %s\n", f)
			}
			tw := tabwriter.NewWriter(c.stdout, 0, 8, 2, ' ', 0)
			fmt.Fprintln(tw, "  TIER\tSKU\tSTART\tEND\tAUTHORIZED\tSEEN\tAFTER END\tAPEX-ONLY\tASAS")
			for _, e := range cc.GetEntitlements() {
				end := "perpetual"
				if e.GetEndDate() != "" {
					end = seedDate(e.GetEndDate())
				}
				tier := strings.TrimPrefix(e.GetTier().String(), "LICENSE_TIER_")
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\n", tier, e.GetSku(), seedDate(e.GetStartDate()), end,
					e.GetAuthorizedUsers(), e.GetUniqueUsers(), e.GetUsersAfterEnd(), e.GetApexOnlyUsers(), strings.Join(e.GetSerials(), " "))
			}
			tw.Flush()
			for _, e := range cc.GetEntitlements() {
				for _, m := range e.GetMigrations() {
					fmt.Fprintf(c.stdout, "  migrated %s to %s (PAK %s) on %s: %s\n", m.GetSerial(), e.GetSku(), m.GetPak(),
						m.GetMigratedAt().AsTime().Format("01/02/2006"), strings.Join(m.GetSkus(), ", "))
				}
			}
			for _, e := range cc.GetEntitlements() {
				for _, f := range e.GetFindings() {
					fmt.Fprintf(c.stdout, "  ! %s %s (PAK %s): %s\n", e.GetSku(), strings.TrimPrefix(e.GetTier().String(), "LICENSE_TIER_"),
						strings.Join(e.GetPaks(), ", "), f)
				}
			}
		}
		printVACompliance(c, resp.GetVirtualAccounts())
		return nil
	})
}

// printVACompliance prints the ASAv part of the compliance report, one
// Smart Account / virtual account a line.
func printVACompliance(c *cli, vas []*headendv1.VirtualAccountCompliance) {
	if len(vas) == 0 {
		return
	}
	fmt.Fprintln(c.stdout, "\nASAv (Smart Licensing), by virtual account:")
	tw := tabwriter.NewWriter(c.stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "  SMART ACCOUNT\tVIRTUAL ACCOUNT\tPLUS\tAPEX\tVPN ONLY\tSINCE\tSEEN\tAPEX-ONLY\tASAV")
	for _, v := range vas {
		since := "-"
		if v.GetSince() != nil {
			since = v.GetSince().AsTime().Format(time.DateOnly)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%d\t%d\t%s\t%d\t%d\t%s\n", v.GetSmartAccount(), v.GetVirtualAccount(), v.GetPlus(), v.GetApex(),
			v.GetVpnOnly(), since, v.GetUniqueUsers(), v.GetApexOnlyUsers(), strings.Join(v.GetSerials(), " "))
	}
	tw.Flush()
	for _, v := range vas {
		for _, f := range v.GetFindings() {
			fmt.Fprintf(c.stdout, "  ! %s/%s: %s\n", v.GetSmartAccount(), v.GetVirtualAccount(), f)
		}
	}
}

// printLicenses prints the portal's "Source SKU Selection" table (as
// the Cisco Secure Client licensing FAQ shows it).
func printLicenses(c *cli, rows []*headendv1.PortalLicense) {
	tw := tabwriter.NewWriter(c.stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "PRODUCT SKU\tPAK\tQUANTITY\tLICENSE START DATE\tLICENSE END DATE\tREGISTERED\tFROM")
	for _, r := range rows {
		end := seedDate(r.GetEndDate())
		switch {
		case r.GetKind() == headendv1.LicenseKind_LICENSE_KIND_TIME_BASED:
			end = fmt.Sprintf("%d days from activation", r.GetDays())
		case end == "":
			end = "perpetual"
		}
		how := strings.ToLower(strings.TrimPrefix(r.GetRegistration().String(), "REGISTRATION_KIND_"))
		pak := r.GetPak()
		if pak == "" {
			pak = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\n", r.GetSku(), pak, r.GetQuantity(), seedDate(r.GetStartDate()), end, how, r.GetFromSerial())
	}
	tw.Flush()
}

// printKeys prints one key per line, "<serial>: <five words>", then what
// it is.
func printKeys(c *cli, keys []*headendv1.IssuedKey) {
	for _, k := range keys {
		fmt.Fprintf(c.stdout, "%s: %s  (%s: %s)\n", k.GetSerial(), k.GetKey(), k.GetLabel(), strings.Join(k.GetFeatures(), " "))
	}
}
