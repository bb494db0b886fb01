// Package lifetime reads and writes how long a cookie lives, as cookie policies state it: "Session",
// "Persistant", "Jamais", "1 Heure", "13 mois", "2 jaar", "30 Tage", "1 year", or an ISO 8601
// duration (P1Y, PT1H). A lifetime is data, not words: it is kept as a kind and, for a duration,
// an amount of a unit, and written in the reader's language. Pure functions, no I/O.
package lifetime

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Kind says what a lifetime is.
type Kind string

const (
	// NotStated is a lifetime the policy does not give, or gives in words Parse does not read:
	// Text holds them, shown as published.
	NotStated  Kind = ""
	Session    Kind = "session"    // gone when the browser closes
	Persistent Kind = "persistent" // kept with no stated end ("Persistant", "Jamais")
	Duration   Kind = "duration"   // Amount of Unit
)

// Kinds are the kinds a lifetime can have, stated ones first.
var Kinds = []Kind{Session, Persistent, Duration, NotStated}

// Unit is the unit of a duration.
type Unit string

const (
	Minute Unit = "minute"
	Hour   Unit = "hour"
	Day    Unit = "day"
	Week   Unit = "week"
	Month  Unit = "month"
	Year   Unit = "year"
)

// Units are the units of a duration, shortest first.
var Units = []Unit{Minute, Hour, Day, Week, Month, Year}

// MaxAmount bounds a duration's amount: a hundred years in days, with room.
const MaxAmount = 99999

// Lifetime is how long a cookie lives.
type Lifetime struct {
	Kind   Kind
	Amount int  // of Unit, for a Duration; 0 otherwise
	Unit   Unit // for a Duration; "" otherwise
	// UpTo of UpToUnit is the longest of a range ("1 jour à 5 ans": 1 day up to 5 years), Amount
	// of Unit then being the shortest; 0 and "" for a single duration.
	UpTo     int  `gorm:"column:max_amount" json:",omitempty"`
	UpToUnit Unit `gorm:"column:max_unit" json:",omitempty"`
	// Text is the lifetime as published ("1 Heure"), kept beside its meaning; for a lifetime
	// Parse could not read, it is all there is.
	Text string
}

// Errors of Parse. The messages say what to write instead.
var (
	ErrNoUnit = errors.New("has no unit")
	ErrAmount = errors.New("amount out of range")
)

// Error is a lifetime Parse refuses, with the reason in words.
type Error struct {
	Text string
	Err  error // ErrNoUnit or ErrAmount
}

func (e *Error) Error() string {
	switch e.Err {
	case ErrNoUnit:
		if n, err := strconv.Atoi(e.Text); err == nil && n == 1 && e.Text == "1" {
			return fmt.Sprintf("%q has no unit: write %q (or minute, hour, week, month, year)", e.Text, "1 day")
		} else if err == nil && n > 1 && !strings.HasPrefix(e.Text, "+") {
			return fmt.Sprintf("%q has no unit: write %q (or minutes, hours, weeks, months, years)", e.Text, e.Text+" days")
		}
		return fmt.Sprintf("%q has no unit: write a whole number and its unit, like \"365 days\" or \"13 months\"", e.Text)
	default:
		return fmt.Sprintf("%q is not a lifetime: the amount must be between 1 and %d", e.Text, MaxAmount)
	}
}

func (e *Error) Unwrap() error { return e.Err }

// NewDuration is amount of unit.
func NewDuration(amount int, unit Unit) Lifetime {
	return Lifetime{Kind: Duration, Amount: amount, Unit: unit}
}

// NewRange is from amount of unit up to upTo of upToUnit.
func NewRange(amount int, unit Unit, upTo int, upToUnit Unit) Lifetime {
	return Lifetime{Kind: Duration, Amount: amount, Unit: unit, UpTo: upTo, UpToUnit: upToUnit}
}

// Range reports whether the lifetime is a range of durations.
func (l Lifetime) Range() bool { return l.Kind == Duration && l.UpTo > 0 }

