package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"rightsdesk/accounts"
	"rightsdesk/models"
	"rightsdesk/views"
)

// Accounts is what the handlers ask of the staff-accounts service.
type Accounts interface {
	Users(ctx context.Context) ([]models.UserSummary, error)
	User(ctx context.Context, id int64) (models.UserSummary, error)
	Invite(ctx context.Context, by accounts.Actor, email, name, role string, controllerIDs []int64) (accounts.Invited, error)
	UpdateUser(ctx context.Context, by accounts.Actor, userID int64, role string, controllerIDs []int64, active bool) error
	LogoutEverywhere(ctx context.Context, userID int64) error
	EndSessions(ctx context.Context, by accounts.Actor, userID int64) error
	ChangePassword(ctx context.Context, userID int64, current, pw, confirm string) (int, error)
	RequestReset(ctx context.Context, email string) error
	OpenLink(ctx context.Context, token string) (accounts.Link, error)
	SetPassword(ctx context.Context, token, pw, confirm string) error
}

// sessionEpochKey holds the user's session epoch when the session was opened.
const sessionEpochKey = "epoch"

// resetAnswerTime is the least time a reset request takes, so that an address with an account
// (a token and a letter written) cannot be told from one without by timing the answer.
const resetAnswerTime = 250 * time.Millisecond

// fieldErrors returns the field errors err carries, if it is accounts.Errors.
func fieldErrors(err error) (accounts.Errors, bool) {
	var fe accounts.Errors
	ok := errors.As(err, &fe)
	return fe, ok
}

func currentUser(c echo.Context) models.User {
	u, _ := c.Get(userContextKey).(models.User) // the route's guard made sure there is one
	return u
}

// parseIDs reads controller ids from a form. Anything that is not a number becomes 0, which names no
// controller, so the service refuses it with the other errors of the form.
func parseIDs(vals []string) []int64 {
	ids := make([]int64, 0, len(vals))
	for _, v := range vals {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			id = 0
		}
		ids = append(ids, id)
	}
	return ids
}

// pathID reads the :id of the URL; a forged one is a plain 404.
func pathID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, models.ErrNotFound
	}
	return id, nil
}

func (h *Handler) users(c echo.Context) error {
	return h.renderUsers(c, http.StatusOK, views.InviteForm{Role: models.RoleStaff})
}

func (h *Handler) renderUsers(c echo.Context, status int, form views.InviteForm) error {
	ctx := c.Request().Context()
	us, err := h.accounts.Users(ctx)
	if err != nil {
		return err
	}
	cs, err := h.store.Controllers(ctx)
	if err != nil {
		return err
	}
	return render(c, status, views.UsersPage(h.page(c, "Users"), views.UsersView{Users: us, Controllers: cs, Invite: form}))
}

func (h *Handler) invite(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	f := views.InviteForm{
		Email: form.Get("email"), Name: form.Get("name"), Role: form.Get("role"), Controllers: parseIDs(form["controllers"]),
	}
	inv, err := h.accounts.Invite(c.Request().Context(), accounts.Actor{UserID: currentUser(c).ID}, f.Email, f.Name, f.Role, f.Controllers)
	if fe, ok := fieldErrors(err); ok {
		f.Errors = fe
		return h.renderUsers(c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return accountError(err)
	}
	h.flash(c, "Invitation sent to "+inv.Email+". The link works for 7 days.")
	return c.Redirect(http.StatusSeeOther, "/admin/users")
}

func (h *Handler) user(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	u, err := h.accounts.User(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return h.renderUser(c, http.StatusOK, u, views.UserForm{Role: u.Role, Controllers: u.ControllerIDs, Active: u.Active})
}

func (h *Handler) renderUser(c echo.Context, status int, u models.UserSummary, form views.UserForm) error {
	cs, err := h.store.Controllers(c.Request().Context())
	if err != nil {
		return err
	}
	v := views.UserView{User: u, Controllers: cs, Self: u.ID == currentUser(c).ID, Form: form}
	return render(c, status, views.UserPage(h.page(c, u.Name), v))
}

func (h *Handler) updateUser(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := pathID(c)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	f := views.UserForm{Role: form.Get("role"), Controllers: parseIDs(form["controllers"]), Active: form.Get("active") != ""}
	err = h.accounts.UpdateUser(ctx, accounts.Actor{UserID: currentUser(c).ID}, id, f.Role, f.Controllers, f.Active)
	if fe, ok := fieldErrors(err); ok {
		u, err := h.accounts.User(ctx, id)
		if err != nil {
			return err
		}
		f.Errors = fe
		return h.renderUser(c, http.StatusUnprocessableEntity, u, f)
	}
	if err != nil {
		return accountError(err)
	}
	h.flash(c, "Saved.")
	return c.Redirect(http.StatusSeeOther, "/admin/users/"+strconv.FormatInt(id, 10))
}

func (h *Handler) logoutUserEverywhere(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if id == currentUser(c).ID {
		return h.logoutEverywhere(c)
	}
	if err := h.accounts.EndSessions(c.Request().Context(), accounts.Actor{UserID: currentUser(c).ID}, id); err != nil {
		return err
	}
	h.flash(c, "Every session of this account has ended.")
	return c.Redirect(http.StatusSeeOther, "/admin/users/"+strconv.FormatInt(id, 10))
}

func (h *Handler) account(c echo.Context) error {
	return h.renderAccount(c, http.StatusOK, nil)
}

func (h *Handler) renderAccount(c echo.Context, status int, errs accounts.Errors) error {
	u := currentUser(c)
	v := views.AccountView{Name: u.Name, Email: u.Email, Role: u.Role, Errors: errs}
	return render(c, status, views.AccountPage(h.page(c, "Your account"), v))
}

func (h *Handler) changePassword(c echo.Context) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	if !allow(h.limits.currentPw, strconv.FormatInt(u.ID, 10)) {
		return echo.NewHTTPError(http.StatusTooManyRequests)
	}
	epoch, err := h.accounts.ChangePassword(ctx, u.ID, c.FormValue("current"), c.FormValue("password"), c.FormValue("confirm"))
	if fe, ok := fieldErrors(err); ok {
		return h.renderAccount(c, http.StatusUnprocessableEntity, fe)
	}
	if err != nil {
		return err
	}
	// Every other session is over; this one goes on under a new token and the new epoch.
	if err := h.sessions.RenewToken(ctx); err != nil {
		return err
	}
	h.sessions.Put(ctx, sessionEpochKey, epoch)
	h.sessions.Put(ctx, sessionCSRFKey, random())
	h.log.Info("password changed", "user_id", u.ID)
	h.flash(c, "Your password is changed. Every other session of your account has ended.")
	return c.Redirect(http.StatusSeeOther, "/staff/account")
}

func (h *Handler) logoutEverywhere(c echo.Context) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	if err := h.accounts.LogoutEverywhere(ctx, u.ID); err != nil {
		return err
	}
	if err := h.sessions.Destroy(ctx); err != nil {
		return err
	}
	h.log.Info("logged out everywhere", "user_id", u.ID)
	h.flash(c, "You are logged out on every device.") // in a fresh, anonymous session
	return c.Redirect(http.StatusSeeOther, "/staff/login")
}

