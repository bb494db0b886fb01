package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"rightsdesk/app"
	"rightsdesk/demo"
	"rightsdesk/models"
)

func runServe(ctx context.Context, args []string, getenv func(string) string, log *slog.Logger, stderr io.Writer) int {
	fs := flag.NewFlagSet("rightsdesk serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	withDemo := fs.Bool("demo", false, "load the demo data before serving")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return 2
	}
	a, cfg, err := openApp(ctx, getenv, log)
	if err != nil {
		return fail(stderr, err)
	}
	defer a.Close()
	if *withDemo {
		if err := loadDemo(ctx, a, log); err != nil {
			return fail(stderr, err)
		}
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fail(stderr, err)
	}
	srv := &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	logStart(log, a.Store, cfg, ln.Addr().String())
	logNextSteps(ctx, log, a.Store, cfg.BaseURL)

	workCtx, stopWork := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); a.RunWorkers(workCtx) }()

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err = <-errc:
	case <-ctx.Done():
		log.Info("shutting down")
		shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = srv.Shutdown(shut)
		cancel()
	}
	stopWork()
	wg.Wait()
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fail(stderr, err)
	}
	return 0
}

func runWorker(ctx context.Context, args []string, getenv func(string) string, log *slog.Logger, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "usage: rightsdesk worker")
		return 2
	}
	a, cfg, err := openApp(ctx, getenv, log)
	if err != nil {
		return fail(stderr, err)
	}
	defer a.Close()
	log.Info("worker running", "database", a.Store.Dialect(), "smtp", cfg.SMTPURL != "")
	a.RunWorkers(ctx)
	return 0
}

// openApp reads the configuration and assembles the portal (migrating the database).
func openApp(ctx context.Context, getenv func(string) string, log *slog.Logger) (*app.App, app.Config, error) {
	cfg, err := app.ConfigFromEnv(getenv)
	if err != nil {
		return nil, cfg, err
	}
	a, err := app.New(ctx, cfg, log)
	return a, cfg, err
}

// openStore opens the database for a command that works on a migrated schema (user, audit).
func openStore(ctx context.Context, getenv func(string) string) (*models.Store, error) {
	cfg, err := app.ConfigFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	st, err := models.Open(ctx, models.Options{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir})
	if err != nil {
		return nil, err
	}
	if err := st.CheckSchema(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

func runMigrate(ctx context.Context, args []string, getenv func(string) string, log *slog.Logger, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "usage: rightsdesk migrate")
		return 2
	}
	cfg, err := app.ConfigFromEnv(getenv)
	if err != nil {
		return fail(stderr, err)
	}
	st, err := models.Open(ctx, models.Options{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir, Logger: log})
	if err != nil {
		return fail(stderr, err)
	}
	defer st.Close()
	applied, err := st.Migrate(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	current, _, err := st.SchemaVersion(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "%s database at schema version %d (%d migration(s) applied now)\n", st.Dialect(), current, len(applied))
	return 0
}

func runDemo(ctx context.Context, args []string, getenv func(string) string, log *slog.Logger, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "usage: rightsdesk demo")
		return 2
	}
	a, _, err := openApp(ctx, getenv, log)
	if err != nil {
		return fail(stderr, err)
	}
	defer a.Close()
	if err := loadDemo(ctx, a, log); err != nil {
		return fail(stderr, err)
	}
	return 0
}

func loadDemo(ctx context.Context, a *app.App, log *slog.Logger) error {
	sum, err := demo.Load(ctx, a.Store, a.CasesConfig, time.Now())
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	log.Info("demo data loaded", "controllers", sum.Controllers, "sites", sum.Sites, "cookies", sum.Cookies,
		"sample_cases_added", sum.SampleCases)
	for _, l := range sum.Logins {
		// Demo credentials are public by design: they exist only in demo data.
		log.Info("demo login", "url", a.CasesConfig.BaseURL+"/staff/login", "email", l.Email, "password", l.Password, "role", l.Role)
	}
	return nil
}

func logStart(log *slog.Logger, st *models.Store, cfg app.Config, addr string) {
	where := "SQLite file " + cfg.DataDir + "/rightsdesk.db"
	if st.Dialect() == models.Postgres {
		where = "PostgreSQL"
	}
	mail := "SMTP_URL is empty: letters are kept in the admin mailbox (" + cfg.BaseURL + "/admin/mailbox)"
	if cfg.SMTPURL != "" {
		mail = "letters are sent over SMTP"
	}
	log.Info("Rightsdesk is serving", "url", "http://"+addr, "base_url", cfg.BaseURL, "database", where, "mail", mail)
}

// logNextSteps tells the person who just started the portal what to do next while it has no staff
// account or no organisation yet: on a first run that is all the log has to say.
func logNextSteps(ctx context.Context, log *slog.Logger, st *models.Store, baseURL string) {
	users, err := st.CountUsers(ctx)
	if err != nil {
		return
	}
	ids, err := st.ControllerIDs(ctx)
	if err != nil {
		return
	}
	switch {
	case users == 0:
		log.Info("first run: no staff account yet. Next steps:")
		log.Info("1. create the first admin (in another terminal, with the same DATABASE_URL or RIGHTSDESK_DATA_DIR); the password is read from stdin",
			"command", "echo 'a long pass phrase' | rightsdesk user add --email you@example.be --name 'Your Name' --role admin")
		log.Info("2. log in as that admin", "url", baseURL+"/staff/login")
		log.Info("3. add your organisation, then its website and cookie catalogue, then invite your staff",
			"url", baseURL+"/admin/controllers/new", "or", "rightsdesk controller add, site add, catalogue import")
		log.Info("to look around with sample data instead, start it with: rightsdesk serve --demo")
	case len(ids) == 0:
		log.Info("no organisation yet: an admin adds one, then its website and cookie catalogue",
			"url", baseURL+"/admin/controllers/new", "or", "rightsdesk controller add")
	}
}

func fail(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "rightsdesk: %v\n", err)
	return 1
}
