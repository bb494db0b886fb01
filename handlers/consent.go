package handlers

import (
	"errors"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"rightsdesk/cases"
	"rightsdesk/consent"
	"rightsdesk/dsr"
	"rightsdesk/models"
	"rightsdesk/views"
)

// Consent withdrawal (Art. 7(3)): as easy as giving consent, so it takes effect for the browser
// that holds the cookies without any e-mail verification. The identifiers it is recorded against
// are those the browser itself sends, or those the site vouches for in a signed link; a typed value
// proves nothing about whose device it is, so the page sends the visitor to a request instead.

// consentPage shows the withdrawal form (?t= carries a signed link from the site).
func (h *Handler) consentPage(c echo.Context) error {
	site, cookies, err := h.siteWithCookies(c, c.Param("site"))
	if err != nil {
		return err
	}
	h.controllerLanguage(c, site.DefaultLanguage())
	f, err := h.consentForm(c, site, cookies, c.QueryParam("t"))
	if err != nil {
		return err
	}
	noStore(c)
	return render(c, http.StatusOK, views.ConsentPage(h.consentPageData(c, site), f))
}

// consentForm is the form with the identifiers proven for this request: the browser's own
// identifying cookies and the site's signed link, checked again on every post.
func (h *Handler) consentForm(c echo.Context, site models.Site, cookies []models.Cookie, tok string) (views.ConsentForm, error) {
	f := views.ConsentForm{Site: site, Categories: views.ConsentCategories(cookies), Token: tok}
	for _, b := range browserCookies(c.Request(), cookies) {
		f.Identifiers = append(f.Identifiers, dsr.Identifier{CookieName: b.Name, Value: b.Value, Provenance: dsr.ProvenanceBrowser})
	}
	signed, refusal, err := h.signedIdentifiers(c, site, cookies, tok)
	if err != nil {
		return f, err
	}
	if refusal != nil {
		f.LinkRefusal, f.Token = refusal, ""
	}
	for _, id := range signed {
		if !slices.ContainsFunc(f.Identifiers, func(b dsr.Identifier) bool { return b.CookieName == id.CookieName && b.Value == id.Value }) {
			f.Identifiers = append(f.Identifiers, id)
		}
	}
	return f, nil
}

func (h *Handler) consentPageData(c echo.Context, site models.Site) views.Page {
	p := h.page(c, views.Tf(c.Request().Context(), "consent.heading", map[string]any{"Site": site.Name}))
	p.Brand = views.BrandOf(*site.Controller)
	p.SwitchPath = "/sites/" + site.Slug + "/consent"
	return p
}

