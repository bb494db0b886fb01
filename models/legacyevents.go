package models

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/events"
)

// The data migration 00035: the events written before migration 00034 get their detail, read
// once from their sentence. This file is the only place that reads an event's sentence back; it
// knows the sentences as the writers of cases/ worded them since the first commit (git log -p
// cases/), including the older wordings:
//
//   - verified: "… Acknowledgement sent." before "… Acknowledgement queued.";
//   - withdrawn by the requester: "… Confirmation sent." before "… Confirmation queued.";
//   - info_requested: "Information requested from the requester: <question>" before questions
//     had a reply-by date and an identity mark (English says that wording for a zero ReplyBy);
//   - completed: "Request answered: Access, Erasure." (the rights only) before answers per right
//     (English says that wording for an empty Results), and without "The information of
//     Article 15 given item by item." before access items.
//
// A detail whose English sentence is not the stored message (an older wording) is written legacy
// (events.EncodeLegacy), and VerifyAudit does not compare it with the message; the hash still
// covers the message. An event whose sentence no rule here reads (a wording not known, text that
// breaks the pattern) keeps detail '': pages show its message, in English, as before.

// legacyBatch is how many events one pass of the migration reads.
const legacyBatch = 1000

// fillEventDetails gives the events without a detail the detail read from their sentence.
func (s *Store) fillEventDetails(ctx context.Context) error {
	var after int64
	for {
		var batch []Event
		err := s.conn(ctx).Select("id", "case_id", "actor_type", "actor_user_id", "type", "message").
			Where("detail = '' AND id > ?", after).Order("id").Limit(legacyBatch).Find(&batch).Error
		if err != nil {
			return fmt.Errorf("read events without a detail: %w", err)
		}
		if len(batch) == 0 {
			return nil
		}
		for _, e := range batch {
			d, err := s.legacyDetail(ctx, e)
			if err != nil {
				return err
			}
			if d == nil {
				continue
			}
			raw, err := events.Encode(d)
			if err == nil && events.English(d) != e.Message {
				raw, err = events.EncodeLegacy(d)
			}
			if err != nil {
				return err
			}
			if err := s.conn(ctx).Exec(`UPDATE events SET detail = ? WHERE id = ?`, raw, e.ID).Error; err != nil {
				return fmt.Errorf("write the detail of event %d: %w", e.ID, err)
			}
		}
		after = batch[len(batch)-1].ID
	}
}

const (
	isoDate  = `(\d{4}-\d{2}-\d{2})`
	wordDate = `(\d{1,2} [A-Z][a-z]+ \d{4})`
)

