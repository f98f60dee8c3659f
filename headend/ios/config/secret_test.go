package config

import "testing"

// TestMD5Crypt: the known answer of MD5-crypt ("password", salt "saltsalt"
// gives $1$saltsalt$qjXMvbEw8oaL.CzflDtaK/, as `openssl passwd -1 -salt
// saltsalt password` prints it), and a fresh secret checks.
func TestMD5Crypt(t *testing.T) {
	if got := md5Crypt("password", "saltsalt"); got != "$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/" {
		t.Errorf("md5Crypt = %s", got)
	}
	s := HashSecret("cisco123")
	if !ValidSecret(s) || !CheckSecret(s, "cisco123") || CheckSecret(s, "cisco124") || CheckSecret("", "") {
		t.Errorf("secret %s does not check", s)
	}
}
