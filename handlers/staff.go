package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"rightsdesk/models"
	"rightsdesk/password"
	"rightsdesk/views"
)

// dummyHash is verified against when the e-mail is unknown, so a login takes as long whether or
// not the account exists.
var dummyHash, _ = password.Hash("rightsdesk-timing-equaliser")

func (h *Handler) loginPage(c echo.Context) error {
	if _, ok := c.Get(userContextKey).(models.User); ok {
		return c.Redirect(http.StatusSeeOther, h.landing(c))
	}
	return render(c, http.StatusOK, views.Login(h.page(c, "Staff login"), "", ""))
}

func (h *Handler) login(c echo.Context) error {
	ctx := c.Request().Context()
	email := strings.ToLower(strings.TrimSpace(c.FormValue("email")))
	pw := c.FormValue("password")
	again := func(status int, problem string) error {
		return render(c, status, views.Login(h.page(c, "Staff login"), email, problem))
	}
	ip := c.RealIP()
	if !allow(h.limits.loginIP, ip) || h.limits.login.refused(email, ip) {
		return again(http.StatusTooManyRequests, "Too many login attempts. Wait a few minutes, then try again.")
	}
	h.limits.login.slowDown(ctx, email)
	if email == "" || pw == "" || len(pw) > password.MaxLength {
		return again(http.StatusUnprocessableEntity, "Give your e-mail address and your password.")
	}
	if !readable(email) || !readable(pw) {
		return again(http.StatusUnprocessableEntity, "The e-mail address or the password contains a character that cannot be typed (a control character or invalid text). Type them again.")
	}
	u, err := h.store.UserByEmail(ctx, email)
	if errors.Is(err, models.ErrNotFound) {
		_ = password.Verify(pw, dummyHash)
		h.limits.login.failed(email, ip)
		return again(http.StatusUnauthorized, "This e-mail address and password do not match an active account.")
	}
	if err != nil {
		return err
	}
	hash := u.PasswordHash
	if hash == "" { // invited, password not set yet: take as long as a real check
		hash = dummyHash
	}
	if err := password.Verify(pw, hash); err != nil || u.PasswordHash == "" || !u.Active {
		h.limits.login.failed(email, ip)
		return again(http.StatusUnauthorized, "This e-mail address and password do not match an active account.")
	}
	// A new session token at login defeats session fixation.
	if err := h.sessions.RenewToken(ctx); err != nil {
		return err
	}
	h.sessions.Put(ctx, sessionUserKey, u.ID)
	h.sessions.Put(ctx, sessionCSRFKey, random()) // forms of this session only
	h.sessions.Put(ctx, sessionEpochKey, u.SessionEpoch)
	c.Set(userContextKey, u)
	h.log.Info("staff login", "user_id", u.ID)
	return c.Redirect(http.StatusSeeOther, h.landing(c))
}

func (h *Handler) logout(c echo.Context) error {
	if err := h.sessions.Destroy(c.Request().Context()); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/staff/login")
}

// landing is where a user goes after login: the queue, their working day.
func (h *Handler) landing(c echo.Context) string {
	return "/staff/cases"
}
