package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"rightsdesk/letters"
	"rightsdesk/locale"
	"rightsdesk/models"
	"rightsdesk/views"
)

// Letter wording: an admin reads every letter, previews it with the sample data in each language,
// and overrides the wording of its messages for one controller. Every override is checked by
// letters.CheckOverride before it is stored; the case service renders each letter with the
// controller's overrides, so a saved wording is used from the next letter on.

// adminLetters lists every letter with, for the chosen controller, how many of its messages are
// overridden in each language.
func (h *Handler) adminLetters(c echo.Context) error {
	ctx := c.Request().Context()
	ctl, all, err := h.lettersController(c, c.QueryParam("controller"))
	if err != nil {
		return err
	}
	rows, err := h.store.AllLetterOverrides(ctx, ctl.ID)
	if err != nil {
		return err
	}
	overridden := map[string][]string{} // language → message ids
	for _, o := range rows {
		overridden[o.Language] = append(overridden[o.Language], o.MessageID)
	}
	v := views.LettersView{Controllers: all, Controller: ctl}
	for _, k := range letters.Kinds {
		ids := letters.Messages(k)
		row := views.LetterKindRow{Kind: string(k), Messages: len(ids), Overridden: map[string]int{}}
		for _, lang := range locale.Languages {
			for _, id := range ids {
				if slices.Contains(overridden[lang], id) {
					row.Overridden[lang]++
				}
			}
		}
		if k.ToStaff() {
			v.Staff = append(v.Staff, row)
		} else {
			v.Requester = append(v.Requester, row)
		}
	}
	noStore(c)
	return render(c, http.StatusOK, views.LettersPage(h.page(c, "Letters"), v))
}

// adminLetter shows one letter in one language for one controller: its messages, shipped and
// overridden, and a preview with the sample data.
func (h *Handler) adminLetter(c echo.Context) error {
	k, ctl, all, lang, err := h.letterQuery(c)
	if err != nil {
		return err
	}
	return h.renderLetter(c, http.StatusOK, k, ctl, all, lang, letterEdit{})
}

// letterQuery reads the letter (path), controller and language (query) a letter page is about.
func (h *Handler) letterQuery(c echo.Context) (k letters.Kind, ctl models.Controller, all []models.Controller, lang string, err error) {
	if k, err = letterKindParam(c); err != nil {
		return
	}
	if ctl, all, err = h.lettersController(c, c.QueryParam("controller")); err != nil {
		return
	}
	lang, err = letterLanguage(c.QueryParam("lang"), ctl)
	return
}

// letterEdit is a refused form: the message it was about, what was typed and why it was refused.
// Notice is a refusal that belongs to no message (an id the letter does not have).
type letterEdit struct {
	ID, Wording, Reason string
	Notice              string
}

func (h *Handler) renderLetter(c echo.Context, status int, k letters.Kind, ctl models.Controller, all []models.Controller,
	lang string, edit letterEdit) error {
	o, err := h.store.LetterOverrides(c.Request().Context(), ctl.ID, lang)
	if err != nil {
		return err
	}
	r, err := letters.Preview(k, lang, letters.Overrides(o))
	if err != nil {
		return err
	}
	v := views.LetterView{
		Kind: string(k), ToStaff: k.ToStaff(), Controllers: all, Controller: ctl, Lang: lang, Notice: edit.Notice, Refused: edit.ID,
		Subject: r.Subject, Text: r.Text, Fallbacks: r.Fallbacks,
	}
	for _, id := range letters.Messages(k) {
		shipped, _ := letters.Default(lang, id)
		m := views.LetterMessage{ID: id, Shipped: shipped, Variables: letters.MessageVariables(id), Wording: shipped}
		for _, uk := range letters.UsedBy(id) {
			if uk != k {
				m.SharedWith = append(m.SharedWith, string(uk))
			}
		}
		if w, ok := o[id]; ok {
			m.Override, m.Overridden, m.Wording = w, true, w
			// A wording stored before an upgrade may no longer fit: letters then go out with the
			// shipped wording, and the admin sees why here.
			if err := letters.CheckOverride(k, lang, id, w); err != nil {
				m.Error = "This wording is no longer used (letters go out with the shipped wording): " + overrideReason(err)
			}
		}
		if id == edit.ID {
			m.Wording, m.Error = edit.Wording, edit.Reason
		}
		v.Messages = append(v.Messages, m)
	}
	noStore(c)
	return render(c, status, views.LetterPage(h.page(c, "Letter: "+string(k)), v))
}

// adminLetterPreviewHTML serves the preview's HTML part as its own document, under the same strict
// sandbox as a letter of the delivery log.
func (h *Handler) adminLetterPreviewHTML(c echo.Context) error {
	k, ctl, _, lang, err := h.letterQuery(c)
	if err != nil {
		return err
	}
	o, err := h.store.LetterOverrides(c.Request().Context(), ctl.ID, lang)
	if err != nil {
		return err
	}
	r, err := letters.Preview(k, lang, letters.Overrides(o))
	if err != nil {
		return err
	}
	noStore(c)
	c.Response().Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox")
	return c.HTML(http.StatusOK, r.HTML)
}

