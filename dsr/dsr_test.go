package dsr

import (
	"errors"
	"maps"
	"strings"
	"testing"
)

func TestReferenceFormat(t *testing.T) {
	tests := []struct {
		year int
		n    int64
		want string
	}{
		{2026, 1, "DSR-2026-000001"},
		{2026, 123, "DSR-2026-000123"},
		{2027, 999999, "DSR-2027-999999"},
		{2027, 1000000, "DSR-2027-1000000"},
	}
	for _, tt := range tests {
		got := FormatReference(tt.year, tt.n)
		if got != tt.want {
			t.Errorf("FormatReference(%d,%d) = %s, want %s", tt.year, tt.n, got, tt.want)
		}
		y, n, ok := ParseReference(got)
		if !ok || y != tt.year || n != tt.n {
			t.Errorf("ParseReference(%s) = %d,%d,%v", got, y, n, ok)
		}
	}
	for _, bad := range []string{"", "DSR-2026-12345", "dsr-2026-000001", "DSR-2026-000000", "DSR-26-000001",
		"DSR-2026-000001 ", "DSR-2026-0000001x", "XDSR-2026-000001", "DSR-2026-1234567890"} {
		if _, _, ok := ParseReference(bad); ok {
			t.Errorf("ParseReference(%q) accepted", bad)
		}
	}
}

// TestTransitions checks every (status, action) pair against the lifecycle of DESIGN.md, written
// out in full: an action is allowed only from the statuses listed; every other pair is refused
// and leaves the status as it was.
func TestTransitions(t *testing.T) {
	u, o, p, a := StatusUnverified, StatusOpen, StatusInProgress, StatusAwaitingRequester
	allowed := map[Action]map[Status]Status{
		ActionVerify:      {u: o},
		ActionExpire:      {u: StatusExpired},
		ActionClaim:       {o: p, p: p},
		ActionRequestInfo: {p: a},
		ActionReply:       {a: p},
		ActionComplete:    {p: StatusCompleted},
		ActionRefuse:      {o: StatusRefused, p: StatusRefused, a: StatusRefused},
		ActionWithdraw:    {o: StatusWithdrawn, p: StatusWithdrawn, a: StatusWithdrawn},
	}
	if len(allowed) != len(transitions) {
		t.Fatalf("the table covers %d actions, the rules %d", len(allowed), len(transitions))
	}
	pairs := 0
	for action, from := range allowed {
		for _, s := range Statuses {
			pairs++
			got, err := Next(s, action)
			if want, ok := from[s]; ok {
				if err != nil || got != want {
					t.Errorf("Next(%s, %s) = %s, %v; want %s", s, action, got, err, want)
				}
				continue
			}
			if !errors.Is(err, ErrTransitionNotAllowed) || got != s {
				t.Errorf("Next(%s, %s) = %s, %v; want refused and unchanged", s, action, got, err)
			}
			if Allowed(s, action) {
				t.Errorf("Allowed(%s, %s) is true", s, action)
			}
		}
	}
	if pairs != len(Statuses)*len(transitions) {
		t.Errorf("checked %d pairs", pairs)
	}
	if _, err := Next(StatusOpen, Action("bogus")); !errors.Is(err, ErrTransitionNotAllowed) {
		t.Errorf("an unknown action: %v", err)
	}
}

func TestClosedStatuses(t *testing.T) {
	for _, s := range Statuses {
		want := s == StatusCompleted || s == StatusRefused || s == StatusWithdrawn || s == StatusExpired
		if s.Closed() != want {
			t.Errorf("%s.Closed() = %v", s, s.Closed())
		}
		if s.Label() == string(s) || s.StaffLabel() == string(s) {
			t.Errorf("%s has no label", s)
		}
	}
}

func TestKindsAreComplete(t *testing.T) {
	if len(Kinds) != 7 {
		t.Fatalf("%d kinds, want the seven rights", len(Kinds))
	}
	for _, k := range Kinds {
		if k.Article() == "" || k.Explain() == "" || k.Label() == string(k) {
			t.Errorf("kind %s lacks article, label or explanation", k)
		}
		if got, ok := ParseKind(string(k)); !ok || got != k {
			t.Errorf("ParseKind(%s) failed", k)
		}
	}
	if _, ok := ParseKind("delete_everything"); ok {
		t.Error("ParseKind accepted an unknown kind")
	}
	if got := SortKinds([]Kind{KindObjection, KindAccess, KindObjection}); len(got) != 2 || got[0] != KindAccess {
		t.Errorf("SortKinds = %v", got)
	}
}

