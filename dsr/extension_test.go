package dsr

import (
	"errors"
	"strings"
	"testing"

	"rightsdesk/deadline"
)

func TestCheckExtension(t *testing.T) {
	due := deadline.NewDate(2026, 4, 7)
	ok := "Many systems to search."
	tests := []struct {
		name     string
		status   Status
		extended bool
		today    deadline.Date
		reason   string
		refused  string // a word of the message, or "" when allowed
	}{
		{"within the month", StatusOpen, false, deadline.NewDate(2026, 3, 20), ok, ""},
		{"in progress", StatusInProgress, false, deadline.NewDate(2026, 3, 20), ok, ""},
		{"awaiting the requester", StatusAwaitingRequester, false, deadline.NewDate(2026, 3, 20), ok, ""},
		{"on the due day itself", StatusOpen, false, due, ok, ""},
		{"the day after", StatusOpen, false, deadline.NewDate(2026, 4, 8), ok, "Too late"},
		{"long after", StatusOpen, false, deadline.NewDate(2027, 1, 1), ok, "Too late"},
		{"already extended", StatusInProgress, true, deadline.NewDate(2026, 3, 20), ok, "already extended"},
		{"unverified", StatusUnverified, false, deadline.NewDate(2026, 3, 20), ok, "cannot be extended"},
		{"completed", StatusCompleted, false, deadline.NewDate(2026, 3, 20), ok, "cannot be extended"},
		{"withdrawn", StatusWithdrawn, false, deadline.NewDate(2026, 3, 20), ok, "cannot be extended"},
	}
	for _, tt := range tests {
		err := CheckExtension(tt.status, tt.extended, due, tt.today)
		if tt.refused == "" {
			if err != nil {
				t.Errorf("%s: refused: %v", tt.name, err)
			}
			continue
		}
		if err == nil || !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), tt.refused) {
			t.Errorf("%s: got %v, want a refusal saying %q", tt.name, err, tt.refused)
		}
	}
}

func TestCheckExtensionReason(t *testing.T) {
	for reason, want := range map[string]string{
		"Data in three systems.":          "",
		"  \n ":                           "Give the reasons",
		strings.Repeat("r", MaxReason+1):  "too long",
		"\xff":                            "invalid UTF-8",
		"escape \x1b[31m is not a reason": "control characters",
	} {
		got := CheckExtensionReason(reason)
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("CheckExtensionReason(%q) = %q, want %q", reason, got, want)
		}
	}
}
