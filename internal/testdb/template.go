package testdb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"rightsdesk/migrations"
	"rightsdesk/models"
)

// Migrating from nothing costs about a second per database on PostgreSQL and more on SQLite under
// the race detector, and most tests want a fresh migrated database. So the schema is migrated once
// into a template named after a digest of the migration files, and each test gets a copy: a
// CREATE DATABASE … TEMPLATE on PostgreSQL, a file copy on SQLite. Templates are shared by the
// test processes of one run (go test runs packages in parallel) and reused by later runs until a
// migration changes.

// schemaDigest identifies the migrations of both dialects by content.
var schemaDigest = sync.OnceValues(func() (string, error) {
	h := sha256.New()
	for _, d := range []string{"postgres", "sqlite"} {
		fsys, err := migrations.FS(d)
		if err != nil {
			return "", err
		}
		err = fs.WalkDir(fsys, ".", func(path string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			b, err := fs.ReadFile(fsys, path)
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "%s/%s %d\n", d, path, len(b))
			h.Write(b)
			return nil
		})
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
})

// migrateEmpty migrates the empty database of opts and closes it.
func migrateEmpty(opts models.Options) error {
	ctx := context.Background()
	st, err := models.Open(ctx, opts)
	if err != nil {
		return err
	}
	_, err = st.Migrate(ctx)
	return errors.Join(err, st.Close())
}

var sqliteTemplate = sync.OnceValues(func() (string, error) {
	digest, err := schemaDigest()
	if err != nil {
		return "", err
	}
	path := filepath.Join(os.TempDir(), "rightsdesk-testdb-"+digest+".db")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	// Migrate in a directory of our own, then rename into place: another process either sees the
	// whole file or none.
	dir, err := os.MkdirTemp("", "rightsdesk-testdb-build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	if err := migrateEmpty(models.Options{DataDir: dir}); err != nil {
		return "", fmt.Errorf("migrate the SQLite template: %w", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "rightsdesk.db-wal")); err == nil {
		return "", errors.New("the SQLite template kept a write-ahead log after closing")
	}
	if err := os.Rename(filepath.Join(dir, "rightsdesk.db"), path); err != nil {
		return "", err
	}
	return path, nil
})

// migratedSQLite returns a data directory holding a copy of the migrated template.
func migratedSQLite(t testing.TB) string {
	t.Helper()
	tmpl, err := sqliteTemplate()
	if err != nil {
		t.Fatalf("SQLite template: %v", err)
	}
	dir := t.TempDir()
	if err := copyFile(tmpl, filepath.Join(dir, "rightsdesk.db")); err != nil {
		t.Fatalf("copy the SQLite template: %v", err)
	}
	return dir
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// templateLock serialises the building of PostgreSQL templates across test processes.
const templateLock = 0x7264_7465_6d70 // "rdtemp"

var postgresTemplate = sync.OnceValues(func() (string, error) {
	digest, err := schemaDigest()
	if err != nil {
		return "", err
	}
	name := "rightsdesk_template_" + digest
	admin, err := adminDB()
	if err != nil {
		return "", err
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", templateLock); err != nil {
		return "", err
	}
	defer conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", templateLock)
	var exists bool
	if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	// Built under another name and renamed when complete, so that a process killed half-way
	// leaves no template that looks finished.
	building := name + "_building"
	if _, err := conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)"); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+building); err != nil {
		return "", err
	}
	if err := migrateEmpty(models.Options{DatabaseURL: databaseURL(building)}); err != nil {
		return "", fmt.Errorf("migrate the PostgreSQL template: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "ALTER DATABASE "+building+" RENAME TO "+name); err != nil {
		return "", err
	}
	return name, nil
})

// server is the test PostgreSQL server's URL.
func server() string {
	if s := os.Getenv("RIGHTSDESK_TEST_POSTGRES"); s != "" {
		return s
	}
	return DefaultPostgres
}

// databaseURL is the URL of database name on the test server.
func databaseURL(name string) string {
	u, _ := url.Parse(server())
	u.Path = "/" + name
	return u.String()
}

// adminDB connects to the test server's own database, failing plainly when it is not reachable.
func adminDB() (*sql.DB, error) {
	admin, err := sql.Open("pgx", server())
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL at %s: %w", redacted(server()), err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		return nil, fmt.Errorf("PostgreSQL is required for the integration tests and is not reachable at %s: %w\n"+
			"start it (pg_ctlcluster ... main start) or set RIGHTSDESK_TEST_POSTGRES", redacted(server()), err)
	}
	return admin, nil
}
