package mailer_test

import (
	"strings"
	"testing"

	"rightsdesk/mailer"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		raw  string
		want mailer.Endpoint
	}{
		{"smtp://mail.example.org", mailer.Endpoint{Host: "mail.example.org", Port: 25}},
		{"smtp://mail.example.org:587", mailer.Endpoint{Host: "mail.example.org", Port: 587}},
		{"smtps://mail.example.org", mailer.Endpoint{Host: "mail.example.org", Port: 465, ImplicitTLS: true}},
		{"smtps://mail.example.org:2465", mailer.Endpoint{Host: "mail.example.org", Port: 2465, ImplicitTLS: true}},
		{"smtp://relay:2525?starttls=required", mailer.Endpoint{Host: "relay", Port: 2525, RequireTLS: true}},
		{"smtp://relay?starttls=opportunistic", mailer.Endpoint{Host: "relay", Port: 25}},
		{"smtp://[::1]:2525", mailer.Endpoint{Host: "::1", Port: 2525}},
		{
			"smtp://dpo%40example.org:p%40ss%3Aw%2Frd%20x@relay.example.org:587",
			mailer.Endpoint{Host: "relay.example.org", Port: 587, Username: "dpo@example.org", Password: "p@ss:w/rd x"},
		},
		{"smtps://user@relay", mailer.Endpoint{Host: "relay", Port: 465, ImplicitTLS: true, Username: "user"}},
	}
	for _, tt := range tests {
		got, err := mailer.ParseURL(tt.raw)
		if err != nil {
			t.Errorf("ParseURL(%q): %v", tt.raw, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseURL(%q) = %+v, want %+v", tt.raw, got, tt.want)
		}
	}
}

func TestParseURLErrors(t *testing.T) {
	const secret = "s3cr%zzet" // also an invalid %-escape, so url.Parse itself fails
	tests := []struct {
		raw, wantErr string
	}{
		{"http://relay", `scheme "http"`},
		{"relay.example.org:25", "scheme"},
		{"smtp://", "no host"},
		{"smtp://user:hunter2@:25", "no host"},
		{"smtp://relay:0", "port"},
		{"smtp://relay:70000", "port"},
		{"smtp://user:hunter2@relay:abc", "valid URL"}, // url.Parse rejects a non-numeric port
		{"smtp://user:" + secret + "@relay", "valid URL"},
		{"smtp://user:hunter2@relay?starttls=always", "starttls"},
		{"smtp://user:hunter2@relay?tls=1", `"tls"`},
		{"smtps://user:hunter2@relay?starttls=required", "smtps"},
		{"", "scheme"},
	}
	for _, tt := range tests {
		_, err := mailer.ParseURL(tt.raw)
		if err == nil {
			t.Errorf("ParseURL(%q): no error", tt.raw)
			continue
		}
		if !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("ParseURL(%q) = %q, want it to mention %q", tt.raw, err, tt.wantErr)
		}
		for _, pw := range []string{"hunter2", "s3cr", "zzet"} {
			if strings.Contains(err.Error(), pw) {
				t.Errorf("ParseURL(%q) error %q reveals the password", tt.raw, err)
			}
		}
	}
}
