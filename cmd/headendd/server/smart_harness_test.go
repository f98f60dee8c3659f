package server

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// doSmart runs a command of the lab's Smart Software Manager in a
// transcript: `smart-account NAME`, `smart-entitlement account=A [va=V]
// tag=T count=N [ends=DATE]`, `smart-token account=A [va=V] [days=N]
// [uses=N] [name=VAR]` (the token kept in $VAR, TOKEN by default),
// `smart-revoke TOKEN`, `smart-devices account=A`, `smart-usage account=A`,
// `smart-reserve account=A request=CODE [name=VAR]`, and `events H
// kind=smart` (a headend's events of that kind, each its text and its
// syslog line); ok is false for other
// commands.
func (e *env) doSmart(c *ddCase) (out string, ok bool) {
	pos := c.positional()
	arg0 := ""
	if len(pos) > 0 {
		arg0 = e.subst(pos[0])
	}
	sc := headendv1.NewSmartServiceClient(e.conn)
	num := func(key string) int32 {
		n, err := strconv.Atoi(c.arg(key, "0"))
		if err != nil {
			e.t.Fatalf("line %d: %s=%q: %v", c.line, key, c.arg(key, ""), err)
		}
		return int32(n)
	}
	switch c.cmd {
	case "smart-account":
		resp, err := sc.CreateAccount(ctxT(), &headendv1.CreateAccountRequest{Name: arg0})
		if err != nil {
			return errText(err), true
		}
		a := resp.GetAccount()
		return fmt.Sprintf("account %s, virtual accounts %s", a.GetName(), strings.Join(a.GetVirtualAccounts(), " ")), true
	case "smart-entitlement":
		resp, err := sc.AddEntitlement(ctxT(), &headendv1.AddEntitlementRequest{Account: c.arg("account", ""),
			VirtualAccount: c.arg("va", ""), Tag: c.arg("tag", ""), Count: num("count"), Ends: c.arg("ends", "")})
		if err != nil {
			return errText(err), true
		}
		en := resp.GetEntitlement()
		return fmt.Sprintf("%s/%s %s x%d", en.GetAccount(), en.GetVirtualAccount(), en.GetTag(), en.GetCount()), true
	case "smart-token":
		resp, err := sc.CreateToken(ctxT(), &headendv1.CreateTokenRequest{Account: c.arg("account", ""),
			VirtualAccount: c.arg("va", ""), Days: num("days"), Uses: num("uses")})
		if err != nil {
			return errText(err), true
		}
		tk := resp.GetToken()
		e.vars[c.arg("name", "TOKEN")] = tk.GetToken()
		return fmt.Sprintf("%s %s/%s expires %s, uses %d", tk.GetToken(), tk.GetAccount(), tk.GetVirtualAccount(),
			tk.GetExpiresAt().AsTime().Format(time.RFC3339), tk.GetMaxUses()), true
	case "smart-revoke":
		resp, err := sc.RevokeToken(ctxT(), &headendv1.RevokeTokenRequest{Token: arg0})
		if err != nil {
			return errText(err), true
		}
		return fmt.Sprintf("%s revoked at %s", resp.GetToken().GetToken(), resp.GetToken().GetRevokedAt().AsTime().Format(time.RFC3339)), true
	case "smart-devices":
		resp, err := sc.ListDevices(ctxT(), &headendv1.ListDevicesRequest{Account: c.arg("account", "")})
		if err != nil {
			return errText(err), true
		}
		var b strings.Builder
		for _, d := range resp.GetDevices() {
			fmt.Fprintf(&b, "%s %s %s %s reserved %v\n", d.GetUdi(), d.GetVirtualAccount(), strings.Join(d.GetTags(), ","),
				d.GetStatus(), d.GetReserved())
		}
		fmt.Fprintf(&b, "%d devices", len(resp.GetDevices()))
		return b.String(), true
	case "smart-usage":
		resp, err := sc.GetUsage(ctxT(), &headendv1.GetUsageRequest{Account: c.arg("account", "")})
		if err != nil {
			return errText(err), true
		}
		var b strings.Builder
		for _, u := range resp.GetTags() {
			fmt.Fprintf(&b, "%s %s purchased %d, in use %d, balance %d\n", u.GetVirtualAccount(), u.GetTag(),
				u.GetPurchased(), u.GetInUse(), u.GetBalance())
		}
		fmt.Fprintf(&b, "in compliance %v", resp.GetInCompliance())
		return b.String(), true
	case "smart-reserve":
		resp, err := sc.Reserve(ctxT(), &headendv1.ReserveRequest{Account: c.arg("account", ""),
			RequestCode: e.subst(c.arg("request", ""))})
		if err != nil {
			return errText(err), true
		}
		e.vars[c.arg("name", "AUTHCODE")] = resp.GetAuthorizationCode()
		return fmt.Sprintf("%s %s %s", resp.GetAuthorizationCode(), resp.GetTag(), resp.GetDevice().GetUdi()), true
	case "events":
		kind := headendv1.EventKind(headendv1.EventKind_value["EVENT_KIND_"+strings.ToUpper(c.arg("kind", ""))])
		resp, err := headendv1.NewEventServiceClient(e.conn).ListEvents(ctxT(), &headendv1.ListEventsRequest{PageSize: 1000,
			Filter: &headendv1.EventFilter{Headends: []string{arg0}, Kinds: []headendv1.EventKind{kind}}})
		if err != nil {
			return errText(err), true
		}
		var b strings.Builder
		for _, ev := range resp.GetEvents() {
			fmt.Fprintf(&b, "%s %s\n", ev.GetTime().AsTime().Format(time.RFC3339), ev.GetText())
			if ev.GetSyslog() != "" {
				fmt.Fprintf(&b, "  %s\n", ev.GetSyslog())
			}
		}
		fmt.Fprintf(&b, "%d events", len(resp.GetEvents()))
		return b.String(), true
	}
	return "", false
}