var (
	filedRE        = regexp.MustCompile(`^Request filed \((.*)\); e-mail confirmation sent\.$`)
	extendedRE     = regexp.MustCompile(`(?s)^Deadline extended under Art\. 12\(3\) from ` + isoDate + ` to ` + isoDate + `\. Reasons: (.*)\. Extension notice to the requester queued \(owed by \d{4}-\d{2}-\d{2}\)\.$`)
	infoRequestRE  = regexp.MustCompile(`(?s)^` + regexp.QuoteMeta(events.InfoRequestedPrefix) + `(` + regexp.QuoteMeta(events.IdentityMark) + `)?(?:, to answer by ` + isoDate + `)?: (.*)$`)
	clockPausedRE  = regexp.MustCompile(`^Clock paused on ` + isoDate + ` until the requester answers the identity question \(Art\. 12\(6\)\); the answer was due by ` + isoDate + `\.$`)
	clockResumedRE = regexp.MustCompile(`^Clock resumed on ` + isoDate + ` \((.*?)\) after (\d+) day\(s\) paused from ` + isoDate + `: the answer is due by ` + isoDate + ` \(was ` + isoDate + `\)(?:; the one-month date, the limit for a refusal, is now ` + isoDate + `)?\.$`)
	completedRE    = regexp.MustCompile(`(?s)^Request answered: (.*?)\.( The information of Article 15 given item by item\.)?(?: (\d+) file\(s\) to download until ` + wordDate + `\.)?$`)
	resultRE       = regexp.MustCompile(`^(.*?): (.*?)(?: \((.*)\))?$`)
	refusedRE      = regexp.MustCompile(`(?s)^Request refused\. Ground: (.*?)\. Reasons: (.*)$`)
	refusalLateRE  = regexp.MustCompile(`^Refused after ` + wordDate + `, the one-month date of Article 12\(4\)`)
	liftingRE      = regexp.MustCompile(`(?s)^The restriction of processing \(Art\. 18\) will be lifted on ` + wordDate + `; the requester is informed before it \(Art\. 18\(3\)\)\. Reasons: (.*)$`)
	toldLaterRE    = regexp.MustCompile(`^Recipient told after the answer \(Art\. 19\): (.*), on ` + wordDate + `\.$`)
	toldRE         = regexp.MustCompile(`(?s)^Recipients \(Art\. 19\): (.*)\.$`)
	toldOnRE       = regexp.MustCompile(`^(.*): told on ` + wordDate + `$`)
	notToldRE      = regexp.MustCompile(`(?s)^(.*?): (not told: [^(]*) \((.*)\)$`)
	consentRE      = regexp.MustCompile(`^Consent withdrawal recorded as (.*), dated when the requester asked; the site (is told through its webhook|has no webhook)\.$`)
	assignedRE     = regexp.MustCompile(`(?s)^(Assigned to|Claimed by) (.*)\.$`)
	identifierRE   = regexp.MustCompile(`(?s)^Identifier ([^=]*)=(.*?) (belongs to the requester|does not belong to the requester): (.*)$`)
	letterFailedRE = regexp.MustCompile(`(?s)^The letter “(.*?)” could not be delivered: (.*)$`)
	possiblyRE     = regexp.MustCompile(`(?s)^The letter “(.*)” was possibly sent: `)
	resentRE       = regexp.MustCompile(`(?s)^(.*) sent the letter “(.*)” again\.$`)
	confirmedRE    = regexp.MustCompile(`(?s)^(.*) marked the letter “(.*)” as sent: it had reached the mail server\.$`)
	reminderRE     = regexp.MustCompile(`(?s)^Reminder sent: the answer is due by ` + isoDate + ` \((\d+) working days left\)\.(?: To: (.*)\.)?$`)
	escalationRE   = regexp.MustCompile(`(?s)^Escalated to the managers: the answer was due by ` + isoDate + `\.(?: To: (.*)\.)?$`)
)

