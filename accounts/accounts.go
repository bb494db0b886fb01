// Package accounts manages staff accounts: admins invite members of staff and change their role,
// controllers and state; members of staff set, change and reset their passwords and log out
// everywhere. Each change runs in one transaction with the letter it sends (an invitation, a reset
// link), so both are committed or neither is.
//
// Logging out everywhere works through the user's session epoch: each session stores the epoch it
// was opened under, and raising the epoch makes every older session invalid.
package accounts

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"rightsdesk/events"
	"rightsdesk/letters"
	"rightsdesk/models"
	"rightsdesk/password"
	"rightsdesk/token"
)

// How long the links of the letters work.
const (
	InviteTTL = 7 * 24 * time.Hour
	ResetTTL  = time.Hour
)

// ErrNotFound is returned for an unknown user, and for a password link that is unknown, used or
// expired, or whose account was deactivated.
var ErrNotFound = models.ErrNotFound

// ErrForbidden is returned when the actor may not manage accounts (no longer an active admin).
var ErrForbidden = errors.New("only an active admin may manage accounts")

// Config is what the service needs from the deployment.
type Config struct {
	BaseURL  string // public address of the portal, for links in letters
	MailFrom string // sender address of every letter
	// Jobs schedules the sending of each letter written (package jobs). Nil: letters stay queued
	// rows that nothing sends (tests of the service alone).
	Jobs models.Scheduler
}

// Service manages staff accounts.
type Service struct {
	store *models.Store
	cfg   Config
	from  *mail.Address
	now   func() time.Time
}

// Option changes a Service.
type Option func(*Service)

