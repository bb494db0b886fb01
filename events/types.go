package events

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"rightsdesk/deadline"
	"rightsdesk/dsr"
)

// Filed: the requester filed the request (cases.File).
type Filed struct {
	Kinds []dsr.Kind `json:"kinds"`
}

// Verified: the requester confirmed their e-mail address (cases.Verify).
type Verified struct{}

// Extended: the time limit was extended under Art. 12(3) (cases.Extend).
type Extended struct {
	From    deadline.Date `json:"from"`
	To      deadline.Date `json:"to"`
	Reasons string        `json:"reasons" personal:"true"`
}

// Withdrawn: the request was withdrawn, by the requester on their status page, or closed so by
// staff on the requester's word, saying how they withdrew (cases.Withdraw, CloseWithdrawn).
type Withdrawn struct {
	ByStaff bool   `json:"by_staff,omitempty"`
	How     string `json:"how,omitempty" personal:"true"`
}

// Expired: an unconfirmed request expired, or staff closed it so (cases.ExpireUnverified, ExpireNow).
type Expired struct {
	ByStaff bool `json:"by_staff,omitempty"`
}

// InfoRequested: staff asked the requester a question (cases.RequestInfo). ReplyBy is zero for a
// question asked before questions had one.
type InfoRequested struct {
	Question string        `json:"question" personal:"true"`
	ReplyBy  deadline.Date `json:"reply_by"`
	Identity bool          `json:"identity,omitempty"`
}

// ClockPaused: an identity question paused the time limit (Art. 12(6)).
type ClockPaused struct {
	On     deadline.Date `json:"on"`
	WasDue deadline.Date `json:"was_due"`
}

// Why a paused clock runs again (ClockResumed.Why).
const (
	ResumedAnswered  = "answered"
	ResumedWithdrawn = "withdrawn"
	ResumedRefused   = "refused"
)

var resumedWhy = map[string]string{
	ResumedAnswered:  "the requester answered",
	ResumedWithdrawn: "the request is withdrawn",
	ResumedRefused:   "the request is refused",
}

// ResumedWhy says why, one of the Resumed… codes, as the sentence does: "the requester answered".
func ResumedWhy(code string) string {
	if why, ok := resumedWhy[code]; ok {
		return why
	}
	return code
}

// ClockResumed: the pause ended after Days calendar days from From; the answer is now due by Due
// (it was WasDue), and OneMonth is the moved one-month date of an extended case (zero otherwise).
type ClockResumed struct {
	On       deadline.Date `json:"on"`
	Why      string        `json:"why"`
	Days     int           `json:"days"`
	From     deadline.Date `json:"from"`
	Due      deadline.Date `json:"due"`
	WasDue   deadline.Date `json:"was_due"`
	OneMonth deadline.Date `json:"one_month"`
}

// Replied: the requester answered a question (cases.Reply).
type Replied struct {
	Answer string `json:"answer" personal:"true"`
}

// RightResult is the result of one right of an answer, with the ground of a refusal.
type RightResult struct {
	Kind   dsr.Kind          `json:"kind"`
	Result dsr.Result        `json:"result"`
	Ground dsr.RefusalGround `json:"ground,omitempty"`
}

// File is a file handed over with an answer.
type File struct {
	Kind dsr.Kind `json:"kind"`
	Name string   `json:"name" personal:"true"`
	Size int64    `json:"size"`
}

// Completed: the request was answered right by right (cases.Complete). Results is empty for an
// answer recorded before answers per right (the sentence then named the rights only); Files are
// downloadable until FilesUntil.
type Completed struct {
	Kinds       []dsr.Kind    `json:"kinds"`
	Results     []RightResult `json:"results,omitempty"`
	AccessItems bool          `json:"access_items,omitempty"`
	Files       []File        `json:"files,omitempty"`
	FilesUntil  time.Time     `json:"files_until,omitzero"`
}