// legacyDetail reads the detail of event e from its sentence: nil when no rule reads it.
func (s *Store) legacyDetail(ctx context.Context, e Event) (events.Detail, error) {
	msg := e.Message
	date := func(v string) deadline.Date { d, _ := deadline.ParseDate(v); return d }
	words := func(v string) deadline.Date {
		t, err := time.Parse("2 January 2006", v)
		if err != nil {
			return deadline.Date{}
		}
		return deadline.NewDate(t.Year(), t.Month(), t.Day())
	}
	switch e.Type {
	case "filed":
		if m := filedRE.FindStringSubmatch(msg); m != nil {
			if ks, ok := kindsOfLabels(m[1], ", "); ok {
				return events.Filed{Kinds: ks}, nil
			}
		}
		ks, err := s.legacyKinds(ctx, e.CaseID)
		return events.Filed{Kinds: ks}, err
	case "verified":
		return events.Verified{}, nil
	case "extended":
		if m := extendedRE.FindStringSubmatch(msg); m != nil {
			return events.Extended{From: date(m[1]), To: date(m[2]), Reasons: m[3]}, nil
		}
	case "withdrawn":
		if how, ok := strings.CutPrefix(msg, "Closed as withdrawn at the requester's request: "); ok {
			return events.Withdrawn{ByStaff: true, How: how}, nil
		}
		if strings.HasPrefix(msg, "The requester withdrew the request.") {
			return events.Withdrawn{}, nil
		}
	case "expired":
		return events.Expired{ByStaff: strings.HasPrefix(msg, "Closed as expired by staff") || e.ActorType == ActorStaff}, nil
	case "info_requested":
		if m := infoRequestRE.FindStringSubmatch(msg); m != nil {
			return events.InfoRequested{Identity: m[1] != "", ReplyBy: date(m[2]), Question: m[3]}, nil
		}
	case "clock_paused":
		if m := clockPausedRE.FindStringSubmatch(msg); m != nil {
			return events.ClockPaused{On: date(m[1]), WasDue: date(m[2])}, nil
		}
	case "clock_resumed":
		if m := clockResumedRE.FindStringSubmatch(msg); m != nil {
			why := m[2]
			for _, code := range []string{events.ResumedAnswered, events.ResumedWithdrawn, events.ResumedRefused} {
				if events.ResumedWhy(code) == why {
					why = code
				}
			}
			days, _ := strconv.Atoi(m[3])
			return events.ClockResumed{On: date(m[1]), Why: why, Days: days, From: date(m[4]), Due: date(m[5]), WasDue: date(m[6]), OneMonth: date(m[7])}, nil
		}
	case "replied":
		if answer, ok := strings.CutPrefix(msg, "The requester answered: "); ok {
			return events.Replied{Answer: answer}, nil
		}
	case "completed":
		return s.legacyCompleted(ctx, e)
	case "refused":
		if m := refusedRE.FindStringSubmatch(msg); m != nil {
			g, ok := groundOfLabel(m[1])
			if !ok {
				// A ground worded otherwise then: the case's own.
				var ground string
				if err := s.conn(ctx).Raw(`SELECT refusal_ground FROM cases WHERE id = ?`, e.CaseID).Scan(&ground).Error; err != nil {
					return nil, fmt.Errorf("read the ground of case %d: %w", e.CaseID, err)
				}
				g = dsr.RefusalGround(ground)
			}
			return events.Refused{Ground: g, Reasons: m[2]}, nil
		}
	case "refusal_late":
		if m := refusalLateRE.FindStringSubmatch(msg); m != nil {
			return events.RefusalLate{Due: words(m[1])}, nil
		}
	case "restriction_lifting":
		if m := liftingRE.FindStringSubmatch(msg); m != nil {
			return events.RestrictionLifting{On: words(m[1]), Reasons: m[2]}, nil
		}
	case "recipients_told":
		if m := toldLaterRE.FindStringSubmatch(msg); m != nil {
			return events.RecipientsTold{Later: true, Recipients: []events.Recipient{{Provider: m[1], ToldOn: words(m[2])}}}, nil
		}
		if m := toldRE.FindStringSubmatch(msg); m != nil {
			var d events.RecipientsTold
			for _, part := range strings.Split(m[1], "; ") {
				if t := toldOnRE.FindStringSubmatch(part); t != nil {
					d.Recipients = append(d.Recipients, events.Recipient{Provider: t[1], ToldOn: words(t[2])})
					continue
				}
				t := notToldRE.FindStringSubmatch(part)
				if t == nil {
					return nil, nil
				}
				r := events.Recipient{Provider: t[1], Reason: t[3]}
				for _, n := range dsr.NotToldChoices {
					if strings.ToLower(n.Label()) == t[2] {
						r.NotTold = n
					}
				}
				if r.NotTold == "" {
					return nil, nil
				}
				d.Recipients = append(d.Recipients, r)
			}
			return d, nil
		}
	case "consent_recorded":
		if m := consentRE.FindStringSubmatch(msg); m != nil {
			return events.ConsentRecorded{Receipt: m[1], Webhook: m[2] == "is told through its webhook"}, nil
		}
	case "assigned":
		if m := assignedRE.FindStringSubmatch(msg); m != nil {
			d := events.Assigned{Name: m[2], Claimed: m[1] == "Claimed by"}
			if d.Claimed && e.ActorUserID != nil {
				d.UserID = *e.ActorUserID
			}
			return d, nil
		}
	case "identifier_checked":
		if m := identifierRE.FindStringSubmatch(msg); m != nil {
			return events.IdentifierChecked{Cookie: m[1], Value: m[2], Belongs: m[3] == "belongs to the requester", Reason: m[4]}, nil
		}
	case "note":
		return events.Note{Text: msg}, nil
	case "letter_failed":
		if m := letterFailedRE.FindStringSubmatch(msg); m != nil {
			return events.LetterFailed{Subject: m[1], Reason: m[2]}, nil
		}
	case "letter_possibly_sent":
		if m := possiblyRE.FindStringSubmatch(msg); m != nil {
			return events.LetterPossiblySent{Subject: m[1]}, nil
		}
	case "letter_resent":
		if m := resentRE.FindStringSubmatch(msg); m != nil {
			return events.LetterResent{By: m[1], Subject: m[2]}, nil
		}
	case "letter_confirmed_sent":
		if m := confirmedRE.FindStringSubmatch(msg); m != nil {
			return events.LetterConfirmed{By: m[1], Subject: m[2]}, nil
		}
	case "reminder_early", "reminder_late":
		if m := reminderRE.FindStringSubmatch(msg); m != nil {
			left, _ := strconv.Atoi(m[2])
			return events.Reminder{Late: e.Type == "reminder_late", Due: date(m[1]), Left: left, To: names(m[3])}, nil
		}
	case "escalation":
		if m := escalationRE.FindStringSubmatch(msg); m != nil {
			return events.Escalation{Due: date(m[1]), To: names(m[2])}, nil
		}
	}
	return nil, nil
}

