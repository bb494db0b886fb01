package lifetime_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"rightsdesk/lifetime"
)

func TestParse(t *testing.T) {
	d := lifetime.NewDuration
	for _, c := range []struct {
		in   string
		want lifetime.Lifetime // Text is checked to be the input, trimmed
		err  error
	}{
		// The seeds' own values.
		{"Session", lifetime.Lifetime{Kind: lifetime.Session}, nil},
		{"Persistant", lifetime.Lifetime{Kind: lifetime.Persistent}, nil},
		{"Jamais", lifetime.Lifetime{Kind: lifetime.Persistent}, nil},
		{"1 Heure", d(1, lifetime.Hour), nil},
		{"1 minute", d(1, lifetime.Minute), nil},
		{"7 Jours", d(7, lifetime.Day), nil},
		{"1 An", d(1, lifetime.Year), nil},
		{"365", lifetime.Lifetime{}, lifetime.ErrNoUnit},
		// French.
		{"13 mois", d(13, lifetime.Month), nil},
		{"2 ans", d(2, lifetime.Year), nil},
		{"6 années", d(6, lifetime.Year), nil},
		{"30 minutes", d(30, lifetime.Minute), nil},
		{"2 semaines", d(2, lifetime.Week), nil},
		{"1\u00a0jour", d(1, lifetime.Day), nil},
		{"  24  heures. ", d(24, lifetime.Hour), nil},
		{"de session", lifetime.Lifetime{Kind: lifetime.Session}, nil},
		{"persistante", lifetime.Lifetime{Kind: lifetime.Persistent}, nil},
		// Dutch.
		{"2 jaar", d(2, lifetime.Year), nil},
		{"1 uur", d(1, lifetime.Hour), nil},
		{"30 dagen", d(30, lifetime.Day), nil},
		{"3 maanden", d(3, lifetime.Month), nil},
		{"2 weken", d(2, lifetime.Week), nil},
		{"Sessie", lifetime.Lifetime{Kind: lifetime.Session}, nil},
		{"Nooit", lifetime.Lifetime{Kind: lifetime.Persistent}, nil},
		// English.
		{"1 year", d(1, lifetime.Year), nil},
		{"13 months", d(13, lifetime.Month), nil},
		{"90 days", d(90, lifetime.Day), nil},
		{"2 hrs", d(2, lifetime.Hour), nil},
		{"30d", d(30, lifetime.Day), nil},
		{"Never", lifetime.Lifetime{Kind: lifetime.Persistent}, nil},
		// German.
		{"1 Jahr", d(1, lifetime.Year), nil},
		{"30 Tage", d(30, lifetime.Day), nil},
		{"3 Monate", d(3, lifetime.Month), nil},
		{"1 Stunde", d(1, lifetime.Hour), nil},
		{"2 Wochen", d(2, lifetime.Week), nil},
		{"Sitzung", lifetime.Lifetime{Kind: lifetime.Session}, nil},
		{"Dauerhaft", lifetime.Lifetime{Kind: lifetime.Persistent}, nil},
		// ISO 8601.
		{"P1Y", d(1, lifetime.Year), nil},
		{"P13M", d(13, lifetime.Month), nil},
		{"P2W", d(2, lifetime.Week), nil},
		{"p30d", d(30, lifetime.Day), nil},
		{"PT1H", d(1, lifetime.Hour), nil},
		{"PT30M", d(30, lifetime.Minute), nil},
		// Not read: kept as text, no error.
		{"", lifetime.Lifetime{}, nil},
		{"Voir la politique de Google", lifetime.Lifetime{}, nil},
		{"1 an et 1 mois", lifetime.Lifetime{}, nil},
		{"30 secondes", lifetime.Lifetime{}, nil},
		{"P1Y2M", lifetime.Lifetime{}, nil},
		{"PT1D", lifetime.Lifetime{}, nil},
		{"1,5 heure", lifetime.Lifetime{}, nil},
		// Refused: a bare number, an amount out of range.
		{"-1", lifetime.Lifetime{}, lifetime.ErrNoUnit},
		{"1,5", lifetime.Lifetime{}, lifetime.ErrNoUnit},
		{"0 jours", lifetime.Lifetime{}, lifetime.ErrAmount},
		{"100000 days", lifetime.Lifetime{}, lifetime.ErrAmount},
		{"P0D", lifetime.Lifetime{}, lifetime.ErrAmount},
	} {
		got, err := lifetime.Parse(c.in)
		if !errors.Is(err, c.err) || (err != nil) != (c.err != nil) {
			t.Errorf("Parse(%q): error %v, want %v", c.in, err, c.err)
		}
		c.want.Text = strings.TrimSpace(c.in)
		if got != c.want {
			t.Errorf("Parse(%q) = %+v, want %+v", c.in, got, c.want)
		}
		if !got.Valid() {
			t.Errorf("Parse(%q) = %+v is not valid", c.in, got)
		}
	}
}