// withdrawConsent records the withdrawal, expires the site's first-party cookies of the chosen
// categories in this browser, and shows the receipt (post/redirect/get, the receipt in the session).
func (h *Handler) withdrawConsent(c echo.Context) error {
	ctx := c.Request().Context()
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	site, cookies, err := h.siteWithCookies(c, c.Param("site"))
	if err != nil {
		return err
	}
	lang := h.controllerLanguage(c, site.DefaultLanguage())
	ctx = c.Request().Context()
	f, err := h.consentForm(c, site, cookies, form.Get("t"))
	if err != nil {
		return err
	}
	f.All, f.Chosen, f.Email = form.Get("all") != "", form["categories"], form.Get("email")
	f.Errors = dsr.Errors{}
	scope, categories, scopeErr := consent.Scope(f.All, f.Chosen)
	switch {
	case errors.Is(scopeErr, consent.ErrNecessary):
		f.Errors["categories"] = views.T(ctx, "consent.err_necessary")
	case errors.Is(scopeErr, consent.ErrUnknownCategory):
		f.Errors["categories"] = views.T(ctx, "consent.err_unknown")
	case scopeErr != nil:
		f.Errors["categories"] = views.T(ctx, "consent.err_none")
	}
	if f.Email != "" {
		if p := dsr.CheckEmail(f.Email); p != nil {
			f.Errors["email"] = views.ProblemText(ctx, p)
		}
	}
	if f.LinkRefusal != nil && form.Get("t") != "" {
		// The link was good when the page was shown and is not now (expired, secret retired): say
		// so, rather than record the withdrawal without the identifiers the visitor expects.
		f.Errors["link"] = views.ProblemText(ctx, f.LinkRefusal)
	}
	if len(f.Errors) > 0 {
		return render(c, http.StatusUnprocessableEntity, views.ConsentPage(h.consentPageData(c, site), f))
	}
	if !allow(h.limits.consent, c.RealIP()) {
		f.Notice = views.T(ctx, "consent.notice_rate")
		return render(c, http.StatusTooManyRequests, views.ConsentPage(h.consentPageData(c, site), f))
	}

	// Only what the portal can reach is expired and said to be removed: the site's own named
	// cookies, when the portal runs on the site's registrable domain (consent.CanExpire).
	host, domains := c.Request().Host, site.DomainList()
	expire := consent.Expiring(cookies, categories, c.Request().Cookies(), host, domains)
	var cleared []string
	for _, ck := range expire {
		if !slices.Contains(cleared, ck.Name) {
			cleared = append(cleared, ck.Name)
		}
	}
	w, err := h.cases.WithdrawConsent(ctx, cases.Withdrawal{
		Site: site, Catalogue: cookies, Scope: scope, Categories: categories, Identifiers: f.Identifiers,
		Cleared: cleared, Remaining: consent.Remaining(cookies, categories, host, domains), Email: f.Email, Language: lang,
	})
	if err != nil {
		return err
	}
	// Only once the withdrawal is committed: the cookies go, and the receipt is shown.
	for _, ck := range expire {
		c.SetCookie(ck)
	}
	h.sessions.Put(ctx, "consent_receipt", w.Receipt)
	h.sessions.Put(ctx, "consent_cleared", cleared)
	return c.Redirect(http.StatusSeeOther, "/sites/"+site.Slug+"/consent/done")
}

// consentDone shows the receipt of the withdrawal this browser just made.
func (h *Handler) consentDone(c echo.Context) error {
	ctx := c.Request().Context()
	noStore(c)
	site, cookies, err := h.siteWithCookies(c, c.Param("site"))
	if err != nil {
		return err
	}
	receipt := h.sessions.GetString(ctx, "consent_receipt")
	if receipt == "" {
		return c.Redirect(http.StatusSeeOther, "/sites/"+site.Slug+"/consent")
	}
	w, err := h.store.WithdrawalByReceipt(ctx, site.ID, receipt)
	if errors.Is(err, models.ErrNotFound) {
		return c.Redirect(http.StatusSeeOther, "/sites/"+site.Slug+"/consent")
	}
	if err != nil {
		return err
	}
	lang := w.Language
	h.controllerLanguage(c, lang)
	cleared, _ := h.sessions.Get(ctx, "consent_cleared").([]string)
	delivery, err := h.store.WebhookDeliveryOf(ctx, w.ID)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	}
	d := views.ConsentDone{
		Site: site, Receipt: w.Receipt, At: w.WithdrawnAt.In(site.Controller.Location()),
		Categories: w.CategoryList(), Cleared: cleared, Email: w.Email,
		Remaining: consent.Remaining(cookies, w.CategoryList(), c.Request().Host, site.DomainList()),
		OptOuts:   consent.OptOuts(cookies, w.CategoryList()),
		Webhook:   delivery.State,
		Delivered: delivery.DeliveredAt,
	}
	d.Say = consent.Say(consent.Facts{Cleared: d.Cleared, Remaining: d.Remaining, OptOuts: len(d.OptOuts),
		Webhook: d.Webhook, Banner: site.ConsentBanner, How: site.WithdrawalHow})
	for _, id := range w.Identifiers {
		d.Identifiers = append(d.Identifiers, dsr.Identifier{CookieName: id.CookieName, Value: id.Value, Provenance: id.Provenance})
	}
	p := h.page(c, views.T(c.Request().Context(), "consent.done_heading"))
	p.SwitchPath = "/sites/" + site.Slug + "/consent/done"
	return render(c, http.StatusOK, views.ConsentDonePage(p, d))
}
