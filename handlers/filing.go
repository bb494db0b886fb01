package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"rightsdesk/cases"
	"rightsdesk/dsr"
	"rightsdesk/models"
	"rightsdesk/sitetoken"
	"rightsdesk/views"
)

// maxTypedRows bounds how many typed-identifier rows a post may carry (the form shows TypedRows).
const maxTypedRows = dsr.MaxIdentifiers

func (h *Handler) newRequest(c echo.Context) error {
	slug := c.QueryParam("site")
	if slug == "" {
		return c.Redirect(http.StatusSeeOther, "/") // choose a site first
	}
	site, cookies, err := h.siteWithCookies(c, slug)
	if err != nil {
		return err
	}
	lang := h.controllerLanguage(c, site.DefaultLanguage())
	f := views.RequestForm{Site: site, Identifying: identifyingCookies(cookies)}
	for _, b := range browserCookies(c.Request(), cookies) {
		b.Checked = true // offered pre-filled; the visitor may untick
		f.Browser = append(f.Browser, b)
	}
	if tok := c.QueryParam("t"); tok != "" {
		noStore(c) // the page shows identifiers and carries the link
		signed, refusal, err := h.signedIdentifiers(c, site, cookies, tok)
		if err != nil {
			return err
		}
		f.SignedRefusal = refusal
		for _, id := range signed {
			f.Signed = append(f.Signed, views.BrowserCookie{Name: id.CookieName, Value: id.Value, Checked: true})
		}
		if len(signed) > 0 {
			f.Token = tok
		}
	}
	f.Values.Language = lang // the letters' language: the page's, unless the visitor picks another
	if k, ok := dsr.ParseKind(c.QueryParam("kind")); ok {
		f.Values.Kinds = []string{string(k)} // a link for one right, e.g. from the consent page
	}
	return render(c, http.StatusOK, views.RequestFormPage(h.formPage(c, site, f.Token), f))
}

// formPage is the base data of the filing form; its language switch comes back to the form, with
// the site's link when it was accepted, also when the form is shown again after a refused post.
func (h *Handler) formPage(c echo.Context, site models.Site, tok string) views.Page {
	p := h.page(c, views.T(c.Request().Context(), "form.title"))
	p.Brand = views.BrandOf(*site.Controller)
	p.SwitchPath = "/requests/new?site=" + url.QueryEscape(site.Slug)
	if tok != "" {
		p.SwitchPath += "&t=" + url.QueryEscape(tok)
	}
	return p
}

// signedIdentifiers verifies tok, a site's signed link (sitetoken), against the site's live
// secrets and returns the identifiers it vouches for: only the site's identifying cookies, with
// values fit to store, as provenance signed. refusal says why the link is refused, when it is —
// then no identifier is taken from it; err is only a database failure. An empty tok gives nothing.
func (h *Handler) signedIdentifiers(c echo.Context, site models.Site, cookies []models.Cookie, tok string) (ids []dsr.Identifier, refusal *dsr.Problem, err error) {
	if tok == "" {
		return nil, nil, nil
	}
	ctx := c.Request().Context()
	var dbErr error
	claims, verr := sitetoken.Verify(tok, site.Slug, func(keyID string) ([]byte, bool) {
		k, ok, err := h.store.LiveSiteSecret(ctx, site.ID, keyID)
		if err != nil {
			dbErr = err
		}
		return k, ok
	}, time.Now())
	if dbErr != nil {
		return nil, nil, dbErr
	}
	data := map[string]any{"Site": site.Name}
	if verr != nil {
		return nil, &dsr.Problem{Code: signedRefusal(verr), Args: data}, nil
	}
	identifying := identifyingNames(cookies)
	seen := map[dsr.Identifier]bool{}
	for _, id := range claims.IDs {
		d := dsr.Identifier{CookieName: id.Cookie, Value: id.Value, Provenance: dsr.ProvenanceSigned}
		if identifying[id.Cookie] && dsr.ValidCookieValue(id.Value) && !seen[d] {
			seen[d] = true
			ids = append(ids, d)
		}
	}
	if len(ids) == 0 {
		return nil, &dsr.Problem{Code: dsr.CodeSignedNone, Args: data}, nil
	}
	return ids, nil, nil
}