func TestTheNoUnitErrorSaysWhatToWrite(t *testing.T) {
	_, err := lifetime.Parse("365")
	if err == nil || err.Error() != `"365" has no unit: write "365 days" (or minutes, hours, weeks, months, years)` {
		t.Errorf("error: %v", err)
	}
	_, err = lifetime.Parse("-1")
	if err == nil || !strings.Contains(err.Error(), `like "365 days"`) {
		t.Errorf("error: %v", err)
	}
}

func TestParseAssuming(t *testing.T) {
	for _, c := range []struct {
		in   string
		want lifetime.Lifetime
		err  bool
	}{
		{"365", lifetime.Lifetime{Kind: lifetime.Duration, Amount: 365, Unit: lifetime.Day, Text: "365"}, false},
		{" 7 ", lifetime.Lifetime{Kind: lifetime.Duration, Amount: 7, Unit: lifetime.Day, Text: "7"}, false},
		{"1 An", lifetime.Lifetime{Kind: lifetime.Duration, Amount: 1, Unit: lifetime.Year, Text: "1 An"}, false}, // a unit written wins
		{"Session", lifetime.Lifetime{Kind: lifetime.Session, Text: "Session"}, false},
		{"0", lifetime.Lifetime{Text: "0"}, true},
		{"-1", lifetime.Lifetime{Text: "-1"}, true},
		{"1,5", lifetime.Lifetime{Text: "1,5"}, true},
	} {
		got, err := lifetime.ParseAssuming(c.in, lifetime.Day)
		if got != c.want || (err != nil) != c.err {
			t.Errorf("ParseAssuming(%q, day) = %+v, %v; want %+v (error %v)", c.in, got, err, c.want, c.err)
		}
	}
}

func TestFormat(t *testing.T) {
	d := lifetime.NewDuration
	for _, c := range []struct {
		l    lifetime.Lifetime
		want map[string]string
	}{
		{lifetime.Lifetime{Kind: lifetime.Session, Text: "Session"}, map[string]string{"fr": "Session", "nl": "Sessie", "en": "Session", "de": "Sitzung"}},
		{lifetime.Lifetime{Kind: lifetime.Persistent, Text: "Jamais"}, map[string]string{"fr": "Persistant", "nl": "Persistent", "en": "Persistent", "de": "Dauerhaft"}},
		{d(1, lifetime.Hour), map[string]string{"fr": "1 heure", "nl": "1 uur", "en": "1 hour", "de": "1 Stunde"}},
		{d(2, lifetime.Hour), map[string]string{"fr": "2 heures", "nl": "2 uur", "en": "2 hours", "de": "2 Stunden"}},
		{d(365, lifetime.Day), map[string]string{"fr": "365 jours", "nl": "365 dagen", "en": "365 days", "de": "365 Tage"}},
		{d(1, lifetime.Day), map[string]string{"fr": "1 jour", "nl": "1 dag", "en": "1 day", "de": "1 Tag"}},
		{d(13, lifetime.Month), map[string]string{"fr": "13 mois", "nl": "13 maanden", "en": "13 months", "de": "13 Monate"}},
		{d(1, lifetime.Month), map[string]string{"fr": "1 mois", "nl": "1 maand", "en": "1 month", "de": "1 Monat"}},
		{d(2, lifetime.Year), map[string]string{"fr": "2 ans", "nl": "2 jaar", "en": "2 years", "de": "2 Jahre"}},
		{d(1, lifetime.Year), map[string]string{"fr": "1 an", "nl": "1 jaar", "en": "1 year", "de": "1 Jahr"}},
		{d(3, lifetime.Week), map[string]string{"fr": "3 semaines", "nl": "3 weken", "en": "3 weeks", "de": "3 Wochen"}},
		{d(1, lifetime.Minute), map[string]string{"fr": "1 minute", "nl": "1 minuut", "en": "1 minute", "de": "1 Minute"}},
		{d(5, lifetime.Minute), map[string]string{"fr": "5 minutes", "nl": "5 minuten", "en": "5 minutes", "de": "5 Minuten"}},
		{lifetime.Lifetime{Text: "Voir Google"}, map[string]string{"fr": "Voir Google", "nl": "Voir Google", "en": "Voir Google", "de": "Voir Google"}},
	} {
		for lang, want := range c.want {
			if got := strings.ReplaceAll(c.l.Format(lang), "\u00a0", " "); got != want {
				t.Errorf("%+v in %s: %q, want %q", c.l, lang, got, want)
			}
		}
	}
	if got := d(2, lifetime.Day).Format("en"); got != "2\u00a0days" {
		t.Errorf("the amount and its unit are not held together: %q", got)
	}
}