var identifying = map[string]bool{"STCK_ID": true, "UID": true, "U2": true}

func validFiling() Filing {
	return Filing{
		Kinds:    []string{"access"},
		Email:    "alice@example.be",
		Language: "fr",
		Country:  "BE",
	}
}

func TestValidateAcceptsGoodFilings(t *testing.T) {
	f := validFiling()
	f.Kinds = []string{"objection", "access", "rectification", "access"}
	f.Name = "  Alice Dupont  "
	f.Details = "Line one\r\nLine two\twith a tab"
	f.RectificationWrong = "my e-mail"
	f.RectificationRight = "alice@example.be"
	f.ObjectionGrounds = "Direct marketing."
	f.Browser = []Identifier{{CookieName: "UID", Value: "a1b2-c3"}}
	f.Signed = []Identifier{{CookieName: "UID", Value: "a1b2-c3"}, {CookieName: "UID", Value: "s-77"}}
	f.Typed = []Identifier{{}, {CookieName: "STCK_ID", Value: " 9f8e7d "}, {CookieName: "UID", Value: "a1b2-c3"}, {CookieName: "UID", Value: "s-77"}}
	f.Country = "OTHER"
	r, errs := f.Validate(identifying)
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	if got := Labels(r.Kinds); got != "Access, Rectification, Objection" {
		t.Errorf("kinds = %s", got)
	}
	if r.Name != "Alice Dupont" {
		t.Errorf("name not trimmed: %q", r.Name)
	}
	want := []Identifier{
		{"UID", "a1b2-c3", ProvenanceBrowser}, // the typed copy of a browser cookie adds nothing
		{"UID", "s-77", ProvenanceSigned},     // nor the typed copy of a signed one
		{"STCK_ID", "9f8e7d", ProvenanceTyped},
	}
	if len(r.Identifiers) != len(want) {
		t.Fatalf("identifiers = %v", r.Identifiers)
	}
	for i := range want {
		if r.Identifiers[i] != want[i] {
			t.Errorf("identifier %d = %v, want %v", i, r.Identifiers[i], want[i])
		}
	}
}

