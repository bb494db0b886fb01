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

// SiteDomainOf returns the domain of the site (one of siteDomains) whose registrable domain
// portalHost is on, or "" when the portal runs elsewhere (another domain, an IP address): a
// browser lets a page set or expire only cookies of its own registrable domain, so outside it the
// portal cannot touch the site's cookies at all.
func SiteDomainOf(portalHost string, siteDomains []string) string {
	host := hostOnly(portalHost)
	if host == "" || net.ParseIP(host) != nil {
		return ""
	}
	for _, d := range siteDomains {
		d = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(d), "."))
		root, err := publicsuffix.EffectiveTLDPlusOne(d)
		if err == nil && (host == root || strings.HasSuffix(host, "."+root)) {
			return d
		}
	}
	return ""
}

// CanExpire reports whether the portal, answering at portalHost, can remove cookie from the
// visitor's browser: the cookie is the site's own (first party), has a name a Set-Cookie header
// can carry (a policy's description like "Mots clés SEO", or a cookie described without a name,
// has none), and the portal runs on the registrable domain of one of siteDomains. A third party's
// cookie lives on the provider's domain, out of any site's reach.
func CanExpire(portalHost string, siteDomains []string, cookie models.Cookie) bool {
	if !cookie.FirstParty() || cookie.Unnamed {
		return false
	}
	name, wildcard := strings.CutSuffix(cookie.Name, "*")
	if !validName(name) || (wildcard && strings.Contains(name, "*")) {
		return false
	}
	return SiteDomainOf(portalHost, siteDomains) != ""
}

// Expiring returns the Set-Cookie headers that remove, from the browser making the request, the
// site's cookies in categories that the portal can expire (CanExpire). A cookie may have been set
// for the host alone or for a parent domain, so each name is expired for both, on path /. A
// catalogue name ending in "*" stands for every cookie the browser sent that starts with it.
func Expiring(catalogue []models.Cookie, categories []string, sent []*http.Cookie, host string, siteDomains []string) []*http.Cookie {
	var names []string
	for _, k := range catalogue {
		if !slices.Contains(categories, k.Category) || k.Category == models.CategoryNecessary || !CanExpire(host, siteDomains, k) {
			continue
		}
		if prefix, ok := strings.CutSuffix(k.Name, "*"); ok {
			for _, s := range sent {
				if strings.HasPrefix(s.Name, prefix) {
					names = append(names, s.Name)
				}
			}
			continue
		}
		names = append(names, k.Name)
	}
	slices.Sort(names)
	names = slices.Compact(names)

	domains := cookieDomains(host, SiteDomainOf(host, siteDomains))
	var out []*http.Cookie
	for _, n := range names {
		for _, d := range append([]string{""}, domains...) {
			out = append(out, &http.Cookie{Name: n, Value: "", Path: "/", Domain: d, MaxAge: -1, Expires: time.Unix(0, 0)})
		}
	}
	return out
}

// Remaining lists the site's own cookies in categories that the portal cannot remove from the
// browser (CanExpire is false): the visitor deletes them in the browser's settings.
func Remaining(catalogue []models.Cookie, categories []string, host string, siteDomains []string) []string {
	var out []string
	for _, k := range catalogue {
		if k.FirstParty() && slices.Contains(categories, k.Category) && k.Category != models.CategoryNecessary &&
			!CanExpire(host, siteDomains, k) && !slices.Contains(out, k.Name) {
			out = append(out, k.Name)
		}
	}
	return out
}

func hostOnly(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.ToLower(strings.TrimSuffix(host, "."))
}

// cookieDomains are the domains a cookie readable by host may have been set for, besides the host
// itself: host's parents down to the registrable domain, when host is the site's domain or within
// the site's registrable domain. An IP address or a host outside the site has none.
func cookieDomains(host, siteDomain string) []string {
	host = hostOnly(host)
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

// OptOuts lists the third-party providers whose cookies are in categories, in catalogue order,
// once each: the portal cannot clear their cookies, so the visitor is sent to each provider's own
// page (the first the catalogue gives for it).
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
