package views

import (
	"context"
	"fmt"
	"html"
	"strings"

	"github.com/a-h/templ"
)

// TfKeep is message id in the page's language, filled with data, with the value of data[key]
// wrapped in a span of class (".receipt": never broken across lines). The whole text is escaped;
// only the span is markup.
func TfKeep(ctx context.Context, id string, data map[string]any, key, class string) templ.Component {
	const marker = "\x00keep\x00"
	filled := make(map[string]any, len(data))
	for k, v := range data {
		filled[k] = v
	}
	value := fmt.Sprint(data[key])
	filled[key] = marker
	text := html.EscapeString(Tf(ctx, id, filled))
	span := `<span class="` + html.EscapeString(class) + `">` + html.EscapeString(value) + `</span>`
	return templ.Raw(strings.ReplaceAll(text, html.EscapeString(marker), span))
}
