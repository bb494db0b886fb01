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
	"encoding/hex"
	"net/url"
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
	st, err := models.Open(ctx, Migrated(t, d))
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	t.Cleanup(func() { st.Close() })
	// A no-op on the copy of the template, unless a data migration (Go) is newer than the template,
	// whose name follows the SQL files only.
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", d, err)
	}
	return st
}

// Options returns the models.Options of a fresh, empty (unmigrated) database of dialect d, for the
// tests of migrating itself.
func Options(t testing.TB, d string) models.Options {
	t.Helper()
	if d == models.SQLite {
		return models.Options{DataDir: t.TempDir()}
	}
	return models.Options{DatabaseURL: NewPostgresDatabase(t)}
}

// Migrated returns the models.Options of a fresh database of dialect d at the newest schema: a copy
// of a template migrated once (see template.go).
func Migrated(t testing.TB, d string) models.Options {
	t.Helper()
	if d == models.SQLite {
		return models.Options{DataDir: migratedSQLite(t)}
	}
	tmpl, err := postgresTemplate()
	if err != nil {
		t.Fatalf("PostgreSQL template: %v", err)
	}
	return models.Options{DatabaseURL: newPostgresDatabase(t, tmpl)}
}

// NewPostgresDatabase creates an empty PostgreSQL database for the test, dropped at its end, and
// returns its URL.
func NewPostgresDatabase(t testing.TB) string {
	t.Helper()
	return newPostgresDatabase(t, "")
}

// newPostgresDatabase creates a database for the test, a copy of template unless it is empty.
func newPostgresDatabase(t testing.TB, template string) string {
	t.Helper()
	admin, err := adminDB()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b := make([]byte, 6)
	rand.Read(b)
	name := "rightsdesk_test_" + hex.EncodeToString(b)
	create := "CREATE DATABASE " + name
	if template != "" {
		create += " TEMPLATE " + template
	}
	if _, err := admin.ExecContext(ctx, create); err != nil {
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
	return databaseURL(name)
}

func redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
