// Package testdb gives tests a fresh, migrated database of each dialect through the same helpers:
// an SQLite file in a temporary directory, and a PostgreSQL database created for the test and
// dropped after it.
//
// PostgreSQL is required: when it cannot be reached the test fails, it does not skip. The server is
// RIGHTSDESK_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/test?sslmode=disable).
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver for the admin connection

	"rightsdesk/models"
)

// DefaultPostgres is the test server when RIGHTSDESK_TEST_POSTGRES is unset.
const DefaultPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// Dialects lists the dialects every integration test runs on.
var Dialects = []string{models.SQLite, models.Postgres}

// Each runs fn as a subtest on a fresh migrated store of each dialect.
func Each(t *testing.T, fn func(t *testing.T, st *models.Store)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(d, func(t *testing.T) { fn(t, Open(t, d)) })
	}
}

// Open returns a fresh migrated store of dialect d, closed at the end of the test.
func Open(t testing.TB, d string) *models.Store {
	t.Helper()
	ctx := context.Background()
	opts := Options(t, d)
	st, err := models.Open(ctx, opts)
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", d, err)
	}
	return st
}

// Options returns the models.Options of a fresh, empty (unmigrated) database of dialect d.
func Options(t testing.TB, d string) models.Options {
	t.Helper()
	if d == models.SQLite {
		return models.Options{DataDir: t.TempDir()}
	}
	return models.Options{DatabaseURL: NewPostgresDatabase(t)}
}

// NewPostgresDatabase creates an empty PostgreSQL database for the test, dropped at its end, and
// returns its URL.
func NewPostgresDatabase(t testing.TB) string {
	t.Helper()
	server := os.Getenv("RIGHTSDESK_TEST_POSTGRES")
	if server == "" {
		server = DefaultPostgres
	}
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatalf("PostgreSQL at %s: %v", redacted(server), err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		t.Fatalf("PostgreSQL is required for the integration tests and is not reachable at %s: %v\n"+
			"start it (pg_ctlcluster ... main start) or set RIGHTSDESK_TEST_POSTGRES", redacted(server), err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "rightsdesk_test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
		admin.Close()
	})
	u, _ := url.Parse(server)
	u.Path = "/" + name
	return u.String()
}

func redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
