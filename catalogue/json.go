package catalogue

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// siteKeys are the other keys of a site in seeds.json, tolerated beside "cookies" so that a site
// can be pasted whole; its policy_language is the language of purposes that name none.
var siteKeys = []string{"slug", "name", "domain", "policy_url", "policy_version", "policy_language", "consent_banner", "withdrawal_how"}

// ParseJSON reads a catalogue from JSON: an array of cookie objects with the keys of Fields (the
// seeds' keys and the purposes per language), or a site object {"cookies": [...]} as in
// seeds.json. Unknown keys are errors; every error names the line and column of the value.
func ParseJSON(r io.Reader) ([]Row, Errors) {
	data, tooBig, err := readAll(r)
	if err != nil {
		return nil, Errors{{Msg: "the file could not be read"}}
	}
	return parseJSON(data, tooBig)
}

type jsonParser struct {
	data    []byte
	dec     *json.Decoder
	errs    Errors
	placeAt map[int]int // a row's offset → the offset of its provider_country
}

// at is the position of the next token: the decoder's offset past spaces, colons and commas.
func (p *jsonParser) at() int {
	off := int(p.dec.InputOffset())
	for off < len(p.data) && strings.IndexByte(" \t\r\n:,", p.data[off]) >= 0 {
		off++
	}
	return off
}

func (p *jsonParser) errAt(off int, field, msg string) {
	line, col := position(p.data, off)
	p.errs.add(Error{Line: line, Column: col, Field: field, Msg: msg})
}

// stop turns a decoder error into the file's last error; the text was checked to be valid JSON
// first, so this is a safety net.
func (p *jsonParser) stop(error) {
	p.errAt(p.at(), "", "not valid JSON")
}

func parseJSON(data []byte, tooBig bool) ([]Row, Errors) {
	data, errs := prepare(data, tooBig)
	if errs != nil {
		return nil, errs
	}
	if !json.Valid(data) {
		// Unmarshal checks the whole text before decoding: its offsets count from the start.
		var v any
		var se *json.SyntaxError
		if err := json.Unmarshal(data, &v); errors.As(err, &se) {
			line, col := position(data, int(se.Offset)-1)
			msg := "not valid JSON: " + se.Error()
			switch {
			case strings.Contains(msg, "after top-level value"):
				msg = "something follows the catalogue; a file holds one array or one object"
			case strings.Contains(msg, "unexpected end"):
				msg = "the JSON ends too early: a ] or } is missing"
				line, col = position(data, len(data))
			}
			return nil, Errors{{Line: line, Column: col, Msg: msg}}
		}
		return nil, Errors{{Msg: "not valid JSON"}}
	}
	p := &jsonParser{data: data, dec: json.NewDecoder(bytes.NewReader(data)), placeAt: map[int]int{}}
	p.dec.UseNumber()
	rows, lang, ok := p.top()
	if ok {
		if _, err := p.dec.Token(); err != io.EOF {
			p.errAt(p.at(), "", "something follows the catalogue; a file holds one array or one object")
		}
	}
	first := map[string]int{} // name → offset of its first row
	for _, r := range rows {
		if r.Name == "" {
			continue
		}
		if off, ok := first[r.Name]; ok {
			line, _ := position(data, off)
			p.errAt(r.Line, FieldName, fmt.Sprintf("%s is already on line %d; each cookie appears once", shown(r.Name), line))
			continue
		}
		first[r.Name] = r.Line
	}
	// Rows carry offsets until the end; the messages name lines.
	lined := slices.Clone(rows)
	for i := range lined {
		lined[i].Line, _ = position(data, lined[i].Line)
	}
	for _, d := range disagreements(lined) {
		off, ok := p.placeAt[rows[d.index].Line]
		if !ok {
			off = rows[d.index].Line
		}
		p.errAt(off, FieldProviderCountry, d.msg)
	}
	if p.errs == nil && len(rows) == 0 {
		p.errs.add(Error{Line: 1, Msg: "no cookie: the list is empty"})
	}
	if p.errs != nil {
		return nil, p.errs
	}
	for i := range rows {
		rows[i].Line, _ = position(data, rows[i].Line)
	}
	return WithLanguage(rows, lang), nil
}

// top reads the outer value: an array of cookies, or a site object with "cookies". Rows carry the
// byte offset of their name (or object) in Line until parseJSON turns it into a line.
func (p *jsonParser) top() (rows []Row, lang string, ok bool) {
	off := p.at()
	tok, err := p.dec.Token()
	if err != nil {
		p.stop(err)
		return nil, "", false
	}
	switch tok {
	case json.Delim('['):
		rows, ok = p.array()
		return rows, "", ok
	case json.Delim('{'):
	default:
		p.errAt(off, "", `the file must be a list of cookies [{"name": …}, …] or {"cookies": [...]}`)
		return nil, "", false
	}
	seen := map[string]bool{}
	found := false
	for p.dec.More() {
		koff := p.at()
		k, err := p.dec.Token()
		if err != nil {
			p.stop(err)
			return nil, "", false
		}
		key, _ := k.(string)
		voff := p.at()
		switch {
		case seen[key]:
			p.errAt(koff, key, "this key appears twice")
			if !p.skip() {
				return nil, "", false
			}
			continue
		case key == "cookies":
			seen[key], found = true, true
			t, err := p.dec.Token()
			if err != nil {
				p.stop(err)
				return nil, "", false
			}
			if t != json.Delim('[') {
				p.errAt(voff, key, "must be a list of cookies [ … ]")
				return nil, "", false
			}
			if rows, ok = p.array(); !ok {
				return nil, "", false
			}
		case slices.Contains(siteKeys, key):
			seen[key] = true
			v, bad := p.scalar(key, voff)
			if bad {
				if !p.skip() {
					return nil, "", false
				}
				continue
			}
			if key == "policy_language" {
				if l := strings.ToLower(strings.TrimSpace(v)); l != "" {
					_, fe := Build(map[string]string{FieldPurposeLanguage: l})
					if msg := fe[FieldPurposeLanguage]; msg != "" {
						p.errAt(voff, key, msg)
					} else {
						lang = l
					}
				}
			}
		default:
			seen[key] = true
			p.errAt(koff, cut(key), `unknown key; beside "cookies", a site has only `+strings.Join(siteKeys, ", "))
			if !p.skip() {
				return nil, "", false
			}
		}
	}
	if _, err := p.dec.Token(); err != nil { // the closing }
		p.stop(err)
		return nil, "", false
	}
	if !found {
		p.errAt(off, "", `no "cookies" list in the object`)
	}
	return rows, lang, true
}

