package consent

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"rightsdesk/models"
)

func TestScope(t *testing.T) {
	for _, tc := range []struct {
		all     bool
		chosen  []string
		scope   string
		cats    string
		refused bool
	}{
		{all: true, scope: "all", cats: "preference,functional,analytics,marketing"},
		{chosen: []string{"marketing", "analytics"}, scope: "categories", cats: "analytics,marketing"},
		{chosen: []string{"analytics", "analytics"}, scope: "categories", cats: "analytics"},
		{chosen: []string{"marketing", "analytics", "functional", "preference"}, scope: "all", cats: "preference,functional,analytics,marketing"},
		{chosen: nil, refused: true},
		{chosen: []string{"necessary"}, refused: true},
		{chosen: []string{"analytics", "necessary"}, refused: true},
		{chosen: []string{"<script>"}, refused: true},
	} {
		scope, cats, err := Scope(tc.all, tc.chosen)
		if tc.refused {
			if err == nil || cats != nil {
				t.Errorf("%v: accepted as %s %v", tc.chosen, scope, cats)
			}
			continue
		}
		if err != nil || scope != tc.scope || strings.Join(cats, ",") != tc.cats {
			t.Errorf("%v all=%v: %q %v %v, want %s %s", tc.chosen, tc.all, scope, cats, err, tc.scope, tc.cats)
		}
	}
}

var esomus = []models.Cookie{
	{Name: "Mots clés de l'optimisation", Party: "first", Category: "analytics"},
	{Name: "STCK_ID", Party: "first", Category: "analytics", Identifying: true},
	{Name: "ID du dernier compte", Party: "first", Category: "functional", Identifying: true},
	{Name: "UID", Party: "first", Category: "analytics", Identifying: true},
	{Name: "pref", Party: "first", Category: "preference"},
	{Name: "sess", Party: "first", Category: "necessary"},
	{Name: "_hj*", Party: "first", Category: "analytics"},
	{Name: "IDE", Provider: "Google", Party: "third", Category: "marketing", OptOutURL: "https://adssettings.google.com/"},
	{Name: "test_cookie", Provider: "Google", Party: "third", Category: "marketing"},
	{Name: "_zlc", Provider: "Zendesk", Party: "third", Category: "analytics"},
}

func headers(cs []*http.Cookie) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.String())
	}
	return out
}

func TestExpiringOnTheSitesOwnHost(t *testing.T) {
	sent := []*http.Cookie{{Name: "_hjSession_1", Value: "x"}, {Name: "_hjid", Value: "y"}, {Name: "other", Value: "z"}}
	got := headers(Expiring(esomus, []string{"analytics"}, sent, "privacy.esomus.com:443", "esomus.com"))
	var names []string
	for _, h := range got {
		if !strings.Contains(h, "Path=/") || !strings.Contains(h, "Max-Age=0") || !strings.Contains(h, "Expires=Thu, 01 Jan 1970") {
			t.Errorf("not an expiry: %s", h)
		}
		names = append(names, h)
	}
	want := []string{
		"STCK_ID=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0",
		"STCK_ID=; Path=/; Domain=privacy.esomus.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0",
		"STCK_ID=; Path=/; Domain=esomus.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0",
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("missing %q in\n%s", w, strings.Join(got, "\n"))
		}
	}
	for _, n := range []string{"UID=", "_hjSession_1=", "_hjid="} {
		if !slices.ContainsFunc(got, func(h string) bool { return strings.HasPrefix(h, n) }) {
			t.Errorf("%s not expired", n)
		}
	}
	for _, n := range []string{"ID", "pref=", "sess=", "other=", "IDE=", "Mots"} {
		if slices.ContainsFunc(got, func(h string) bool { return strings.HasPrefix(h, n) }) {
			t.Errorf("%s expired, but it is not a first-party analytics cookie", n)
		}
	}
	if len(got) != 4*3 {
		t.Errorf("%d headers, want 12 (4 cookies × host, privacy.esomus.com, esomus.com):\n%s", len(got), strings.Join(got, "\n"))
	}
}

func TestExpiringElsewhereIsHostOnly(t *testing.T) {
	for _, host := range []string{"127.0.0.1:8080", "portal.example.org", "[::1]:80", "esomus.com.evil.example"} {
		for _, h := range headers(Expiring(esomus, []string{"analytics", "preference"}, nil, host, "esomus.com")) {
			if strings.Contains(h, "Domain=") {
				t.Errorf("host %s: %s names a domain the portal cannot set cookies for", host, h)
			}
		}
	}
	if got := Expiring(esomus, []string{"necessary"}, nil, "esomus.com", "esomus.com"); len(got) != 0 {
		t.Errorf("necessary cookies expired: %v", headers(got))
	}
}

func TestOptOuts(t *testing.T) {
	got := OptOuts(esomus, []string{"analytics", "marketing"})
	if len(got) != 2 || got[0].Provider != "Google" || got[0].URL != "https://adssettings.google.com/" ||
		strings.Join(got[0].Cookies, ",") != "IDE,test_cookie" || got[1].Provider != "Zendesk" || got[1].URL != "" {
		t.Errorf("opt-outs %+v", got)
	}
	if got := OptOuts(esomus, []string{"preference"}); len(got) != 0 {
		t.Errorf("opt-outs for first-party only categories: %+v", got)
	}
	if got := Present(esomus); strings.Join(got, ",") != "preference,functional,analytics,marketing" {
		t.Errorf("present %v", got)
	}
}
