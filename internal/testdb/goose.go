package testdb

import (
	"testing"

	"github.com/pressly/goose/v3"

	"rightsdesk/models"
)

// Goose returns the goose provider of the project's migrations — the SQL files and the data
// migrations — on st's database, for the tests that migrate a database step by step: to an old
// schema, rows as that binary wrote them, then up. (d, the dialect, is st's.)
func Goose(t testing.TB, st *models.Store, d string) *goose.Provider {
	t.Helper()
	if st.Dialect() != d {
		t.Fatalf("testdb.Goose: the store is %s, not %s", st.Dialect(), d)
	}
	p, err := st.Goose()
	if err != nil {
		t.Fatal(err)
	}
	return p
}
