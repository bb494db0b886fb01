package main

import (
	"context"
	"fmt"
	"io"
	"time"
)

const auditUsage = "usage: rightsdesk audit verify"

// runAudit checks the tamper-evident event chain and prints a one-line verdict, for cron jobs and
// monitoring: exit 0 when intact (events waiting to be sealed are counted), 1 when broken or when
// an event has waited more than a minute to be sealed (or when the check could not run), 2 on bad
// usage.
func runAudit(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) != 1 || args[0] != "verify" {
		fmt.Fprintln(stderr, auditUsage)
		return 2
	}
	st, err := openStore(ctx, getenv)
	if err != nil {
		return fail(stderr, err)
	}
	defer st.Close()
	r, err := st.VerifyAudit(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	took := r.Duration.Round(time.Millisecond)
	switch {
	case r.Broken:
		fmt.Fprintf(stdout, "audit chain BROKEN at event %d: %s (%d events checked in %s)\n", r.BrokenSeq, r.Problem, r.Events, took)
		return 1
	case !r.OK:
		fmt.Fprintf(stdout, "audit chain NOT SEALED: %s (%d events checked in %s)\n", r.Problem, r.Events, took)
		return 1
	}
	head := r.HeadHash
	if head == "" {
		head = "none"
	}
	waiting := ""
	if r.Unsealed > 0 {
		waiting = fmt.Sprintf("; %d events not yet sealed (the oldest for %s)", r.Unsealed, r.OldestUnsealed.Round(time.Millisecond))
	}
	if r.RehashedAt != nil {
		waiting += fmt.Sprintf("; re-hashed from format v1 on %s, when event %d had the v1 hash %s",
			r.RehashedAt.UTC().Format(time.DateOnly), r.V1Seq, r.V1Hash)
	}
	fmt.Fprintf(stdout, "audit chain intact: %d events, head hash %s, checked in %s%s\n", r.Events, head, took, waiting)
	return 0
}
