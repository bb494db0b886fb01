package cases

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"rightsdesk/dsr"
	"rightsdesk/letters"
	"rightsdesk/models"
)

// Staff roles as the case service sees them.
const (
	roleManager = models.RoleManager
	roleAdmin   = models.RoleAdmin
)

// Actor is a member of staff acting on cases, with the controllers they may touch.
type Actor struct {
	UserID      int64
	Name        string
	Role        string
	Controllers []int64
}

// mayAssignOthers: managers and admins hand cases out and take them from one another; staff take
// only what nobody has.
func (a Actor) mayAssignOthers() bool { return a.Role == roleManager || a.Role == roleAdmin }

// FormError is a refusal tied to the fields of an action's form; it matches dsr.ErrRefused.
type FormError struct{ Fields dsr.Errors }

func (e *FormError) Error() string {
	for _, msg := range e.Fields {
		return msg
	}
	return "invalid input"
}

func (e *FormError) Is(target error) bool { return target == dsr.ErrRefused }

func refused(msg string) error { return &dsr.RuleError{Msg: msg} }

// FilesTTL is how long the requester can download the files of an answer.
const FilesTTL = 30 * 24 * time.Hour

// Limits on the files of an answer; the HTTP layer's body limit is set from them.
const (
	MaxFileSize  = 10 << 20
	MaxFiles     = 5
	MaxFilesSize = 25 << 20
)

// Upload is a file attached to an answer.
type Upload struct {
	Name        string
	ContentType string
	Data        []byte
}

// act runs one staff action on case ref inside a transaction: it loads and locks the case within
// the actor's controllers, refuses a stale version, and hands the case to fn.
func (s *Service) act(ctx context.Context, a Actor, ref string, version int, fn func(tx *models.Store, c *models.Case, now time.Time) error) error {
	now := s.clock()
	err := s.store.InTx(ctx, func(tx *models.Store) error {
		c, err := tx.CaseByReferenceFor(ctx, ref, a.Controllers)
		if err != nil {
			return err
		}
		if version != 0 && version != c.Version {
			return models.ErrConflict
		}
		return fn(tx, &c, now)
	})
	return err
}

// transition moves c by action, records the event and returns the status it came from.
func transition(ctx context.Context, tx *models.Store, c *models.Case, a Actor, action dsr.Action, now time.Time, ch models.CaseChange, evType, msg string, public bool) error {
	next, err := dsr.Next(c.Status, action)
	if err != nil {
		return err
	}
	from := c.Status
	ch.Status, ch.At = next, now
	if err := tx.UpdateCase(ctx, c, ch); err != nil {
		return err
	}
	by := a.UserID
	return tx.AppendEvent(ctx, &models.Event{
		CaseID: c.ID, At: now, ActorType: models.ActorStaff, ActorUserID: &by, Type: evType,
		FromStatus: from, ToStatus: next, Message: msg, Public: public,
	})
}

// note records an event that changes no status.
func note(ctx context.Context, tx *models.Store, c *models.Case, a Actor, now time.Time, evType, msg string, public bool) error {
	by := a.UserID
	return tx.AppendEvent(ctx, &models.Event{
		CaseID: c.ID, At: now, ActorType: models.ActorStaff, ActorUserID: &by, Type: evType,
		FromStatus: c.Status, ToStatus: c.Status, Message: msg, Public: public,
	})
}

// Claim takes the case for the actor. A case that someone else holds can only be taken by a
// manager or an admin.
func (s *Service) Claim(ctx context.Context, a Actor, ref string, version int) error {
	return s.Assign(ctx, a, ref, version, a.UserID)
}