// signedRefusal is the code of the problem that explains a refused link to the visitor.
func signedRefusal(err error) dsr.Code {
	switch {
	case errors.Is(err, sitetoken.ErrUnknownKey):
		return dsr.CodeSignedUnknownKey
	case errors.Is(err, sitetoken.ErrBadSignature):
		return dsr.CodeSignedBadSignature
	case errors.Is(err, sitetoken.ErrExpired):
		return dsr.CodeSignedExpired
	case errors.Is(err, sitetoken.ErrNotYetValid):
		return dsr.CodeSignedNotYetValid
	case errors.Is(err, sitetoken.ErrWrongSite):
		return dsr.CodeSignedWrongSite
	}
	return dsr.CodeSignedMalformed
}

func (h *Handler) fileRequest(c echo.Context) error {
	ctx := c.Request().Context()
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	site, cookies, err := h.siteWithCookies(c, form.Get("site"))
	if err != nil {
		return err
	}
	lang := h.controllerLanguage(c, site.DefaultLanguage())
	ctx = c.Request().Context()
	filing, browser, missing := parseFiling(form, c.Request(), cookies)
	if _, sent := form["language"]; !sent {
		filing.Language = lang // a form without the field (a script, an old page): the page's language
	}
	view := views.RequestForm{Site: site, Values: filing, Browser: browser, Identifying: identifyingCookies(cookies)}
	// Signed identifiers come from the link, verified again now, never from the form's fields: the
	// form only says which of them the visitor kept ticked.
	tok := form.Get("t")
	signed, refusal, err := h.signedIdentifiers(c, site, cookies, tok)
	if err != nil {
		return err
	}
	if len(signed) > 0 {
		view.Token = tok
	}
	ticked := form["signed_id"]
	for i, id := range signed {
		on := slices.Contains(ticked, strconv.Itoa(i))
		view.Signed = append(view.Signed, views.BrowserCookie{Name: id.CookieName, Value: id.Value, Checked: on})
		if on {
			filing.Signed = append(filing.Signed, id)
		}
	}
	view.Values = filing

	r, errs := filing.Validate(identifyingNames(cookies))
	if len(missing) > 0 || refusal != nil {
		if errs == nil {
			errs = dsr.Problems{}
		}
	}
	if len(missing) > 0 {
		errs["identifiers"] = &dsr.Problem{Code: dsr.CodeBrowserMissing, Args: map[string]any{"Cookie": missing[0]}}
	}
	if refusal != nil {
		errs["identifiers"] = refusal
	}
	if len(errs) > 0 {
		view.Errors = errs
		return render(c, http.StatusUnprocessableEntity, views.RequestFormPage(h.formPage(c, site, view.Token), view))
	}
	// The limit counts requests that would be recorded and mailed; correcting a form does not use it up.
	if !allow(h.limits.filing, c.RealIP()) {
		view.Notice = views.T(ctx, "form.notice_rate")
		return render(c, http.StatusTooManyRequests, views.RequestFormPage(h.formPage(c, site, view.Token), view))
	}

	filed, err := h.cases.File(ctx, site, cookies, r)
	if err != nil {
		return err
	}
	// Post/redirect/get: the next page reads what to show from a sealed cookie, so a reload files
	// nothing and an anonymous filing writes no session row.
	err = h.setSealed(c, filedCookieName, filedNote{Reference: filed.Reference, Email: filed.Email, Site: site.Slug,
		VerifyBy: filed.VerifyBy.Unix(), Language: lang}, filedNoteTTL)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/requests/filed")
}

// filedNote is what the "check your e-mail" page shows of the filing just made.
type filedNote struct {
	Reference string `json:"r"`
	Email     string `json:"e"`
	Site      string `json:"s"`
	VerifyBy  int64  `json:"v"`
	Language  string `json:"l"`
}

