package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"rightsdesk/deadline"
)

const deadlineUsage = "usage: rightsdesk deadline --received <YYYY-MM-DD | RFC 3339 instant> [--country BE] [--extended] [--paused-days N] [--tz Europe/Brussels]"

// runDeadline implements "rightsdesk deadline": it prints the due date of a
// request, computed by the same function the portal uses, so that anyone can
// check it. args are the arguments after "deadline". It prints only the date
// on stdout and returns 0; on bad input it prints one line of error and the
// usage on stderr and returns 2; -h prints the usage and returns 0.
func runDeadline(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rightsdesk deadline", flag.ContinueOnError)
	fs.SetOutput(stderr)
	received := fs.String("received", "", "date of receipt `YYYY-MM-DD`, or the RFC 3339 instant of submission")
	country := fs.String("country", deadline.DefaultCountry, "controller's country (ISO 3166-1 alpha-2), whose public holidays count")
	extended := fs.Bool("extended", false, "print the extended deadline (three months, Art. 12(3) GDPR)")
	paused := fs.Int("paused-days", 0, "calendar days the clock was paused for identity questions (Art. 12(6) GDPR)")
	tz := fs.String("tz", deadline.DefaultLocation.String(), "controller's time zone, in which an instant becomes a date of receipt")
	fs.Usage = func() {
		fmt.Fprintln(stderr, deadlineUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2 // the flag package has printed the error and the usage
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "rightsdesk deadline: "+format+"\n", a...)
		fmt.Fprintln(stderr, deadlineUsage)
		return 2
	}
	if fs.NArg() > 0 {
		return fail("unexpected argument %q", fs.Arg(0))
	}
	if *received == "" {
		return fail("--received is required")
	}
	if *tz == "" {
		return fail("--tz must not be empty")
	}
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		return fail("unknown time zone %q: want an IANA name such as Europe/Brussels", *tz)
	}
	cal, err := deadline.For(*country)
	if err != nil {
		return fail("unknown country %q: want one of %s", *country, strings.Join(deadline.Countries(), " "))
	}
	day, err := deadline.ParseReceived(*received, loc)
	if err != nil {
		return fail("--received: %v", err)
	}
	if *paused < 0 {
		return fail("--paused-days must be 0 or more")
	}
	m := cal.Unpause(day, *extended, deadline.Date{}, 0, *paused)
	due := m.Due
	if *extended {
		due = m.ExtendedDue
	}
	fmt.Fprintln(stdout, due)
	return 0
}