// Refused: the whole request was refused on one ground (cases.Refuse).
type Refused struct {
	Ground  dsr.RefusalGround `json:"ground"`
	Reasons string            `json:"reasons" personal:"true"`
}

// RefusalLate: a right was refused after the one-month date Due, acknowledged late (Art. 12(4)).
type RefusalLate struct {
	Due deadline.Date `json:"due"`
}

// RestrictionLifting: the requester is told the restriction will be lifted On (Art. 18(3)).
type RestrictionLifting struct {
	On      deadline.Date `json:"on"`
	Reasons string        `json:"reasons" personal:"true"`
}

// Recipient is what became of one recipient of the data (Art. 19).
type Recipient struct {
	Provider string        `json:"provider"`
	ToldOn   deadline.Date `json:"told_on"`
	NotTold  dsr.NotTold   `json:"not_told,omitempty"`
	Reason   string        `json:"reason,omitempty" personal:"true"`
}

// RecipientsTold: the recipients told with the answer, or (Later) one told after it.
type RecipientsTold struct {
	Later      bool        `json:"later,omitempty"`
	Recipients []Recipient `json:"recipients"`
}

// ConsentRecorded: the consent withdrawal a request asked for was recorded as Receipt.
type ConsentRecorded struct {
	Receipt string `json:"receipt"`
	Webhook bool   `json:"webhook,omitempty"`
}

// Assigned: the case was assigned to, or Claimed by, a member of staff.
type Assigned struct {
	UserID  int64  `json:"user_id,omitempty"`
	Name    string `json:"name" personal:"true"`
	Claimed bool   `json:"claimed,omitempty"`
}

// IdentifierChecked: staff decided whether an identifier belongs to the requester.
type IdentifierChecked struct {
	Cookie  string `json:"cookie"`
	Value   string `json:"value" personal:"true"`
	Belongs bool   `json:"belongs"`
	Reason  string `json:"reason" personal:"true"`
}

// Note: an internal note of staff.
type Note struct {
	Text string `json:"text" personal:"true"`
}

// LetterFailed: a letter to the requester could not be delivered; Reason is the server's answer.
type LetterFailed struct {
	Subject string `json:"subject"`
	Reason  string `json:"reason" personal:"true"`
}

// LetterPossiblySent: the sending of a letter stopped before the mail server confirmed it.
type LetterPossiblySent struct {
	Subject string `json:"subject"`
}

// LetterResent: an admin (By) sent a failed or possibly sent letter again.
type LetterResent struct {
	Subject string `json:"subject"`
	By      string `json:"by" personal:"true"`
}

// LetterConfirmed: an admin (By) found that a possibly sent letter had arrived.
type LetterConfirmed struct {
	Subject string `json:"subject"`
	By      string `json:"by" personal:"true"`
}

// Reminder: staff were reminded that the answer is due by Due, Left working days ahead; Late is
// the second reminder. To are the names of the people reminded.
type Reminder struct {
	Late bool          `json:"late,omitempty"`
	Due  deadline.Date `json:"due"`
	Left int           `json:"left"`
	To   []string      `json:"to,omitempty" personal:"true"`
}

// Escalation: the answer is overdue (it was due by Due); the managers To were told.
type Escalation struct {
	Due deadline.Date `json:"due"`
	To  []string      `json:"to,omitempty" personal:"true"`
}

// PersonalDataErased: the case's retention period ended (Days days after it closed on Closed, under
// the controller's rule for answered or Unconfirmed requests), and its personal data was erased;
// the record without it is kept.
type PersonalDataErased struct {
	Closed      deadline.Date `json:"closed"`
	Days        int           `json:"days"`
	Unconfirmed bool          `json:"unconfirmed,omitempty"`
}

func (PersonalDataErased) Type() string { return "personal_data_erased" }

// WithdrawalsErased: the personal data of Count consent withdrawals made on the consent page more
// than Days days before was erased (an organisation's event, without a case); their receipts stay.
type WithdrawalsErased struct {
	Count int `json:"count"`
	Days  int `json:"days"`
}