// WithClock replaces time.Now (tests).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// New returns the service.
func New(store *models.Store, cfg Config, opts ...Option) (*Service, error) {
	from, err := mail.ParseAddress(cfg.MailFrom)
	if err != nil {
		return nil, fmt.Errorf("MAIL_FROM %q is not an e-mail address: %w", cfg.MailFrom, err)
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	s := &Service{store: store, cfg: cfg, from: from, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Actor is the admin making a change.
type Actor struct{ UserID int64 }

// Users lists every account for the admin pages.
func (s *Service) Users(ctx context.Context) ([]models.UserSummary, error) {
	return s.store.UserSummaries(ctx, s.clock())
}

// User returns one account for the admin pages.
func (s *Service) User(ctx context.Context, id int64) (models.UserSummary, error) {
	return s.store.UserSummaryByID(ctx, id, s.clock())
}

// Invited is what the admin is told after an invitation.
type Invited struct {
	UserID    int64
	Email     string
	ExpiresAt time.Time
	// Token is the secret the invitation letter carries. Pages never show it; tests use it to
	// stand in for the new member of staff reading the letter.
	Token string
}

// Invite creates an account that cannot log in until its owner sets a password, and queues the
// invitation letter with a single-use link valid for InviteTTL. Bad input is Errors.
func (s *Service) Invite(ctx context.Context, by Actor, email, name, role string, controllerIDs []int64) (Invited, error) {
	errs := Errors{}
	if msg := CheckEmail(email); msg != "" {
		errs["email"] = msg
	}
	if msg := CheckName(name); msg != "" {
		errs["name"] = msg
	}
	if msg := checkRole(role); msg != "" {
		errs["role"] = msg
	}
	ids, msg := checkIDs(controllerIDs)
	if msg == "" && errs["role"] == "" {
		msg = CheckScope(role, ids)
	}
	if msg != "" {
		errs["controllers"] = msg
	}
	now := s.clock()
	plain, hash := token.New()
	u := models.User{Email: normalEmail(email), Name: strings.TrimSpace(name), Role: role, Active: true}
	err := s.store.InTx(ctx, func(tx *models.Tx) error {
		if err := s.checkAdmin(ctx, tx, by); err != nil {
			return err
		}
		if err := s.checkControllers(ctx, tx, ids, errs); err != nil {
			return err
		}
		if errs["email"] == "" {
			if _, err := tx.UserByEmail(ctx, u.Email); err == nil {
				errs["email"] = "An account with this address exists already."
			} else if !errors.Is(err, models.ErrNotFound) {
				return err
			}
		}
		if len(errs) > 0 {
			return errs
		}
		// No password hash: password.Verify refuses an empty one, so nobody logs in until the link is used.
		if err := tx.CreateUser(ctx, &u, ids); err != nil {
			if errors.Is(err, models.ErrDuplicate) { // created meanwhile
				return Errors{"email": "An account with this address exists already."}
			}
			return err
		}
		t := models.PasswordToken{TokenHash: hash, UserID: u.ID, Purpose: models.TokenInvite, ExpiresAt: now.Add(InviteTTL), CreatedAt: now}
		if err := tx.CreatePasswordToken(ctx, &t); err != nil {
			return err
		}
		slugs, err := controllerSlugs(ctx, tx, ids)
		if err != nil {
			return err
		}
		if err := tx.AppendAdminEvent(ctx, models.By{UserID: by.UserID}, 0, now, events.UserInvited{
			UserID: u.ID, Name: u.Name, Email: u.Email, Role: u.Role, Controllers: slugs,
		}); err != nil {
			return err
		}
		return s.queue(ctx, tx, u, letters.Invite, letters.Data{
			StaffName: u.Name, Role: u.Role, Link: s.link(plain), LinkExpires: t.ExpiresAt,
		})
	})
	if err != nil {
		return Invited{}, err
	}
	return Invited{UserID: u.ID, Email: u.Email, ExpiresAt: now.Add(InviteTTL), Token: plain}, nil
}

// RequestReset queues a reset link valid for ResetTTL when an active account uses that address,
// and does nothing otherwise; the caller answers the same in both cases, so nobody learns which
// addresses have accounts. A malformed address is Errors.
func (s *Service) RequestReset(ctx context.Context, email string) error {
	if msg := CheckEmail(email); msg != "" {
		return Errors{"email": msg}
	}
	now := s.clock()
	plain, hash := token.New()
	return s.store.InTx(ctx, func(tx *models.Tx) error {
		u, err := tx.UserByEmail(ctx, normalEmail(email))
		if errors.Is(err, models.ErrNotFound) || (err == nil && !u.Active) {
			return nil
		}
		if err != nil {
			return err
		}
		t := models.PasswordToken{TokenHash: hash, UserID: u.ID, Purpose: models.TokenReset, ExpiresAt: now.Add(ResetTTL), CreatedAt: now}
		if err := tx.CreatePasswordToken(ctx, &t); err != nil {
			return err
		}
		return s.queue(ctx, tx, u, letters.PasswordReset, letters.Data{
			StaffName: u.Name, Role: u.Role, Link: s.link(plain), LinkExpires: t.ExpiresAt,
		})
	})
}

// Link is what a valid password link opens.
type Link struct {
	Purpose   string // models.TokenInvite or models.TokenReset
	Name      string
	Email     string
	ExpiresAt time.Time
}

// OpenLink returns what a password link is for, without changing anything, so that a mail scanner
// prefetching the link uses nothing up.
func (s *Service) OpenLink(ctx context.Context, plain string) (Link, error) {
	t, u, err := s.validLink(ctx, s.store, plain, s.clock())
	if err != nil {
		return Link{}, err
	}
	return Link{Purpose: t.Purpose, Name: u.Name, Email: u.Email, ExpiresAt: t.ExpiresAt}, nil
}

// SetPassword sets the password of the account a link opens. The link then stops working, as do
// the account's other links, and every session of the account ends. A link that is not valid is
// ErrNotFound; a weak or unconfirmed password is Errors.
func (s *Service) SetPassword(ctx context.Context, plain, pw, confirm string) error {
	// Check and hash before the transaction: argon2 is slow, and no row should stay locked meanwhile.
	_, u, err := s.validLink(ctx, s.store, plain, s.clock())
	if err != nil {
		return err
	}
	errs := Errors{}
	checkNewPassword(pw, confirm, u.Email, errs)
	if len(errs) > 0 {
		return errs
	}
	hash, err := password.Hash(pw)
	if err != nil {
		return err
	}
	now := s.clock()
	return s.store.InTx(ctx, func(tx *models.Tx) error {
		t, u, err := s.validLink(ctx, tx.Store, plain, now)
		if err != nil {
			return err
		}
		if err := tx.UsePasswordToken(ctx, t.TokenHash, now); err != nil {
			return err
		}
		if err := tx.RevokePasswordTokens(ctx, u.ID, now); err != nil {
			return err
		}
		_, err = tx.SetUserPassword(ctx, u.ID, hash, now)
		return err
	})
}

// ChangePassword changes the password of a logged-in member of staff, who must give the current
// one. It ends every session of the account and returns the new session epoch, which the caller
// stores in the session it keeps. Bad input is Errors.
func (s *Service) ChangePassword(ctx context.Context, userID int64, current, pw, confirm string) (epoch int, err error) {
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return 0, err
	}
	if !u.Active {
		return 0, ErrNotFound
	}
	errs := Errors{}
	switch {
	case current == "":
		errs["current"] = "Give your current password."
	case len(current) > password.MaxLength || password.Verify(current, u.PasswordHash) != nil:
		errs["current"] = "This is not your current password."
	}
	checkNewPassword(pw, confirm, u.Email, errs)
	if len(errs) > 0 {
		return 0, errs
	}
	hash, err := password.Hash(pw)
	if err != nil {
		return 0, err
	}
	now := s.clock()
	err = s.store.InTx(ctx, func(tx *models.Tx) error {
		// A reset link asked for before the change must not undo it.
		if err := tx.RevokePasswordTokens(ctx, userID, now); err != nil {
			return err
		}
		epoch, err = tx.SetUserPassword(ctx, userID, hash, now)
		return err
	})
	return epoch, err
}

// UpdateUser sets a user's role, controllers and state. Deactivating ends every session of the
// user and kills their password links. An admin may not demote or deactivate themselves. Bad input
// is Errors; an unknown user is ErrNotFound.
func (s *Service) UpdateUser(ctx context.Context, by Actor, userID int64, role string, controllerIDs []int64, active bool) error {
	errs := Errors{}
	if msg := checkRole(role); msg != "" {
		errs["role"] = msg
	}
	ids, msg := checkIDs(controllerIDs)
	if msg == "" && errs["role"] == "" && active { // a deactivated account works on nothing anyway
		msg = CheckScope(role, ids)
	}
	if msg != "" {
		errs["controllers"] = msg
	}
	checkSelfChange(by.UserID, userID, role, active, errs)
	now := s.clock()
	return s.store.InTx(ctx, func(tx *models.Tx) error {
		// Lock both rows: two admins demoting each other at once are serialised, and the second
		// finds that they are no longer an admin.
		users, err := tx.UsersForUpdate(ctx, by.UserID, userID)
		if err != nil {
			return err
		}
		if a, ok := users[by.UserID]; !ok || !a.Active || a.Role != models.RoleAdmin {
			return ErrForbidden
		}
		target, ok := users[userID]
		if !ok {
			return ErrNotFound
		}
		if err := s.checkControllers(ctx, tx, ids, errs); err != nil {
			return err
		}
		if len(errs) > 0 {
			return errs
		}
		before, err := tx.UserControllerIDs(ctx, userID)
		if err != nil {
			return err
		}
		if err := tx.UpdateUserAccess(ctx, userID, role, active, ids, now); err != nil {
			return err
		}
		if target.Active && !active {
			if err := tx.RevokePasswordTokens(ctx, userID, now); err != nil {
				return err
			}
			if _, err := tx.RaiseSessionEpoch(ctx, userID, now); err != nil {
				return err
			}
		}
		after, err := tx.UserControllerIDs(ctx, userID)
		if err != nil {
			return err
		}
		d := events.UserChanged{UserID: userID, Name: target.Name, RoleFrom: target.Role, RoleTo: role,
			ActiveFrom: target.Active, ActiveTo: active}
		if d.ControllersFrom, err = controllerSlugs(ctx, tx, before); err != nil {
			return err
		}
		if d.ControllersTo, err = controllerSlugs(ctx, tx, after); err != nil {
			return err
		}
		return tx.AppendAdminEvent(ctx, models.By{UserID: by.UserID}, 0, now, d)
	})
}

// LogoutEverywhere ends every session of the user: their own choice, not an admin's action.
func (s *Service) LogoutEverywhere(ctx context.Context, userID int64) error {
	_, err := s.store.RaiseSessionEpoch(ctx, userID, s.clock())
	return err
}

// EndSessions is an admin (by) ending every session of another account, recorded in the audit
// chain. An unknown user is ErrNotFound.
func (s *Service) EndSessions(ctx context.Context, by Actor, userID int64) error {
	now := s.clock()
	return s.store.InTx(ctx, func(tx *models.Tx) error {
		if err := s.checkAdmin(ctx, tx, by); err != nil {
			return err
		}
		u, err := tx.UserByID(ctx, userID)
		if err != nil {
			return err
		}
		if _, err := tx.RaiseSessionEpoch(ctx, userID, now); err != nil {
			return err
		}
		return tx.AppendAdminEvent(ctx, models.By{UserID: by.UserID}, 0, now, events.UserSessionsEnded{UserID: userID, Name: u.Name})
	})
}

// controllerSlugs names the controllers ids, in the order of ids, for an event.
func controllerSlugs(ctx context.Context, tx *models.Tx, ids []int64) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	cs, err := tx.ControllersIn(ctx, ids)
	if err != nil {
		return nil, err
	}
	slug := make(map[int64]string, len(cs))
	for _, c := range cs {
		slug[c.ID] = c.Slug
	}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, slug[id])
	}
	return out, nil
}

