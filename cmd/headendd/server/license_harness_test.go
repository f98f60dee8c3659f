package server

import (
	"fmt"
	"strings"
	"time"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// doLicenseView runs `license-view H` in a transcript: what GetHeadend
// shows of the license beyond the headend's own, its part in shared
// licensing and its failover pair's combined license; ok is false for
// other commands.
func (e *env) doLicenseView(c *ddCase) (out string, ok bool) {
	pos := c.positional()
	if c.cmd != "license-view" || len(pos) != 1 {
		return "", false
	}
	resp, err := e.hc.GetHeadend(ctxT(), &headendv1.GetHeadendRequest{Hostname: pos[0]})
	if err != nil {
		return errText(err), true
	}
	h := resp.GetHeadend()
	var b strings.Builder
	if sh := h.GetSharedLicensing(); sh == nil {
		fmt.Fprintf(&b, "%s shared: none\n", h.GetHostname())
	} else {
		role := strings.ToLower(strings.TrimPrefix(sh.GetRole().String(), "SHARED_LICENSING_ROLE_"))
		fmt.Fprintf(&b, "%s shared: %s, server %s %q, registered %v; borrowed %d; pool %d, available %d; platform %d",
			h.GetHostname(), role, sh.GetServerHostname(), sh.GetServerAddress(), sh.GetRegistered(), sh.GetBorrowed(),
			sh.GetPoolTotal(), sh.GetPoolAvailable(), sh.GetPlatformLimit())
		if sh.GetBackupActive() || sh.GetBackupDaysLeft() > 0 {
			fmt.Fprintf(&b, "; backup active %v, %d days left", sh.GetBackupActive(), sh.GetBackupDaysLeft())
		}
		if u := sh.GetBorrowedUntil(); u != nil {
			fmt.Fprintf(&b, "; borrowed until %s", u.AsTime().Format(time.RFC3339))
		}
		b.WriteString("\n")
	}
	if cl := h.GetFailover().GetCluster(); cl == nil {
		fmt.Fprintf(&b, "%s cluster: none", h.GetHostname())
	} else {
		fmt.Fprintf(&b, "%s cluster: premium %d, other %d, total %d", h.GetHostname(), cl.GetAnyconnectPremiumPeers(),
			cl.GetOtherVpnPeers(), cl.GetTotalVpnPeers())
	}
	return b.String(), true
}