func (WithdrawalsErased) Type() string { return "withdrawals_erased" }

// RecordDeleted: Years years after case Reference closed (on Closed), the record its erasure had
// left was deleted too (an organisation's event: the case is gone); its events stay in the chain.
type RecordDeleted struct {
	Reference string        `json:"reference"`
	Closed    deadline.Date `json:"closed"`
	Years     int           `json:"years"`
}

func (RecordDeleted) Type() string { return "record_deleted" }

// HoldPlaced: staff placed a legal hold on the case (cases.PlaceHold): its personal data is kept
// beyond the controller's retention period until the hold is lifted. Staff only.
type HoldPlaced struct {
	Reason string `json:"reason" personal:"true"`
}

// HoldLifted: staff lifted the legal hold (cases.LiftHold); the retention period applies again.
type HoldLifted struct {
	Reason string `json:"reason" personal:"true"`
}

func (Filed) Type() string              { return "filed" }
func (Verified) Type() string           { return "verified" }
func (Extended) Type() string           { return "extended" }
func (Withdrawn) Type() string          { return "withdrawn" }
func (Expired) Type() string            { return "expired" }
func (InfoRequested) Type() string      { return "info_requested" }
func (ClockPaused) Type() string        { return "clock_paused" }
func (ClockResumed) Type() string       { return "clock_resumed" }
func (Replied) Type() string            { return "replied" }
func (Completed) Type() string          { return "completed" }
func (Refused) Type() string            { return "refused" }
func (RefusalLate) Type() string        { return "refusal_late" }
func (RestrictionLifting) Type() string { return "restriction_lifting" }
func (RecipientsTold) Type() string     { return "recipients_told" }
func (ConsentRecorded) Type() string    { return "consent_recorded" }
func (Assigned) Type() string           { return "assigned" }
func (IdentifierChecked) Type() string  { return "identifier_checked" }
func (Note) Type() string               { return "note" }
func (LetterFailed) Type() string       { return "letter_failed" }
func (LetterPossiblySent) Type() string { return "letter_possibly_sent" }
func (LetterResent) Type() string       { return "letter_resent" }
func (LetterConfirmed) Type() string    { return "letter_confirmed_sent" }
func (Escalation) Type() string         { return "escalation" }
func (HoldPlaced) Type() string         { return "hold_placed" }
func (HoldLifted) Type() string         { return "hold_lifted" }

func (r Reminder) Type() string {
	if r.Late {
		return "reminder_late"
	}
	return "reminder_early"
}

func init() {
	for _, f := range []func() Detail{
		func() Detail { return &Filed{} }, func() Detail { return &Verified{} }, func() Detail { return &Extended{} },
		func() Detail { return &Withdrawn{} }, func() Detail { return &Expired{} }, func() Detail { return &InfoRequested{} },
		func() Detail { return &ClockPaused{} }, func() Detail { return &ClockResumed{} }, func() Detail { return &Replied{} },
		func() Detail { return &Completed{} }, func() Detail { return &Refused{} }, func() Detail { return &RefusalLate{} },
		func() Detail { return &RestrictionLifting{} }, func() Detail { return &RecipientsTold{} },
		func() Detail { return &ConsentRecorded{} }, func() Detail { return &Assigned{} },
		func() Detail { return &IdentifierChecked{} }, func() Detail { return &Note{} }, func() Detail { return &LetterFailed{} },
		func() Detail { return &LetterPossiblySent{} }, func() Detail { return &LetterResent{} },
		func() Detail { return &LetterConfirmed{} }, func() Detail { return &Escalation{} },
		func() Detail { return &PersonalDataErased{} }, func() Detail { return &WithdrawalsErased{} },
		func() Detail { return &RecordDeleted{} },
		func() Detail { return &HoldPlaced{} }, func() Detail { return &HoldLifted{} },
	} {
		register([]string{f().Type()}, f)
	}
	register([]string{"reminder_early", "reminder_late"}, func() Detail { return &Reminder{} })
}

