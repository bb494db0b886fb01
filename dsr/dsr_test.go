package dsr

import (
	"errors"
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
	}{
		{"no kind", func(f *Filing) { f.Kinds = nil }, "kinds"},
		{"unknown kind", func(f *Filing) { f.Kinds = []string{"access", "<script>"} }, "kinds"},
		{"empty email", func(f *Filing) { f.Email = "  " }, "email"},
		{"email without at", func(f *Filing) { f.Email = "alice.example.be" }, "email"},
		{"email with name", func(f *Filing) { f.Email = "Alice <alice@example.be>" }, "email"},
		{"email header injection", func(f *Filing) { f.Email = "alice@example.be\r\nBcc: evil@example.com" }, "email"},
		{"email with LF only", func(f *Filing) { f.Email = "alice@example.be\nBcc: evil@example.com" }, "email"},
		{"email without dot in domain", func(f *Filing) { f.Email = "alice@localhost" }, "email"},
		{"email too long", func(f *Filing) { f.Email = long(250) + "@example.be" }, "email"},
		{"email invalid utf-8", func(f *Filing) { f.Email = "al\xffice@example.be" }, "email"},
		{"email two addresses", func(f *Filing) { f.Email = "a@example.be, b@example.be" }, "email"},
		{"name header injection", func(f *Filing) { f.Name = "Alice\r\nBcc: evil@example.com" }, "name"},
		{"name too long", func(f *Filing) { f.Name = long(MaxName + 1) }, "name"},
		{"name invalid utf-8", func(f *Filing) { f.Name = "Al\xc3\x28ice" }, "name"},
		{"name control char", func(f *Filing) { f.Name = "Al\x00ice" }, "name"},
		{"name C1 control", func(f *Filing) { f.Name = "Al\u0085ice" }, "name"},
		{"name tab", func(f *Filing) { f.Name = "Al\tice" }, "name"},
		{"name line separator", func(f *Filing) { f.Name = "Al\u2028Bcc: x" }, "name"},
		{"no language", func(f *Filing) { f.Language = "" }, "language"},
		{"unknown language", func(f *Filing) { f.Language = "es" }, "language"},
		{"no country", func(f *Filing) { f.Country = "" }, "country"},
		{"non EEA code", func(f *Filing) { f.Country = "US" }, "country"},
		{"details too long", func(f *Filing) { f.Details = long(MaxDetails + 1) }, "details"},
		{"details escape char", func(f *Filing) { f.Details = "hello \x1b[31m" }, "details"},
		{"rectification without wrong", func(f *Filing) {
			f.Kinds = []string{"rectification"}
			f.RectificationRight = "x"
		}, "rectification_wrong"},
		{"rectification without right", func(f *Filing) {
			f.Kinds = []string{"rectification"}
			f.RectificationWrong = "x"
		}, "rectification_right"},
		{"objection without grounds", func(f *Filing) { f.Kinds = []string{"objection"}; f.ObjectionGrounds = " \n " }, "objection_grounds"},
		{"objection grounds invalid", func(f *Filing) { f.ObjectionGrounds = "\xff" }, "objection_grounds"},
		{"typed cookie not in catalogue", func(f *Filing) { f.Typed = []Identifier{{CookieName: "_ga", Value: "GA1.2.3"}} }, "typed_0"},
		{"typed non-identifying", func(f *Filing) { f.Typed = []Identifier{{}, {CookieName: "cf_use_ob", Value: "0"}} }, "typed_1"},
		{"typed value without name", func(f *Filing) { f.Typed = []Identifier{{Value: "abc"}} }, "typed_0"},
		{"typed name without value", func(f *Filing) { f.Typed = []Identifier{{CookieName: "UID"}} }, "typed_0"},
		{"typed value with space", func(f *Filing) { f.Typed = []Identifier{{CookieName: "UID", Value: "a b"}} }, "typed_0"},
		{"typed value with semicolon", func(f *Filing) { f.Typed = []Identifier{{CookieName: "UID", Value: "a;b=c"}} }, "typed_0"},
		{"typed value non-ascii", func(f *Filing) { f.Typed = []Identifier{{CookieName: "UID", Value: "café"}} }, "typed_0"},
		{"typed value too long", func(f *Filing) { f.Typed = []Identifier{{CookieName: "UID", Value: long(MaxCookieValue + 1)}} }, "typed_0"},
		{"browser cookie not identifying", func(f *Filing) { f.Browser = []Identifier{{CookieName: "cf_use_ob", Value: "1"}} }, "identifiers"},
		{"browser cookie bad value", func(f *Filing) { f.Browser = []Identifier{{CookieName: "UID", Value: "a\"b"}} }, "identifiers"},
		{"signed cookie not identifying", func(f *Filing) { f.Signed = []Identifier{{CookieName: "cf_use_ob", Value: "1"}} }, "identifiers"},
		{"signed cookie not in catalogue", func(f *Filing) { f.Signed = []Identifier{{CookieName: "_ga", Value: "GA1"}} }, "identifiers"},
		{"signed cookie bad value", func(f *Filing) { f.Signed = []Identifier{{CookieName: "UID", Value: "a b"}} }, "identifiers"},
		{"too many with signed", func(f *Filing) {
			for i := 0; i <= MaxIdentifiers; i++ {
				f.Signed = append(f.Signed, Identifier{CookieName: "UID", Value: strings.Repeat("s", i+1)})
			}
		}, "identifiers"},
		{"too many identifiers", func(f *Filing) {
			for i := 0; i <= MaxIdentifiers; i++ {
				f.Typed = append(f.Typed, Identifier{CookieName: "UID", Value: strings.Repeat("x", i+1)})
			}
		}, "identifiers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := validFiling()
			tt.edit(&f)
			r, errs := f.Validate(identifying)
			if errs[tt.field] == "" {
				t.Fatalf("no error on %s; errors: %v", tt.field, errs)
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