// validLink returns the token and the user a password link opens, or ErrNotFound when the link is
// malformed, unknown, used or expired, or the account deactivated.
func (s *Service) validLink(ctx context.Context, st *models.Store, plain string, now time.Time) (models.PasswordToken, models.User, error) {
	if !token.WellFormed(plain) {
		return models.PasswordToken{}, models.User{}, ErrNotFound
	}
	t, err := st.PasswordTokenByHash(ctx, token.Hash(plain))
	if err != nil {
		return models.PasswordToken{}, models.User{}, err
	}
	if t.UsedAt != nil || !now.Before(t.ExpiresAt) {
		return models.PasswordToken{}, models.User{}, ErrNotFound
	}
	u, err := st.UserByID(ctx, t.UserID)
	if err != nil {
		return models.PasswordToken{}, models.User{}, err
	}
	if !u.Active {
		return models.PasswordToken{}, models.User{}, ErrNotFound
	}
	return t, u, nil
}

// checkAdmin refuses an actor who is not (or no longer) an active admin.
func (s *Service) checkAdmin(ctx context.Context, tx *models.Tx, by Actor) error {
	a, err := tx.UserByID(ctx, by.UserID)
	if errors.Is(err, models.ErrNotFound) || (err == nil && (!a.Active || a.Role != models.RoleAdmin)) {
		return ErrForbidden
	}
	return err
}

