// Package cases carries out what happens to a request: filing, e-mail verification, withdrawal and
// expiry. Each operation combines the rules (dsr, deadline), the store and the letters in one
// transaction, so a request, its events and its letters are committed together or not at all.
package cases

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"rightsdesk/access"
	"slices"
	"strings"
	"time"

	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/events"
	"rightsdesk/letters"
	"rightsdesk/models"
	"rightsdesk/token"
)

// Time limits of the visitor's links.
const (
	// VerifyTTL is how long a verification link works; an unverified request then expires.
	VerifyTTL = 14 * 24 * time.Hour
	// StatusLinkTTL is how long a status page stays open after the case closed, so the requester
	// keeps a record for a complaint.
	StatusLinkTTL = 365 * 24 * time.Hour
)

// ErrNotFound is returned for an unknown, used or expired token.
var ErrNotFound = models.ErrNotFound

// AlreadyConfirmedError is returned for a verification link that was already used: it opens
// nothing more, but the visitor is told that the request is confirmed and where its status page's
// link is. It matches ErrNotFound, so a caller that does not tell the two apart answers 404.
type AlreadyConfirmedError struct {
	Case models.Case // the request the link confirmed, with its controller and site
}

func (e *AlreadyConfirmedError) Error() string {
	return "request " + e.Case.Reference + " is already confirmed"
}

func (e *AlreadyConfirmedError) Is(target error) bool { return target == ErrNotFound }

// spentOrNotFound turns err, a verification token not found, into an AlreadyConfirmedError when
// the token is one that was used.
func (s *Service) spentOrNotFound(ctx context.Context, plain string, err error) error {
	if !errors.Is(err, ErrNotFound) {
		return err
	}
	c, lerr := s.store.CaseBySpentVerifyToken(ctx, token.Hash(plain))
	if lerr != nil {
		return err
	}
	return &AlreadyConfirmedError{Case: c}
}

// Config is what the service needs from the deployment.
type Config struct {
	BaseURL  string // public address of the portal, for links in letters
	MailFrom string // sender address of every letter
	// Secret derives status-page tokens (with a nonce kept on the case), so that later letters can
	// carry the link while the database keeps only the token's hash.
	Secret []byte
	// ReminderDays are the two reminders before an answer is due, in working days; default 7 and 2.
	ReminderDays [2]int
	// Jobs schedules the sending of each letter written (package jobs). Nil: letters stay queued
	// rows that nothing sends (tests of the service alone).
	Jobs models.Scheduler
}

// Service runs the visitor's side of a case.
type Service struct {
	store *models.Store
	cfg   Config
	now   func() time.Time
}

// Option changes a Service.
type Option func(*Service)