// saveLetterOverride saves (action=save) or removes (action=reset) one controller's wording of
// one message in one language. A refused wording is shown again beside its field with the reason,
// and nothing is stored.
func (h *Handler) saveLetterOverride(c echo.Context) error {
	ctx := c.Request().Context()
	k, err := letterKindParam(c)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	ctl, all, err := h.lettersController(c, form.Get("controller"))
	if err != nil {
		return err
	}
	lang := form.Get("lang")
	if !locale.Supported(lang) {
		return models.ErrNotFound
	}
	id, action := form.Get("message"), form.Get("action")
	wording := normaliseNewlines(form.Get("wording"))
	refuse := func(edit letterEdit) error {
		return h.renderLetter(c, http.StatusUnprocessableEntity, k, ctl, all, lang, edit)
	}
	if !slices.Contains(letters.Messages(k), id) {
		shown := id
		if len(shown) > 80 {
			shown = shown[:80] + "…"
		}
		return refuse(letterEdit{Notice: "Nothing was saved: the letter " + string(k) + " has no message " + strconv.Quote(shown) +
			". Change the wording in the field of one of the messages below."})
	}
	back := letterURL(k, ctl.ID, lang) + "#m-" + id
	shipped, _ := letters.Default(lang, id)
	switch {
	case action == "reset" || (action == "save" && wording == shipped):
		// Keeping a copy of the shipped wording would only hide later corrections of it.
		if err := h.store.DeleteLetterOverride(ctx, ctl.ID, lang, id); err != nil {
			return err
		}
		h.log.Info("letter override removed", "user_id", currentUser(c).ID, "controller_id", ctl.ID, "language", lang, "message", id)
		h.flash(c, id+" ("+locale.Names[lang]+") uses the shipped wording again for "+ctl.Name+".")
		return c.Redirect(http.StatusSeeOther, back)
	case action != "save":
		return refuse(letterEdit{ID: id, Wording: wording, Reason: "Choose “Save this wording” or “Back to the shipped wording”."})
	}
	if err := letters.CheckOverride(k, lang, id, wording); err != nil {
		if !errors.Is(err, letters.ErrOverride) {
			return err
		}
		return refuse(letterEdit{ID: id, Wording: wording, Reason: "Not saved: " + overrideReason(err)})
	}
	by := currentUser(c).ID
	if err := h.store.SaveLetterOverride(ctx, models.LetterOverride{
		ControllerID: ctl.ID, Language: lang, MessageID: id, Wording: wording, UpdatedBy: &by,
	}); err != nil {
		return err
	}
	h.log.Info("letter override saved", "user_id", by, "controller_id", ctl.ID, "language", lang, "message", id)
	msg := "Saved: " + id + " (" + locale.Names[lang] + ") for " + ctl.Name + ". The next letter uses it."
	if used := letters.UsedBy(id); len(used) > 1 {
		msg += " It is shared by " + strconv.Itoa(len(used)) + " letters, which all change."
	}
	h.flash(c, msg)
	return c.Redirect(http.StatusSeeOther, back)
}

// letterKindParam reads :kind; a letter that does not exist is a 404.
func letterKindParam(c echo.Context) (letters.Kind, error) {
	k := letters.Kind(c.Param("kind"))
	if !k.Known() {
		return "", models.ErrNotFound
	}
	return k, nil
}

// lettersController returns the controller raw names (the first one when raw is empty) and every
// controller, for the switch. A controller that does not exist is a 404.
func (h *Handler) lettersController(c echo.Context, raw string) (models.Controller, []models.Controller, error) {
	all, err := h.store.Controllers(c.Request().Context())
	if err != nil {
		return models.Controller{}, nil, err
	}
	if raw == "" {
		if len(all) == 0 {
			return models.Controller{}, nil, models.ErrNotFound
		}
		return all[0], all, nil
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return models.Controller{}, nil, models.ErrNotFound
	}
	for _, ctl := range all {
		if ctl.ID == id {
			return ctl, all, nil
		}
	}
	return models.Controller{}, nil, models.ErrNotFound
}

// letterLanguage is the language asked for, or else the controller's own; one we do not write
// letters in is a 404.
func letterLanguage(raw string, ctl models.Controller) (string, error) {
	switch {
	case raw == "" && locale.Supported(ctl.DefaultLanguage):
		return ctl.DefaultLanguage, nil
	case raw == "":
		return locale.Fallback, nil
	case locale.Supported(raw):
		return raw, nil
	}
	return "", models.ErrNotFound
}

func letterURL(k letters.Kind, controllerID int64, lang string) string {
	return "/admin/letters/" + string(k) + "?" + url.Values{"controller": {strconv.FormatInt(controllerID, 10)}, "lang": {lang}}.Encode()
}

// overrideReason is the reason of a refused wording.
func overrideReason(err error) string {
	var oe *letters.OverrideError
	if errors.As(err, &oe) {
		return oe.Reason
	}
	return err.Error()
}

// normaliseNewlines turns the CRLF line breaks browsers send for a textarea into the LF the
// messages are written with.
func normaliseNewlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}
