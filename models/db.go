// Package models is the store: every row type and every query of Rightsdesk. Nothing outside this
// package sees *gorm.DB; callers get methods that say what they do. Writes that must happen together
// run inside InTx.
package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"rightsdesk/seal"
)

// Dialects the store runs on.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// ErrNotFound is returned when the row asked for does not exist (or the caller may not see it).
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a row changed between reading it and writing it.
var ErrConflict = errors.New("the record changed meanwhile")

// Options say where the database is.
type Options struct {
	// DatabaseURL is a postgres:// URL, or empty for the embedded SQLite file.
	DatabaseURL string
	// DataDir holds the SQLite file (rightsdesk.db) when DatabaseURL is empty.
	DataDir string
	// Logger receives slow-query warnings. Queries are logged without their parameters, which may
	// hold personal data.
	Logger *slog.Logger
}

// Store is the database.
type Store struct {
	db      *gorm.DB
	dialect string
	// seal seals and opens the secrets kept for sites (SetSeal).
	seal *seal.Box
	// cache keeps the rows every filing reads (cache.go), shared by the transactions of the store;
	// inTx is true for a transaction's store.
	cache *configCache
	inTx  bool
}

// Open connects to the database named by opts. It does not migrate: call Migrate.
func Open(ctx context.Context, opts Options) (*Store, error) {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	cfg := &gorm.Config{
		Logger: logger.NewSlogLogger(log, logger.Config{
			SlowThreshold:             time.Second,
			LogLevel:                  logger.Warn,
			IgnoreRecordNotFoundError: true,
			ParameterizedQueries:      true,
		}),
		NowFunc:                func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
		SkipDefaultTransaction: true,
		TranslateError:         true,
	}

	var (
		db      *gorm.DB
		err     error
		dialect string
	)
	switch {
	case opts.DatabaseURL == "":
		dialect = SQLite
		dir := opts.DataDir
		if dir == "" {
			dir = "data"
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("data directory: %w", err)
		}
		db, err = gorm.Open(sqlite.Open(SQLiteDSN(filepath.Join(dir, "rightsdesk.db"))), cfg)
	case strings.HasPrefix(opts.DatabaseURL, "postgres://"), strings.HasPrefix(opts.DatabaseURL, "postgresql://"):
		dialect = Postgres
		db, err = gorm.Open(postgres.Open(opts.DatabaseURL), cfg)
	default:
		return nil, fmt.Errorf("DATABASE_URL must start with postgres:// (or be empty for SQLite), got %q", redactURL(opts.DatabaseURL))
	}
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	if dialect == SQLite {
		// One connection: SQLite has one writer, and a single connection turns lock contention into
		// plain queueing instead of SQLITE_BUSY errors inside transactions.
		sqlDB.SetMaxOpenConns(1)
	} else {
		// As many idle as open: under a burst (8 mail workers, 32 filers) a pool that keeps fewer
		// closes and reopens a PostgreSQL connection for nearly every query beyond them. Idle
		// ones still go after five minutes.
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetMaxIdleConns(20)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("connect to %s database: %w", dialect, err)
	}
	return &Store{db: db, dialect: dialect, cache: newConfigCache()}, nil
}

// SQLiteDSN is the connection string for the SQLite file at path: WAL so readers never wait for the
// writer, a busy timeout, and enforced foreign keys.
func SQLiteDSN(path string) string {
	return "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
}

// Dialect is Postgres or SQLite.
func (s *Store) Dialect() string { return s.dialect }

// Close closes the connection pool.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// InTx runs fn in one transaction: everything fn writes through tx is committed together, or
// nothing is when fn returns an error.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	return s.db.WithContext(ctx).Transaction(func(gtx *gorm.DB) error {
		// GORM runs a transaction on a *sql.Tx (a nested one on a savepoint of it): the job
		// queue inserts its jobs on that, so that they commit or roll back with the rows.
		sqlTx, ok := gtx.Statement.ConnPool.(*sql.Tx)
		if !ok {
			return fmt.Errorf("transaction: GORM gave a %T, not a *sql.Tx", gtx.Statement.ConnPool)
		}
		st := &Store{db: gtx, dialect: s.dialect, seal: s.seal, cache: s.cache, inTx: true}
		return fn(&Tx{Store: st, sql: sqlTx})
	})
}

// Tx is the store inside a transaction. The writes that must commit together with others — a
// case with its first event, an event with the change it records, a letter or a webhook delivery
// with its job — are methods of Tx, so the compiler, not a check at run time, keeps them inside
// one. Everything else of the Store is available on a Tx as well.
type Tx struct {
	*Store
	sql *sql.Tx // the transaction's connection, for the job queue
}

// forUpdate locks the selected rows until the transaction ends, where the database has row locks.
// SQLite has one writer at a time, so it needs none.
func (s *Store) forUpdate(q *gorm.DB) *gorm.DB {
	if s.dialect == Postgres {
		return q.Clauses(lockingClause)
	}
	return q
}

func (s *Store) conn(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return err
}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable)"
	}
	return u.Redacted()
}

// GormForTest exposes the connection to tests that inject failures with GORM callbacks.
// Nothing outside tests may call it.
func GormForTest(s *Store) *gorm.DB { return s.db }
