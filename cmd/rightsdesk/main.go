// Command rightsdesk is the whole portal in one binary:
//
//	rightsdesk serve [--demo]   HTTP server and background workers
//	rightsdesk worker           background workers only (more replicas)
//	rightsdesk migrate          apply database migrations
//	rightsdesk demo             load the demo data
//	rightsdesk user add ...     create a staff user (password from stdin)
//	rightsdesk controller add   add an organisation (controller)
//	rightsdesk site add ...     add a site of an organisation
//	rightsdesk catalogue import import a site's cookie catalogue (CSV or JSON)
//	rightsdesk deadline ...     print a request's legal due date
//	rightsdesk audit verify     check the tamper-evident chain of events
//
// Configuration comes from the environment; see the README.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	_ "time/tzdata" // controllers' time zones work on machines without zoneinfo
)

const usage = `usage: rightsdesk <command> [flags]

commands:
  serve [--demo]   run the portal (HTTP and background workers); --demo loads the demo data first
  worker           run the background workers only
  migrate          apply pending database migrations
  demo             load the demo data (idempotent)
  user add --email E --name N --role staff|manager|admin [--controller SLUG ...]
                   create a staff user; the password is read from stdin; staff and
                   managers need a controller
  controller add --slug SLUG --name NAME --country CC [--address LINE ...] [--timezone ZONE]
                   [--language L] [--company-number N] [--email ADDRESS] ...
                   add an organisation (see rightsdesk controller add -h)
  site add --controller SLUG --slug SLUG --name NAME --domain DOMAIN [...]
                   add a site of an organisation (see rightsdesk site add -h)
  catalogue import --site SLUG [--dry-run] FILE
                   import a site's cookie catalogue from CSV or JSON
  deadline --received DATE [--country BE] [--extended]
                   print the legal due date of a request received on DATE
  audit verify     check the tamper-evident event chain (exit 0 intact, 1 broken)
  retention report what the daily purge would erase now, per organisation (changes nothing)
  retention run    erase now the personal data of the closed cases whose retention has passed
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], getenv, log, stderr)
	case "worker":
		return runWorker(ctx, args[1:], getenv, log, stderr)
	case "migrate":
		return runMigrate(ctx, args[1:], getenv, log, stdout, stderr)
	case "demo":
		return runDemo(ctx, args[1:], getenv, log, stderr)
	case "user":
		return runUser(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "controller":
		return runController(ctx, args[1:], getenv, stdout, stderr)
	case "site":
		return runSite(ctx, args[1:], getenv, stdout, stderr)
	case "catalogue":
		return runCatalogue(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "deadline":
		return runDeadline(args[1:], stdout, stderr)
	case "audit":
		return runAudit(ctx, args[1:], getenv, stdout, stderr)
	case "retention":
		return runRetention(ctx, args[1:], getenv, log, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "rightsdesk: unknown command %q\n\n%s", args[0], usage)
	return 2
}