const (
	filedCookieName = "rightsdesk_filed"
	// filedNoteTTL is how long the page can be reloaded; the letter has the rest.
	filedNoteTTL = 30 * time.Minute
)

func (h *Handler) filed(c echo.Context) error {
	ctx := c.Request().Context()
	noStore(c)
	var n filedNote
	if !h.readSealed(c, filedCookieName, &n) || n.Reference == "" {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	site, err := h.store.SiteBySlug(ctx, n.Site)
	if err != nil {
		return err
	}
	if n.Language != "" {
		h.controllerLanguage(c, n.Language)
	} else {
		h.controllerLanguage(c, site.DefaultLanguage())
	}
	f := cases.Filed{Reference: n.Reference, Email: n.Email, VerifyBy: time.Unix(n.VerifyBy, 0)}
	return render(c, http.StatusOK, views.Filed(h.page(c, views.T(c.Request().Context(), "filed.title")), site, f))
}

// parseFiling reads the form into a Filing. Ticked browser cookies take their values from the
// request's own Cookie header, never from the form, so provenance "browser" means what it says;
// missing lists ticked cookies the browser did not send.
func parseFiling(form url.Values, r *http.Request, cookies []models.Cookie) (f dsr.Filing, browser []views.BrowserCookie, missing []string) {
	f = dsr.Filing{
		Kinds:                    form["kinds"],
		Email:                    form.Get("email"),
		Name:                     form.Get("name"),
		Language:                 form.Get("language"),
		Country:                  form.Get("country"),
		Details:                  form.Get("details"),
		RectificationWrong:       form.Get("rectification_wrong"),
		RectificationRight:       form.Get("rectification_right"),
		ObjectionGrounds:         form.Get("objection_grounds"),
		ObjectionDirectMarketing: form.Get("objection_direct_marketing") == "yes",
		RecipientsWanted:         form.Get("recipients_wanted") == "yes",
	}
	ticked := form["browser_cookie"]
	browser = browserCookies(r, cookies)
	for i, b := range browser {
		if slices.Contains(ticked, b.Name) {
			browser[i].Checked = true
			f.Browser = append(f.Browser, dsr.Identifier{CookieName: b.Name, Value: b.Value, Provenance: dsr.ProvenanceBrowser})
		}
	}
	for _, name := range ticked {
		if !slices.ContainsFunc(browser, func(b views.BrowserCookie) bool { return b.Name == name }) {
			missing = append(missing, name)
		}
	}
	for i := 0; i < maxTypedRows; i++ {
		nk, vk := fmt.Sprintf("typed_name_%d", i), fmt.Sprintf("typed_value_%d", i)
		if _, ok := form[nk]; !ok {
			if _, ok := form[vk]; !ok {
				break
			}
		}
		f.Typed = append(f.Typed, dsr.Identifier{CookieName: form.Get(nk), Value: form.Get(vk), Provenance: dsr.ProvenanceTyped})
	}
	return f, browser, missing
}

// browserCookies returns the site's identifying first-party cookies that the request carries.
func browserCookies(r *http.Request, cookies []models.Cookie) []views.BrowserCookie {
	var out []views.BrowserCookie
	for _, ck := range cookies {
		if !ck.Identifying || !ck.FirstParty() {
			continue
		}
		if hc, err := r.Cookie(ck.Name); err == nil && hc.Value != "" {
			out = append(out, views.BrowserCookie{Name: ck.Name, Value: hc.Value})
		}
	}
	return out
}

func identifyingCookies(cookies []models.Cookie) []models.Cookie {
	var out []models.Cookie
	for _, ck := range cookies {
		if ck.Identifying {
			out = append(out, ck)
		}
	}
	return out
}

func identifyingNames(cookies []models.Cookie) map[string]bool {
	m := map[string]bool{}
	for _, ck := range cookies {
		if ck.Identifying {
			m[ck.Name] = true
		}
	}
	return m
}
