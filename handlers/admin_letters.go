package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"rightsdesk/events"
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
		row := views.LetterKindRow{Kind: string(k), Name: views.LetterName(string(k)), Messages: len(ids), Overridden: map[string]int{}}
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

// letterEdit is a refused save of a letter's page: what was typed per message, the boxes ticked,
// the reason of each refused wording, and a refusal that belongs to no message (an id the letter
// does not have).
type letterEdit struct {
	Typed  map[string]string // message id → what the field held
	Resets map[string]bool   // message id → "use the shipped wording again" was ticked
	Errors map[string]string // message id → why its wording is refused
	Notice string
}

// letterPlan is what one save of a letter's page changes.
type letterPlan struct {
	Save  map[string]string // message id → wording to store
	Reset []string          // message ids back to the shipped wording
}

// planLetterSave reads a letter page's form — a field w.<id> per message and a box reset.<id> per
// overridden one — against the controller's current wording, and returns the changes, or the
// refusal with everything typed. Each changed wording is checked; one refused wording refuses the
// whole save. A wording equal to the shipped one is a reset: a copy would hide later corrections.
func planLetterSave(k letters.Kind, lang string, form url.Values, current map[string]string) (letterPlan, letterEdit, bool) {
	plan := letterPlan{Save: map[string]string{}}
	edit := letterEdit{Typed: map[string]string{}, Resets: map[string]bool{}, Errors: map[string]string{}}
	messages := letters.Messages(k)
	for key := range form {
		id, ok := strings.CutPrefix(key, "w.")
		if !ok {
			id, ok = strings.CutPrefix(key, "reset.")
		}
		if ok && !slices.Contains(messages, id) && edit.Notice == "" {
			shown := id
			if len(shown) > 80 {
				shown = shown[:80] + "…"
			}
			edit.Notice = "Nothing was saved: the letter " + string(k) + " has no message " + strconv.Quote(shown) + "."
		}
	}
	for _, id := range messages {
		_, overridden := current[id]
		if form.Get("reset."+id) == "yes" {
			edit.Resets[id] = true
			if overridden {
				plan.Reset = append(plan.Reset, id)
			}
		}
		raw, posted := form["w."+id]
		if !posted {
			continue
		}
		wording := normaliseNewlines(raw[0])
		edit.Typed[id] = wording
		if edit.Resets[id] {
			continue
		}
		shipped, _ := letters.Default(lang, id)
		switch {
		case wording == shipped:
			if overridden {
				plan.Reset = append(plan.Reset, id)
			}
		case overridden && wording == current[id]:
			// unchanged
		default:
			if err := letters.CheckOverride(k, lang, id, wording); err != nil {
				edit.Errors[id] = "Not saved: " + overrideReason(err)
				continue
			}
			plan.Save[id] = wording
		}
	}
	return plan, edit, edit.Notice == "" && len(edit.Errors) == 0
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
		Kind: string(k), Name: views.LetterName(string(k)), ToStaff: k.ToStaff(), Controllers: all, Controller: ctl, Lang: lang, Notice: edit.Notice,
		Subject: r.Subject, Text: r.Text, Fallbacks: r.Fallbacks,
	}
	for _, id := range letters.Messages(k) {
		shipped, _ := letters.Default(lang, id)
		m := views.LetterMessage{ID: id, Name: views.MessageName(id), Shipped: shipped, Variables: letters.MessageVariables(id), Wording: shipped}
		for _, uk := range letters.UsedBy(id) {
			if uk != k {
				m.SharedWith = append(m.SharedWith, views.LetterName(string(uk)))
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
		if typed, ok := edit.Typed[id]; ok {
			m.Wording = typed
		}
		if reason, ok := edit.Errors[id]; ok {
			m.Error = reason
			v.Refused = append(v.Refused, m)
		}
		m.Reset = edit.Resets[id]
		v.Messages = append(v.Messages, m)
	}
	noStore(c)
	title := "Letter: " + v.Name
	if status != http.StatusOK {
		title = "Not saved: " + title
	}
	return render(c, status, views.LetterPage(h.page(c, title), v))
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

// saveLetterOverrides saves every message of one letter for one controller in one language, from
// one form and one button: each changed wording is checked first, and one refused wording saves
// nothing — the page comes back with what was typed in every field and the reason beside each
// refused one. The changes are stored in one transaction.
func (h *Handler) saveLetterOverrides(c echo.Context) error {
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
	current, err := h.store.LetterOverrides(ctx, ctl.ID, lang)
	if err != nil {
		return err
	}
	plan, edit, ok := planLetterSave(k, lang, form, current)
	if !ok {
		return h.renderLetter(c, http.StatusUnprocessableEntity, k, ctl, all, lang, edit)
	}
	back := letterURL(k, ctl.ID, lang) + "#messages"
	if len(plan.Save) == 0 && len(plan.Reset) == 0 {
		h.flash(c, "Nothing changed: every message already had the wording shown.")
		return c.Redirect(http.StatusSeeOther, back)
	}
	by := currentUser(c).ID
	var saved, reset []string // in the letter's order
	for _, id := range letters.Messages(k) {
		if _, ok := plan.Save[id]; ok {
			saved = append(saved, id)
		} else if slices.Contains(plan.Reset, id) {
			reset = append(reset, id)
		}
	}
	err = h.audited(c, ctl.ID, func(tx *models.Tx) (events.Detail, error) {
		return events.LetterWordingSaved{Letter: string(k), Language: lang, Saved: saved, Reset: reset},
			tx.ApplyLetterChanges(ctx, models.LetterChanges{ControllerID: ctl.ID, Language: lang,
				Save: plan.Save, Reset: plan.Reset, UpdatedBy: &by})
	})
	if err != nil {
		return err
	}
	h.log.Info("letter wording saved", "user_id", by, "controller_id", ctl.ID, "language", lang, "letter", string(k),
		"saved", len(plan.Save), "reset", len(plan.Reset))
	var parts []string
	for _, id := range letters.Messages(k) {
		if _, ok := plan.Save[id]; ok {
			parts = append(parts, views.MessageName(id)+" saved")
		} else if slices.Contains(plan.Reset, id) {
			parts = append(parts, views.MessageName(id)+" back to the shipped wording")
		}
	}
	msg := views.LetterName(string(k)) + " (" + locale.Names[lang] + ") for " + ctl.Name + ": " + strings.Join(parts, "; ") +
		". The next letter uses it."
	for id := range plan.Save {
		if used := letters.UsedBy(id); len(used) > 1 {
			msg += " " + views.MessageName(id) + " is shared by " + strconv.Itoa(len(used)) + " letters, which all change."
		}
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
