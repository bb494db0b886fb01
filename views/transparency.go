package views

import (
	"context"
	"strconv"
	"strings"

	"rightsdesk/dsr"
	"rightsdesk/models"
)

// TransparencyView is a controller's public disclosure page: how it answered the requests it
// received, per year of receipt and kind.
type TransparencyView struct {
	Controller models.Controller
	Figures    []models.YearFigures // newest year first; in a year, all requests (Kind "") first
}

// TransparencyYear is one year's table: its rows in the order of Figures.
type TransparencyYear struct {
	Year int
	Rows []models.YearFigures
}

// Years groups the figures by year, keeping their order.
func (v TransparencyView) Years() []TransparencyYear {
	var out []TransparencyYear
	for _, f := range v.Figures {
		if n := len(out); n == 0 || out[n-1].Year != f.Year {
			out = append(out, TransparencyYear{Year: f.Year})
		}
		out[len(out)-1].Rows = append(out[len(out)-1].Rows, f)
	}
	return out
}

// anyUnanswered reports whether a row has no answer yet, so no median: its "–" is explained.
func (v TransparencyView) anyUnanswered() bool {
	for _, f := range v.Figures {
		if f.Days.N() == 0 {
			return true
		}
	}
	return false
}

// transparencyRowLabel names a row: all requests, or one right.
func transparencyRowLabel(ctx context.Context, k dsr.Kind) string {
	if k == "" {
		return T(ctx, "transparency.all")
	}
	return KindLabel(ctx, k)
}

// medianDaysIn is a row's median days to answer with the page language's decimal separator, or
// "–" when none was answered.
func medianDaysIn(ctx context.Context, f models.YearFigures) string {
	s := Days(f.Days.Median())
	if Lang(ctx) != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

func yearText(y int) string { return strconv.Itoa(y) }