// Assign gives the case to user assignee (the actor themself for a claim). Staff may only claim
// cases nobody holds; managers and admins assign anyone who works for the case's controller.
// An open case starts being handled.
func (s *Service) Assign(ctx context.Context, a Actor, ref string, version int, assignee int64) error {
	return s.act(ctx, a, ref, version, func(tx *models.Store, c *models.Case, now time.Time) error {
		if c.Status == dsr.StatusUnverified || c.Status.Closed() {
			return &dsr.TransitionError{Action: dsr.ActionClaim, From: c.Status}
		}
		if assignee != a.UserID && !a.mayAssignOthers() {
			return refused("Only a manager can assign a case to someone else.")
		}
		if c.AssigneeID != nil && *c.AssigneeID != a.UserID && !a.mayAssignOthers() {
			return refused("This case is already being handled by someone else; ask a manager to reassign it.")
		}
		if c.AssigneeID != nil && *c.AssigneeID == assignee {
			return refused("The case is already assigned to that person.")
		}
		staff, err := tx.StaffOf(ctx, c.ControllerID)
		if err != nil {
			return err
		}
		var to *models.User
		for i := range staff {
			if staff[i].ID == assignee {
				to = &staff[i]
			}
		}
		if to == nil {
			return refused("That person does not work on this controller's cases.")
		}
		msg := fmt.Sprintf("Assigned to %s.", to.Name)
		if assignee == a.UserID {
			msg = fmt.Sprintf("Claimed by %s.", to.Name)
		}
		ch := models.CaseChange{SetAssignee: true, Assignee: &assignee}
		if c.Status == dsr.StatusOpen {
			if err := transition(ctx, tx, c, a, dsr.ActionClaim, now, ch, "assigned", msg, false); err != nil {
				return err
			}
		} else {
			ch.Status, ch.At = c.Status, now
			if err := tx.UpdateCase(ctx, c, ch); err != nil {
				return err
			}
			if err := note(ctx, tx, c, a, now, "assigned", msg, false); err != nil {
				return err
			}
		}
		if assignee == a.UserID {
			return nil
		}
		d := s.staffLetterData(*c, *to)
		return s.queueTo(ctx, tx, c, letters.Assigned, d, *to)
	})
}

// DecideIdentifier records whether an identifier belongs to the requester, with the reason.
func (s *Service) DecideIdentifier(ctx context.Context, a Actor, ref string, version int, identifierID int64, verified bool, reason string) error {
	if msg := dsr.CheckMessage(reason, "Say how you decided (for example: matched the account's login records)."); msg != "" {
		return &FormError{Fields: dsr.Errors{"reason": msg}}
	}
	return s.act(ctx, a, ref, version, func(tx *models.Store, c *models.Case, now time.Time) error {
		if c.Status == dsr.StatusUnverified || c.Status.Closed() {
			return refused(fmt.Sprintf("Identifiers of a case that is %s cannot be decided.", strings.ToLower(c.Status.Label())))
		}
		var name, value string
		for _, id := range c.Identifiers {
			if id.ID == identifierID {
				name, value = id.CookieName, id.Value
			}
		}
		if name == "" {
			return models.ErrNotFound
		}
		if err := tx.DecideIdentifier(ctx, c.ID, identifierID, verified, strings.TrimSpace(reason), a.UserID, now); err != nil {
			return err
		}
		verdict := "does not belong to the requester"
		if verified {
			verdict = "belongs to the requester"
		}
		// The version moves on so that a concurrent edit of the same case is noticed.
		if err := tx.UpdateCase(ctx, c, models.CaseChange{Status: c.Status, At: now}); err != nil {
			return err
		}
		return note(ctx, tx, c, a, now, "identifier_checked",
			fmt.Sprintf("Identifier %s=%s %s: %s", name, value, verdict, strings.TrimSpace(reason)), false)
	})
}

// RequestInfo asks the requester a question; they answer on their status page. The case waits.
func (s *Service) RequestInfo(ctx context.Context, a Actor, ref string, version int, question string) error {
	if msg := dsr.CheckMessage(question, "Write the question the requester should answer."); msg != "" {
		return &FormError{Fields: dsr.Errors{"question": msg}}
	}
	question = strings.TrimSpace(question)
	return s.act(ctx, a, ref, version, func(tx *models.Store, c *models.Case, now time.Time) error {
		if err := transition(ctx, tx, c, a, dsr.ActionRequestInfo, now, models.CaseChange{}, "info_requested",
			"Information requested from the requester: "+question, true); err != nil {
			return err
		}
		d := s.letterData(*c, *c.Site)
		d.Message, d.StatusURL = question, s.statusURLOf(*c)
		return s.queue(ctx, tx, *c, letters.InfoRequest, d)
	})
}