func (h *Handler) resetPage(c echo.Context) error {
	noStore(c)
	return render(c, http.StatusOK, views.ResetRequestPage(h.page(c, "Forgot your password?"), views.ResetView{}))
}

func (h *Handler) requestReset(c echo.Context) error {
	noStore(c)
	ctx := c.Request().Context()
	v := views.ResetView{Email: c.FormValue("email")}
	again := func(status int) error {
		return render(c, status, views.ResetRequestPage(h.page(c, "Forgot your password?"), v))
	}
	// Only a well-formed address uses up the limits: correcting a typo costs nothing.
	if msg := accounts.CheckEmail(v.Email); msg != "" {
		v.Errors = accounts.Errors{"email": msg}
		return again(http.StatusUnprocessableEntity)
	}
	if !allow(h.limits.resetIP, c.RealIP()) || !allow(h.limits.resetAccount, strings.ToLower(strings.TrimSpace(v.Email))) {
		v.Notice = "Too many links were asked for in a short time. Wait a few minutes, then try again."
		return again(http.StatusTooManyRequests)
	}
	until := time.Now().Add(resetAnswerTime)
	err := h.accounts.RequestReset(ctx, v.Email)
	time.Sleep(time.Until(until))
	if fe, ok := fieldErrors(err); ok {
		v.Errors = fe
		return again(http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	h.flash(c, "If this address belongs to an active staff account, a link to choose a new password is on its way. It works for one hour. Nothing arrived? Check the address and your spam folder.")
	return c.Redirect(http.StatusSeeOther, "/staff/password/reset")
}

func (h *Handler) passwordPage(c echo.Context) error {
	l, err := h.accounts.OpenLink(c.Request().Context(), c.Param("token"))
	if err != nil {
		return err
	}
	return h.renderPassword(c, http.StatusOK, l, nil)
}

func (h *Handler) renderPassword(c echo.Context, status int, l accounts.Link, errs accounts.Errors) error {
	v := views.PasswordView{
		Token: c.Param("token"), Invite: l.Purpose == models.TokenInvite, Name: l.Name, Email: l.Email, ExpiresAt: l.ExpiresAt, Errors: errs,
	}
	return render(c, status, views.SetPasswordPage(h.page(c, "Choose your password"), v))
}

func (h *Handler) setPassword(c echo.Context) error {
	ctx := c.Request().Context()
	tok := c.Param("token")
	err := h.accounts.SetPassword(ctx, tok, c.FormValue("password"), c.FormValue("confirm"))
	if fe, ok := fieldErrors(err); ok {
		l, err := h.accounts.OpenLink(ctx, tok)
		if err != nil {
			return err
		}
		return h.renderPassword(c, http.StatusUnprocessableEntity, l, fe)
	}
	if err != nil {
		return err
	}
	// Whoever was logged in in this browser is logged out too: the epoch was raised.
	h.flash(c, "Your password is set. Log in with your e-mail address and your new password.")
	return c.Redirect(http.StatusSeeOther, "/staff/login")
}

// accountError maps the service's refusals that the error handler does not know.
func accountError(err error) error {
	if errors.Is(err, accounts.ErrForbidden) {
		return echo.NewHTTPError(http.StatusForbidden)
	}
	return err
}
