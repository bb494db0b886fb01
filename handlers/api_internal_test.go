package handlers

import "testing"

// TestBearerToken: the scheme of the Authorization header is case-insensitive (RFC 9110 §11.1);
// anything but a Bearer scheme with a token is no credential.
func TestBearerToken(t *testing.T) {
	for header, want := range map[string]string{
		"Bearer rdk_abc": "rdk_abc", "bearer rdk_abc": "rdk_abc", "BEARER rdk_abc": "rdk_abc",
		"Bearer   rdk_abc  ": "rdk_abc", " Bearer rdk_abc": "rdk_abc",
		"": "", "Bearer": "", "Bearer ": "", "Basic dXNlcjpwYXNz": "", "Bearerrdk_abc": "", "Token rdk_abc": "",
	} {
		got, ok := bearerToken(header)
		if got != want || ok != (want != "") {
			t.Errorf("bearerToken(%q) = %q, %v; want %q", header, got, ok, want)
		}
	}
}
