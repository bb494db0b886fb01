package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"rightsdesk/models"
	"rightsdesk/views"
)

const mailboxPageSize = 50

func (h *Handler) mailbox(c echo.Context) error {
	ctx := c.Request().Context()
	status := c.QueryParam("status")
	switch status {
	case "", models.LetterQueued, models.LetterSent, models.LetterFailed:
	default:
		status = ""
	}
	before, _ := strconv.ParseInt(c.QueryParam("before"), 10, 64)
	ls, err := h.store.Letters(ctx, models.LetterFilter{Status: status, Before: before, Limit: mailboxPageSize})
	if err != nil {
		return err
	}
	counts, err := h.store.LetterCounts(ctx)
	if err != nil {
		return err
	}
	v := views.MailboxView{Letters: ls, Counts: counts, Status: status, SMTPEnabled: h.cfg.SMTPEnabled}
	if len(ls) == mailboxPageSize {
		v.NextBefore = ls[len(ls)-1].ID
	}
	return render(c, http.StatusOK, views.Mailbox(h.page(c, "Mailbox"), v))
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