// TestFormatThenParse: every lifetime written in every language reads back as itself.
func TestFormatThenParse(t *testing.T) {
	var all []lifetime.Lifetime
	for _, k := range []lifetime.Kind{lifetime.Session, lifetime.Persistent} {
		all = append(all, lifetime.Lifetime{Kind: k})
	}
	for _, u := range lifetime.Units {
		for _, n := range []int{1, 2, 7, 13, 365, lifetime.MaxAmount} {
			all = append(all, lifetime.NewDuration(n, u))
		}
	}
	for _, l := range all {
		for _, lang := range []string{"fr", "nl", "en", "de"} {
			s := l.Format(lang)
			got, err := lifetime.Parse(s)
			if err != nil || !got.Same(l) {
				t.Errorf("%+v written in %s is %q, read back as %+v (%v)", l, lang, s, got, err)
			}
		}
	}
}

func TestWrittenReadsBack(t *testing.T) {
	for _, c := range []struct {
		l    lifetime.Lifetime
		want string
	}{
		{lifetime.Lifetime{Kind: lifetime.Duration, Amount: 1, Unit: lifetime.Hour, Text: "1 Heure"}, "1 Heure"},          // as published
		{lifetime.Lifetime{Kind: lifetime.Duration, Amount: 365, Unit: lifetime.Day, Text: "365"}, "365 jours"},           // a rule's unit
		{lifetime.Lifetime{Kind: lifetime.Duration, Amount: 2, Unit: lifetime.Year, Text: "1 An"}, "2 ans"},               // text outdated
		{lifetime.Lifetime{Kind: lifetime.Session}, "Session"},                                                            // no text
		{lifetime.Lifetime{Text: "Voir Google"}, "Voir Google"},                                                           // not stated
		{lifetime.Lifetime{Kind: lifetime.Persistent, Text: "Jamais"}, "Jamais"},                                          // as published
		{lifetime.Lifetime{Kind: lifetime.Persistent, Text: "2 ans"}, "Persistant"},                                       // text disagrees
		{lifetime.Lifetime{Kind: lifetime.Duration, Amount: 13, Unit: lifetime.Month, Text: "P13M"}, "P13M"},              // ISO
		{lifetime.Lifetime{Kind: lifetime.Duration, Amount: 5, Unit: lifetime.Minute, Text: "cinq minutes"}, "5 minutes"}, // words not read
	} {
		got := c.l.Written("fr")
		if got != c.want {
			t.Errorf("%+v written: %q, want %q", c.l, got, c.want)
		}
		if back, err := lifetime.Parse(got); err != nil || !back.Same(c.l) {
			t.Errorf("%+v written as %q reads back as %+v (%v)", c.l, got, back, err)
		}
	}
}

