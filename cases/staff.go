package cases

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"rightsdesk/access"
	"slices"
	"strings"
	"time"

	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/events"
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
func (s *Service) act(ctx context.Context, a Actor, ref string, version int, fn func(tx *models.Tx, c *models.Case, now time.Time) error) error {
	now := s.clock()
	err := s.store.InTx(ctx, func(tx *models.Tx) error {
		c, err := tx.CaseByReferenceFor(ctx, ref, a.Controllers)
		if err != nil {
			return err
		}
		if version != 0 && version != c.Version {
			return models.ErrConflict
		}
		if c.ErasedAt != nil {
			return refused(ErasedText(*c.ErasedAt))
		}
		return fn(tx, &c, now)
	})
	return err
}

// ErasedText says that a case's personal data was erased at, so that nothing is added to it.
func ErasedText(at time.Time) string {
	return "The personal data of this case was erased on " + at.UTC().Format("2 January 2006") +
		", at the end of its retention period: nothing can be added to it."
}

// transition moves c by action and records the event, d.
func transition(ctx context.Context, tx *models.Tx, c *models.Case, a Actor, action dsr.Action, now time.Time, ch models.CaseChange, d events.Detail, public bool) error {
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
		CaseID: c.ID, At: now, ActorType: models.ActorStaff, ActorUserID: &by, FromStatus: from, ToStatus: next, Public: public,
	}, d)
}

