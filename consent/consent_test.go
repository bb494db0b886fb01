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
	got := headers(Expiring(esomus, []string{"analytics"}, sent, "privacy.esomus.com:443", []string{"esomus.com"}))
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

// Outside the site's registrable domain the portal cannot touch the site's cookies: it sends no
// header at all, rather than host-only ones that the browser would apply to the portal's own host.
func TestExpiringElsewhereIsNothing(t *testing.T) {
	for _, host := range []string{"127.0.0.1:8080", "portal.example.org", "[::1]:80", "esomus.com.evil.example", "rightsdesk.eu"} {
		if got := Expiring(esomus, []string{"analytics", "preference"}, nil, host, []string{"esomus.com"}); len(got) != 0 {
			t.Errorf("host %s: expires %v", host, headers(got))
		}
		if got := Remaining(esomus, []string{"analytics", "preference"}, host, []string{"esomus.com"}); strings.Join(got, ",") != "Mots clés de l'optimisation,STCK_ID,UID,pref,_hj*" {
			t.Errorf("host %s: remaining %q", host, got)
		}
	}
	if got := Expiring(esomus, []string{"necessary"}, nil, "esomus.com", []string{"esomus.com"}); len(got) != 0 {
		t.Errorf("necessary cookies expired: %v", headers(got))
	}
	if got := Remaining(esomus, []string{"analytics"}, "privacy.esomus.com", []string{"esomus.com"}); strings.Join(got, ",") != "Mots clés de l'optimisation" {
		t.Errorf("on the site's domain, remaining %q: want only the one without a cookie name", got)
	}
}

func TestCanExpire(t *testing.T) {
	stck := models.Cookie{Name: "STCK_ID", Party: "first", Category: "analytics"}
	for _, tc := range []struct {
		name    string
		host    string
		domains []string
		cookie  models.Cookie
		want    bool
	}{
		{"portal on the site's domain", "esomus.com", []string{"esomus.com"}, stck, true},
		{"portal on a subdomain, with a port", "privacy.esomus.com:8443", []string{"esomus.com"}, stck, true},
		{"site on www, portal on a sibling", "privacy.itsme-id.com", []string{"www.itsme-id.com"}, stck, true},
		{"portal on the site's second domain", "rgpd.esomus.be", []string{"esomus.com", "esomus.be"}, stck, true},
		{"upper case and a final dot", "Privacy.ESOMUS.com.", []string{"esomus.com"}, stck, true},
		{"portal elsewhere", "rightsdesk.example.org", []string{"esomus.com"}, stck, false},
		{"a look-alike suffix", "esomus.com.evil.example", []string{"esomus.com"}, stck, false},
		{"a look-alike prefix", "notesomus.com", []string{"esomus.com"}, stck, false},
		{"an IP address", "127.0.0.1:8080", []string{"esomus.com"}, stck, false},
		{"no domain for the site", "esomus.com", nil, stck, false},
		{"a public suffix shared by two sites", "other.github.io", []string{"esomus.github.io"}, stck, false},
		{"a third party's cookie", "esomus.com", []string{"esomus.com"}, models.Cookie{Name: "IDE", Party: "third"}, false},
		{"a cookie described without a name", "esomus.com", []string{"esomus.com"}, models.Cookie{Name: "Pixels", Party: "first", Unnamed: true}, false},
		{"a description for a name", "esomus.com", []string{"esomus.com"}, models.Cookie{Name: "Code Opération", Party: "first"}, false},
		{"a prefix", "esomus.com", []string{"esomus.com"}, models.Cookie{Name: "_hj*", Party: "first"}, true},
		{"a bare star", "esomus.com", []string{"esomus.com"}, models.Cookie{Name: "*", Party: "first"}, false},
	} {
		if got := CanExpire(tc.host, tc.domains, tc.cookie); got != tc.want {
			t.Errorf("%s: CanExpire(%q, %v, %s) = %v", tc.name, tc.host, tc.domains, tc.cookie.Name, got)
		}
	}
}

// The receipt says only what happened: removed only what was, told only whom the portal told,
// a banner only where the site has one.
func TestSay(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    Facts
		want Wording
	}{
		{"nothing removed, no webhook, no banner", Facts{Remaining: []string{"UID"}, OptOuts: 2},
			Wording{NothingRemoved: true, RemoveYourself: true, OptOutPages: true, Told: ToldTeam, AskAgain: true}},
		{"nothing in the catalogue to remove at all", Facts{},
			Wording{NothingRemoved: true, RemoveYourself: true, Told: ToldTeam, AskAgain: true}},
		{"all removed, webhook delivered, banner", Facts{Cleared: []string{"UID"}, Webhook: models.WebhookDelivered, Banner: true},
			Wording{Removed: true, Told: ToldSite, Banner: true}},
		{"some removed, others not, call pending", Facts{Cleared: []string{"UID"}, Remaining: []string{"Code Opération"}, Webhook: models.WebhookPending},
			Wording{Removed: true, RemoveYourself: true, Told: ToldPending, AskAgain: true}},
		{"removed, third parties left, call failed", Facts{Cleared: []string{"UID"}, OptOuts: 1, Webhook: models.WebhookFailed},
			Wording{Removed: true, RemoveYourself: true, OptOutPages: true, Told: ToldFailed, AskAgain: true}},
		{"the controller's own way", Facts{How: "Mon compte", Cleared: []string{"UID"}},
			Wording{Removed: true, Told: ToldTeam, How: true}},
		{"a banner and the controller's own way", Facts{How: "Mon compte", Banner: true, Cleared: []string{"UID"}},
			Wording{Removed: true, Told: ToldTeam, How: true, Banner: true}},
	} {
		if got := Say(tc.f); got != tc.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
	for state, want := range map[string]bool{"": true, models.WebhookFailed: true, models.WebhookPending: false, models.WebhookDelivered: false} {
		if TeamNotified(state) != want {
			t.Errorf("TeamNotified(%q) = %v", state, !want)
		}
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