func TestValid(t *testing.T) {
	for _, c := range []struct {
		l    lifetime.Lifetime
		want bool
	}{
		{lifetime.Lifetime{}, true},
		{lifetime.Lifetime{Kind: lifetime.Session}, true},
		{lifetime.NewDuration(1, lifetime.Day), true},
		{lifetime.NewDuration(0, lifetime.Day), false},
		{lifetime.NewDuration(1, "fortnight"), false},
		{lifetime.Lifetime{Kind: lifetime.Session, Amount: 1, Unit: lifetime.Day}, false},
		{lifetime.Lifetime{Kind: "eternal"}, false},
	} {
		if got := c.l.Valid(); got != c.want {
			t.Errorf("%+v valid: %v", c.l, got)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"Session", "Persistant", "Jamais", "1 Heure", "365", "13 mois", "2 jaar", "1 Jahr", "30 Tage",
		"P1Y", "PT1H", "1\u00a0an", "0 jours", "99999999999999999999 days", "-1", "ｐ１ｙ", "1 İ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := lifetime.Parse(s)
		if !l.Valid() {
			t.Fatalf("Parse(%q) = %+v, not valid", s, l)
		}
		if l.Text != strings.TrimSpace(s) {
			t.Fatalf("Parse(%q) kept %q", s, l.Text)
		}
		if err != nil {
			if l.Stated() || err.Error() == "" {
				t.Fatalf("Parse(%q) = %+v with error %v", s, l, err)
			}
			return
		}
		if !utf8.ValidString(s) {
			return
		}
		// Whatever it read, it writes in every language so that it reads back the same.
		for _, lang := range []string{"fr", "nl", "en", "de"} {
			w := l.Written(lang)
			back, err := lifetime.Parse(w)
			if err != nil || !back.Same(l) {
				t.Fatalf("Parse(%q) = %+v, written in %s as %q, read back as %+v (%v)", s, l, lang, w, back, err)
			}
		}
	})
}

// A policy may give a range ("entre un jour et cinq ans", ESOMUS §8): both ends are kept, the
// shortest first, and written back in each language.
func TestRange(t *testing.T) {
	want := lifetime.NewRange(1, lifetime.Day, 5, lifetime.Year)
	for _, in := range []string{"1 jour à 5 ans", "1 day to 5 years", "1 dag tot 5 jaar", "1 Tag bis 5 Jahre",
		"1 jour – 5 ans", "entre 1 jour et 5 ans", "between 1 day and 5 years", "P1D to P5Y"} {
		l, err := lifetime.Parse(in)
		if err != nil || !l.Same(want) || !l.Valid() || !l.Range() || l.Text != in {
			t.Errorf("Parse(%q) = %+v, %v", in, l, err)
		}
	}
	for _, in := range []string{"5 ans à 1 jour", "1 jour à jamais", "Session à 5 ans", "a to b"} {
		if l, err := lifetime.Parse(in); err != nil || l.Stated() {
			t.Errorf("Parse(%q) = %+v, %v: want the text kept, not stated", in, l, err)
		}
	}
	if _, err := lifetime.Parse("1 jour à 0 ans"); !errors.Is(err, lifetime.ErrAmount) {
		t.Errorf("an end of 0: %v", err)
	}
	for lang, w := range map[string]string{"fr": "1\u00a0jour à 5\u00a0ans", "nl": "1\u00a0dag tot 5\u00a0jaar",
		"en": "1\u00a0day to 5\u00a0years", "de": "1\u00a0Tag bis 5\u00a0Jahre"} {
		if got := want.Format(lang); got != w {
			t.Errorf("Format(%s) = %q, want %q", lang, got, w)
		}
	}
	if l := (lifetime.Lifetime{Kind: lifetime.Duration, Amount: 5, Unit: lifetime.Year, UpTo: 1, UpToUnit: lifetime.Day}); l.Valid() {
		t.Error("a range whose longest end is shorter is valid")
	}
	if l := (lifetime.Lifetime{Kind: lifetime.Session, UpTo: 1, UpToUnit: lifetime.Day}); l.Valid() {
		t.Error("a session with an upper end is valid")
	}
	if got := lifetime.NewRange(1, lifetime.Day, 5, lifetime.Year).Written("en"); got != "1 day to 5 years" {
		t.Errorf("Written = %q", got)
	}
}