// note records an event, d, that changes no status.
func note(ctx context.Context, tx *models.Tx, c *models.Case, a Actor, now time.Time, d events.Detail, public bool) error {
	by := a.UserID
	return tx.AppendEvent(ctx, &models.Event{
		CaseID: c.ID, At: now, ActorType: models.ActorStaff, ActorUserID: &by, FromStatus: c.Status, ToStatus: c.Status, Public: public,
	}, d)
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
	return s.act(ctx, a, ref, version, func(tx *models.Tx, c *models.Case, now time.Time) error {
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
		msg := events.Assigned{UserID: to.ID, Name: to.Name, Claimed: assignee == a.UserID}
		ch := models.CaseChange{SetAssignee: true, Assignee: &assignee}
		if c.Status == dsr.StatusOpen {
			if err := transition(ctx, tx, c, a, dsr.ActionClaim, now, ch, msg, false); err != nil {
				return err
			}
		} else {
			ch.Status, ch.At = c.Status, now
			if err := tx.UpdateCase(ctx, c, ch); err != nil {
				return err
			}
			if err := note(ctx, tx, c, a, now, msg, false); err != nil {
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
	return s.act(ctx, a, ref, version, func(tx *models.Tx, c *models.Case, now time.Time) error {
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
		// The version moves on so that a concurrent edit of the same case is noticed.
		if err := tx.UpdateCase(ctx, c, models.CaseChange{Status: c.Status, At: now}); err != nil {
			return err
		}
		return note(ctx, tx, c, a, now,
			events.IdentifierChecked{Cookie: name, Value: value, Belongs: verified, Reason: strings.TrimSpace(reason)}, false)
	})
}

// Question is what staff ask the requester, and by when they should answer.
type Question struct {
	Text string
	// ReplyBy is the date the requester is asked to answer by, in the controller's calendar:
	// from today to the date the answer is due. The letter says that without an answer by then the
	// request may be refused (Art. 12(6), 11(2)).
	ReplyBy deadline.Date
	// Identity: the question asks the requester to confirm their identity (Art. 12(6)). Where the
	// controller chose so, it pauses the clock until the answer arrives.
	Identity bool
}

// RequestInfo asks the requester a question; they answer on their status page. The case waits.
// An identity question of a controller that pauses the clock for one (Controller.IdentityPause)
// stops the time limit until the answer arrives or the case closes (see resumeClock).
func (s *Service) RequestInfo(ctx context.Context, a Actor, ref string, version int, q Question) error {
	if errs := dsr.CheckQuestion(q.Text, q.ReplyBy); errs != nil {
		return &FormError{Fields: errs}
	}
	q.Text = strings.TrimSpace(q.Text)
	return s.act(ctx, a, ref, version, func(tx *models.Tx, c *models.Case, now time.Time) error {
		if _, err := dsr.Next(c.Status, dsr.ActionRequestInfo); err != nil {
			return err
		}
		today := deadline.Today(now, c.Controller.Location())
		if msg := dsr.CheckReplyBy(q.ReplyBy, today, c.AnswerDue()); msg != "" {
			return &FormError{Fields: dsr.Errors{dsr.ReplyByField: msg}}
		}
		// The pause only ever holds a period that still runs: once the answer is overdue, asking
		// the requester does not give the controller its time back.
		pause := q.Identity && c.Controller.IdentityPause && !c.Paused()
		ch := models.CaseChange{InfoReplyBy: q.ReplyBy}
		if pause {
			ch.PauseOn = today
		}
		if err := transition(ctx, tx, c, a, dsr.ActionRequestInfo, now, ch, events.InfoRequested{Question: q.Text, ReplyBy: q.ReplyBy, Identity: q.Identity}, true); err != nil {
			return err
		}
		if pause {
			if err := note(ctx, tx, c, a, now, events.ClockPaused{On: today, WasDue: c.AnswerDue()}, true); err != nil {
				return err
			}
		}
		d := s.letterData(*c, *c.Site)
		d.Message, d.StatusURL, d.ReplyBy, d.ExtendedDueOn = q.Text, s.statusURLOf(*c), q.ReplyBy, c.ExtendedDueOn
		d.PausedOn = c.PausedOn
		return s.queue(ctx, tx, *c, letters.InfoRequest, d)
	})
}

// Reply records the requester's answer from their status page: the case is handled again and
// its assignee is told. An answer that cannot be recorded is refused with its *dsr.Problem, which
// the page says in the requester's language.
func (s *Service) Reply(ctx context.Context, statusToken, answer string) error {
	if p := dsr.CheckReply(answer); p != nil {
		return p
	}
	answer = strings.TrimSpace(answer)
	now := s.clock()
	err := s.store.InTx(ctx, func(tx *models.Tx) error {
		c, err := s.caseByStatusToken(ctx, tx.Store, statusToken)
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
			CaseID: c.ID, At: now, ActorType: models.ActorRequester, FromStatus: from, ToStatus: next, Public: true,
		}, events.Replied{Answer: answer}); err != nil {
			return err
		}
		pausedOn := c.PausedOn
		if err := resumeClock(ctx, tx, &c, nil, now, events.ResumedAnswered); err != nil {
			return err
		}
		if !pausedOn.IsZero() {
			// The requester was told that the time limit is suspended until their answer: they are
			// told it runs again, and the new date.
			d := s.letterData(c, *c.Site)
			d.ExtendedDueOn, d.PausedOn, d.StatusURL = c.ExtendedDueOn, pausedOn, s.statusURL(statusToken)
			if err := s.queue(ctx, tx, c, letters.ReplyAcknowledged, d); err != nil {
				return err
			}
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

// Answer is staff's answer to a request, right by right, with the files it hands over.
type Answer struct {
	Rights map[dsr.Kind]dsr.RightInput
	// Files is the copy of the data found (access, Art. 15(3)); Portable, the data the requester
	// provided in a structured, machine-readable file (portability, Art. 20(1)).
	Files, Portable []Upload
	// LateAck acknowledges that refusing a right after the one-month date is late (Art. 12(4)).
	LateAck bool
	// Told is what became of each recipient of the data, the third-party providers of the site's
	// cookies, when a rectification, erasure or restriction is carried out (Art. 19).
	Told []dsr.RecipientInput
	// Access is the answer to each item of Art. 15(1)(a)–(h) and 15(2), required when access is
	// complied with in whole or in part (AccessDraft drafts it).
	Access map[access.Key]string
}

// answerFacts is what the answer rules need to know of case c on the day now.
func answerFacts(c *models.Case, now time.Time, lateAck bool) dsr.AnswerFacts {
	loc := time.UTC
	if c.Controller != nil {
		loc = c.Controller.Location()
	}
	return dsr.AnswerFacts{
		Kinds: c.KindList(), DirectMarketing: c.ObjectionDirectMarketing,
		RefusalDue: c.DueOn.Time(loc).Format("2 January 2006"),
		Late:       deadline.Today(now, loc).After(c.DueOn),
		LateAck:    lateAck,
	}
}

// Complete answers the request right by right: each right complied with, complied with in part,
// or refused with its own ground and reasons (Art. 12(4), 15–21), and the files handed over —
// a copy of the data for access, machine-readable files for portability — which the requester
// downloads from the status page until they expire. A request whose every right is refused is
// closed as refused; otherwise as answered.
func (s *Service) Complete(ctx context.Context, a Actor, ref string, version int, in Answer) error {
	if err := checkUploads(append(slices.Clip(in.Files), in.Portable...)); err != nil {
		return err
	}
	portable := make([]Upload, len(in.Portable))
	for i, f := range in.Portable {
		format, why := dsr.CheckPortable(f.Name, f.Data)
		if why != "" {
			return &FormError{Fields: dsr.Errors{"portable": why}}
		}
		f.ContentType = format.ContentType()
		portable[i] = f
	}
	return s.act(ctx, a, ref, version, func(tx *models.Tx, c *models.Case, now time.Time) error {
		facts := answerFacts(c, now, in.LateAck)
		answers, errs := dsr.CheckAnswer(facts, in.Rights)
		recipients, err := tx.CookieRecipients(ctx, c.SiteID)
		if err != nil {
			return err
		}
		// The recipients are checked against the results as typed, so that one refusal names every
		// problem of the form.
		told, terrs := dsr.CheckRecipients(dsr.RecipientFacts{
			Recipients: recipients, ReceivedOn: c.ReceivedOn, Today: deadline.Today(now, c.Controller.Location()),
		}, typedResults(facts.Kinds, in.Rights), in.Told)
		for k, v := range terrs {
			if errs == nil {
				errs = dsr.Errors{}
			}
			errs[k] = v
		}
		// The Art. 15 items go with access complied with, in whole or in part.
		var items []access.Item
		if accessGiven(facts.Kinds, in.Rights) {
			var aerrs dsr.Errors
			items, aerrs = access.Check(in.Access)
			for k, v := range aerrs {
				if errs == nil {
					errs = dsr.Errors{}
				}
				errs[k] = v
			}
		}
		if errs != nil {
			return &FormError{Fields: errs}
		}
		complied := map[dsr.Kind]bool{}
		for _, an := range answers {
			complied[an.Kind] = an.Result != dsr.ResultRefused
		}
		switch {
		case len(in.Files) > 0 && !complied[dsr.KindAccess]:
			return &FormError{Fields: dsr.Errors{"files": "A copy of the data answers an access request that is complied with, in whole or in part."}}
		case len(portable) > 0 && !complied[dsr.KindPortability]:
			return &FormError{Fields: dsr.Errors{"portable": "Machine-readable files answer a portability request that is complied with, in whole or in part."}}
		}
		overall := dsr.Overall(answers)
		// The event is "completed" either way: an answer right by right, whose rights may all have
		// been refused (each with its own ground); "refused" is the refusal of the whole request.
		action, ground := dsr.ActionComplete, ""
		if overall == dsr.ResultRefused {
			action, ground = dsr.ActionRefuse, string(answers[0].Ground)
		}
		msg := events.Completed{Kinds: facts.Kinds, AccessItems: len(items) > 0}
		for _, an := range answers {
			msg.Results = append(msg.Results, events.RightResult{Kind: an.Kind, Result: an.Result, Ground: an.Ground})
		}
		for _, set := range []struct {
			kind  dsr.Kind
			files []Upload
		}{{dsr.KindAccess, in.Files}, {dsr.KindPortability, portable}} {
			for _, f := range set.files {
				msg.Files = append(msg.Files, events.File{Kind: set.kind, Name: f.Name, Size: int64(len(f.Data))})
			}
		}
		if len(msg.Files) > 0 {
			msg.FilesUntil = now.Add(FilesTTL)
		}
		// The transition first: it refuses a case that is no longer open before anything is written
		// (a second answer would otherwise collide with the first one's outcomes).
		ch := models.CaseChange{Closed: true, Answered: true, AnswerResult: string(overall), RefusalGround: ground,
			RefusedLate: overall != dsr.ResultFull && facts.Late}
		if err := transition(ctx, tx, c, a, action, now, ch, msg, true); err != nil {
			return err
		}
		if err := noteLateRefusal(ctx, tx, c, a, now, ch.RefusedLate); err != nil {
			return err
		}
		if err := saveAnswers(ctx, tx, c.ID, answers); err != nil {
			return err
		}
		if err := saveRecipientsTold(ctx, tx, c, a, now, told); err != nil {
			return err
		}
		if err := tx.SaveAccessItems(ctx, c.ID, items); err != nil {
			return err
		}
		var fileRefs []letters.File
		for _, set := range []struct {
			kind  dsr.Kind
			files []Upload
		}{{dsr.KindAccess, in.Files}, {dsr.KindPortability, portable}} {
			for _, f := range set.files {
				sum := sha256.Sum256(f.Data)
				row := models.CaseFile{
					CaseID: c.ID, Kind: set.kind, Name: f.Name, ContentType: f.ContentType, SizeBytes: int64(len(f.Data)),
					SHA256: hex.EncodeToString(sum[:]), Data: f.Data, UploadedBy: &a.UserID, CreatedAt: now, ExpiresAt: now.Add(FilesTTL),
				}
				if err := tx.AddFile(ctx, &row); err != nil {
					return err
				}
				fileRefs = append(fileRefs, letters.File{Name: f.Name, Size: SizeText(int64(len(f.Data))), For: set.kind})
			}
		}
		d := s.letterData(*c, *c.Site)
		d.Outcomes, d.Files, d.FilesUntil, d.StatusURL = letterOutcomes(answers), fileRefs, now.Add(FilesTTL), s.statusURLOf(*c)
		d.At = now
		if complied[dsr.KindConsentWithdrawal] {
			w, hook, err := recordCaseWithdrawal(ctx, tx, s.cfg.Jobs, c, a, now)
			if err != nil {
				return err
			}
			// A withdrawal takes effect when the requester asked for it (Art. 7(3)), not when
			// staff got to it: the letter dates it so.
			d.At = c.ReceivedAt
			by := a.UserID
			if err := tx.AppendEvent(ctx, &models.Event{CaseID: c.ID, At: now, ActorType: models.ActorStaff, ActorUserID: &by,
				FromStatus: c.Status, ToStatus: c.Status}, events.ConsentRecorded{Receipt: w.Receipt, Webhook: hook != nil}); err != nil {
				return err
			}
		}
		d.RecipientsWanted, d.Recipients = c.RecipientsWanted, letterRecipients(told)
		d.Access = items
		return s.queue(ctx, tx, *c, letters.Completed, d)
	})
}

// Refuse refuses the whole request on one ground, with reasons; the letter carries the complaint
// guidance and the right to a judicial remedy (Art. 12(4)). A ground that limits one right
// (Art. 17(3)) or a right that cannot be refused (a direct-marketing objection) needs the answer
// right by right instead.
func (s *Service) Refuse(ctx context.Context, a Actor, ref string, version int, ground, reasons string, lateAck bool) error {
	return s.act(ctx, a, ref, version, func(tx *models.Tx, c *models.Case, now time.Time) error {
		// A refusal ends a pause: the dates move first, so that the refusal is late or not by
		// the dates the pause gave. Whatever is refused below rolls it back with the rest.
		if err := resumeClock(ctx, tx, c, &a, now, events.ResumedRefused); err != nil {
			return err
		}
		facts := answerFacts(c, now, lateAck)
		if errs := dsr.CheckRefusal(facts, ground, reasons); errs != nil {
			return &FormError{Fields: errs}
		}
		g, _ := dsr.ParseRefusalGround(ground)
		reasons = strings.TrimSpace(reasons)
		ch := models.CaseChange{Closed: true, Answered: true, AnswerResult: string(dsr.ResultRefused), RefusalGround: string(g), RefusedLate: facts.Late}
		if err := transition(ctx, tx, c, a, dsr.ActionRefuse, now, ch,
			events.Refused{Ground: g, Reasons: reasons}, true); err != nil {
			return err
		}
		if err := noteLateRefusal(ctx, tx, c, a, now, ch.RefusedLate); err != nil {
			return err
		}
		var answers []dsr.RightAnswer
		for _, k := range facts.Kinds {
			answers = append(answers, dsr.RightAnswer{Kind: k, Result: dsr.ResultRefused, Ground: g, Reasons: reasons})
		}
		if err := saveAnswers(ctx, tx, c.ID, answers); err != nil {
			return err
		}
		d := s.letterData(*c, *c.Site)
		d.Ground, d.RefusalGround, d.Reason, d.StatusURL = g, g.Label(), reasons, s.statusURLOf(*c)
		return s.queue(ctx, tx, *c, letters.Refused, d)
	})
}

// noteLateRefusal records, when late, that a right was refused after the one-month date with the
// acknowledgement of the member of staff: the answer counts late (Art. 12(4)).
func noteLateRefusal(ctx context.Context, tx *models.Tx, c *models.Case, a Actor, now time.Time, late bool) error {
	if !late {
		return nil
	}
	return note(ctx, tx, c, a, now, events.RefusalLate{Due: c.DueOn}, false)
}

// saveAnswers stores the answer of each right of case caseID.
func saveAnswers(ctx context.Context, tx *models.Tx, caseID int64, answers []dsr.RightAnswer) error {
	rows := make([]models.CaseOutcome, len(answers))
	for i, an := range answers {
		rows[i] = models.CaseOutcome{CaseID: caseID, Kind: an.Kind, Outcome: an.Done, Result: an.Result, Ground: an.Ground, Reasons: an.Reasons}
	}
	return tx.SaveOutcomes(ctx, rows)
}

// typedResults are the rights of kinds with the result typed for each, where it is one: what the
// recipient rules need to know whether a rectification, erasure or restriction is carried out.
func typedResults(kinds []dsr.Kind, in map[dsr.Kind]dsr.RightInput) []dsr.RightAnswer {
	var out []dsr.RightAnswer
	for _, k := range kinds {
		if r, ok := dsr.ParseResult(strings.TrimSpace(in[k].Result)); ok {
			out = append(out, dsr.RightAnswer{Kind: k, Result: r})
		}
	}
	return out
}

// accessGiven reports whether the answer typed complies with access, in whole or in part.
func accessGiven(kinds []dsr.Kind, in map[dsr.Kind]dsr.RightInput) bool {
	for _, r := range typedResults(kinds, in) {
		if r.Kind == dsr.KindAccess {
			return r.Result != dsr.ResultRefused
		}
	}
	return false
}

// saveRecipientsTold stores what became of each recipient of case c (Art. 19) and records it on
// the timeline, for staff: the letter tells the requester when they asked.
func saveRecipientsTold(ctx context.Context, tx *models.Tx, c *models.Case, a Actor, now time.Time, told []dsr.RecipientTold) error {
	if len(told) == 0 {
		return nil
	}
	rows := make([]models.CaseRecipientTold, len(told))
	var d events.RecipientsTold
	for i, t := range told {
		by := a.UserID
		rows[i] = models.CaseRecipientTold{CaseID: c.ID, Provider: t.Provider, ToldOn: t.ToldOn, NotTold: t.NotTold, Reason: t.Reason, RecordedBy: &by, RecordedAt: now}
		d.Recipients = append(d.Recipients, events.Recipient{Provider: t.Provider, ToldOn: t.ToldOn, NotTold: t.NotTold, Reason: t.Reason})
	}
	if err := tx.SaveRecipientsTold(ctx, rows); err != nil {
		return err
	}
	return note(ctx, tx, c, a, now, d, false)
}

// letterRecipients are the recipients told as the letter names them.
func letterRecipients(told []dsr.RecipientTold) []letters.Recipient {
	var out []letters.Recipient
	for _, t := range told {
		out = append(out, letters.Recipient{Name: t.Provider, ToldOn: t.ToldOn, NotTold: t.NotTold, Reason: t.Reason})
	}
	return out
}

// RecordRecipient records that a recipient of the data was told after the answer (Art. 19): one
// recorded then as not told, or a provider the site added since. Only on a case whose answer
// carried out a rectification, erasure or restriction; open to the staff of its controller, like a
// note on the closed case. The requester gets no letter: the answer already said who the
// recipients are, or offered to.
func (s *Service) RecordRecipient(ctx context.Context, a Actor, ref string, version int, provider, toldOn string) error {
	return s.act(ctx, a, ref, version, func(tx *models.Tx, c *models.Case, now time.Time) error {
		outs, err := tx.Outcomes(ctx, c.ID)
		if err != nil {
			return err
		}
		answers := make([]dsr.RightAnswer, len(outs))
		for i, o := range outs {
			answers[i] = dsr.RightAnswer{Kind: o.Kind, Result: o.Result}
		}
		if err := dsr.CheckMayRecordLater(c.Status, answers); err != nil {
			return err
		}
		offered, err := tx.CookieRecipients(ctx, c.SiteID)
		if err != nil {
			return err
		}
		rows, err := tx.RecipientsTold(ctx, c.ID)
		if err != nil {
			return err
		}
		recorded := make([]dsr.RecipientTold, len(rows))
		for i, r := range rows {
			recorded[i] = dsr.RecipientTold{Provider: r.Provider, ToldOn: r.ToldOn, NotTold: r.NotTold, Reason: r.Reason}
		}
		t, errs := dsr.CheckLaterTold(dsr.RecipientFacts{
			Recipients: offered, ReceivedOn: c.ReceivedOn, Today: deadline.Today(now, c.Controller.Location()),
		}, recorded, provider, toldOn)
		if errs != nil {
			return &FormError{Fields: errs}
		}
		by := a.UserID
		if err := tx.SaveRecipientTold(ctx, models.CaseRecipientTold{CaseID: c.ID, Provider: t.Provider, ToldOn: t.ToldOn, RecordedBy: &by, RecordedAt: now}); err != nil {
			return err
		}
		if err := tx.UpdateCase(ctx, c, models.CaseChange{Status: c.Status, At: now}); err != nil {
			return err
		}
		return note(ctx, tx, c, a, now,
			events.RecipientsTold{Later: true, Recipients: []events.Recipient{{Provider: t.Provider, ToldOn: t.ToldOn}}}, false)
	})
}

// LiftRestriction informs the requester, before it happens, that the restriction of processing
// they obtained will be lifted on the date given, with the reasons (Art. 18(3)): once per case,
// and only on a case whose restriction was complied with, in whole or in part. The case is
// closed; like a note, the action is open to the staff of its controller.
func (s *Service) LiftRestriction(ctx context.Context, a Actor, ref string, version int, on, reasons string) error {
	return s.act(ctx, a, ref, version, func(tx *models.Tx, c *models.Case, now time.Time) error {
		outs, err := tx.Outcomes(ctx, c.ID)
		if err != nil {
			return err
		}
		facts := dsr.LiftingFacts{Status: c.Status}
		for _, o := range outs {
			if o.Kind == dsr.KindRestriction {
				facts.Restriction = o.Result
			}
		}
		if _, err := tx.RestrictionLiftingOf(ctx, c.ID); err == nil {
			facts.Notified = true
		} else if !errors.Is(err, models.ErrNotFound) {
			return err
		}
		if err := dsr.CheckMayLift(facts); err != nil {
			return err
		}
		liftsOn, why, errs := dsr.CheckLifting(deadline.Today(now, c.Controller.Location()), on, reasons)
		if errs != nil {
			return &FormError{Fields: errs}
		}
		by := a.UserID
		if err := tx.AddRestrictionLifting(ctx, &models.RestrictionLifting{CaseID: c.ID, LiftsOn: liftsOn, Reasons: why, NotifiedBy: &by, NotifiedAt: now}); err != nil {
			return err
		}
		// The version moves on so that a concurrent notice of the same case is noticed.
		if err := tx.UpdateCase(ctx, c, models.CaseChange{Status: c.Status, At: now}); err != nil {
			return err
		}
		if err := note(ctx, tx, c, a, now, events.RestrictionLifting{On: liftsOn, Reasons: why}, true); err != nil {
			return err
		}
		d := s.letterData(*c, *c.Site)
		d.LiftsOn, d.Reason, d.StatusURL = liftsOn, why, s.statusURLOf(*c)
		return s.queue(ctx, tx, *c, letters.RestrictionLifting, d)
	})
}

// letterOutcomes are the answers as the letter shows them.
func letterOutcomes(answers []dsr.RightAnswer) []letters.Outcome {
	out := make([]letters.Outcome, len(answers))
	for i, an := range answers {
		out[i] = letters.Outcome{Kind: an.Kind, Outcome: an.Done, Result: an.Result, Ground: an.Ground, Reasons: an.Reasons}
	}
	return out
}

// CloseWithdrawn closes the case as withdrawn on the requester's word (by mail or phone).
func (s *Service) CloseWithdrawn(ctx context.Context, a Actor, ref string, version int, how string) error {
	if msg := dsr.CheckMessage(how, "Say how the requester withdrew (for example: e-mail of 3 March)."); msg != "" {
		return &FormError{Fields: dsr.Errors{"how": msg}}
	}
	return s.act(ctx, a, ref, version, func(tx *models.Tx, c *models.Case, now time.Time) error {
		if err := resumeClock(ctx, tx, c, &a, now, events.ResumedWithdrawn); err != nil {
			return err
		}
		if err := transition(ctx, tx, c, a, dsr.ActionWithdraw, now, models.CaseChange{Closed: true},
			events.Withdrawn{ByStaff: true, How: strings.TrimSpace(how)}, true); err != nil {
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
	return s.act(ctx, a, ref, 0, func(tx *models.Tx, c *models.Case, now time.Time) error {
		return note(ctx, tx, c, a, now, events.Note{Text: strings.TrimSpace(text)}, false)
	})
}

// MaxHoldReason bounds the reason for placing or lifting a legal hold.
const MaxHoldReason = 500

// The fields of the hold forms.
const (
	HoldReasonField = "hold_reason"
	LiftReasonField = "lift_reason"
)

// checkHoldReason returns the reason as recorded (trimmed), or why it cannot be: required, at
// most MaxHoldReason characters, valid UTF-8, no control characters but line breaks.
func checkHoldReason(field, reason, what string) (string, error) {
	if msg := dsr.CheckLongText(reason, MaxHoldReason, what); msg != "" {
		return "", &FormError{Fields: dsr.Errors{field: msg}}
	}
	return strings.TrimSpace(reason), nil
}

// holdAllowed says whether a legal hold can be placed (place) or lifted on c: placed on a case
// that has none, in any status — a claim can come years after the answer — and lifted only from
// a case that has one.
func holdAllowed(c models.Case, place bool) error {
	switch {
	case place && c.Held():
		return refused("This case is already under a legal hold (" + c.HoldReason + "). Lift it first to place another.")
	case !place && !c.Held():
		return refused("This case is not under a legal hold: there is none to lift.")
	}
	return nil
}

// PlaceHold places a legal hold on the case, with the reason: its personal data is kept beyond
// the controller's retention period until the hold is lifted. The event is for staff only.
func (s *Service) PlaceHold(ctx context.Context, a Actor, ref string, version int, reason string) error {
	reason, err := checkHoldReason(HoldReasonField, reason, "Say why the case is held (for example: a claim announced on 3 March).")
	if err != nil {
		return err
	}
	return s.act(ctx, a, ref, version, func(tx *models.Tx, c *models.Case, now time.Time) error {
		if err := holdAllowed(*c, true); err != nil {
			return err
		}
		by := a.UserID
		if err := tx.UpdateCase(ctx, c, models.CaseChange{Status: c.Status, At: now, SetHold: true, HoldReason: reason, HeldBy: &by}); err != nil {
			return err
		}
		return note(ctx, tx, c, a, now, events.HoldPlaced{Reason: reason}, false)
	})
}

// LiftHold lifts the legal hold of the case, with the reason; the retention period applies again.
func (s *Service) LiftHold(ctx context.Context, a Actor, ref string, version int, reason string) error {
	reason, err := checkHoldReason(LiftReasonField, reason, "Say why the hold is lifted (for example: the claim was settled).")
	if err != nil {
		return err
	}
	return s.act(ctx, a, ref, version, func(tx *models.Tx, c *models.Case, now time.Time) error {
		if err := holdAllowed(*c, false); err != nil {
			return err
		}
		if err := tx.UpdateCase(ctx, c, models.CaseChange{Status: c.Status, At: now, SetHold: true}); err != nil {
			return err
		}
		return note(ctx, tx, c, a, now, events.HoldLifted{Reason: reason}, false)
	})
}

// ExpireNow closes an unverified request as expired before its link runs out (staff judged it
// abandoned or abusive).
func (s *Service) ExpireNow(ctx context.Context, a Actor, ref string) error {
	return s.act(ctx, a, ref, 0, func(tx *models.Tx, c *models.Case, now time.Time) error {
		if err := transition(ctx, tx, c, a, dsr.ActionExpire, now, models.CaseChange{ClearVerify: true, Closed: true},
			events.Expired{ByStaff: true}, false); err != nil {
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
func (s *Service) queueTo(ctx context.Context, tx *models.Tx, c *models.Case, k letters.Kind, d letters.Data, to models.User) error {
	r, err := s.render(ctx, tx, c.ControllerID, k, d)
	if err != nil {
		return err
	}
	caseID := c.ID
	now := s.clock()
	return tx.QueueLetter(ctx, s.cfg.Jobs, &models.Letter{
		CaseID: &caseID, Kind: string(k), Language: r.Language, Sender: s.cfg.MailFrom,
		Recipient: to.Email, RecipientName: to.Name, Subject: r.Subject, TextBody: r.Text, HTMLBody: r.HTML,
		MessageID: messageID(k, s.fromAddress()), CreatedAt: now, NextAttemptAt: now,
	})
}

// CompliedWith is an answer complying in full with each right of done, saying what was done:
// the common answer, as code writes it (the demo, tests).
func CompliedWith(done map[dsr.Kind]string) map[dsr.Kind]dsr.RightInput {
	in := make(map[dsr.Kind]dsr.RightInput, len(done))
	for k, text := range done {
		in[k] = dsr.RightInput{Result: string(dsr.ResultFull), Done: text}
	}
	return in
}
