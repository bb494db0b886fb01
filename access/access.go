// Package access holds what an answer to the right of access must tell the requester besides the
// copy of the data: the information of Art. 15(1)(a)–(h) and, for recipients outside the EU/EEA,
// the safeguards of the transfer (Art. 15(2)). Staff answer item by item; Prefill drafts each item
// from the site's cookie catalogue in the requester's language, and Check holds the answer to
// every item. Pure functions: the cases service stores the items, letters and pages show them.
package access

import (
	"embed"
	"strings"

	"rightsdesk/dsr"
	"rightsdesk/locale"
)

// Key names one item of Art. 15.
type Key string

// The items, in the order of Art. 15(1) and (2).
const (
	Purposes   Key = "purposes"   // 15(1)(a)
	Categories Key = "categories" // 15(1)(b)
	Recipients Key = "recipients" // 15(1)(c)
	Retention  Key = "retention"  // 15(1)(d)
	Rights     Key = "rights"     // 15(1)(e)
	Complaint  Key = "complaint"  // 15(1)(f)
	Source     Key = "source"     // 15(1)(g)
	Automated  Key = "automated"  // 15(1)(h)
	Transfers  Key = "transfers"  // 15(2)
)

// Keys lists every item in the order of the article, which is the order letters and pages use.
var Keys = []Key{Purposes, Categories, Recipients, Retention, Rights, Complaint, Source, Automated, Transfers}

var articles = map[Key]string{
	Purposes: "15(1)(a)", Categories: "15(1)(b)", Recipients: "15(1)(c)", Retention: "15(1)(d)", Rights: "15(1)(e)",
	Complaint: "15(1)(f)", Source: "15(1)(g)", Automated: "15(1)(h)", Transfers: "15(2)",
}

// Known reports whether k is one of Keys.
func (k Key) Known() bool { _, ok := articles[k]; return ok }

// Article is the provision the item answers: "15(1)(a)".
func (k Key) Article() string { return articles[k] }

// Field is the answer form's field (and Errors key) of item k.
func (k Key) Field() string { return "access_" + string(k) }

// MaxItem is the longest answer to one item: the purposes of a catalogue of a hundred cookies.
const MaxItem = 20000

// Item is the answer to one item, as staff wrote it in the requester's language.
type Item struct {
	Key  Key
	Text string
}

// Placeholder marks, in a drafted item, what the catalogue does not record and staff must write
// (a provider's country, for instance). An item still holding it cannot be sent.
const Placeholder = "[…]"

//go:embed messages
var files embed.FS

// catalog holds the headings and the drafted sentences in every language.
var catalog = locale.MustLoad(files, "messages", nil)

// Heading is the title of item k in lang: "Purposes of the processing (Art. 15(1)(a) GDPR)".
func Heading(lang string, k Key) string {
	return catalog.T(speak(lang), "heading."+string(k), nil)
}

// Check holds the answer to every item: each must say something (Art. 15 owes all of them, if
// only to say "none"), as free text within the limits of a message, and none may keep the
// placeholder of a draft. It returns the items in the order of Keys.
func Check(in map[Key]string) ([]Item, dsr.Errors) {
	errs := dsr.Errors{}
	out := make([]Item, 0, len(Keys))
	for _, k := range Keys {
		text := in[k]
		if msg := dsr.CheckLongText(text, MaxItem, "Say what applies to this item: Article "+k.Article()+" requires it, if only to say there is none."); msg != "" {
			errs[k.Field()] = msg
			continue
		}
		if strings.Contains(text, Placeholder) {
			errs[k.Field()] = "Complete the part marked " + Placeholder + ": the catalogue does not record it."
			continue
		}
		out = append(out, Item{Key: k, Text: strings.TrimSpace(text)})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

// speak is lang when the portal speaks it, else the fallback.
func speak(lang string) string {
	if locale.Supported(lang) {
		return lang
	}
	return locale.Fallback
}