// array reads cookie objects up to the closing ].
func (p *jsonParser) array() ([]Row, bool) {
	var rows []Row
	for p.dec.More() {
		if len(rows) == MaxRows {
			p.errAt(p.at(), "", fmt.Sprintf("more than %d cookies; a catalogue holds at most %d", MaxRows, MaxRows))
			return nil, false
		}
		r, ok := p.cookie()
		if !ok {
			return nil, false
		}
		rows = append(rows, r)
	}
	if _, err := p.dec.Token(); err != nil {
		p.stop(err)
		return nil, false
	}
	return rows, true
}

// cookie reads one cookie object; ok is false when the JSON itself is broken.
func (p *jsonParser) cookie() (Row, bool) {
	start := p.at()
	tok, err := p.dec.Token()
	if err != nil {
		p.stop(err)
		return Row{}, false
	}
	if tok != json.Delim('{') {
		p.errAt(start, "", `each cookie is an object {"name": …, "category": …}`)
		if d, ok := tok.(json.Delim); ok && (d == '[') {
			return Row{}, p.skipRest()
		}
		return Row{Line: start}, true
	}
	raw := map[string]string{}
	where := map[string]int{} // key → offset of its value
	for p.dec.More() {
		koff := p.at()
		k, err := p.dec.Token()
		if err != nil {
			p.stop(err)
			return Row{}, false
		}
		key, _ := k.(string)
		voff := p.at()
		switch {
		case !slices.Contains(Columns, key):
			p.errAt(koff, cut(key), "unknown key; the keys are "+strings.Join(Columns, ", "))
		case where[key] != 0:
			p.errAt(koff, key, "this key appears twice in the cookie")
		default:
			where[key] = voff
			v, bad := p.scalar(key, voff)
			if !bad {
				raw[key] = v
				continue
			}
		}
		if !p.skip() {
			return Row{}, false
		}
	}
	if _, err := p.dec.Token(); err != nil {
		p.stop(err)
		return Row{}, false
	}
	row, fe := Build(raw)
	row.Line = start
	if off, ok := where[FieldName]; ok {
		row.Line = off
	}
	if off, ok := where[FieldProviderCountry]; ok {
		p.placeAt[row.Line] = off
	}
	for _, key := range Columns {
		if msg, bad := fe[key]; bad {
			off, ok := where[key]
			if !ok {
				off = start
			}
			p.errAt(off, key, msg)
		}
	}
	return row, true
}

// scalar reads a value that must be text (or a number, taken as written; or true/false for
// identifying, unnamed and a site's consent_banner; null is empty). bad is true, with an error kept, when it is an object or a list,
// which is then still to be skipped.
func (p *jsonParser) scalar(key string, off int) (v string, bad bool) {
	tok, err := p.peekScalar()
	if err != nil {
		p.errAt(off, key, "must be text, not a list or an object")
		return "", true
	}
	switch t := tok.(type) {
	case string:
		return t, false
	case json.Number:
		return t.String(), false
	case nil:
		return "", false
	case bool:
		if key == FieldIdentifying || key == FieldUnnamed || key == "consent_banner" {
			return map[bool]string{true: "yes", false: "no"}[t], false
		}
		p.errAt(off, key, fmt.Sprintf("must be text, not %t", t))
		return "", false
	}
	return "", false
}

var errNested = errors.New("nested value")

// peekScalar reads the next token when it is a scalar; at an opening [ or { it reads nothing.
func (p *jsonParser) peekScalar() (json.Token, error) {
	off := p.at()
	if off < len(p.data) && (p.data[off] == '[' || p.data[off] == '{') {
		return nil, errNested
	}
	return p.dec.Token()
}

// skip passes over the value that comes next, whatever it is; false when the JSON is broken.
func (p *jsonParser) skip() bool {
	off := p.at()
	if off < len(p.data) && (p.data[off] == '[' || p.data[off] == '{') {
		var v json.RawMessage
		if err := p.dec.Decode(&v); err != nil {
			p.stop(err)
			return false
		}
		return true
	}
	if _, err := p.dec.Token(); err != nil {
		p.stop(err)
		return false
	}
	return true
}

// skipRest passes over the rest of a list whose [ was read.
func (p *jsonParser) skipRest() bool {
	for p.dec.More() {
		if !p.skip() {
			return false
		}
	}
	_, err := p.dec.Token()
	if err != nil {
		p.stop(err)
	}
	return err == nil
}
