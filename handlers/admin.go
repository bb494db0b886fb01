package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"rightsdesk/cases"
	"rightsdesk/dsr"
	"rightsdesk/letters"
	"rightsdesk/models"
	"rightsdesk/views"
)

const mailboxPageSize = 50

// mailbox is the delivery log. A filter that cannot match (a malformed reference or address)
// is said next to its field, with what was typed kept, and lists nothing.
func (h *Handler) mailbox(c echo.Context) error {
	ctx := c.Request().Context()
	f := views.LetterFilter{
		Status: c.QueryParam("status"), Kind: c.QueryParam("kind"),
		Reference: strings.TrimSpace(c.QueryParam("reference")), Recipient: strings.TrimSpace(c.QueryParam("recipient")),
	}
	if f.Status != "" && !slices.Contains(models.LetterStates, f.Status) {
		f.Status = ""
	}
	kinds := make([]string, 0, len(letters.Kinds))
	for _, k := range letters.Kinds {
		kinds = append(kinds, string(k))
	}
	if !slices.Contains(kinds, f.Kind) {
		f.Kind = ""
	}
	errs := map[string]string{}
	if f.Reference != "" && !validReference(f.Reference) {
		errs["reference"] = "A reference looks like DSR-2026-000123."
	}
	if f.Recipient != "" && dsr.CheckEmail(f.Recipient) != nil {
		errs["recipient"] = "Type a whole e-mail address, like name@example.org."
	}
	v := views.MailboxView{Filter: f, Kinds: kinds, Errors: errs, SMTPEnabled: h.cfg.SMTPEnabled}
	var err error
	if v.Counts, err = h.store.LetterCounts(ctx); err != nil {
		return err
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	} else {
		before, _ := strconv.ParseInt(c.QueryParam("before"), 10, 64)
		v.Letters, err = h.store.Letters(ctx, models.LetterFilter{Status: f.Status, Kind: f.Kind, Reference: f.Reference,
			Recipient: f.Recipient, Before: before, Limit: mailboxPageSize})
		if err != nil {
			return err
		}
		if len(v.Letters) == mailboxPageSize {
			v.NextBefore = v.Letters[len(v.Letters)-1].ID
		}
	}
	noStore(c)
	return render(c, status, views.Mailbox(h.page(c, "Delivery log"), v))
}

// resendLetter puts a failed or possibly sent letter back in the queue.
func (h *Handler) resendLetter(c echo.Context) error {
	return h.decideLetter(c, h.cases.ResendLetter, "The letter is queued again; it goes out within a few seconds.")
}

// confirmLetterSent records that a possibly sent letter did arrive: nothing more is sent.
func (h *Handler) confirmLetterSent(c echo.Context) error {
	return h.decideLetter(c, h.cases.ConfirmLetterSent, "The letter is marked as sent; it will not be sent again.")
}

// decideLetter runs an admin's decision on a letter and goes back to its page, which says what
// happened or why the decision was refused (the letter is in another state).
func (h *Handler) decideLetter(c echo.Context, decide func(context.Context, cases.Actor, int64) error, done string) error {
	a, _, err := h.actor(c)
	if err != nil {
		return err
	}
	l, err := h.letter(c)
	if err != nil {
		return err
	}
	err = decide(c.Request().Context(), a, l.ID)
	var rule *dsr.RuleError
	switch {
	case errors.As(err, &rule):
		h.flash(c, rule.Msg)
	case err != nil:
		return err
	default:
		h.flash(c, done)
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/mailbox/%d", l.ID))
}

func (h *Handler) letter(c echo.Context) (models.Letter, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return models.Letter{}, models.ErrNotFound
	}
	return h.store.LetterByID(c.Request().Context(), id)
}

func (h *Handler) mailboxLetter(c echo.Context) error {
	l, err := h.letter(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.MailboxLetter(h.page(c, l.Subject), l))
}

// mailboxLetterHTML serves a letter's HTML part as its own document, sandboxed: no script runs and
// nothing is loaded from elsewhere, whatever the letter contains.
func (h *Handler) mailboxLetterHTML(c echo.Context) error {
	l, err := h.letter(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox")
	return c.HTML(http.StatusOK, l.HTMLBody)
}

func validReference(s string) bool {
	_, _, ok := dsr.ParseReference(s)
	return ok
}