func TestValidateRefusesBadInput(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name  string
		edit  func(*Filing)
		field string
		code  Code
		args  map[string]any
		cause Code
	}{
		{"no kind", func(f *Filing) { f.Kinds = nil }, "kinds", CodeKindNone, nil, ""},
		{"unknown kind", func(f *Filing) { f.Kinds = []string{"access", "<script>"} }, "kinds", CodeKindUnknown, nil, ""},
		{"empty email", func(f *Filing) { f.Email = "  " }, "email", CodeEmailMissing, nil, ""},
		{"email without at", func(f *Filing) { f.Email = "alice.example.be" }, "email", CodeEmailForm, nil, ""},
		{"email with name", func(f *Filing) { f.Email = "Alice <alice@example.be>" }, "email", CodeEmailForm, nil, ""},
		{"email header injection", func(f *Filing) { f.Email = "alice@example.be\r\nBcc: evil@example.com" }, "email", CodeEmailLine, nil, ""},
		{"email with LF only", func(f *Filing) { f.Email = "alice@example.be\nBcc: evil@example.com" }, "email", CodeEmailLine, nil, ""},
		{"email without dot in domain", func(f *Filing) { f.Email = "alice@localhost" }, "email", CodeEmailDomain, nil, ""},
		{"email too long", func(f *Filing) { f.Email = long(250) + "@example.be" }, "email", CodeEmailLong, map[string]any{"Max": MaxEmail}, ""},
		{"email invalid utf-8", func(f *Filing) { f.Email = "al\xffice@example.be" }, "email", CodeEmailUTF8, nil, ""},
		{"email two addresses", func(f *Filing) { f.Email = "a@example.be, b@example.be" }, "email", CodeEmailForm, nil, ""},
		{"name header injection", func(f *Filing) { f.Name = "Alice\r\nBcc: evil@example.com" }, "name", CodeSingleLine, nil, ""},
		{"name too long", func(f *Filing) { f.Name = long(MaxName + 1) }, "name", CodeTooLong, map[string]any{"Max": MaxName, "N": MaxName + 1}, ""},
		{"name invalid utf-8", func(f *Filing) { f.Name = "Al\xc3\x28ice" }, "name", CodeUTF8, nil, ""},
		{"name control char", func(f *Filing) { f.Name = "Al\x00ice" }, "name", CodeControl, nil, ""},
		{"name C1 control", func(f *Filing) { f.Name = "Al\u0085ice" }, "name", CodeControl, nil, ""},
		{"name tab", func(f *Filing) { f.Name = "Al\tice" }, "name", CodeControl, nil, ""},
		{"name line separator", func(f *Filing) { f.Name = "Al\u2028Bcc: x" }, "name", CodeSingleLine, nil, ""},
		{"no language", func(f *Filing) { f.Language = "" }, "language", CodeLanguage, nil, ""},
		{"unknown language", func(f *Filing) { f.Language = "es" }, "language", CodeLanguage, nil, ""},
		{"no country", func(f *Filing) { f.Country = "" }, "country", CodeCountry, nil, ""},
		{"non EEA code", func(f *Filing) { f.Country = "US" }, "country", CodeCountry, nil, ""},
		{"details too long", func(f *Filing) { f.Details = long(MaxDetails + 1) }, "details", CodeTooLong, map[string]any{"Max": MaxDetails, "N": MaxDetails + 1}, ""},
		{"details escape char", func(f *Filing) { f.Details = "hello \x1b[31m" }, "details", CodeControl, nil, ""},
		{"rectification without wrong", func(f *Filing) {
			f.Kinds = []string{"rectification"}
			f.RectificationRight = "x"
		}, "rectification_wrong", CodeRectificationWrong, nil, ""},
		{"rectification without right", func(f *Filing) {
			f.Kinds = []string{"rectification"}
			f.RectificationWrong = "x"
		}, "rectification_right", CodeRectificationRight, nil, ""},
		{"objection without grounds", func(f *Filing) { f.Kinds = []string{"objection"}; f.ObjectionGrounds = " \n " }, "objection_grounds", CodeObjectionGrounds, nil, ""},
		{"objection grounds invalid", func(f *Filing) { f.ObjectionGrounds = "\xff" }, "objection_grounds", CodeUTF8, nil, ""},
		{"typed cookie not in catalogue", func(f *Filing) { f.Typed = []Identifier{{CookieName: "_ga", Value: "GA1.2.3"}} }, "typed_0", CodeTypedNotIdentifying, nil, ""},
		{"typed non-identifying", func(f *Filing) { f.Typed = []Identifier{{}, {CookieName: "cf_use_ob", Value: "0"}} }, "typed_1", CodeTypedNotIdentifying, nil, ""},
		{"typed value without name", func(f *Filing) { f.Typed = []Identifier{{Value: "abc"}} }, "typed_0", CodeTypedNoName, nil, ""},
		{"typed name without value", func(f *Filing) { f.Typed = []Identifier{{CookieName: "UID"}} }, "typed_0", CodeTypedNoValue, nil, ""},
		{"typed value with space", func(f *Filing) { f.Typed = []Identifier{{CookieName: "UID", Value: "a b"}} }, "typed_0", CodeValueChars, nil, ""},
		{"typed value with semicolon", func(f *Filing) { f.Typed = []Identifier{{CookieName: "UID", Value: "a;b=c"}} }, "typed_0", CodeValueChars, nil, ""},
		{"typed value non-ascii", func(f *Filing) { f.Typed = []Identifier{{CookieName: "UID", Value: "café"}} }, "typed_0", CodeValueChars, nil, ""},
		{"typed value too long", func(f *Filing) { f.Typed = []Identifier{{CookieName: "UID", Value: long(MaxCookieValue + 1)}} }, "typed_0", CodeValueLong, map[string]any{"Max": MaxCookieValue}, ""},
		{"browser cookie not identifying", func(f *Filing) { f.Browser = []Identifier{{CookieName: "cf_use_ob", Value: "1"}} }, "identifiers", CodeBrowserNotIdentifying, map[string]any{"Cookie": "cf_use_ob"}, ""},
		{"browser cookie bad value", func(f *Filing) { f.Browser = []Identifier{{CookieName: "UID", Value: "a\"b"}} }, "identifiers", CodeBrowserValue, map[string]any{"Cookie": "UID"}, CodeValueChars},
		{"signed cookie not identifying", func(f *Filing) { f.Signed = []Identifier{{CookieName: "cf_use_ob", Value: "1"}} }, "identifiers", CodeSignedNotIdentifying, map[string]any{"Cookie": "cf_use_ob"}, ""},
		{"signed cookie not in catalogue", func(f *Filing) { f.Signed = []Identifier{{CookieName: "_ga", Value: "GA1"}} }, "identifiers", CodeSignedNotIdentifying, map[string]any{"Cookie": "_ga"}, ""},
		{"signed cookie bad value", func(f *Filing) { f.Signed = []Identifier{{CookieName: "UID", Value: "a b"}} }, "identifiers", CodeSignedValue, map[string]any{"Cookie": "UID"}, CodeValueChars},
		{"too many with signed", func(f *Filing) {
			for i := 0; i <= MaxIdentifiers; i++ {
				f.Signed = append(f.Signed, Identifier{CookieName: "UID", Value: strings.Repeat("s", i+1)})
			}
		}, "identifiers", CodeTooMany, map[string]any{"Max": MaxIdentifiers}, ""},
		{"too many identifiers", func(f *Filing) {
			for i := 0; i <= MaxIdentifiers; i++ {
				f.Typed = append(f.Typed, Identifier{CookieName: "UID", Value: strings.Repeat("x", i+1)})
			}
		}, "identifiers", CodeTooMany, map[string]any{"Max": MaxIdentifiers}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := validFiling()
			tt.edit(&f)
			r, errs := f.Validate(identifying)
			p := errs[tt.field]
			if p == nil {
				t.Fatalf("no problem on %s; problems: %v", tt.field, errs)
			}
			if p.Code != tt.code || !maps.Equal(p.Args, tt.args) {
				t.Errorf("%s: %s %v, want %s %v", tt.field, p.Code, p.Args, tt.code, tt.args)
			}
			switch {
			case tt.cause == "" && p.Cause != nil:
				t.Errorf("%s: an unexpected cause %s", tt.field, p.Cause.Code)
			case tt.cause != "" && (p.Cause == nil || p.Cause.Code != tt.cause):
				t.Errorf("%s: cause %v, want %s", tt.field, p.Cause, tt.cause)
			}
			if len(r.Kinds) != 0 || r.Email != "" {
				t.Errorf("a refused filing returned a request: %+v", r)
			}
		})
	}
}