// day says a date as the sentences do: "2 January 2006".
func day(d deadline.Date) string { return d.Time(time.UTC).Format("2 January 2006") }

// The sentences' fixed parts, which the data migration also reads.
const (
	InfoRequestedPrefix = "Information requested from the requester"
	IdentityMark        = " (identity, Art. 12(6))"
)

// English says d as the timeline has always said it to staff: the event's message, which the
// audit chain hashes. Changing a sentence here changes what new events say; VerifyAudit compares
// English(detail) with the message of every event whose detail is not legacy, so a rewording also
// needs the details of the events already written marked legacy.
func English(d Detail) string {
	if v := reflect.ValueOf(d); v.Kind() == reflect.Pointer && !v.IsNil() {
		d = v.Elem().Interface().(Detail)
	}
	switch d := d.(type) {
	case Filed:
		return fmt.Sprintf("Request filed (%s); e-mail confirmation sent.", dsr.Labels(d.Kinds))
	case Verified:
		return "E-mail address confirmed; the request is open. Acknowledgement queued."
	case Extended:
		return fmt.Sprintf("Deadline extended under Art. 12(3) from %s to %s. Reasons: %s. Extension notice to the requester queued (owed by %s).",
			d.From, d.To, d.Reasons, d.From)
	case Withdrawn:
		if d.ByStaff {
			return "Closed as withdrawn at the requester's request: " + d.How
		}
		return "The requester withdrew the request. Confirmation queued."
	case Expired:
		if d.ByStaff {
			return "Closed as expired by staff: the e-mail address was never confirmed."
		}
		return "The e-mail address was not confirmed within 14 days; the request expired."
	case InfoRequested:
		msg := InfoRequestedPrefix
		if d.Identity {
			msg += IdentityMark
		}
		if !d.ReplyBy.IsZero() {
			msg += ", to answer by " + d.ReplyBy.String()
		}
		return msg + ": " + d.Question
	case ClockPaused:
		return fmt.Sprintf("Clock paused on %s until the requester answers the identity question (Art. 12(6)); the answer was due by %s.",
			d.On, d.WasDue)
	case ClockResumed:
		msg := fmt.Sprintf("Clock resumed on %s (%s) after %d day(s) paused from %s: the answer is due by %s (was %s)",
			d.On, ResumedWhy(d.Why), d.Days, d.From, d.Due, d.WasDue)
		if !d.OneMonth.IsZero() {
			msg += fmt.Sprintf("; the one-month date, the limit for a refusal, is now %s", d.OneMonth)
		}
		return msg + "."
	case Replied:
		return "The requester answered: " + d.Answer
	case Completed:
		msg := "Request answered: " + dsr.Labels(d.Kinds) + "."
		if len(d.Results) > 0 {
			msg = "Request answered: " + answerSummary(d.Results) + "."
		}
		if d.AccessItems {
			msg += " The information of Article 15 given item by item."
		}
		if n := len(d.Files); n > 0 {
			msg += fmt.Sprintf(" %d file(s) to download until %s.", n, d.FilesUntil.Format("2 January 2006"))
		}
		return msg
	case Refused:
		return "Request refused. Ground: " + d.Ground.Label() + ". Reasons: " + d.Reasons
	case RefusalLate:
		return "Refused after " + day(d.Due) + ", the one-month date of Article 12(4), with the acknowledgement that it is late; counted late."
	case RestrictionLifting:
		return fmt.Sprintf("The restriction of processing (Art. 18) will be lifted on %s; the requester is informed before it (Art. 18(3)). Reasons: %s",
			day(d.On), d.Reasons)
	case RecipientsTold:
		if d.Later && len(d.Recipients) == 1 {
			r := d.Recipients[0]
			return "Recipient told after the answer (Art. 19): " + r.Provider + ", on " + day(r.ToldOn) + "."
		}
		parts := make([]string, len(d.Recipients))
		for i, r := range d.Recipients {
			if r.NotTold == "" {
				parts[i] = r.Provider + ": told on " + day(r.ToldOn)
			} else {
				parts[i] = r.Provider + ": " + strings.ToLower(r.NotTold.Label()) + " (" + r.Reason + ")"
			}
		}
		return "Recipients (Art. 19): " + strings.Join(parts, "; ") + "."
	case ConsentRecorded:
		msg := "Consent withdrawal recorded as " + d.Receipt + ", dated when the requester asked; "
		if d.Webhook {
			return msg + "the site is told through its webhook."
		}
		return msg + "the site has no webhook."
	case Assigned:
		if d.Claimed {
			return fmt.Sprintf("Claimed by %s.", d.Name)
		}
		return fmt.Sprintf("Assigned to %s.", d.Name)
	case IdentifierChecked:
		verdict := "does not belong to the requester"
		if d.Belongs {
			verdict = "belongs to the requester"
		}
		return fmt.Sprintf("Identifier %s=%s %s: %s", d.Cookie, d.Value, verdict, d.Reason)
	case Note:
		return d.Text
	case LetterFailed:
		return fmt.Sprintf("The letter “%s” could not be delivered: %s", d.Subject, d.Reason)
	case LetterPossiblySent:
		return fmt.Sprintf("The letter “%s” was possibly sent: the sending stopped before the mail server confirmed it. An admin checks and decides in the delivery log.", d.Subject)
	case LetterResent:
		return fmt.Sprintf("%s sent the letter “%s” again.", d.By, d.Subject)
	case LetterConfirmed:
		return fmt.Sprintf("%s marked the letter “%s” as sent: it had reached the mail server.", d.By, d.Subject)
	case Reminder:
		return fmt.Sprintf("Reminder sent: the answer is due by %s (%d working days left).", d.Due, d.Left) + to(d.To)
	case Escalation:
		return fmt.Sprintf("Escalated to the managers: the answer was due by %s.", d.Due) + to(d.To)
	case RecordDeleted:
		return fmt.Sprintf("Record of case %s deleted: it closed on %s and the controller keeps the record of a case %d years. "+
			"Its events stay in the audit chain.", d.Reference, day(d.Closed), d.Years)
	case WithdrawalsErased:
		return fmt.Sprintf("Personal data of %d consent withdrawal(s) made on the consent page more than %d days ago erased: "+
			"the visitors' e-mail addresses, the identifiers and the confirmation letters; the receipts are kept.", d.Count, d.Days)
	case PersonalDataErased:
		rule := "answered requests"
		if d.Unconfirmed {
			rule = "unconfirmed requests"
		}
		return fmt.Sprintf("Personal data erased: the case closed on %s and the controller keeps the personal data of %s %d days after they close. "+
			"The e-mail address, name, texts, identifiers, letters and files are gone; the record of the case is kept.", day(d.Closed), rule, d.Days)
	case HoldPlaced:
		return "Legal hold placed: the personal data is kept beyond the retention period until the hold is lifted. Reason: " + d.Reason
	case HoldLifted:
		return "Legal hold lifted: the retention period applies again. Reason: " + d.Reason
	}
	if s, ok := adminEnglish(d); ok {
		return s
	}
	panic(fmt.Sprintf("events: no sentence for %T", d))
}

func to(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return " To: " + strings.Join(names, ", ") + "."
}

// answerSummary says each right's result: "Access: complied with; Erasure: refused (An exception
// of Article 17(3) applies to the erasure)".
func answerSummary(rs []RightResult) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.Kind.Label() + ": " + strings.ToLower(r.Result.Label())
		if r.Result.Refuses() {
			parts[i] += " (" + r.Ground.Label() + ")"
		}
	}
	return strings.Join(parts, "; ")
}
