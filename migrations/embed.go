// Package migrations holds the SQL schema as numbered goose files, one directory per dialect.
// Both directories carry the same version numbers and end with the same tables and columns.
package migrations

import (
	"embed"
	"io/fs"
)

//go:embed postgres/*.sql sqlite/*.sql
var files embed.FS

// FS returns the migrations for one dialect: "postgres" or "sqlite".
func FS(dialect string) (fs.FS, error) {
	return fs.Sub(files, dialect)
}