// RFC 6265 allows <, > and / in a cookie value, so markup is a valid value: pages must escape it.
func TestValidateKeepsMarkupInCookieValues(t *testing.T) {
	f := validFiling()
	f.Typed = []Identifier{{CookieName: "UID", Value: "<script>alert(1)</script>"}}
	r, errs := f.Validate(identifying)
	if len(errs) != 0 || r.Identifiers[0].Value != "<script>alert(1)</script>" {
		t.Fatalf("got %v, %v", r.Identifiers, errs)
	}
}

func TestValidateLimitsAreInclusive(t *testing.T) {
	f := validFiling()
	f.Name = strings.Repeat("é", MaxName)
	f.Details = strings.Repeat("d", MaxDetails)
	f.Typed = []Identifier{{CookieName: "UID", Value: strings.Repeat("v", MaxCookieValue)}}
	if _, errs := f.Validate(identifying); len(errs) != 0 {
		t.Fatalf("values at the limit refused: %v", errs)
	}
}

func TestKindMask(t *testing.T) {
	// The bits are stored: they must never move.
	want := map[Kind]int{KindAccess: 1, KindRectification: 2, KindErasure: 4, KindRestriction: 8,
		KindPortability: 16, KindObjection: 32, KindConsentWithdrawal: 64}
	for k, bit := range want {
		if k.Bit() != bit {
			t.Errorf("%s.Bit() = %d, want %d", k, k.Bit(), bit)
		}
	}
	if Kind("nonsense").Bit() != 0 {
		t.Error("an unknown kind has a bit")
	}
	ks := []Kind{KindObjection, KindAccess}
	m := KindMask(ks)
	if m != 33 {
		t.Fatalf("KindMask = %d, want 33", m)
	}
	if got := KindsOf(m); len(got) != 2 || got[0] != KindAccess || got[1] != KindObjection {
		t.Fatalf("KindsOf(33) = %v", got)
	}
	if KindsOf(0) != nil {
		t.Fatal("KindsOf(0) is not empty")
	}
}
