package views

import (
	"testing"

	"rightsdesk/letters"
)

// TestEveryLetterAndMessageHasAName: the admin pages name letters and their messages in words,
// never by identifier.
func TestEveryLetterAndMessageHasAName(t *testing.T) {
	for _, k := range letters.Kinds {
		if LetterName(string(k)) == string(k) {
			t.Errorf("the letter %s has no name", k)
		}
		for _, id := range letters.Messages(k) {
			if n := MessageName(id); n == id || n == "" {
				t.Errorf("the message %s has no name", id)
			}
		}
	}
	for id, want := range map[string]string{
		"info_request.subject": "Subject", "common.greeting": "Greeting (every letter to requesters)",
		"completed.consent_withdrawal_undated": "Consent withdrawal undated", "staff.footer": "Footer (every letter to staff)",
	} {
		if got := MessageName(id); got != want {
			t.Errorf("MessageName(%s) = %q, want %q", id, got, want)
		}
	}
}