// Stated reports whether the lifetime's meaning is known (session, persistent or a duration).
func (l Lifetime) Stated() bool { return l.Kind != NotStated }

// Same reports whether l and o mean the same lifetime: same kind, amount and unit; two lifetimes
// not stated are the same when their texts are.
func (l Lifetime) Same(o Lifetime) bool {
	if l.Kind == NotStated || o.Kind == NotStated {
		return l.Kind == o.Kind && l.Text == o.Text
	}
	return l.Kind == o.Kind && l.Amount == o.Amount && l.Unit == o.Unit && l.UpTo == o.UpTo && l.UpToUnit == o.UpToUnit
}

// Valid reports whether the fields agree: a duration has an amount and a known unit, the other
// kinds have neither (the database checks the same).
func (l Lifetime) Valid() bool {
	if (l.UpTo == 0) != (l.UpToUnit == "") {
		return false
	}
	switch l.Kind {
	case Duration:
		if l.UpTo > 0 && (l.UpTo > MaxAmount || !validUnit(l.UpToUnit) || !longer(l.UpTo, l.UpToUnit, l.Amount, l.Unit)) {
			return false
		}
		return l.Amount >= 1 && l.Amount <= MaxAmount && validUnit(l.Unit)
	case Session, Persistent, NotStated:
		return l.Amount == 0 && l.Unit == "" && l.UpTo == 0
	}
	return false
}

// approxMinutes are the units in minutes, a month 30 days and a year 365: enough to tell which
// end of a range is the longer.
var approxMinutes = map[Unit]int{Minute: 1, Hour: 60, Day: 1440, Week: 10080, Month: 43200, Year: 525600}

// longer reports whether a of u is longer than b of v.
func longer(a int, u Unit, b int, v Unit) bool { return a*approxMinutes[u] > b*approxMinutes[v] }

func validUnit(u Unit) bool {
	for _, v := range Units {
		if v == u {
			return true
		}
	}
	return false
}

var (
	bareNumber = regexp.MustCompile(`^[+-]?[0-9]+(?:[.,][0-9]+)?$`)
	amountUnit = regexp.MustCompile(`^([0-9]+)\s*(\pL+\.?)$`)
	isoSimple  = regexp.MustCompile(`^p(t?)([0-9]+)([ymwdh])$`)
	// rangeWords is "1 jour à 5 ans", "1 day to 5 years", "1 dag tot 5 jaar", "1 Tag bis 5 Jahre",
	// "1 day – 5 years", or "entre 1 jour et 5 ans" (between … and …, tussen … en …, zwischen … und …).
	rangeWords = regexp.MustCompile(`^(?:(\S.*?)\s+(?:à|a|to|tot|bis|-|–)\s+(\S.*)|(?:entre|between|tussen|zwischen)\s+(\S.*?)\s+(?:et|and|en|und)\s+(\S.*))$`)
)

