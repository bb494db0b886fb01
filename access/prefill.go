package access

import (
	"strings"

	"rightsdesk/authority"
)

// Cookie is one cookie of the site's catalogue as a draft cites it, its texts already in the
// requester's language where the catalogue has them.
type Cookie struct {
	Name     string
	Provider string
	Third    bool   // set by a third party, which receives what it collects
	Category string // one of the catalogue's categories (models.Category*)
	Purpose  string
	Lifetime string // as the page in that language writes it: "13 mois"
}

// Facts is what a draft of the items is written from.
type Facts struct {
	Lang      string
	Site      string // its name, as the requester knows it
	Cookies   []Cookie
	Providers []Provider // what the catalogue records of each third-party provider, by name
	// LeadAuthority is the country of the controller's lead authority; Residence the requester's,
	// when another authority of the EU/EEA is theirs.
	LeadAuthority string
	Residence     string
}

// Prefill drafts every item from the catalogue, in f.Lang, for staff to check and complete: the
// purposes and the lifetime per cookie, the categories, the third-party providers as recipients
// with their countries, the rights and the authorities, the source (the requester's own device),
// no automated decision unless staff say otherwise, and the transfers outside the EU/EEA with their
// safeguards. What the catalogue does not record is left as Placeholder.
func Prefill(f Facts) map[Key]string {
	lang := speak(f.Lang)
	t := func(id string, data map[string]any) string { return catalog.T(lang, id, data) }
	site := map[string]any{"Site": f.Site}
	providers := map[string]Provider{}
	for _, p := range f.Providers {
		providers[p.Name] = p
	}
	// The third parties in the order the catalogue first names them.
	var third []Provider
	seen := map[string]bool{}
	for _, c := range f.Cookies {
		if c.Third && c.Provider != "" && !seen[c.Provider] {
			seen[c.Provider] = true
			p, ok := providers[c.Provider]
			if !ok {
				p = Provider{Name: c.Provider}
			}
			third = append(third, p)
		}
	}
	out := map[Key]string{}

	var b lines
	b.add(t("prefill.purposes", site))
	for _, c := range f.Cookies {
		b.item(lang, c.Name+" ("+t("category."+c.Category, nil)+")", c.Purpose)
	}
	out[Purposes] = b.String()

	b = lines{}
	b.add(t("prefill.categories", site))
	byCategory := map[string][]string{}
	var categories []string
	for _, c := range f.Cookies {
		if byCategory[c.Category] == nil {
			categories = append(categories, c.Category)
		}
		byCategory[c.Category] = append(byCategory[c.Category], c.Name)
	}
	for _, cat := range categories {
		b.item(lang, t("category."+cat, nil), strings.Join(byCategory[cat], ", "))
	}
	out[Categories] = b.String()

	b = lines{}
	if len(third) == 0 {
		b.add(t("prefill.recipients_none", site))
	} else {
		b.add(t("prefill.recipients", site))
		for _, p := range third {
			where := Placeholder
			if p.Country != "" {
				where = CountryName(lang, p.Country)
			}
			b.add("- " + p.Name + " (" + where + ")")
		}
	}
	out[Recipients] = b.String()

	b = lines{}
	b.add(t("prefill.retention", site))
	for _, c := range f.Cookies {
		b.item(lang, c.Name, c.Lifetime)
	}
	out[Retention] = b.String()

	out[Rights] = t("prefill.rights", nil)

	b = lines{}
	if a, ok := authority.Lookup(f.LeadAuthority); ok {
		b.add(t("prefill.complaint", map[string]any{"Authority": a.LocalName(lang), "Page": a.ComplaintPage(lang)}))
	} else {
		b.add(t("prefill.complaint", map[string]any{"Authority": Placeholder, "Page": Placeholder}))
	}
	if f.Residence != f.LeadAuthority {
		if a, ok := authority.Lookup(f.Residence); ok {
			b.add(t("prefill.complaint_own", map[string]any{"Authority": a.LocalName(lang), "Page": a.ComplaintPage(lang)}))
		}
	}
	out[Complaint] = b.String()

	if len(third) > 0 {
		out[Source] = t("prefill.source_third", site)
	} else {
		out[Source] = t("prefill.source", site)
	}
	out[Automated] = t("prefill.automated", nil)

	b = lines{}
	var abroad, unknown []Provider
	for _, p := range third {
		switch {
		case p.Country == "":
			unknown = append(unknown, p)
		case p.Transfer():
			abroad = append(abroad, p)
		}
	}
	if len(abroad) == 0 && len(unknown) == 0 {
		b.add(t("prefill.transfers_none", nil))
	} else {
		if len(abroad) > 0 {
			b.add(t("prefill.transfers", nil))
		}
		for _, p := range abroad {
			how := Placeholder
			if p.Safeguard.Known() {
				how = p.Safeguard.Label(lang)
			}
			if p.Text != "" {
				how += " " + p.Text
			}
			b.item(lang, p.Name+" ("+CountryName(lang, p.Country)+")", how)
		}
		if len(unknown) > 0 {
			b.add(t("prefill.transfers_unknown", nil))
			for _, p := range unknown {
				b.item(lang, p.Name, Placeholder)
			}
		}
	}
	out[Transfers] = b.String()
	return out
}

// lines builds an item's text: sentences and "- label: text" lines, one per line.
type lines struct{ strings.Builder }

func (b *lines) add(s string) {
	if b.Len() > 0 {
		b.WriteByte('\n')
	}
	b.WriteString(s)
}

// item adds "- label: text", with French typography's no-break space before the colon.
func (b *lines) item(lang, label, text string) {
	colon := ": "
	if lang == "fr" {
		colon = "\u00a0: "
	}
	b.add("- " + label + colon + text)
}
