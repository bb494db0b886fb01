// Package consent holds the rules of consent withdrawal (Art. 7(3)): which categories a visitor may
// withdraw, which of the site's cookies the portal clears in the visitor's browser, and where the
// visitor stops the cookies of other providers.
package consent

import (
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/publicsuffix"

	"rightsdesk/models"
)

// Withdrawable are the categories consent covers, in the order a policy lists them. Strictly
// necessary cookies need no consent (ePrivacy Art. 5(3)), so there is none to withdraw.
var Withdrawable = []string{models.CategoryPreference, models.CategoryFunctional, models.CategoryAnalytics, models.CategoryMarketing}

// Refusals of Scope; the handler shows each in the visitor's language.
var (
	ErrNecessary       = errors.New("strictly necessary cookies need no consent, so there is none to withdraw")
	ErrUnknownCategory = errors.New("choose among the categories listed")
	ErrNoCategory      = errors.New("choose at least one category, or all of them")
)

// Scope reads the visitor's choice: every category (all), or the chosen ones. It returns the
// scope and the categories in canonical order, or why the choice is refused.
func Scope(all bool, chosen []string) (scope string, categories []string, err error) {
	if all {
		return models.ScopeAll, slices.Clone(Withdrawable), nil
	}
	for _, c := range chosen {
		switch {
		case c == models.CategoryNecessary:
			return "", nil, ErrNecessary
		case !slices.Contains(Withdrawable, c):
			return "", nil, ErrUnknownCategory
		}
	}
	for _, c := range Withdrawable {
		if slices.Contains(chosen, c) {
			categories = append(categories, c)
		}
	}
	if len(categories) == 0 {
		return "", nil, ErrNoCategory
	}
	if len(categories) == len(Withdrawable) {
		return models.ScopeAll, categories, nil
	}
	return models.ScopeCategories, categories, nil
}

// Present returns the withdrawable categories the catalogue has cookies in, in canonical order:
// what the withdrawal form offers.
func Present(catalogue []models.Cookie) []string {
	var out []string
	for _, c := range Withdrawable {
		if slices.ContainsFunc(catalogue, func(k models.Cookie) bool { return k.Category == c }) {
			out = append(out, c)
		}
	}
	return out
}

// Expiring returns the Set-Cookie headers that remove, from the browser making the request, the
// site's first-party cookies in categories. The portal can reach them only when it runs on the
// site's domain or a subdomain sharing its cookies (host); a cookie may have been set for the host
// alone or for a parent domain, so each name is expired for both, on path /. A catalogue name
// ending in "*" stands for every cookie the browser sent that starts with it. Names that cannot
// be cookie names (a policy's description, like "Mots clés SEO") have nothing to expire.
func Expiring(catalogue []models.Cookie, categories []string, sent []*http.Cookie, host, siteDomain string) []*http.Cookie {
	var names []string
	for _, k := range catalogue {
		if !k.FirstParty() || !slices.Contains(categories, k.Category) || k.Category == models.CategoryNecessary {
			continue
		}
		if prefix, ok := strings.CutSuffix(k.Name, "*"); ok {
			for _, s := range sent {
				if prefix != "" && strings.HasPrefix(s.Name, prefix) {
					names = append(names, s.Name)
				}
			}
			continue
		}
		if validName(k.Name) {
			names = append(names, k.Name)
		}
	}
	slices.Sort(names)
	names = slices.Compact(names)

	domains := cookieDomains(host, siteDomain)
	var out []*http.Cookie
	for _, n := range names {
		for _, d := range append([]string{""}, domains...) {
			out = append(out, &http.Cookie{Name: n, Value: "", Path: "/", Domain: d, MaxAge: -1, Expires: time.Unix(0, 0)})
		}
	}
	return out
}

// cookieDomains are the domains a cookie readable by host may have been set for, besides the host
// itself: host's parents down to the registrable domain, when host is the site's domain or within
// the site's registrable domain. An IP address or a host outside the site has none.
func cookieDomains(host, siteDomain string) []string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	siteDomain = strings.ToLower(strings.TrimSuffix(siteDomain, "."))
	if host == "" || net.ParseIP(host) != nil || siteDomain == "" {
		return nil
	}
	root, err := publicsuffix.EffectiveTLDPlusOne(siteDomain)
	if err != nil || (host != root && !strings.HasSuffix(host, "."+root)) {
		return nil
	}
	var out []string
	for d := host; ; {
		out = append(out, d)
		if d == root {
			return out
		}
		_, d, _ = strings.Cut(d, ".")
	}
}

// validName reports whether s is a cookie name (an RFC 6265 token), which Set-Cookie can carry.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("()<>@,;:\\\"/[]?={}", c) >= 0 {
			return false
		}
	}
	return true
}

// OptOut is a third-party provider of some of the withdrawn categories, with the page where the
// visitor opts out of its cookies (empty when the catalogue names none).
type OptOut struct {
	Provider string
	URL      string
	Cookies  []string
}

// OptOuts lists the third-party providers whose cookies are in categories, in catalogue order:
// the portal cannot clear their cookies, so the visitor is sent to each provider's own page.
func OptOuts(catalogue []models.Cookie, categories []string) []OptOut {
	var out []OptOut
	for _, k := range catalogue {
		if k.FirstParty() || !slices.Contains(categories, k.Category) || k.Category == models.CategoryNecessary {
			continue
		}
		i := slices.IndexFunc(out, func(o OptOut) bool { return o.Provider == k.Provider })
		if i < 0 {
			out = append(out, OptOut{Provider: k.Provider})
			i = len(out) - 1
		}
		if out[i].URL == "" {
			out[i].URL = k.OptOutURL
		}
		out[i].Cookies = append(out[i].Cookies, k.Name)
	}
	return out
}