// Reply records the requester's answer from their status page: the case is handled again and
// its assignee is told.
func (s *Service) Reply(ctx context.Context, statusToken, answer string) error {
	if msg := dsr.CheckMessage(answer, "Write your answer."); msg != "" {
		return &FormError{Fields: dsr.Errors{"answer": msg}}
	}
	answer = strings.TrimSpace(answer)
	now := s.clock()
	err := s.store.InTx(ctx, func(tx *models.Store) error {
		c, err := s.caseByStatusToken(ctx, tx, statusToken)
		if err != nil {
			return err
		}
		next, err := dsr.Next(c.Status, dsr.ActionReply)
		if err != nil {
			return err
		}
		from := c.Status
		if err := tx.UpdateCase(ctx, &c, models.CaseChange{Status: next, At: now}); err != nil {
			return err
		}
		if err := tx.AppendEvent(ctx, &models.Event{
			CaseID: c.ID, At: now, ActorType: models.ActorRequester, Type: "replied",
			FromStatus: from, ToStatus: next, Message: "The requester answered: " + answer, Public: true,
		}); err != nil {
			return err
		}
		if c.Assignee == nil {
			return nil
		}
		d := s.staffLetterData(c, *c.Assignee)
		d.Message = answer
		return s.queueTo(ctx, tx, &c, letters.ReplyReceived, d, *c.Assignee)
	})
	return err
}

// Complete answers the request: an outcome for every kind and, for access, the files found, which
// the requester downloads from the status page until they expire.
func (s *Service) Complete(ctx context.Context, a Actor, ref string, version int, outcomes map[dsr.Kind]string, files []Upload) error {
	if err := checkUploads(files); err != nil {
		return err
	}
	return s.act(ctx, a, ref, version, func(tx *models.Store, c *models.Case, now time.Time) error {
		kinds := c.KindList()
		if errs := dsr.CheckCompletion(kinds, outcomes); errs != nil {
			return &FormError{Fields: errs}
		}
		if len(files) > 0 && !hasKind(kinds, dsr.KindAccess) {
			return &FormError{Fields: dsr.Errors{"files": "Files answer an access request; this request asks for no access."}}
		}
		msg := "Request answered: " + dsr.Labels(kinds) + "."
		if len(files) > 0 {
			msg += fmt.Sprintf(" %d file(s) to download until %s.", len(files), now.Add(FilesTTL).Format("2 January 2006"))
		}
		// The transition first: it refuses a case that is no longer open before anything is written
		// (a second answer would otherwise collide with the first one's outcomes).
		if err := transition(ctx, tx, c, a, dsr.ActionComplete, now, models.CaseChange{Closed: true, Answered: true}, "completed", msg, true); err != nil {
			return err
		}
		var rows []models.CaseOutcome
		var outs []letters.Outcome
		for _, k := range kinds {
			text := strings.TrimSpace(outcomes[k])
			rows = append(rows, models.CaseOutcome{CaseID: c.ID, Kind: k, Outcome: text})
			outs = append(outs, letters.Outcome{Kind: k, Outcome: text})
		}
		if err := tx.SaveOutcomes(ctx, rows); err != nil {
			return err
		}
		var fileRefs []letters.File
		for _, f := range files {
			sum := sha256.Sum256(f.Data)
			row := models.CaseFile{
				CaseID: c.ID, Name: f.Name, ContentType: f.ContentType, SizeBytes: int64(len(f.Data)),
				SHA256: hex.EncodeToString(sum[:]), Data: f.Data, UploadedBy: &a.UserID, CreatedAt: now, ExpiresAt: now.Add(FilesTTL),
			}
			if err := tx.AddFile(ctx, &row); err != nil {
				return err
			}
			fileRefs = append(fileRefs, letters.File{Name: f.Name, Size: SizeText(int64(len(f.Data)))})
		}
		d := s.letterData(*c, *c.Site)
		d.Outcomes, d.Files, d.FilesUntil, d.StatusURL = outs, fileRefs, now.Add(FilesTTL), s.statusURLOf(*c)
		d.At = now // when consent-based processing stopped, for a withdrawal of consent
		return s.queue(ctx, tx, *c, letters.Completed, d)
	})
}

