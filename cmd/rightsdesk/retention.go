package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"
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

func printRetention(w io.Writer, report bool, lines []retention.Line) {
	verb := "erased"
	if report {
		verb = "due"
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "organisation\tkeeps answered\tkeeps unconfirmed\tanswered %s\tunconfirmed %s\ton legal hold\tskipped\twithdrawals %s\twithdrawals waiting\n",
		verb, verb, verb)
	for _, l := range lines {
		skipped := "-"
		if !report {
			skipped = fmt.Sprint(l.Skipped)
		}
		fmt.Fprintf(tw, "%s\t%d days\t%d days\t%d\t%d\t%d\t%s\t%d\t%d\n", l.Rule.Controller, l.Rule.AnsweredDays, l.Rule.UnconfirmedDays,
			l.Answered, l.Unconfirmed, l.Held, skipped, l.Withdrawals, l.WithdrawalsWaiting)
	}
	tw.Flush()
}