// Parse reads a lifetime as a policy writes it, in French, Dutch, English or German, or as an
// ISO 8601 duration of one unit (P1Y, P13M, P2W, P30D, PT1H, PT30M). Text keeps s, trimmed.
// Words it does not know give a lifetime NotStated with the text kept, and no error; a bare
// number gives ErrNoUnit (a policy's "365" is days to one reader and seconds to another: the
// unit must be written, or a rule must say it, see ParseAssuming); an amount of 0 or over
// MaxAmount gives ErrAmount.
func Parse(s string) (Lifetime, error) {
	text := strings.TrimSpace(s)
	l := Lifetime{Text: text}
	key := normalise(text)
	if key == "" {
		return l, nil
	}
	if k, ok := kindWords[key]; ok {
		l.Kind = k
		return l, nil
	}
	if bareNumber.MatchString(key) {
		return l, &Error{Text: text, Err: ErrNoUnit}
	}
	if m := rangeWords.FindStringSubmatch(key); m != nil {
		lo, hi := m[1]+m[3], m[2]+m[4]
		a, errA := Parse(lo)
		b, errB := Parse(hi)
		if err := errors.Join(errA, errB); err != nil {
			var e *Error
			if errors.As(err, &e) {
				return l, &Error{Text: text, Err: e.Err}
			}
			return l, err
		}
		if a.Kind == Duration && b.Kind == Duration && !a.Range() && !b.Range() && longer(b.Amount, b.Unit, a.Amount, a.Unit) {
			l.Kind, l.Amount, l.Unit, l.UpTo, l.UpToUnit = Duration, a.Amount, a.Unit, b.Amount, b.Unit
		}
		return l, nil
	}
	var digits string
	var unit Unit
	if m := amountUnit.FindStringSubmatch(key); m != nil {
		u, ok := unitWords[strings.TrimSuffix(m[2], ".")]
		if !ok {
			return l, nil
		}
		digits, unit = m[1], u
	} else if m := isoSimple.FindStringSubmatch(key); m != nil {
		u, ok := isoUnits[m[1]+m[3]]
		if !ok {
			return l, nil
		}
		digits, unit = m[2], u
	} else {
		return l, nil
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n < 1 || n > MaxAmount {
		return l, &Error{Text: text, Err: ErrAmount}
	}
	l.Kind, l.Amount, l.Unit = Duration, n, unit
	return l, nil
}

// ParseAssuming is Parse, except that a bare whole number is an amount of unit: for a policy
// known to state its lifetimes in, say, days ("365").
func ParseAssuming(s string, unit Unit) (Lifetime, error) {
	text := strings.TrimSpace(s)
	key := normalise(text)
	if !bareNumber.MatchString(key) || strings.ContainsAny(key, "+-.,") || !validUnit(unit) {
		return Parse(s)
	}
	n, err := strconv.Atoi(key)
	if err != nil || n < 1 || n > MaxAmount {
		return Lifetime{Text: text}, &Error{Text: text, Err: ErrAmount}
	}
	return Lifetime{Kind: Duration, Amount: n, Unit: unit, Text: text}, nil
}

// normalise lowers s, joins runs of spaces (non-breaking ones too) into one, and drops a final
// full stop, so that "1  Heure", "1\u00a0heure" and "1 heure." compare alike.
func normalise(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
	return strings.TrimSpace(strings.TrimSuffix(s, "."))
}

// Format writes the lifetime in lang (fr, nl, en or de; another language is English): "1 heure",
// "2 jaar", "30 Tage", "Session". The amount and its unit are joined by a non-breaking space, so
// that a narrow column never parts them. A lifetime NotStated is its published text.
func (l Lifetime) Format(lang string) string {
	w, ok := words[lang]
	if !ok {
		w = words["en"]
	}
	switch l.Kind {
	case Session:
		return w.session
	case Persistent:
		return w.persistent
	case Duration:
		u, ok := w.units[l.Unit]
		if !ok {
			return l.Text
		}
		one := amountOf(l.Amount, u)
		if !l.Range() {
			return one
		}
		v, ok := w.units[l.UpToUnit]
		if !ok {
			return l.Text
		}
		return one + " " + w.upTo + " " + amountOf(l.UpTo, v)
	}
	return l.Text
}

// amountOf writes n and its unit's singular or plural, joined by a non-breaking space.
func amountOf(n int, names [2]string) string {
	name := names[1]
	if n == 1 {
		name = names[0]
	}
	return strconv.Itoa(n) + "\u00a0" + name
}

// Written is the lifetime as text that Parse reads back to the same lifetime: the published
// text when it reads so, else Format(lang) with a plain space, as a person types it in a
// spreadsheet. An export writes it.
func (l Lifetime) Written(lang string) string {
	if !l.Stated() {
		return l.Text
	}
	if p, err := Parse(l.Text); err == nil && p.Same(l) {
		return l.Text
	}
	return strings.ReplaceAll(l.Format(lang), "\u00a0", " ")
}

// wording is one language's words for lifetimes; units hold the singular and the plural.
type wording struct {
	session, persistent string
	upTo                string // between the two ends of a range
	units               map[Unit][2]string
}

// words are what Format writes. Dutch writes "2 uur" and "2 jaar" for durations, as it speaks.
var words = map[string]wording{
	"fr": {"Session", "Persistant", "à", map[Unit][2]string{
		Minute: {"minute", "minutes"}, Hour: {"heure", "heures"}, Day: {"jour", "jours"},
		Week: {"semaine", "semaines"}, Month: {"mois", "mois"}, Year: {"an", "ans"}}},
	"nl": {"Sessie", "Persistent", "tot", map[Unit][2]string{
		Minute: {"minuut", "minuten"}, Hour: {"uur", "uur"}, Day: {"dag", "dagen"},
		Week: {"week", "weken"}, Month: {"maand", "maanden"}, Year: {"jaar", "jaar"}}},
	"en": {"Session", "Persistent", "to", map[Unit][2]string{
		Minute: {"minute", "minutes"}, Hour: {"hour", "hours"}, Day: {"day", "days"},
		Week: {"week", "weeks"}, Month: {"month", "months"}, Year: {"year", "years"}}},
	"de": {"Sitzung", "Dauerhaft", "bis", map[Unit][2]string{
		Minute: {"Minute", "Minuten"}, Hour: {"Stunde", "Stunden"}, Day: {"Tag", "Tage"},
		Week: {"Woche", "Wochen"}, Month: {"Monat", "Monate"}, Year: {"Jahr", "Jahre"}}},
}

// kindWords are what policies write for a session or a lifetime without end, in the four
// languages, normalised. "Jamais" (never) is a cookie that never expires: persistent.
var kindWords = func() map[string]Kind {
	out := map[string]Kind{}
	for k, ws := range map[Kind][]string{
		Session: {"session", "sessions", "de session", "la session", "cookie de session", "fin de session", "durée de la session",
			"sessie", "de sessie", "sessiecookie", "einde van de sessie", "end of session", "browser session", "session cookie",
			"sitzung", "sitzungsende", "ende der sitzung", "sitzungscookie", "browsersitzung"},
		Persistent: {"persistant", "persistante", "persistent", "persistente", "permanent", "permanente", "jamais", "illimité",
			"illimitée", "blijvend", "blijvende", "nooit", "onbeperkt", "never", "never expires", "unlimited", "no expiry",
			"dauerhaft", "nie", "niemals", "unbegrenzt", "unbefristet"},
	} {
		for _, w := range ws {
			out[w] = k
		}
	}
	for _, w := range words {
		out[normalise(w.session)] = Session
		out[normalise(w.persistent)] = Persistent
	}
	return out
}()

// unitWords name the units, singular, plural and common abbreviations, normalised.
var unitWords = func() map[string]Unit {
	out := map[string]Unit{}
	for u, ws := range map[Unit][]string{
		Minute: {"min", "mins", "minuut", "minuten"},
		Hour:   {"h", "hr", "hrs", "heure", "heures", "uur", "uren", "u", "std", "stunde", "stunden"},
		Day:    {"d", "j", "jour", "jours", "journée", "journées", "dag", "dagen", "day", "days", "tag", "tage", "tagen"},
		Week:   {"sem", "semaine", "semaines", "week", "weken", "weeks", "wk", "woche", "wochen"},
		Month:  {"mois", "maand", "maanden", "mnd", "month", "months", "monat", "monate", "monaten"},
		Year:   {"an", "ans", "année", "années", "jaar", "jaren", "yr", "yrs", "year", "years", "jahr", "jahre", "jahren"},
	} {
		for _, w := range ws {
			out[w] = u
		}
	}
	for _, w := range words {
		for u, names := range w.units {
			out[normalise(names[0])], out[normalise(names[1])] = u, u
		}
	}
	return out
}()

// isoUnits are the ISO 8601 designators, "t" marking the time part: P1M is a month, PT1M a minute.
var isoUnits = map[string]Unit{"y": Year, "m": Month, "w": Week, "d": Day, "th": Hour, "tm": Minute}
