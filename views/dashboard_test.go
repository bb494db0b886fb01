package views

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/locale"
	"rightsdesk/models"
)

func dashboardFixture() DashboardView {
	today := deadline.NewDate(2026, 4, 7)
	f := models.StatsFilter{Controllers: []int64{1}, Today: today, Since: today.AddDays(-29), Months: 12}
	var days models.Histogram
	days.Add(10, 30)
	days.Add(35, 3)
	var months []models.Tally
	for m := f.FirstMonth(); !m.After(today); m = m.AddMonths(1) {
		months = append(months, models.Tally{Month: m})
	}
	months[10] = models.Tally{Month: months[10].Month, Received: 7, OnTime: 4, Late: 1, Open: 1, Withdrawn: 1}
	months[11] = models.Tally{Month: months[11].Month, Received: 3, Open: 3}
	return DashboardView{
		Query:  DashboardQuery{Period: "30", Kind: "bogus"},
		Filter: f,
		Figures: models.Dashboard{
			Open: 20, DueSoon: 5, Overdue: 12,
			Period: models.Answers{Answered: 33, OnTime: 30, Late: 3, Extended: 2, Refused: 1, Days: days},
			Months: months,
			Kinds:  []models.Tally{{Kind: dsr.KindAccess, Received: 10, OnTime: 4, Late: 1, Open: 4, Withdrawn: 1}},
			Sites:  []models.Tally{{SiteID: 7, Received: 10, OnTime: 4, Late: 1, Open: 4, Withdrawn: 1}},
			Workload: []models.Workload{
				{AssigneeID: 0, Open: 3, Overdue: 1},
				{AssigneeID: 9, Open: 17, DueSoon: 5, Overdue: 11, AnsweredThisMonth: 8},
			},
		},
		Controllers: []models.Controller{
			{ID: 1, Slug: "esomus", Name: "ESOMUS", Sites: []models.Site{{ID: 7, Name: "ESOMUS shop"}}},
			{ID: 2, Slug: "other", Name: "Other", TransparencyOff: true},
		},
		Staff:  []models.User{{ID: 9, Name: "Ann"}},
		Errors: map[string]string{"kind": "Choose a right from the list."},
	}
}

func renderDashboard(t *testing.T, v DashboardView) string {
	t.Helper()
	var b strings.Builder
	p := Page{Title: "Dashboard", CSRF: "tok", User: &User{Name: "M", Role: "manager"}}
	if err := Dashboard(p, v).Render(locale.WithLanguage(context.Background(), "en"), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestDashboardPage(t *testing.T) {
	out := renderDashboard(t, dashboardFixture())
	for _, want := range []string{
		`>Open cases: 20</a>`, `>Due within 7 days: 5</a>`, `>Overdue now: 12</a>`,
		`>Answered on time: 30</a>`, `>Answered late: 3</a>`, `>Extensions used: 2</a>`, `>Refusals: 1</a>`,
		`>of 33 answers</a>`, "median 10 days", "Answered in the last 30 days",
		`<a href="/manager/dashboard">Dashboard</a>`,
		`role="img" aria-labelledby="months-title months-desc"`, `<title id="months-title">`,
		`<caption>Requests received per month</caption>`, `<th scope="row">February 2026</th>`,
		`<th scope="row">ESOMUS shop</th>`, `<th scope="row">Access</th>`, `<th scope="row">Ann</th>`, `<th scope="row">Unassigned</th>`,
		`id="kind-error"`, `aria-describedby="kind-error"`,
		`href="/transparency/esomus"`, `action="/manager/transparency/1"`, `action="/manager/transparency/2"`,
		`name="published" value="no"`, `name="published" value="yes"`, `>Stop publishing</button>`, `>Publish</button>`,
		`href="/manager/dashboard.csv?kind=bogus&amp;period=30"`,
		`<option value="30" selected>Last 30 days</option>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the dashboard lacks %s", want)
		}
	}
	for _, bad := range []string{"NaN", "Inf", "style=", "<script", "%!"} {
		if strings.Contains(out, bad) {
			t.Errorf("the dashboard contains %q", bad)
		}
	}
	// Every number of the tables links to the queue.
	cells := regexp.MustCompile(`<td class="num">([^<]*)</td>`).FindAllStringSubmatch(out, -1)
	for _, c := range cells {
		if c[1] != "–" && !strings.HasSuffix(c[1], " %") {
			t.Errorf("a number without a link: %q", c[1])
		}
	}
	if n := strings.Count(out, `<td class="num"><a href="/staff/cases?`); n != 12*5+5+5+2*4 {
		t.Errorf("%d linked numbers", n)
	}
}

func TestDashboardEmptyStates(t *testing.T) {
	v := dashboardFixture()
	v.Figures = models.Dashboard{Months: []models.Tally{{Month: deadline.NewDate(2026, 4, 1)}}}
	v.Errors = nil
	out := renderDashboard(t, v)
	for _, want := range []string{"No cases answered in the last 30 days.", "No requests received since", "No open cases", ">Overdue now: 0</a>"} {
		if !strings.Contains(out, want) {
			t.Errorf("the empty dashboard lacks %q", want)
		}
	}
	for _, bad := range []string{"NaN", "<svg", "<table", "aria-invalid"} {
		if strings.Contains(out, bad) {
			t.Errorf("the empty dashboard contains %q", bad)
		}
	}
}

func TestTransparencyPageInEveryLanguage(t *testing.T) {
	var days models.Histogram
	days.Add(10, 1)
	days.Add(13, 1)
	v := TransparencyView{
		Controller: models.Controller{Name: "ESOMUS", Slug: "esomus"},
		Figures: []models.YearFigures{
			{Year: 2026, Received: 5, Complied: 2, Refused: 1, Withdrawn: 1, Open: 1, Days: days},
			{Year: 2026, Kind: dsr.KindAccess, Received: 5, Complied: 2, Refused: 1, Withdrawn: 1, Open: 1, Days: days},
			{Year: 2025, Received: 1, Open: 1},
		},
	}
	for lang, want := range map[string][]string{
		"en": {"How ESOMUS answers your requests", "All requests", "11.5", "Access"},
		"fr": {"Comment ESOMUS répond à vos demandes", "Toutes les demandes", "11,5", "Accès"},
		"nl": {"Hoe ESOMUS uw verzoeken beantwoordt", "Alle verzoeken", "11,5"},
		"de": {"Wie ESOMUS Ihre Anträge beantwortet", "Alle Anträge", "11,5", "Auskunft"},
	} {
		ctx := locale.WithLanguage(context.Background(), lang)
		var b strings.Builder
		if err := Transparency(Page{Title: "x", SwitchPath: "/transparency/esomus"}, v).Render(ctx, &b); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if m := regexp.MustCompile(`\[[a-z_]+(\.[a-z0-9_]+)+\]`).FindString(out); m != "" {
			t.Errorf("%s: missing message %s", lang, m)
		}
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: the page lacks %q", lang, w)
			}
		}
		if strings.Index(out, ">2026<") > strings.Index(out, ">2025<") || strings.Count(out, "<table") != 2 || !strings.Contains(out, `<th scope="row">`) {
			t.Errorf("%s: tables per year, newest first, expected", lang)
		}
	}
	var b strings.Builder
	_ = Transparency(Page{}, TransparencyView{Controller: models.Controller{Name: "X"}}).Render(locale.WithLanguage(context.Background(), "nl"), &b)
	if !strings.Contains(b.String(), "Nog geen verzoeken.") || strings.Contains(b.String(), "<table") {
		t.Errorf("empty page: %s", b.String())
	}
}
