package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRunDeadline(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--received", "2026-01-31"}, "2026-03-02\n"},
		{[]string{"--received=2026-01-31", "--extended"}, "2026-04-30\n"},
		{[]string{"-received", "2028-01-31", "-extended"}, "2028-05-02\n"},
		{[]string{"--received", "2026-03-05", "--country", "BE"}, "2026-04-07\n"},
		// The Brussels edge: 23:30 UTC on 31 January is 1 February in Brussels.
		{[]string{"--received", "2026-01-31T23:30:00Z"}, "2026-03-02\n"},
		{[]string{"--received", "2026-01-31T23:30:00Z", "--extended"}, "2026-05-04\n"},
		{[]string{"--received", "2026-01-31T23:30:00Z", "--tz", "UTC", "--extended"}, "2026-04-30\n"},
		{[]string{"--received", "2026-01-31T22:30:00Z", "--tz", "Europe/Brussels"}, "2026-03-02\n"},
		// 27 April is Koningsdag in the Netherlands, not a holiday in Belgium.
		{[]string{"--received", "2026-03-27", "--country", "NL"}, "2026-04-28\n"},
		{[]string{"--received", "2026-03-27", "--country", "nl"}, "2026-04-28\n"},
		{[]string{"--received", "2026-03-27"}, "2026-04-27\n"},
		// Paused 5 days: from 28 February, a Saturday, not from Monday 2 March.
		{[]string{"--received", "2026-01-31", "--paused-days", "5"}, "2026-03-05\n"},
		{[]string{"--received", "2026-01-31", "--paused-days", "1", "--extended"}, "2026-05-04\n"},
		{[]string{"--received", "2026-01-31", "--paused-days", "0"}, "2026-03-02\n"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := runDeadline(tt.args, &stdout, &stderr)
		if code != 0 || stdout.String() != tt.want || stderr.Len() != 0 {
			t.Errorf("runDeadline(%q) = %d, stdout %q, stderr %q; want 0, %q", tt.args, code, stdout.String(), stderr.String(), tt.want)
		}
	}
}

func TestRunDeadlineBadInput(t *testing.T) {
	tests := []struct {
		args []string
		msg  string // expected in stderr
	}{
		{nil, "--received is required"},
		{[]string{"--country", "BE"}, "--received is required"},
		{[]string{"--received", ""}, "--received is required"},
		{[]string{"--received"}, "flag needs an argument"},
		{[]string{"--received", "2026-02-30"}, "no such day"},
		{[]string{"--received", "31/01/2026"}, "want a date YYYY-MM-DD or an RFC 3339 instant"},
		{[]string{"--received", "2026-01-31T23:30:00"}, "RFC 3339"},
		{[]string{"--received", "2026-01-31", "--country", "XX"}, `unknown country "XX"`},
		{[]string{"--received", "2026-01-31", "--country", "LI"}, `unknown country "LI"`},
		{[]string{"--received", "2026-01-31", "--country", ""}, `unknown country ""`},
		{[]string{"--received", "2026-01-31", "--tz", "Mars/Olympus"}, `unknown time zone "Mars/Olympus"`},
		{[]string{"--received", "2026-01-31", "--tz", ""}, "--tz must not be empty"},
		{[]string{"--received", "2026-01-31", "extra"}, `unexpected argument "extra"`},
		{[]string{"2026-01-31"}, `unexpected argument "2026-01-31"`},
		{[]string{"--received", "2026-01-31", "--nope"}, "flag provided but not defined: -nope"},
		{[]string{"--received", "2026-01-31", "--extended=maybe"}, "invalid boolean value"},
		{[]string{"--received", "2026-01-31", "--paused-days", "-1"}, "--paused-days must be 0 or more"},
		{[]string{"--received", "2026-01-31", "--paused-days", "x"}, "invalid value"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := runDeadline(tt.args, &stdout, &stderr)
		if code != 2 || stdout.Len() != 0 {
			t.Errorf("runDeadline(%q) = %d, stdout %q; want 2 and nothing", tt.args, code, stdout.String())
		}
		first, _, _ := strings.Cut(stderr.String(), "\n")
		if !strings.Contains(first, tt.msg) {
			t.Errorf("runDeadline(%q): first line of stderr %q, want it to contain %q", tt.args, first, tt.msg)
		}
		if !strings.Contains(stderr.String(), "usage: rightsdesk deadline") {
			t.Errorf("runDeadline(%q): no usage on stderr", tt.args)
		}
	}
}

func TestRunDeadlineHelp(t *testing.T) {
	for _, arg := range []string{"-h", "--help"} {
		var stdout, stderr bytes.Buffer
		if code := runDeadline([]string{arg}, &stdout, &stderr); code != 0 || stdout.Len() != 0 {
			t.Errorf("runDeadline(%s) = %d, stdout %q; want 0 and nothing", arg, code, stdout.String())
		}
		for _, want := range []string{"usage: rightsdesk deadline", "-received", "-country", "-extended", "-tz"} {
			if !strings.Contains(stderr.String(), want) {
				t.Errorf("runDeadline(%s): stderr lacks %q:\n%s", arg, want, stderr.String())
			}
		}
	}
}