// Refuse refuses the request with a ground and reasons; the letter carries the complaint guidance
// and the right to a judicial remedy (Art. 12(4)).
func (s *Service) Refuse(ctx context.Context, a Actor, ref string, version int, ground, reasons string) error {
	return s.act(ctx, a, ref, version, func(tx *models.Store, c *models.Case, now time.Time) error {
		if errs := dsr.CheckRefusal(c.KindList(), ground, reasons); errs != nil {
			return &FormError{Fields: errs}
		}
		g, _ := dsr.ParseRefusalGround(ground)
		reasons = strings.TrimSpace(reasons)
		if err := transition(ctx, tx, c, a, dsr.ActionRefuse, now, models.CaseChange{Closed: true, Answered: true, RefusalGround: string(g)},
			"refused", "Request refused. Ground: "+g.Label()+". Reasons: "+reasons, true); err != nil {
			return err
		}
		d := s.letterData(*c, *c.Site)
		d.Ground, d.RefusalGround, d.Reason, d.StatusURL = g, g.Label(), reasons, s.statusURLOf(*c)
		return s.queue(ctx, tx, *c, letters.Refused, d)
	})
}

// CloseWithdrawn closes the case as withdrawn on the requester's word (by mail or phone).
func (s *Service) CloseWithdrawn(ctx context.Context, a Actor, ref string, version int, how string) error {
	if msg := dsr.CheckMessage(how, "Say how the requester withdrew (for example: e-mail of 3 March)."); msg != "" {
		return &FormError{Fields: dsr.Errors{"how": msg}}
	}
	return s.act(ctx, a, ref, version, func(tx *models.Store, c *models.Case, now time.Time) error {
		if err := transition(ctx, tx, c, a, dsr.ActionWithdraw, now, models.CaseChange{Closed: true}, "withdrawn",
			"Closed as withdrawn at the requester's request: "+strings.TrimSpace(how), true); err != nil {
			return err
		}
		d := s.letterData(*c, *c.Site)
		d.At, d.StatusURL = now, s.statusURLOf(*c)
		return s.queue(ctx, tx, *c, letters.Withdrawn, d)
	})
}

// AddNote adds an internal note: on the timeline for staff, never shown to the requester.
func (s *Service) AddNote(ctx context.Context, a Actor, ref string, text string) error {
	if msg := dsr.CheckMessage(text, "Write the note."); msg != "" {
		return &FormError{Fields: dsr.Errors{"note": msg}}
	}
	return s.act(ctx, a, ref, 0, func(tx *models.Store, c *models.Case, now time.Time) error {
		return note(ctx, tx, c, a, now, "note", strings.TrimSpace(text), false)
	})
}

// ExpireNow closes an unverified request as expired before its link runs out (staff judged it
// abandoned or abusive).
func (s *Service) ExpireNow(ctx context.Context, a Actor, ref string) error {
	return s.act(ctx, a, ref, 0, func(tx *models.Store, c *models.Case, now time.Time) error {
		if err := transition(ctx, tx, c, a, dsr.ActionExpire, now, models.CaseChange{ClearVerify: true, Closed: true}, "expired",
			"Closed as expired by staff: the e-mail address was never confirmed.", false); err != nil {
			return err
		}
		return s.queueExpired(ctx, tx, *c, now)
	})
}

