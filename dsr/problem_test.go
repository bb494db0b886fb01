package dsr

import (
	"errors"
	"maps"
	"strings"
	"testing"
)

func TestCheckEmailCodes(t *testing.T) {
	tests := []struct {
		in   string
		code Code // "" when valid
		args map[string]any
	}{
		{"sam@example.org", "", nil},
		{"  Sam@Example.org ", "", nil},
		{"", CodeEmailEmpty, nil},
		{"   ", CodeEmailEmpty, nil},
		{"s\xffm@example.org", CodeEmailUTF8, nil},
		{"sam@example.org\r\nBcc: all@example.com", CodeEmailLine, nil},
		{strings.Repeat("a", 250) + "@example.org", CodeEmailLong, map[string]any{"Max": MaxEmail}},
		{"Sam <sam@example.org>", CodeEmailForm, nil},
		{"sam@@example.org", CodeEmailForm, nil},
		{"sam@localhost", CodeEmailDomain, nil},
		{"sam@example.", CodeEmailForm, nil},
	}
	for _, tt := range tests {
		p := CheckEmail(tt.in)
		switch {
		case tt.code == "" && p != nil:
			t.Errorf("CheckEmail(%q) = %s, want none", tt.in, p.Code)
		case tt.code != "" && (p == nil || p.Code != tt.code || !maps.Equal(p.Args, tt.args)):
			t.Errorf("CheckEmail(%q) = %+v, want %s %v", tt.in, p, tt.code, tt.args)
		}
	}
}

func TestCheckLineAndReplyCodes(t *testing.T) {
	for in, want := range map[string]Code{
		"Sam":                          "",
		"Sam\nBcc: x":                  CodeSingleLine,
		"Sam\u2029":                    CodeSingleLine,
		"Sam\tStaff":                   CodeControl,
		"Sam\x07":                      CodeControl,
		"S\xffm":                       CodeUTF8,
		strings.Repeat("x", 11):        CodeTooLong,
		"  " + strings.Repeat("x", 10): "",
	} {
		p := CheckLine(in, 10)
		if (p == nil) != (want == "") || (p != nil && p.Code != want) {
			t.Errorf("CheckLine(%q) = %+v, want %q", in, p, want)
		}
	}
	if p := CheckLine(strings.Repeat("é", 12), 10); p == nil || p.Args["Max"] != 10 || p.Args["N"] != 12 {
		t.Errorf("too long: %+v", p)
	}
	for in, want := range map[string]Code{
		"Firefox.":                        "",
		"Line one\nLine two":              "",
		"":                                CodeAnswerMissing,
		" \n ":                            CodeAnswerMissing,
		"\x00":                            CodeControl,
		"\xff":                            CodeUTF8,
		strings.Repeat("a", MaxMessage+1): CodeTooLong,
	} {
		p := CheckReply(in)
		if (p == nil) != (want == "") || (p != nil && p.Code != want) {
			t.Errorf("CheckReply(%.20q) = %+v, want %q", in, p, want)
		}
	}
}

func TestProblemSaysItselfInEnglish(t *testing.T) {
	p := &Problem{Code: CodeBrowserValue, Args: map[string]any{"Cookie": "UID"}, Cause: &Problem{Code: CodeValueLong, Args: map[string]any{"Max": 256}}}
	if got, want := p.Error(), "The value of your cookie UID cannot be used: The value is too long: at most 256 characters."; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got := (&Problem{Code: CodeTooLong, Args: map[string]any{"Max": 5, "N": 7}}).Error(); got != "This is too long: at most 5 characters (you typed 7)." {
		t.Errorf("too long: %q", got)
	}
	if got := (&Problem{Code: CodeTooLong}).Error(); got != string(CodeTooLong) {
		t.Errorf("a problem without its arguments says %q, not its code", got)
	}
	if got := (&Problem{Code: "fielderr.nonsense"}).Error(); got != "fielderr.nonsense" {
		t.Errorf("an unknown code says %q", got)
	}
	var err error = p
	if !errors.Is(err, ErrRefused) {
		t.Error("a problem is not a refusal")
	}
	var cause *Problem
	if !errors.As(errors.Unwrap(err), &cause) || cause.Code != CodeValueLong {
		t.Errorf("the cause does not unwrap: %v", errors.Unwrap(err))
	}
	if (&Problem{Code: CodeValueEmpty}).Unwrap() != nil {
		t.Error("a problem without a cause unwraps to a non-nil error")
	}
}

func TestCodesAreListedOnce(t *testing.T) {
	seen := map[Code]bool{}
	for _, c := range Codes {
		if seen[c] {
			t.Errorf("%s listed twice", c)
		}
		seen[c] = true
		if !strings.HasPrefix(string(c), "fielderr.") && !strings.HasPrefix(string(c), "signed.") {
			t.Errorf("%s: not a message id of the field errors or the signed links", c)
		}
	}
}
