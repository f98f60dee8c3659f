package license_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The ntc-templates project's TextFSM template for IOS `show license`
// (networktocode/ntc-templates, Apache-2.0) is read from the folder
// ASALAB_NTC_TEMPLATES names; it is not kept in the repository.
func ntcTemplate(t *testing.T, name string) string {
	t.Helper()
	root := os.Getenv("ASALAB_NTC_TEMPLATES")
	if root == "" {
		t.Fatal("ASALAB_NTC_TEMPLATES is not set: it names the ntc-templates folder the conformance tests read; make test sets it")
	}
	return filepath.Join(root, "templates", name)
}

// showLicenseFSM reads a template of the shape of cisco_ios_show_license:
// one Start state of anchored rules capturing Values, "-> Continue.Record"
// and "-> Error". It returns the captures per Value, in order, or the
// first line the template rejects.
func showLicenseFSM(t *testing.T, path string, text string) (map[string][]string, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	values := map[string]string{}
	type rule struct {
		re          *regexp.Regexp
		errs, conts bool
	}
	var rules []rule
	valueRE := regexp.MustCompile(`^Value\s+(?:\w+\s+)*?(\w+)\s+(\(.*\))\s*$`)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "Value "):
			m := valueRE.FindStringSubmatch(line)
			values[m[1]] = m[2][1 : len(m[2])-1]
		case trimmed == "" || trimmed == "Start" || strings.HasPrefix(trimmed, "#"):
		default:
			expr, action, _ := strings.Cut(trimmed, " -> ")
			expr = regexp.MustCompile(`\$\{(\w+)\}`).ReplaceAllStringFunc(expr, func(ref string) string {
				name := ref[2 : len(ref)-1]
				return "(?P<" + name + ">" + values[name] + ")"
			})
			expr = strings.ReplaceAll(expr, "$$", "$")
			rules = append(rules, rule{re: regexp.MustCompile(expr), errs: action == "Error", conts: strings.HasPrefix(action, "Continue")})
		}
	}
	got := map[string][]string{}
	for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		for _, r := range rules {
			m := r.re.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			if r.errs {
				return got, fmt.Errorf("line %d rejected: %q", i+1, line)
			}
			for j, name := range r.re.SubexpNames() {
				if name != "" {
					got[name] = append(got[name], m[j])
				}
			}
			if !r.conts {
				break
			}
		}
	}
	return got, nil
}

// TestShowLicenseNTC: the ntc template parses `show license` in each state
// of the acceptance path, with the SSL_VPN count it shows.
func TestShowLicenseNTC(t *testing.T) {
	tpl := ntcTemplate(t, "cisco_ios_show_license.textfsm")
	// The reader itself: it rejects a line no router prints.
	if _, err := showLicenseFSM(t, tpl, "Index 1 Feature: ipbasek9\nSeats: plenty\n"); err == nil {
		t.Fatal("the reader accepted an invented line")
	}
	sg := labSigner(t)
	s := new2911(t)
	check := func(when string, inUse int, wantCount string) {
		t.Helper()
		got, err := showLicenseFSM(t, tpl, s.ShowLicense(t0, map[string]int{"SSL_VPN": inUse}))
		if err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		if f := strings.Join(got["FEATURE"], " "); f != "ipbasek9 securityk9 uck9 datak9 SSL_VPN ios-ips-update WAAS_Express" {
			t.Errorf("%s: features %q", when, f)
		}
		if c := got["LICENSE_COUNT"][4]; c != wantCount {
			t.Errorf("%s: SSL_VPN count %q, want %q", when, c, wantCount)
		}
	}
	check("factory", 0, "0/0  (In-use/Violation)")
	if _, err := s.BootModule(t0, "c2900", "securityk9", true); err != nil {
		t.Fatal(err)
	}
	s.Reload(t0)
	check("evaluation", 0, "0/0  (In-use/Violation)")
	if _, err := s.Install(t0, udi2911, "flash:x.lic", issue(t, sg, udi2911, "FL-SSLVPN10-K9", "P1"), sg); err != nil {
		t.Fatal(err)
	}
	check("ten seats", 10, "10/10/0  (Active/In-use/Violation)")
	s.Advance(t0.Add(61*24*time.Hour), nil)
	// The period is over: nothing left, the template still reads it.
	check("expired", 0, "10/0/0  (Active/In-use/Violation)")
	if !strings.Contains(s.ShowLicense(t0.Add(61*24*time.Hour), nil), "Index 2 Feature: securityk9\n\tPeriod left: 0  minute  0  second \n") {
		t.Errorf("expired:\n%s", s.ShowLicense(t0.Add(61*24*time.Hour), nil))
	}
}
