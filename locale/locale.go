// Package locale holds the languages Rightsdesk speaks to requesters and the machinery around
// go-i18n: message files embedded per package (views for pages, letters for e-mails), the choice of
// a visitor's language, and the check that every language has every message.
//
// Message files are TOML named <name>.<lang>.toml; a table [a] with key b gives the message id
// "a.b". Leaf keys must not be go-i18n's reserved words (id, description, hash, leftDelim,
// rightDelim, zero, one, two, few, many, other) except to give plural forms.
package locale

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	texttemplate "text/template"
	"unicode"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	i18ntemplate "github.com/nicksnyder/go-i18n/v2/i18n/template"
	"golang.org/x/text/language"
)

// Languages the portal writes to requesters in, in the order a language switch offers them.
var Languages = []string{"fr", "nl", "en", "de"}

// Fallback is the language used when a message or a language is missing.
const Fallback = "en"

// Names are the languages in their own words, for a language switch.
var Names = map[string]string{"fr": "Français", "nl": "Nederlands", "en": "English", "de": "Deutsch"}

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool { return slices.Contains(Languages, lang) }

var matcher = language.NewMatcher([]language.Tag{language.French, language.Dutch, language.English, language.German})

// FromAcceptLanguage picks the first of our languages an Accept-Language header asks for, or "".
func FromAcceptLanguage(header string) string {
	if strings.TrimSpace(header) == "" {
		return ""
	}
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return ""
	}
	_, idx, conf := matcher.Match(tags...)
	if conf == language.No {
		return ""
	}
	return Languages[idx]
}

// CookieName is the cookie that keeps a visitor's explicit choice of language.
const CookieName = "rightsdesk_lang"

// Choose picks a visitor's language: an explicit choice (the cookie), else the browser's
// Accept-Language, else the controller's default, else English.
func Choose(r *http.Request, controllerDefault string) string {
	if c, err := r.Cookie(CookieName); err == nil && Supported(c.Value) {
		return c.Value
	}
	if l := FromAcceptLanguage(r.Header.Get("Accept-Language")); l != "" {
		return l
	}
	if Supported(controllerDefault) {
		return controllerDefault
	}
	return Fallback
}

type ctxKey struct{}

// WithLanguage returns ctx carrying lang, so that views render in it.
func WithLanguage(ctx context.Context, lang string) context.Context {
	return context.WithValue(ctx, ctxKey{}, lang)
}

// FromContext returns the language ctx carries, or Fallback.
func FromContext(ctx context.Context) string {
	if l, ok := ctx.Value(ctxKey{}).(string); ok && Supported(l) {
		return l
	}
	return Fallback
}

// Catalog is one package's messages in every language.
type Catalog struct {
	bundle *i18n.Bundle
	ids    map[string][]string // language → sorted message ids
	source map[string]map[string]string
	funcs  texttemplate.FuncMap
	// localizers holds one localizer per language asked for: making one parses its language tags,
	// which cost more than rendering a message, and a localizer never changes once made.
	localizers sync.Map // string → *i18n.Localizer
}