// WithClock replaces time.Now (tests).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// New returns the service.
func New(store *models.Store, cfg Config, opts ...Option) (*Service, error) {
	if _, err := mail.ParseAddress(cfg.MailFrom); err != nil {
		return nil, fmt.Errorf("MAIL_FROM %q is not an e-mail address: %w", cfg.MailFrom, err)
	}
	if cfg.ReminderDays == [2]int{} {
		cfg.ReminderDays = [2]int{7, 2}
	}
	if cfg.ReminderDays[1] < 0 || cfg.ReminderDays[0] <= cfg.ReminderDays[1] {
		return nil, fmt.Errorf("cases: reminder days %v: the first must come before the second", cfg.ReminderDays)
	}
	if len(cfg.Secret) < 16 {
		return nil, errors.New("cases: the secret for status links must have at least 16 bytes")
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	s := &Service{store: store, cfg: cfg, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Filed is what the visitor is told after filing.
type Filed struct {
	Reference string
	Email     string
	VerifyBy  time.Time
	// VerifyToken is the secret the verification letter carries. Pages never show it; the demo
	// loader and tests use it to stand in for the requester reading the letter.
	VerifyToken string
}

// File records a validated request for site: the case, its kinds and identifiers, the first event
// and the verification letter, in one transaction. cookies is the site's catalogue, which the
// identifiers refer to.
func (s *Service) File(ctx context.Context, site models.Site, cookies []models.Cookie, r dsr.Request) (Filed, error) {
	if site.Controller == nil {
		return Filed{}, errors.New("file: site without its controller")
	}
	if site.Retired() {
		return Filed{}, &models.SiteRetiredError{Site: site}
	}
	ctrl := *site.Controller
	now := s.clock()
	cal, err := deadline.For(ctrl.Country)
	if err != nil {
		return Filed{}, fmt.Errorf("file: %w", err)
	}
	receivedOn := deadline.ReceiptDate(now, ctrl.Location())
	verifyPlain, verifyHash := token.New()

	cookieIDs := map[string]int64{}
	for _, c := range cookies {
		cookieIDs[c.Name] = c.ID
	}
	c := models.Case{
		ControllerID:             ctrl.ID,
		SiteID:                   site.ID,
		Status:                   dsr.StatusUnverified,
		Email:                    r.Email,
		Name:                     r.Name,
		Language:                 r.Language,
		Country:                  r.Country,
		Details:                  r.Details,
		RectificationWrong:       r.RectificationWrong,
		RectificationRight:       r.RectificationRight,
		ObjectionGrounds:         r.ObjectionGrounds,
		ObjectionDirectMarketing: r.ObjectionDirectMarketing,
		RecipientsWanted:         r.RecipientsWanted,
		ReceivedAt:               now,
		ReceivedOn:               receivedOn,
		DueOn:                    cal.Due(receivedOn),
		AnswerDueOn:              cal.Due(receivedOn),
		TargetOn:                 deadline.InternalTarget(receivedOn, ctrl.InternalTargetDays),
		VerifyTokenHash:          &verifyHash,
		VerifyExpiresAt:          now.Add(VerifyTTL),
		Version:                  1,
	}
	for _, k := range r.Kinds {
		c.Kinds = append(c.Kinds, models.CaseKind{Kind: k})
	}
	for _, id := range r.Identifiers {
		cid, ok := cookieIDs[id.CookieName]
		if !ok {
			return Filed{}, fmt.Errorf("file: identifier for a cookie not in the catalogue")
		}
		c.Identifiers = append(c.Identifiers, models.CaseIdentifier{
			CookieID: cid, CookieName: id.CookieName, Value: id.Value, Provenance: id.Provenance, CreatedAt: now,
		})
	}

	// The overrides are read before the transaction, which then needs no read of its own for the
	// letter (and could not fill the cache).
	overrides, err := s.store.CachedLetterOverrides(ctx, ctrl.ID, r.Language)
	if err != nil {
		return Filed{}, err
	}
	err = s.store.InTx(ctx, func(tx *models.Tx) error {
		ref, err := tx.NextReference(ctx, receivedOn.Year)
		if err != nil {
			return err
		}
		c.Reference = ref
		if err := tx.CreateCase(ctx, &c); err != nil {
			return err
		}
		if err := tx.AppendEvent(ctx, &models.Event{
			CaseID: c.ID, At: now, ActorType: models.ActorRequester, ToStatus: dsr.StatusUnverified, Public: true,
		}, events.Filed{Kinds: r.Kinds}); err != nil {
			return err
		}
		d := s.letterData(c, site)
		d.VerifyURL = s.cfg.BaseURL + "/requests/verify/" + verifyPlain
		d.VerifyBy = c.VerifyExpiresAt
		rendered, err := renderWith(ctrl.ID, letters.Verification, d, overrides)
		if err != nil {
			return err
		}
		return s.queueRendered(ctx, tx, c, letters.Verification, d, rendered)
	})
	if err != nil {
		return Filed{}, err
	}
	return Filed{Reference: c.Reference, Email: c.Email, VerifyBy: c.VerifyExpiresAt, VerifyToken: verifyPlain}, nil
}

// PendingVerification returns the case a verification token opens, without changing anything: the
// confirm page shows it so that a mail scanner prefetching the link verifies nothing.
func (s *Service) PendingVerification(ctx context.Context, plain string) (models.Case, error) {
	if !token.WellFormed(plain) {
		return models.Case{}, ErrNotFound
	}
	c, err := s.store.CaseByVerifyToken(ctx, token.Hash(plain))
	if err != nil {
		return models.Case{}, s.spentOrNotFound(ctx, plain, err)
	}
	if !s.clock().Before(c.VerifyExpiresAt) || c.Status != dsr.StatusUnverified {
		return models.Case{}, ErrNotFound
	}
	return c, nil
}

// Verify opens the case that the token verifies, records the event and queues the acknowledgement.
// It returns the status-page token, which exists only here and in the acknowledgement letter.
func (s *Service) Verify(ctx context.Context, plain string) (statusToken string, err error) {
	if !token.WellFormed(plain) {
		return "", ErrNotFound
	}
	now := s.clock()
	var statusPlain string
	err = s.store.InTx(ctx, func(tx *models.Tx) error {
		c, err := tx.CaseByVerifyToken(ctx, token.Hash(plain))
		if err != nil {
			return err
		}
		nonce := token.Nonce()
		statusPlain = token.Derive(s.cfg.Secret, "status", c.ID, nonce)
		statusHash := token.Hash(statusPlain)
		if !now.Before(c.VerifyExpiresAt) {
			return ErrNotFound
		}
		next, err := dsr.Next(c.Status, dsr.ActionVerify)
		if err != nil {
			return ErrNotFound // an expired case keeps its hash only until the sweep; treat as gone
		}
		from := c.Status
		spent := token.Hash(plain)
		if err := tx.UpdateCase(ctx, &c, models.CaseChange{
			Status: next, At: now, VerifiedAt: &now, ClearVerify: true, VerifySpentHash: &spent,
			StatusTokenHash: &statusHash, StatusNonce: nonce,
		}); err != nil {
			return err
		}
		if err := tx.AppendEvent(ctx, &models.Event{
			CaseID: c.ID, At: now, ActorType: models.ActorRequester, FromStatus: from, ToStatus: next, Public: true,
		}, events.Verified{}); err != nil {
			return err
		}
		d := s.letterData(c, *c.Site)
		d.StatusURL = s.statusURL(statusPlain)
		return s.queue(ctx, tx, c, letters.Acknowledgement, d)
	})
	if err != nil {
		return "", s.spentOrNotFound(ctx, plain, err)
	}
	return statusPlain, nil
}

// Extend extends the deadline of case ref by two further months (Art. 12(3)): once, with reasons,
// and only while the first month runs. version is the case version the actor saw (0 skips the
// check); a case that changed since is refused with models.ErrConflict. It records the event and
// queues the extension notice, which tells the requester the reasons and the new date.
func (s *Service) Extend(ctx context.Context, actor Actor, ref string, version int, reason string) error {
	now := s.clock()
	if msg := dsr.CheckExtensionReason(reason); msg != "" {
		return &FormError{Fields: dsr.Errors{"reason": msg}}
	}
	err := s.store.InTx(ctx, func(tx *models.Tx) error {
		c, err := tx.CaseByReferenceFor(ctx, ref, actor.Controllers)
		if err != nil {
			return err
		}
		if version != 0 && version != c.Version {
			return models.ErrConflict
		}
		ctrl := c.Controller
		today := deadline.Today(now, ctrl.Location())
		cal, err := deadline.For(ctrl.Country)
		if err != nil {
			return err
		}
		// While the clock is paused the first month does not run: it ends where the pause, ended
		// today, would put it.
		monthEnds := c.DueOn
		if c.Paused() {
			monthEnds = cal.Unpause(c.ReceivedOn, false, deadline.Date{}, c.PausedDays, deadline.PausedDays(c.PausedOn, today)).Due
		}
		if err := dsr.CheckExtension(c.Status, c.Extended(), monthEnds, today); err != nil {
			return err
		}
		// Three months from receipt, plus the days of any pause of the clock that ended (a pause
		// under way adds its own days when it ends).
		extended := cal.Unpause(c.ReceivedOn, true, deadline.Date{}, c.PausedDays, 0).ExtendedDue
		reason = strings.TrimSpace(reason)
		by := actor.UserID
		if err := tx.UpdateCase(ctx, &c, models.CaseChange{
			Status: c.Status, At: now, ExtendedDueOn: extended, ExtensionReason: reason, ExtendedBy: &by,
		}); err != nil {
			return err
		}
		if err := tx.AppendEvent(ctx, &models.Event{
			CaseID: c.ID, At: now, ActorType: models.ActorStaff, ActorUserID: &by, FromStatus: c.Status, ToStatus: c.Status, Public: true,
		}, events.Extended{From: c.DueOn, To: extended, Reasons: reason}); err != nil {
			return err
		}
		d := s.letterData(c, *c.Site)
		d.ExtendedDueOn, d.Reason = extended, reason
		d.StatusURL = s.statusURLOf(c)
		return s.queue(ctx, tx, c, letters.Extension, d)
	})
	if err != nil {
		return err
	}
	return nil
}

// StatusPage is what the requester sees on /r/{token}.
type StatusPage struct {
	Case     models.Case
	Timeline []models.Event
	Letters  []models.Letter   // the letters the requester was sent, or that could not be delivered
	Files    []models.CaseFile // without their content
	// The answer, once given: per right, complied with (and what was done), in part, or refused
	// with its ground and reasons, as staff recorded them.
	Outcomes []models.CaseOutcome
	// Access is the information of Art. 15 given with access, item by item.
	Access []access.Item
}

// IdentityNotConfirmed reports whether a right was refused because the requester's identity
// could not be confirmed: the page then says how to provide more information (Art. 11(2)).
func (p StatusPage) IdentityNotConfirmed() bool {
	for _, o := range p.Outcomes {
		if o.Result.Refuses() && o.Ground == dsr.GroundIdentity {
			return true
		}
	}
	return false
}

// Answered reports whether the answer was given: the request was complied with or refused.
func (p StatusPage) Answered() bool {
	return p.Case.Status == dsr.StatusCompleted || p.Case.Status == dsr.StatusRefused
}

// ShowsComplaintRoute reports whether the status page shows the complaint route.
func (p StatusPage) ShowsComplaintRoute() bool {
	return ShowsComplaintRoute(p.Case.Status, p.Case.Extended())
}

// Complaints is the complaint route of the case in lang, the same as its letters print: the
// controller's lead authority, the requester's own when they live in another EU/EEA country, and
// the judicial remedy.
func (p StatusPage) Complaints(lang string) letters.Complaint {
	lead := ""
	if p.Case.Controller != nil {
		lead = p.Case.Controller.LeadAuthority
	}
	return letters.ComplaintRoute(lang, lead, p.Case.Country)
}

// ShowsComplaintRoute reports whether a case's status page shows the complaint route: on every
// case answered, refused or extended, as the answer, refusal and extension letters carry it (a
// refusal must, Art. 12(4)). status is the case's status; extended, whether its deadline was
// extended.
func ShowsComplaintRoute(status dsr.Status, extended bool) bool {
	return status == dsr.StatusCompleted || status == dsr.StatusRefused || extended
}

// RequesterLetters are the letters of a case the status page lists: those to the requester that
// reached their mail server, and those that could not be delivered, so that they know a letter is
// missing. A letter still in the outbox is not listed: with no mail server configured it stays
// there, and "being sent" would never become true.
func RequesterLetters(ls []models.Letter) []models.Letter {
	var out []models.Letter
	for _, l := range ls {
		if letters.Kind(l.Kind).ToStaff() {
			continue // letters to staff about the case are not the requester's business
		}
		if l.Status == models.LetterSent || l.Status == models.LetterFailed {
			out = append(out, l)
		}
	}
	return out
}

// Status returns the case a status token opens, with its requester-visible timeline, the letters
// sent and, once answered, the answer.
func (s *Service) Status(ctx context.Context, plain string) (StatusPage, error) {
	return s.statusPage(ctx, plain, s.store.CaseLetters)
}

// statusPage is Status with the case's letters read by caseLetters (with their texts or not).
func (s *Service) statusPage(ctx context.Context, plain string, caseLetters func(context.Context, int64) ([]models.Letter, error)) (StatusPage, error) {
	c, err := s.caseByStatusToken(ctx, s.store, plain)
	if err != nil {
		return StatusPage{}, err
	}
	timeline, err := s.store.PublicTimeline(ctx, c.ID)
	if err != nil {
		return StatusPage{}, err
	}
	ls, err := caseLetters(ctx, c.ID)
	if err != nil {
		return StatusPage{}, err
	}
	files, err := s.store.CaseFiles(ctx, c.ID)
	if err != nil {
		return StatusPage{}, err
	}
	sp := StatusPage{Case: c, Timeline: timeline, Letters: RequesterLetters(ls), Files: files}
	if sp.Answered() {
		outs, err := s.store.Outcomes(ctx, c.ID)
		if err != nil {
			return StatusPage{}, err
		}
		order := c.KindList()
		slices.SortFunc(outs, func(a, b models.CaseOutcome) int {
			return slices.Index(order, a.Kind) - slices.Index(order, b.Kind)
		})
		sp.Outcomes = outs
		if sp.Access, err = s.store.AccessItems(ctx, c.ID); err != nil {
			return StatusPage{}, err
		}
	}
	return sp, nil
}

// Copy is the requester's copy of the case: the status page with the letters' texts, and the
// request as it was filed (Case carries it, identifiers included), for the requester to keep.
func (s *Service) Copy(ctx context.Context, plain string) (StatusPage, error) {
	return s.statusPage(ctx, plain, s.store.CaseLetterTexts)
}

// Withdraw closes the case as withdrawn at the requester's word, records the event and queues the
// confirmation letter.
func (s *Service) Withdraw(ctx context.Context, plain string) error {
	now := s.clock()
	err := s.store.InTx(ctx, func(tx *models.Tx) error {
		c, err := s.caseByStatusToken(ctx, tx.Store, plain)
		if err != nil {
			return err
		}
		next, err := dsr.Next(c.Status, dsr.ActionWithdraw)
		if err != nil {
			return err
		}
		if err := resumeClock(ctx, tx, &c, nil, now, events.ResumedWithdrawn); err != nil {
			return err
		}
		from := c.Status
		if err := tx.UpdateCase(ctx, &c, models.CaseChange{Status: next, At: now, Closed: true}); err != nil {
			return err
		}
		if err := tx.AppendEvent(ctx, &models.Event{
			CaseID: c.ID, At: now, ActorType: models.ActorRequester, FromStatus: from, ToStatus: next, Public: true,
		}, events.Withdrawn{}); err != nil {
			return err
		}
		d := s.letterData(c, *c.Site)
		d.StatusURL = s.statusURL(plain)
		d.At = now
		return s.queue(ctx, tx, c, letters.Withdrawn, d)
	})
	if err != nil {
		return err
	}
	return nil
}

// ExpireUnverified closes the requests whose e-mail was not confirmed within VerifyTTL, and
// returns how many it closed.
func (s *Service) ExpireUnverified(ctx context.Context) (int, error) {
	now := s.clock()
	total := 0
	for {
		ids, err := s.store.UnverifiedExpiredBefore(ctx, now, 100)
		if err != nil || len(ids) == 0 {
			return total, err
		}
		for _, id := range ids {
			err := s.store.InTx(ctx, func(tx *models.Tx) error {
				c, err := tx.CaseByID(ctx, id)
				if err != nil {
					return err
				}
				next, err := dsr.Next(c.Status, dsr.ActionExpire)
				if err != nil {
					return err // verified meanwhile
				}
				if err := tx.UpdateCase(ctx, &c, models.CaseChange{Status: next, At: now, ClearVerify: true, Closed: true}); err != nil {
					return err
				}
				if err := tx.AppendEvent(ctx, &models.Event{
					CaseID: c.ID, At: now, ActorType: models.ActorSystem, FromStatus: dsr.StatusUnverified, ToStatus: next,
				}, events.Expired{}); err != nil {
					return err
				}
				return s.queueExpired(ctx, tx, c, now)
			})
			if err != nil && !errors.Is(err, dsr.ErrTransitionNotAllowed) && !errors.Is(err, models.ErrConflict) {
				return total, err
			}
			if err == nil {
				total++
			}
		}
		if len(ids) < 100 {
			return total, nil
		}
	}
}

// queueExpired tells the address a request was filed with that it expired unconfirmed: nothing
// was processed, and a new request is always possible.
func (s *Service) queueExpired(ctx context.Context, tx *models.Tx, c models.Case, now time.Time) error {
	d := s.letterData(c, *c.Site)
	d.At = now
	d.NewRequestURL = s.cfg.BaseURL + "/requests/new?site=" + url.QueryEscape(c.Site.Slug)
	return s.queue(ctx, tx, c, letters.Expired, d)
}

func (s *Service) caseByStatusToken(ctx context.Context, st *models.Store, plain string) (models.Case, error) {
	if !token.WellFormed(plain) {
		return models.Case{}, ErrNotFound
	}
	c, err := st.CaseByStatusToken(ctx, token.Hash(plain))
	if err != nil {
		return models.Case{}, err
	}
	if c.ClosedAt != nil && s.clock().After(c.ClosedAt.Add(StatusLinkTTL)) {
		return models.Case{}, ErrNotFound
	}
	return c, nil
}

func (s *Service) statusURL(plain string) string { return s.cfg.BaseURL + "/r/" + plain }

// statusURLOf derives the status link of a verified case for a letter. It is empty when the case
// has none, or when the deployment's secret changed since the link was made (then the letter points
// to the acknowledgement's link instead).
func (s *Service) statusURLOf(c models.Case) string {
	if c.StatusTokenHash == nil || c.StatusNonce == "" {
		return ""
	}
	plain := token.Derive(s.cfg.Secret, "status", c.ID, c.StatusNonce)
	if token.Hash(plain) != *c.StatusTokenHash {
		return ""
	}
	return s.statusURL(plain)
}

func (s *Service) letterData(c models.Case, site models.Site) letters.Data {
	ctrl := site.Controller
	if ctrl == nil {
		ctrl = c.Controller
	}
	return letters.Data{
		Reference:     c.Reference,
		RequesterName: c.Name,
		Language:      c.Language,
		Controller:    s.partyOf(*ctrl),
		SiteName:      site.Name,
		SiteDomain:    site.Domain,
		Kinds:         c.KindList(),
		ReceivedOn:    c.ReceivedOn,
		DueOn:         c.DueOn,
		LeadAuthority: ctrl.LeadAuthority,
		Residence:     c.Country,
	}
}

// partyOf is the controller as its letters name it, with its logo's absolute address.
func (s *Service) partyOf(c models.Controller) letters.Party {
	p := letters.Party{Name: c.Name, Address: c.Address, CompanyNumber: c.CompanyNumber, Email: c.ContactEmail, Phone: c.Phone}
	if path := c.LogoPath(); path != "" {
		p.LogoURL = strings.TrimRight(s.cfg.BaseURL, "/") + path
	}
	return p
}

// queue renders letter k and writes it to the outbox inside tx.
func (s *Service) queue(ctx context.Context, tx *models.Tx, c models.Case, k letters.Kind, d letters.Data) error {
	r, err := s.render(ctx, tx, c.ControllerID, k, d)
	if err != nil {
		return err
	}
	return s.queueRendered(ctx, tx, c, k, d, r)
}

// queueRendered queues letter k to the requester of c, rendered as r.
func (s *Service) queueRendered(ctx context.Context, tx *models.Tx, c models.Case, k letters.Kind, d letters.Data, r letters.Rendered) error {
	sender := mail.Address{Name: d.Controller.Name + " (Rightsdesk)", Address: s.fromAddress()}
	caseID := c.ID
	now := s.clock()
	return tx.QueueLetter(ctx, s.cfg.Jobs, &models.Letter{
		CaseID:        &caseID,
		Kind:          string(k),
		Language:      r.Language,
		Sender:        sender.String(),
		Recipient:     c.Email,
		RecipientName: c.Name,
		Subject:       r.Subject,
		TextBody:      r.Text,
		HTMLBody:      r.HTML,
		MessageID:     messageID(k, s.fromAddress()),
		CreatedAt:     now,
		NextAttemptAt: now,
	})
}

// fromAddress is the bare address of MAIL_FROM (checked in New).
func (s *Service) fromAddress() string {
	from, _ := mail.ParseAddress(s.cfg.MailFrom)
	return from.Address
}

// messageID is assigned once, when the letter is queued, and sent unchanged on every retry, so a
// receiver sees a resend after a crash as the same message.
func messageID(k letters.Kind, from string) string {
	b := make([]byte, 16)
	rand.Read(b)
	domain := "rightsdesk.invalid"
	if at := strings.LastIndexByte(from, '@'); at >= 0 {
		domain = from[at+1:]
	}
	return fmt.Sprintf("%s.%s@%s", k, hex.EncodeToString(b), domain)
}
