// Package views renders every page with templ. One layout receives the page's base data (Page);
// each page takes a view model built by its handler and never touches the database.
package views

import (
	"embed"
	"strings"
	"time"

	"rightsdesk/deadline"
	"rightsdesk/dsr"
)

// Static holds the stylesheet; pages carry no inline script or style, so the CSP can forbid both.
//
//go:embed static
var Static embed.FS

// Page is the base data of every page.
type Page struct {
	Title     string
	CSRF      string
	User      *User // nil on public pages and for visitors
	Flash     string
	RequestID string
	// SwitchPath is the local address the language switch brings the visitor back to; empty on
	// staff pages, which are in English only and offer no switch.
	SwitchPath string
	// Staff marks the pages of the staff, managers and admins (/staff, /manager, /admin): their
	// tables use the width of the screen, where public pages keep a reading width.
	Staff bool
	// Brand is the controller whose public page this is (its name and logo), nil elsewhere.
	Brand *Brand
	// Notices counts the consent withdrawals waiting for the user's privacy team (staff pages).
	Notices int
}

// User is the logged-in member of staff.
type User struct {
	Name string
	Role string
}

// IsAdmin reports whether the user may open the admin pages.
func (u *User) IsAdmin() bool { return u != nil && u.Role == "admin" }

// IsManager reports whether the user may open the managers' pages (the dashboard): managers and
// admins.
func (u *User) IsManager() bool { return u != nil && (u.Role == "manager" || u.Role == "admin") }

// clean makes a value safe to re-display: invalid UTF-8 (refused by validation) becomes U+FFFD so
// the page stays valid HTML while keeping what was typed recognisable.
func clean(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

func dateText(d deadline.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.Time(time.UTC).Format("2 January 2006")
}

// shortDate is a date where space is short (the queue's columns): "25 Nov 2026".
func shortDate(d deadline.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.Time(time.UTC).Format("2 Jan 2006")
}

func instantText(t time.Time) string {
	return t.In(deadline.DefaultLocation).Format("2 January 2006, 15:04 MST")
}

func instantPtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return instantText(*t)
}

func kindLabels(ks []dsr.Kind) string { return dsr.Labels(ks) }

// lines splits a multi-line text (a postal address) for display.
func lines(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return strings.Split(strings.TrimSpace(s), "\n")
}