// Load reads every <name>.<lang>.toml file in dir of fsys. funcs are available to the messages'
// templates. A file for a language outside Languages is an error, as is an unparsable one.
func Load(fsys fs.FS, dir string, funcs texttemplate.FuncMap) (*Catalog, error) {
	c := &Catalog{
		bundle: i18n.NewBundle(language.English),
		ids:    map[string][]string{},
		source: map[string]map[string]string{},
		funcs:  texttemplate.FuncMap{"de": FrenchDe},
	}
	for name, f := range funcs {
		c.funcs[name] = f
	}
	c.bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	names, err := fs.Glob(fsys, path.Join(dir, "*.toml"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("locale: no message files in %s", dir)
	}
	for _, name := range names {
		buf, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		mf, err := c.bundle.ParseMessageFileBytes(buf, name)
		if err != nil {
			return nil, fmt.Errorf("locale: %s: %w", name, err)
		}
		lang := mf.Tag.String()
		if !Supported(lang) {
			return nil, fmt.Errorf("locale: %s: language %q is not one of %v", name, lang, Languages)
		}
		if c.source[lang] == nil {
			c.source[lang] = map[string]string{}
		}
		for _, m := range mf.Messages {
			if _, dup := c.source[lang][m.ID]; dup {
				return nil, fmt.Errorf("locale: %s: message %q defined twice for %s", name, m.ID, lang)
			}
			c.source[lang][m.ID] = m.Other
			c.ids[lang] = append(c.ids[lang], m.ID)
		}
	}
	for lang := range c.ids {
		sort.Strings(c.ids[lang])
	}
	return c, nil
}

// MustLoad is Load for embedded files, which a test has checked.
func MustLoad(fsys fs.FS, dir string, funcs texttemplate.FuncMap) *Catalog {
	c, err := Load(fsys, dir, funcs)
	if err != nil {
		panic(err)
	}
	return c
}

// IDs returns the message ids of lang, sorted.
func (c *Catalog) IDs(lang string) []string { return c.ids[lang] }

// Source returns the wording of message id in lang as written in the message file (a template),
// and whether it exists.
func (c *Catalog) Source(lang, id string) (string, bool) {
	s, ok := c.source[lang][id]
	return s, ok
}

// CheckParity reports every message that exists in one language but not in another.
func (c *Catalog) CheckParity() error {
	all := map[string]bool{}
	for _, ids := range c.ids {
		for _, id := range ids {
			all[id] = true
		}
	}
	var problems []string
	for _, lang := range Languages {
		have := map[string]bool{}
		for _, id := range c.ids[lang] {
			have[id] = true
		}
		for id := range all {
			if !have[id] {
				problems = append(problems, fmt.Sprintf("%s: missing %q", lang, id))
			}
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("locale: %d messages missing:\n%s", len(problems), strings.Join(problems, "\n"))
	}
	return nil
}

// Localize renders message id in lang with data, falling back to English when lang lacks it. A
// variable the data does not have is an error (missingkey=error), never a silent "<no value>".
func (c *Catalog) Localize(lang, id string, data any) (string, error) {
	return c.localizer(lang).Localize(&i18n.LocalizeConfig{
		MessageID:      id,
		TemplateData:   data,
		TemplateParser: &i18ntemplate.TextParser{Option: "missingkey=error", Funcs: c.funcs},
	})
}

// localizer is the localizer of lang, falling back to English.
func (c *Catalog) localizer(lang string) *i18n.Localizer {
	if !Supported(lang) {
		return i18n.NewLocalizer(c.bundle, lang, Fallback) // not kept: the cache holds only our languages
	}
	if l, ok := c.localizers.Load(lang); ok {
		return l.(*i18n.Localizer)
	}
	l, _ := c.localizers.LoadOrStore(lang, i18n.NewLocalizer(c.bundle, lang, Fallback))
	return l.(*i18n.Localizer)
}

// T is Localize for messages a test has rendered: a failure shows the id in brackets rather than
// breaking the page.
func (c *Catalog) T(lang, id string, data any) string {
	s, err := c.Localize(lang, id, data)
	if err != nil {
		return "[" + id + "]"
	}
	return s
}

// Execute renders text, a message's wording (for instance an admin's override), as the catalogue
// would: same functions, same missingkey=error.
func (c *Catalog) Execute(text string, data any) (string, error) {
	t, err := texttemplate.New("").Option("missingkey=error").Funcs(c.funcs).Parse(text)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}

// FrenchDe is French "de" before a name, elided before a vowel: "d’ESOMUS", "d’Itsme", but
// "de Belfius". Messages write {{de .Controller}}. A name starting with h is left unelided: whether
// its h is mute cannot be told from the spelling.
func FrenchDe(name string) string {
	first, _ := utf8.DecodeRuneInString(strings.TrimLeft(name, "\"'«“ "))
	if strings.ContainsRune("aeiouyàâäéèêëîïôöùûüÿæœ", unicode.ToLower(first)) {
		return "d’" + name
	}
	return "de " + name
}
