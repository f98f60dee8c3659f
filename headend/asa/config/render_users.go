package config

import "fmt"

// The local users, enable password and pager lines of the running
// configuration.

// Secret prints a password hash as the ASA does: masked by `show
// running-config`, in full by `more system:running-config`.
func Secret(hash string, reveal bool) string {
	if reveal {
		return hash + " pbkdf2"
	}
	return "***** pbkdf2"
}

// PagerLine is the default page length of new sessions.
func PagerLine(c Config) string {
	if c.PagerLines == 0 {
		return "no pager"
	}
	return fmt.Sprintf("pager lines %d", c.PagerLines)
}

// UserLines are the local users; privilege 2, the default, is shown only by
// `show running-config all`.
func UserLines(c Config, all, reveal bool, line func(string)) {
	for _, u := range c.Users {
		l := "username " + u.Name + " password " + Secret(u.Hash, reveal)
		if u.Privilege != DefaultPrivilege || all {
			l += fmt.Sprintf(" privilege %d", u.Privilege)
		}
		line(l)
	}
}
