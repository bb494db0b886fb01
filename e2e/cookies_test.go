package e2e

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"rightsdesk/internal/testapp"
	"rightsdesk/locale"
)

// widths is what a page measures of itself: the document's scroll width against the width of
// the viewport it lays out in, and how far the widest table (or its scrolling wrapper) reaches
// past the viewport.
type widths struct {
	Scroll, Client int // document.documentElement
	Table          int // the right edge of the widest table or table wrapper's content, in px
	Wrap           int // how far a table scrolls sideways inside its wrapper, in px
	Stacked        bool
	Labelled       bool // every cell of a stacked table names its column
	Lifetime       string
}

const measure = `(() => {
	const d = document.documentElement;
	let table = 0, wrap = 0;
	for (const t of document.querySelectorAll('main table, main .table-wrap')) {
		const r = t.getBoundingClientRect();
		table = Math.max(table, Math.ceil(r.left + t.scrollWidth));
		wrap = Math.max(wrap, t.scrollWidth - t.clientWidth);
	}
	const t = document.querySelector('main table');
	const row = t && t.querySelector('tbody tr');
	const cells = t ? [...t.querySelectorAll('tbody td, tbody th')] : [];
	const life = document.querySelector('main td.lifetime');
	return {
		Scroll: d.scrollWidth, Client: d.clientWidth, Table: table, Wrap: wrap,
		Stacked: !!row && getComputedStyle(row).display === 'block',
		Labelled: cells.length > 0 && cells.every(c => c.dataset.label && getComputedStyle(c, '::before').content.includes(c.dataset.label)),
		Lifetime: life ? life.textContent.trim() : '',
	};
})()`

// TestCookieTablesOnAPhoneAndALaptop: the public cookie tables of both seed sites, in French,
// Dutch, English and German, fit a 390 px phone (stacked rows, each value under its column's
// name), a 1280 px laptop and the narrowest screen that still shows a table (961 px, just above
// the 60em where rows stack) without a sideways scroll: the document is as wide as the viewport,
// no table reaches past it nor scrolls inside its wrapper. At 390 px the full-page screenshot is
// as wide as the screen. Lifetimes are written in the page's language.
func TestCookieTablesOnAPhoneAndALaptop(t *testing.T) {
	p := testapp.Start(t, testapp.Options{})
	b := browser(t)
	dir := t.TempDir()
	if d := os.Getenv("RIGHTSDESK_E2E_SCREENSHOTS"); d != "" {
		dir = d
	}
	// The itsme table's first row is CookieConsent, published as "365" (days, by the seed's rule).
	consent := map[string]string{"fr": "365\u00a0jours", "nl": "365\u00a0dagen", "en": "365\u00a0days", "de": "365\u00a0Tage"}
	for _, lang := range locale.Languages {
		for _, site := range []string{"esomus", "itsme"} {
			path := "/sites/" + site + "/cookies"
			step(t, b, "open "+path+" in "+lang,
				chromedp.Navigate(p.URL+"/language?lang="+lang+"&next="+path),
				chromedp.WaitVisible(chromedp.CSS("main table")),
			)
			if got := get(t, b, "language", chromedp.Evaluate[string](`document.documentElement.lang`)); got != lang {
				t.Fatalf("%s: the page is in %q, want %q", path, got, lang)
			}
			for _, width := range []int64{390, 961, 1280} {
				opts := []chromedp.EmulateViewportOption{}
				if width < 600 {
					opts = append(opts, chromedp.EmulateScale(2), chromedp.EmulateMobile)
				}
				step(t, b, fmt.Sprintf("resize to %d px", width), chromedp.EmulateViewport(width, 900, opts...),
					chromedp.WaitVisible(chromedp.CSS("main table")))
				w := get(t, b, "measure", chromedp.Evaluate[widths](measure))
				t.Logf("%s %s at %d px: document %d px in a viewport of %d px; widest table reaches %d px, scrolls %d px in its wrapper; stacked %v",
					lang, site, width, w.Scroll, w.Client, w.Table, w.Wrap, w.Stacked)
				if w.Scroll != w.Client {
					t.Errorf("%s %s at %d px: the document is %d px wide in a viewport of %d px", lang, site, width, w.Scroll, w.Client)
				}
				if w.Table > w.Client {
					t.Errorf("%s %s at %d px: a table reaches %d px, past the viewport's %d px", lang, site, width, w.Table, w.Client)
				}
				if w.Wrap > 0 {
					t.Errorf("%s %s at %d px: a table scrolls %d px sideways in its wrapper", lang, site, width, w.Wrap)
				}
				if want := width <= 960; w.Stacked != want {
					t.Errorf("%s %s at %d px: stacked rows %v, want %v", lang, site, width, w.Stacked, want)
				}
				if width < 600 && !w.Labelled {
					t.Errorf("%s %s at %d px: a stacked cell does not show its column's name", lang, site, width)
				}
				if site == "itsme" && w.Lifetime != consent[lang] {
					t.Errorf("%s: CookieConsent's lifetime is %q, want %q", lang, w.Lifetime, consent[lang])
				}
				if width >= 600 {
					continue
				}
				// The screenshot of the whole page is as wide as the phone's screen: nothing sticks out.
				shotPNG := get(t, b, "screenshot", chromedp.FullScreenshot(100))
				name := filepath.Join(dir, fmt.Sprintf("cookies-%s-%s-%d.png", site, lang, width))
				if err := os.WriteFile(name, shotPNG, 0o644); err != nil {
					t.Fatal(err)
				}
				img, err := png.DecodeConfig(bytes.NewReader(shotPNG))
				if err != nil {
					t.Fatalf("the screenshot is no PNG: %v", err)
				}
				if img.Width != int(width)*2 {
					t.Errorf("%s %s: the screenshot at %d px (scale 2) is %d px wide, want %d", lang, site, width, img.Width, width*2)
				}
			}
		}
	}
}
