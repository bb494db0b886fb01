package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"rightsdesk/retention"
)

const retentionUsage = "usage: rightsdesk retention report|run"

// runRetention prints, per organisation, what the daily purge would erase now (report) or erases
// it now (run), which the daily job does anyway: exit 0, 1 when it could not run, 2 on bad usage.
func runRetention(ctx context.Context, args []string, getenv func(string) string, log *slog.Logger, stdout, stderr io.Writer) int {
	if len(args) != 1 || args[0] != "report" && args[0] != "run" {
		fmt.Fprintln(stderr, retentionUsage)
		return 2
	}
	st, err := openStore(ctx, getenv)
	if err != nil {
		return fail(stderr, err)
	}
	defer st.Close()
	now := time.Now()
	var lines []retention.Line
	if args[0] == "report" {
		lines, err = retention.Report(ctx, st, now)
	} else {
		lines, err = retention.Run(ctx, st, now, log)
	}
	printRetention(stdout, args[0] == "report", lines)
	if err != nil {
		return fail(stderr, err)
	}
	return 0
}

// printRetention says, per organisation, its periods and what was (run) or would be (report)
// erased and deleted, and what is kept waiting.
func printRetention(w io.Writer, report bool, lines []retention.Line) {
	erased, deleted := "erased", "deleted"
	if report {
		erased, deleted = "due for erasure", "due for deletion"
	}
	for _, l := range lines {
		r := l.Rule
		records := "kept for good"
		if r.RecordYears > 0 {
			records = fmt.Sprintf("deleted after %d years", r.RecordYears)
		}
		fmt.Fprintf(w, "%s: personal data kept %d days after an answered case closes, %d days after an unconfirmed request expires; records %s\n",
			r.Controller, r.AnsweredDays, r.UnconfirmedDays, records)
		fmt.Fprintf(w, "  cases %s: %d answered, %d unconfirmed; %d on legal hold", erased, l.Answered, l.Unconfirmed, l.Held)
		if !report {
			fmt.Fprintf(w, "; %d skipped", l.Skipped)
		}
		fmt.Fprintf(w, "\n  consent withdrawals %s: %d; %d waiting until the site is told\n", erased, l.Withdrawals, l.WithdrawalsWaiting)
		fmt.Fprintf(w, "  records %s: %d; %d on legal hold\n", deleted, l.Records, l.RecordsHeld)
	}
}
