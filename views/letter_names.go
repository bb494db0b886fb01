package views

import "strings"

// letterNames name each letter in words for staff: the admin's letter pages and the delivery log.
var letterNames = map[string]string{
	"verification":             "Confirmation of the e-mail address",
	"acknowledgement":          "Acknowledgement",
	"info_request":             "Request for information",
	"reply_received_requester": "Answer received, the clock runs again",
	"extension":                "Extension of the deadline",
	"completed":                "Answer",
	"refused":                  "Refusal",
	"withdrawn":                "Request withdrawn",
	"expired":                  "Request expired",
	"restriction_lifting":      "Restriction to be lifted (Art. 18(3))",
	"consent_withdrawn":        "Consent withdrawn",
	"reply_received":           "The requester answered",
	"assigned":                 "Case assigned",
	"invite":                   "Invitation",
	"password_reset":           "Password reset",
	"reminder":                 "Reminder",
	"escalation":               "Escalation of an overdue case",
	"delivery_failed":          "Letter not delivered",
}

// LetterName names a letter kind in words; an unknown kind is shown as stored.
func LetterName(kind string) string {
	if n, ok := letterNames[kind]; ok {
		return n
	}
	return kind
}

// messageParts name the parts of a letter a message is, by the last part of its id.
var messageParts = map[string]string{
	"subject": "Subject", "intro": "Opening paragraph", "greeting": "Greeting", "closing": "Closing",
	"signature": "Signature", "action": "What to do", "limit": "Time limit", "ignore": "If it was not you",
	"status": "Status page", "private": "Keep the link private", "deadline": "Deadline",
	"status_link": "Status page link", "status_missing": "When there is no status link", "sent_by": "Sent by",
	"heading": "Heading", "judicial": "Judicial remedy", "reference": "Reference", "answer": "How to answer",
	"due": "Answer due", "due_extended": "Answer due (extended)", "reasons_heading": "Heading of the reasons",
	"law": "The law", "files_heading": "Heading of the files", "files": "Files", "again": "Filing again",
	"record": "Record", "nothing": "Nothing was processed", "footer": "Footer",
	"recipients_heading": "Heading of the recipients (Art. 19)", "recipients": "Recipients told (Art. 19)",
	"recipients_none": "No recipient to tell (Art. 19)", "recipients_offer": "Offer to name the recipients (Art. 19)",
	"disagree":       "If the requester disagrees",
	"access_heading": "Heading of the information of Art. 15", "access_info": "Introduction of the information of Art. 15",
}

// MessageName names a message of a letter in words: "Subject", "Opening paragraph", "Access"…;
// a shared block says so ("Greeting (every letter)").
func MessageName(id string) string {
	group, part, ok := strings.Cut(id, ".")
	if !ok {
		return id
	}
	name, ok := messageParts[part]
	if !ok {
		name = strings.ToUpper(part[:1]) + strings.ReplaceAll(part[1:], "_", " ")
	}
	switch group {
	case "common", "footer", "guidance":
		return name + " (every letter to requesters)"
	case "staff":
		return name + " (every letter to staff)"
	}
	return name
}
