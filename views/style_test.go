package views

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"rightsdesk/locale"
)

// cssProperties reads the custom properties (--name: #rrggbb) of the stylesheet's :root rule.
func cssProperties(t *testing.T) map[string]string {
	t.Helper()
	css, err := Static.ReadFile("static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	root := regexp.MustCompile(`(?s):root\s*\{(.*?)\}`).FindSubmatch(css)
	if root == nil {
		t.Fatal("the stylesheet has no :root rule")
	}
	props := map[string]string{}
	for _, m := range regexp.MustCompile(`(--[a-z-]+)\s*:\s*([^;]+);`).FindAllSubmatch(root[1], -1) {
		props[string(m[1])] = strings.TrimSpace(string(m[2]))
	}
	return props
}

// luminance is the relative luminance of a #rrggbb colour (WCAG 2.1).
func luminance(hex string) (float64, error) {
	if len(hex) != 7 || hex[0] != '#' {
		return 0, fmt.Errorf("%q is not #rrggbb", hex)
	}
	var l float64
	for i, w := range []float64{0.2126, 0.7152, 0.0722} {
		v, err := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		if err != nil {
			return 0, fmt.Errorf("%q: %v", hex, err)
		}
		c := float64(v) / 255
		if c <= 0.04045 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += w * c
	}
	return l, nil
}

// contrast is the WCAG contrast ratio of two colours.
func contrast(a, b string) (float64, error) {
	la, err := luminance(a)
	if err != nil {
		return 0, err
	}
	lb, err := luminance(b)
	if err != nil {
		return 0, err
	}
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05), nil
}

func TestContrast(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want float64
	}{
		{"#000000", "#ffffff", 21},
		{"#ffffff", "#ffffff", 1},
		{"#767676", "#ffffff", 4.54}, // the classic lightest grey that passes AA on white
	} {
		got, err := contrast(tt.a, tt.b)
		if err != nil || math.Abs(got-tt.want) > 0.01 {
			t.Errorf("contrast(%s, %s) = %.2f, %v; want %.2f", tt.a, tt.b, got, err, tt.want)
		}
	}
	if _, err := contrast("#fff", "#000000"); err == nil {
		t.Error("a short colour is accepted")
	}
}

// TestFocusRingContrast: the focus ring's outer band (--focus-edge) reaches 3:1 against every
// background a focusable element sits on, and its inner band (--focus) against every filled
// element it rings (WCAG 2.1 1.4.11), with the figures the stylesheet's comment states.
func TestFocusRingContrast(t *testing.T) {
	props := cssProperties(t)
	css, _ := Static.ReadFile("static/style.css")
	check := func(band, against string) {
		t.Helper()
		a, b := props[band], props[against]
		r, err := contrast(a, b)
		if err != nil {
			t.Errorf("%s against %s: %v", band, against, err)
			return
		}
		if r < 3 {
			t.Errorf("%s %s against %s %s: %.2f:1, below 3:1", band, a, against, b, r)
		}
		// The comment above :root states each ratio; it must say what the colours give.
		stated := regexp.MustCompile(regexp.QuoteMeta(against) + ` #[0-9a-f]{6}[^\n]*?(\d+\.\d\d):1`).FindSubmatch(css)
		if stated == nil {
			t.Errorf("the stylesheet's comment gives no ratio for %s", against)
		} else if string(stated[1]) != fmt.Sprintf("%.2f", r) {
			t.Errorf("the stylesheet's comment says %s:1 for %s; the colours give %.2f:1", stated[1], against, r)
		}
	}
	for _, bg := range []string{"--bg", "--soft", "--ok-bg", "--warn-bg", "--error-bg", "--focus"} {
		check("--focus-edge", bg)
	}
	for _, fill := range []string{"--accent", "--error", "--ink"} {
		check("--focus", fill)
	}
	if !strings.Contains(string(css), "outline: 3px solid var(--focus-edge)") || !strings.Contains(string(css), "box-shadow: 0 0 0 3px var(--focus)") {
		t.Error("the focus rule does not draw both bands")
	}
}

// TestTfKeepWrapsOnlyTheValue: the receipt in a sentence is one unbreakable span; everything else,
// the value included, is escaped text.
func TestTfKeepWrapsOnlyTheValue(t *testing.T) {
	ctx := locale.WithLanguage(context.Background(), "en")
	var b strings.Builder
	err := TfKeep(ctx, "consent.done_lead", map[string]any{"Site": "<b>ESOMUS</b>", "At": "23 November 2026", "Receipt": "CW-7KD2-M4QX"},
		"Receipt", "receipt").Render(ctx, &b)
	if err != nil {
		t.Fatal(err)
	}
	want := `Your withdrawal on &lt;b&gt;ESOMUS&lt;/b&gt; was recorded on 23 November 2026 under the receipt <span class="receipt">CW-7KD2-M4QX</span>.`
	if b.String() != want {
		t.Errorf("got  %s\nwant %s", b.String(), want)
	}
}
