package dsr

import (
	"strings"
	"testing"

	"rightsdesk/deadline"
)

func TestDefaultReplyBy(t *testing.T) {
	today := deadline.NewDate(2026, 3, 10)
	if got := DefaultReplyBy(today, deadline.NewDate(2026, 4, 10)); got != deadline.NewDate(2026, 3, 24) {
		t.Errorf("14 days: got %s", got)
	}
	if got := DefaultReplyBy(today, deadline.NewDate(2026, 3, 15)); got != deadline.NewDate(2026, 3, 15) {
		t.Errorf("capped at the due date: got %s", got)
	}
}

func TestParseReplyBy(t *testing.T) {
	for in, ok := range map[string]bool{"2026-03-14": true, " 2026-03-14 ": true, "": true, "2026-02-30": false, "14/03/2026": false, "tomorrow": false} {
		_, msg := ParseReplyBy(in)
		if (msg == "") != ok {
			t.Errorf("ParseReplyBy(%q): %q", in, msg)
		}
	}
}

func TestCheckQuestion(t *testing.T) {
	d := deadline.NewDate(2026, 3, 14)
	if errs := CheckQuestion("Which e-mail address?", d); errs != nil {
		t.Errorf("a question with a date: %v", errs)
	}
	errs := CheckQuestion("  ", deadline.Date{})
	if errs[QuestionField] == "" || errs[ReplyByField] == "" {
		t.Errorf("empty question and no date: %v", errs)
	}
}

func TestCheckReplyBy(t *testing.T) {
	today, due := deadline.NewDate(2026, 3, 10), deadline.NewDate(2026, 4, 10)
	for _, tc := range []struct {
		name      string
		replyBy   deadline.Date
		today     deadline.Date
		wantError string
	}{
		{"today", today, today, ""},
		{"the due date itself", due, today, ""},
		{"in between", deadline.NewDate(2026, 3, 24), today, ""},
		{"yesterday", deadline.NewDate(2026, 3, 9), today, "in the past"},
		{"the day after the due date", deadline.NewDate(2026, 4, 11), today, "after 10 April 2026"},
		{"the case is overdue", deadline.NewDate(2026, 4, 20), deadline.NewDate(2026, 4, 15), "was due on 10 April 2026"},
	} {
		got := CheckReplyBy(tc.replyBy, tc.today, due)
		if (tc.wantError == "") != (got == "") || !strings.Contains(got, tc.wantError) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.wantError)
		}
	}
}
