// Package events holds what each event of a case's timeline records, as data: one type per event
// type, with the facts its sentence says (the question asked, the dates, the files and their
// expiry, the results per right…). Writers build a Detail; the events table keeps it as JSON
// (Encode) beside the English sentence staff read, which English derives from it, so the two
// never disagree. Readers — the requester's timeline in four languages, the status page's
// question — Decode the detail and never read the sentence back.
//
// The audit chain (models.EventHash, format v1) hashes the sentence, not the detail: the detail is
// covered through it, since models.VerifyAudit checks that English(Decode(detail)) is the message.
// Details that the data migration of 00035 rebuilt from older sentences are marked legacy
// (EncodeLegacy) when their sentence was worded differently then; for them only the hash is checked.
//
// Personal data: the fields tagged `personal:"true"` hold what a person typed (a question, an
// answer, reasons, a note), names, e-mail addresses, file names and cookie values; Personal lists
// them. The chain (format v2) hashes the detail without them (Public) and a salted digest of the
// whole event kept beside it, so that they can be erased when the case's retention ends without
// breaking the chain: the erased event keeps its Public detail, which still says the dates,
// rights, results and grounds.
package events

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// Detail is what one event records. Type is the event type it is the detail of.
type Detail interface {
	Type() string
}

// registry maps each event type to a new value of its detail.
var registry = map[string]func() Detail{}

func register(types []string, f func() Detail) {
	for _, t := range types {
		if _, dup := registry[t]; dup {
			panic("events: type registered twice: " + t)
		}
		registry[t] = f
	}
}

// Types lists the event types known, in no particular order.
func Types() []string {
	out := make([]string, 0, len(registry))
	for t := range registry {
		out = append(out, t)
	}
	return out
}

// ErrUnknownType is returned by Decode for an event type with no detail.
var ErrUnknownType = errors.New("events: unknown event type")

// Encode returns d as stored in the events table: a JSON object.
func Encode(d Detail) (string, error) {
	if d == nil {
		return "", errors.New("events: no detail")
	}
	if _, ok := registry[d.Type()]; !ok {
		return "", fmt.Errorf("%w %q", ErrUnknownType, d.Type())
	}
	b, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("events: encode %s: %w", d.Type(), err)
	}
	return string(b), nil
}

// legacyKey marks a detail rebuilt from a sentence worded differently from what English says now.
const legacyKey = `"legacy":true`

// EncodeLegacy is Encode with the detail marked legacy: rebuilt by the data migration from a
// sentence of an older wording, so that English(d) is not the stored message and VerifyAudit does
// not compare them.
func EncodeLegacy(d Detail) (string, error) {
	s, err := Encode(d)
	if err != nil {
		return "", err
	}
	if s == "{}" {
		return "{" + legacyKey + "}", nil
	}
	return "{" + legacyKey + "," + s[1:], nil
}

// IsLegacy reports whether raw was written by EncodeLegacy.
func IsLegacy(raw string) bool { return strings.HasPrefix(raw, "{"+legacyKey) }

// Decode reads the detail of an event of type typ as Encode wrote it.
func Decode(typ, raw string) (Detail, error) {
	f, ok := registry[typ]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownType, typ)
	}
	d := f()
	if err := json.Unmarshal([]byte(raw), d); err != nil {
		return nil, fmt.Errorf("events: decode %s: %w", typ, err)
	}
	d = reflect.ValueOf(d).Elem().Interface().(Detail)
	if d.Type() != typ {
		return nil, fmt.Errorf("events: detail of %s says it is %s", typ, d.Type())
	}
	return d, nil
}

// Personal returns the names of the fields of d's type that hold personal data (tagged
// `personal:"true"`), as dotted JSON paths: "question", "files.name".
func Personal(d Detail) []string {
	return personalOf(reflect.TypeOf(d), "")
}

// Redact returns a copy of d with every personal field (Personal) set to its zero value: what an
// event records once its personal data is erased.
func Redact(d Detail) Detail {
	v := reflect.ValueOf(d)
	for v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	c := reflect.New(v.Type())
	c.Elem().Set(v)
	deepRedact(c.Elem())
	return c.Elem().Interface().(Detail)
}

// deepRedact zeroes the personal fields of v, which is settable, copying the slices it changes so
// that the caller's value keeps its own.
func deepRedact(v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			if f.Tag.Get("personal") == "true" {
				v.Field(i).Set(reflect.Zero(f.Type))
				continue
			}
			deepRedact(v.Field(i))
		}
	case reflect.Slice:
		if v.IsNil() {
			return
		}
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(c, v)
		for i := 0; i < c.Len(); i++ {
			deepRedact(c.Index(i))
		}
		v.Set(c)
	}
}

// Public returns the stored detail raw of an event of type typ without its personal fields, as the
// chain hashes it and as it is kept once they are erased: Redact, encoded the way raw was (legacy
// or not). It is "" for an event with no detail or one that cannot be read — its content is then
// only in the personal digest. Public of its own result returns it unchanged.
func Public(typ, raw string) string {
	public, _ := PublicOf(typ, raw)
	return public
}

// PublicOf is Public, with the detail it decoded from raw (nil when raw is empty or unreadable),
// for a caller that needs both: the audit check decodes each event once.
func PublicOf(typ, raw string) (string, Detail) {
	if raw == "" {
		return "", nil
	}
	d, err := Decode(typ, raw)
	if err != nil {
		return "", nil
	}
	encode := Encode
	if IsLegacy(raw) {
		encode = EncodeLegacy
	}
	out, err := encode(Redact(d))
	if err != nil {
		return "", d
	}
	return out, d
}

func personalOf(t reflect.Type, prefix string) []string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		if f.Tag.Get("personal") == "true" {
			out = append(out, prefix+name)
		}
		out = append(out, personalOf(f.Type, prefix+name+".")...)
	}
	return out
}