// checkControllers puts an error in errs unless every id names a controller.
func (s *Service) checkControllers(ctx context.Context, tx *models.Tx, ids []int64, errs Errors) error {
	if errs["controllers"] != "" {
		return nil
	}
	ok, err := tx.AllControllersExist(ctx, ids)
	if err != nil {
		return err
	}
	if !ok {
		errs["controllers"] = "Choose among the controllers listed."
	}
	return nil
}

func (s *Service) link(plain string) string { return s.cfg.BaseURL + "/staff/password/" + plain }

// queue renders letter k to u and writes it to the outbox inside tx. Staff letters are in English,
// the language of the staff pages.
func (s *Service) queue(ctx context.Context, tx *models.Tx, u models.User, k letters.Kind, d letters.Data) error {
	d.Language = "en"
	r, err := letters.Render(k, d)
	if err != nil {
		return err
	}
	now := s.clock()
	return tx.QueueLetter(ctx, s.cfg.Jobs, &models.Letter{
		Kind:          string(k),
		Language:      d.Language,
		Sender:        s.from.String(),
		Recipient:     u.Email,
		RecipientName: u.Name,
		Subject:       r.Subject,
		TextBody:      r.Text,
		HTMLBody:      r.HTML,
		MessageID:     messageID(k, s.from.Address),
		CreatedAt:     now,
		NextAttemptAt: now,
	})
}

// messageID is fixed when the letter is queued and sent unchanged on every retry, so a receiver
// sees a resend after a crash as the same message.
func messageID(k letters.Kind, from string) string {
	b := make([]byte, 16)
	rand.Read(b)
	domain := "rightsdesk.invalid"
	if at := strings.LastIndexByte(from, '@'); at >= 0 {
		domain = from[at+1:]
	}
	return fmt.Sprintf("%s.%s@%s", k, hex.EncodeToString(b), domain)
}
