package testdb

import (
	"testing"

	"github.com/pressly/goose/v3"

	"rightsdesk/migrations"
	"rightsdesk/models"
)

// Goose returns a goose provider of the project's migrations on st's database (dialect d), for
// the tests that migrate a database step by step: to an old schema, rows as that binary wrote
// them, then up.
func Goose(t testing.TB, st *models.Store, d string) *goose.Provider {
	t.Helper()
	fsys, err := migrations.FS(d)
	if err != nil {
		t.Fatal(err)
	}
	db, err := st.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	dialect := goose.DialectSQLite3
	if d == models.Postgres {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, db, fsys, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	return p
}