// BulkResult says what a bulk action did.
type BulkResult struct {
	Done    int
	Refused map[string]string // reference -> why
}

// Bulk applies one action to each case of refs, each in its own transaction, and reports the
// cases it could not act on rather than stopping at the first.
func (s *Service) Bulk(ctx context.Context, refs []string, do func(ref string) error) BulkResult {
	r := BulkResult{Refused: map[string]string{}}
	for _, ref := range refs {
		err := do(ref)
		switch {
		case err == nil:
			r.Done++
		case errors.Is(err, models.ErrNotFound):
			r.Refused[ref] = "not found"
		case errors.Is(err, dsr.ErrRefused), errors.Is(err, dsr.ErrTransitionNotAllowed), errors.Is(err, models.ErrConflict):
			r.Refused[ref] = err.Error()
		default:
			r.Refused[ref] = "failed; try again"
		}
	}
	return r
}

// FileForRequester returns a file of the case that statusToken opens, while its link is valid.
func (s *Service) FileForRequester(ctx context.Context, statusToken string, fileID int64) (models.CaseFile, error) {
	c, err := s.caseByStatusToken(ctx, s.store, statusToken)
	if err != nil {
		return models.CaseFile{}, err
	}
	f, err := s.store.CaseFile(ctx, c.ID, fileID)
	if err != nil {
		return models.CaseFile{}, err
	}
	if !s.clock().Before(f.ExpiresAt) {
		return models.CaseFile{}, ErrNotFound
	}
	return f, nil
}

func checkUploads(files []Upload) error {
	if len(files) > MaxFiles {
		return &FormError{Fields: dsr.Errors{"files": fmt.Sprintf("At most %d files per answer.", MaxFiles)}}
	}
	total := 0
	for _, f := range files {
		if len(f.Data) == 0 {
			return &FormError{Fields: dsr.Errors{"files": fmt.Sprintf("The file %q is empty.", f.Name)}}
		}
		if len(f.Data) > MaxFileSize {
			return &FormError{Fields: dsr.Errors{"files": fmt.Sprintf("The file %q is larger than %s.", f.Name, SizeText(MaxFileSize))}}
		}
		if f.Name == "" || len(f.Name) > 200 || strings.ContainsAny(f.Name, "/\\\x00\r\n\"") {
			return &FormError{Fields: dsr.Errors{"files": "A file name must be 1 to 200 characters, without slashes, quotes or line breaks."}}
		}
		total += len(f.Data)
	}
	if total > MaxFilesSize {
		return &FormError{Fields: dsr.Errors{"files": fmt.Sprintf("The files together are larger than %s.", SizeText(MaxFilesSize))}}
	}
	return nil
}

func hasKind(ks []dsr.Kind, k dsr.Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// SizeText says a file's size for people: "2.4 MB", "12 KB", "300 bytes".
func SizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// staffLetterData is the data of a letter to a member of staff about case c.
func (s *Service) staffLetterData(c models.Case, to models.User) letters.Data {
	d := s.letterData(c, *c.Site)
	d.StaffName, d.Language = to.Name, "en"
	d.Link = s.cfg.BaseURL + "/staff/cases/" + c.Reference
	return d
}

// queueTo writes a letter to a member of staff into the outbox inside tx.
func (s *Service) queueTo(ctx context.Context, tx *models.Store, c *models.Case, k letters.Kind, d letters.Data, to models.User) error {
	r, err := s.render(ctx, tx, c.ControllerID, k, d)
	if err != nil {
		return err
	}
	caseID := c.ID
	now := s.clock()
	return tx.QueueLetter(ctx, &models.Letter{
		CaseID: &caseID, Kind: string(k), Language: r.Language, Sender: s.cfg.MailFrom,
		Recipient: to.Email, RecipientName: to.Name, Subject: r.Subject, TextBody: r.Text, HTMLBody: r.HTML,
		MessageID: messageID(k, s.fromAddress()), CreatedAt: now, NextAttemptAt: now,
	})
}