// legacyCompleted reads an answer's sentence, in either wording, with the files of the case.
func (s *Store) legacyCompleted(ctx context.Context, e Event) (events.Detail, error) {
	m := completedRE.FindStringSubmatch(e.Message)
	if m == nil {
		return nil, nil
	}
	d := events.Completed{AccessItems: m[2] != ""}
	if ks, ok := kindsOfLabels(m[1], ", "); ok {
		d.Kinds = ks // the wording before answers per right
	} else {
		for _, part := range strings.Split(m[1], "; ") {
			r := resultRE.FindStringSubmatch(part)
			if r == nil {
				return nil, nil
			}
			k, ok1 := kindOfLabel(r[1])
			res, ok2 := resultOfLabel(r[2])
			if !ok1 || !ok2 {
				return nil, nil
			}
			rr := events.RightResult{Kind: k, Result: res}
			if r[3] != "" {
				if rr.Ground, ok1 = groundOfLabel(r[3]); !ok1 {
					return nil, nil
				}
			}
			d.Results = append(d.Results, rr)
			d.Kinds = append(d.Kinds, k)
		}
	}
	if m[3] == "" {
		return d, nil
	}
	n, _ := strconv.Atoi(m[3])
	until, err := time.Parse("2 January 2006", m[4])
	if err != nil {
		return nil, nil
	}
	d.FilesUntil = until
	// The files handed over: the case's, when they are as many as the sentence says.
	var files []CaseFile
	if err := s.conn(ctx).Select("id", "kind", "name", "size_bytes").Where("case_id = ?", e.CaseID).Order("id").Find(&files).Error; err != nil {
		return nil, fmt.Errorf("read the files of case %d: %w", e.CaseID, err)
	}
	d.Files = make([]events.File, n)
	if len(files) == n {
		for i, f := range files {
			d.Files[i] = events.File{Kind: f.Kind, Name: f.Name, Size: f.SizeBytes}
		}
	}
	return d, nil
}

// legacyKinds are the rights of case caseID, in the order the sentences name them.
func (s *Store) legacyKinds(ctx context.Context, caseID int64) ([]dsr.Kind, error) {
	var ks []dsr.Kind
	if err := s.conn(ctx).Raw(`SELECT kind FROM case_kinds WHERE case_id = ?`, caseID).Scan(&ks).Error; err != nil {
		return nil, fmt.Errorf("read the rights of case %d: %w", caseID, err)
	}
	return dsr.SortKinds(ks), nil
}

func kindOfLabel(l string) (dsr.Kind, bool) {
	for _, k := range dsr.Kinds {
		if k.Label() == l {
			return k, true
		}
	}
	return "", false
}

// kindsOfLabels reads "Access, Erasure" back, and false unless every part is a right's label.
func kindsOfLabels(s, sep string) ([]dsr.Kind, bool) {
	var ks []dsr.Kind
	for _, l := range strings.Split(s, sep) {
		k, ok := kindOfLabel(l)
		if !ok {
			return nil, false
		}
		ks = append(ks, k)
	}
	return ks, len(ks) > 0
}

func resultOfLabel(l string) (dsr.Result, bool) {
	for _, r := range dsr.Results {
		if strings.ToLower(r.Label()) == l {
			return r, true
		}
	}
	return "", false
}

func groundOfLabel(l string) (dsr.RefusalGround, bool) {
	for _, g := range dsr.RefusalGrounds {
		if g.Label() == l {
			return g, true
		}
	}
	return "", false
}

func names(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ", ")
}
