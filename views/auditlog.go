package views

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"rightsdesk/models"
)

// EventTypes are the types of event, with their names for the audit log's filter: a case's, in
// the order a case meets them, then the admins' actions. Every type of package events has one.
var EventTypes = []struct{ Type, Label string }{
	{"filed", "Request filed"}, {"verified", "E-mail address confirmed"}, {"assigned", "Assigned or claimed"},
	{"identifier_checked", "Identifier decided"}, {"info_requested", "Information requested"},
	{"replied", "The requester answered"}, {"extended", "Deadline extended"}, {"completed", "Answered"},
	{"consent_recorded", "Consent withdrawal recorded"}, {"refused", "Refused"}, {"withdrawn", "Withdrawn"}, {"expired", "Expired"}, {"note", "Internal note"},
	{"reminder_early", "Reminder (first)"}, {"reminder_late", "Reminder (second)"},
	{"escalation", "Escalated to the managers"}, {"letter_failed", "Letter failed"}, {"letter_resent", "Letter sent again"},
	{"letter_possibly_sent", "Letter possibly sent"}, {"letter_confirmed_sent", "Letter marked as sent"},
	{"hold_placed", "Legal hold placed"}, {"hold_lifted", "Legal hold lifted"},
	{"clock_paused", "Clock paused (Art. 12(6))"}, {"clock_resumed", "Clock resumed"}, {"refusal_late", "Refused late"},
	{"restriction_lifting", "Restriction to be lifted"}, {"recipients_told", "Recipients told (Art. 19)"},
	{"personal_data_erased", "Personal data erased (retention)"}, {"withdrawals_erased", "Consent withdrawals erased (retention)"},
	{"record_deleted", "Record of a case deleted (retention)"},
	// The admins' actions (no case): the whole portal's, then an organisation's.
	{"user_invited", "Account: invited"}, {"user_added", "Account: added (command line)"},
	{"user_changed", "Account: role, organisations or state changed"}, {"user_sessions_ended", "Account: sessions ended"},
	{"controller_added", "Organisation added"}, {"controller_changed", "Organisation's settings changed"},
	{"logo_changed", "Logo set"}, {"logo_removed", "Logo removed"}, {"transparency_switched", "Disclosure page switched"},
	{"letter_wording_saved", "Letter wording saved"},
	{"site_added", "Site added"}, {"site_changed", "Site changed"}, {"site_retired", "Site retired"}, {"site_restored", "Site restored"},
	{"cookie_added", "Cookie added"}, {"cookie_changed", "Cookie changed"}, {"cookie_retired", "Cookie retired"},
	{"cookie_restored", "Cookie restored"}, {"catalogue_imported", "Catalogue imported"}, {"provider_saved", "Provider recorded"},
	{"site_secret_added", "Signing secret added"}, {"site_secret_retired", "Signing secret retired"},
	{"api_key_created", "API key created"}, {"api_key_revoked", "API key revoked"},
	{"webhook_set", "Webhook set"}, {"webhook_removed", "Webhook removed"},
}

// EventTypeLabel names an event type; an unknown one is shown as stored.
func EventTypeLabel(t string) string {
	for _, e := range EventTypes {
		if e.Type == t {
			return e.Label
		}
	}
	return t
}

// AuditQuery is the audit log's filter as it travels in the URL.
type AuditQuery struct {
	Controller string // a controller id
	Case       string // a reference
	Actor      string // "requester", "system", "staff" or a user id
	Type       string
	From, To   string // YYYY-MM-DD, Brussels days, both included
}

// Values encodes the query, leaving out empty parameters.
func (q AuditQuery) Values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"controller": q.Controller, "case": q.Case, "actor": q.Actor, "type": q.Type,
		"from": q.From, "to": q.To} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// URL is the log with this filter, optionally from a cursor.
func (q AuditQuery) URL(after string) string { return pageURL("/admin/audit", q.Values(), after) }

// AuditLogView is the audit log page.
type AuditLogView struct {
	Query       AuditQuery
	Errors      map[string]string // filter fields that do not parse: the list is not shown
	Entries     []models.AuditEntry
	NextURL     string
	First       bool // the first page (no cursor)
	Controllers []models.Controller
	Users       []models.User
	HeadSeq     int64
	HeadHash    string
	Unsealed    int64 // events waiting to be sealed into the chain
}

// actorText says who acted.
func actorText(e models.AuditEntry) string {
	switch e.ActorType {
	case models.ActorRequester:
		return "Requester"
	case models.ActorSystem:
		return "System"
	}
	if e.ActorName != "" {
		return e.ActorName
	}
	return "Staff"
}

// clip shortens an event's message for the log; the case page has it whole.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n])) + "…"
}

// prefixed gives each key of errs a prefix: the ids of the fields they belong to.
func prefixed(prefix string, errs map[string]string) map[string]string {
	out := make(map[string]string, len(errs))
	for k, v := range errs {
		out[prefix+k] = v
	}
	return out
}
