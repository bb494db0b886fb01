package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/gorm"

	"rightsdesk/migrations"
)

// ErrSchemaNotCurrent is returned by CheckSchema when the database is behind or ahead of the binary.
var ErrSchemaNotCurrent = errors.New("database schema is not current")

func (s *Store) provider() (*goose.Provider, error) {
	fsys, err := migrations.FS(s.dialect)
	if err != nil {
		return nil, err
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, err
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true), goose.WithGoMigrations(s.dataMigrations()...)}
	dialect := goose.DialectSQLite3
	if s.dialect == Postgres {
		dialect = goose.DialectPostgres
		// An advisory lock, so that replicas starting together never migrate at once.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, sqlDB, fsys, opts...)
}

// Goose returns the migrations as goose runs them — the SQL files of the dialect and the data
// migrations — for tests that migrate step by step.
func (s *Store) Goose() (*goose.Provider, error) { return s.provider() }

// dataMigrations are the migrations written in Go: they change rows with the store's own code
// rather than the schema, and goose records each once, like the SQL files, in the same
// transaction as the rows (on goose's connection: SQLite has only one), so one that stops half-way
// changed nothing and runs again at the next start. Their down is nothing: the rows they fill are
// valid under the older schema too.
func (s *Store) dataMigrations() []*goose.Migration {
	return []*goose.Migration{
		// The events written before the audit chain (migration 00003) sealed into it, in the order
		// of their instants. Events appended since 00025 wait unsealed for the sealer; any found
		// here are sealed the same way, which any order allows.
		goose.NewGoMigration(sealLegacyVersion, &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
			return s.onSQLTx(ctx, tx).sealLegacyEvents(ctx)
		}}, nil),
		// answered_on and days_taken of the cases answered before migration 00012, which added
		// them, in each controller's time zone.
		goose.NewGoMigration(backfillAnsweredVersion, &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
			return s.onSQLTx(ctx, tx).backfillAnswered(ctx)
		}}, nil),
		// The details of the events written before migration 00034, read once from their
		// sentences (legacyevents.go); the only place an event's sentence is read back.
		goose.NewGoMigration(eventDetailsVersion, &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
			return s.onSQLTx(ctx, tx).fillEventDetails(ctx)
		}}, nil),
		// The chain checked in format v1 and re-hashed in v2, whose personal parts can be erased
		// (rehash.go).
		goose.NewGoMigration(rehashVersion, &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
			return s.onSQLTx(ctx, tx).rehashChain(ctx)
		}}, nil),
	}
}

// onSQLTx is the store on a transaction it did not open (goose's): its own transactions become
// savepoints of it.
func (s *Store) onSQLTx(ctx context.Context, tx *sql.Tx) *Store {
	db := s.db.Session(&gorm.Session{NewDB: true, Context: ctx}) // with a context: a statement of its own
	db.Statement.ConnPool = tx
	return &Store{db: db, dialect: s.dialect, seal: s.seal, cache: s.cache, inTx: true}
}

// The versions of the data migrations, after the SQL files of their time.
const (
	sealLegacyVersion       = 32
	backfillAnsweredVersion = 33
	eventDetailsVersion     = 35
	rehashVersion           = 38
)

// Migrate applies the pending migrations, each in its own transaction, and returns the versions applied.
func (s *Store) Migrate(ctx context.Context) ([]int64, error) {
	p, err := s.provider()
	if err != nil {
		return nil, err
	}
	if err := s.refuseNewerSchema(ctx, p); err != nil {
		return nil, err
	}
	results, err := p.Up(ctx)
	var applied []int64
	for _, r := range results {
		if r.Error == nil {
			applied = append(applied, r.Source.Version)
		}
	}
	if err != nil {
		return applied, fmt.Errorf("migrate: %w", err)
	}
	return applied, nil
}

// SchemaVersion returns the version the database is at and the newest this binary knows.
func (s *Store) SchemaVersion(ctx context.Context) (current, latest int64, err error) {
	p, err := s.provider()
	if err != nil {
		return 0, 0, err
	}
	current, err = p.GetDBVersion(ctx)
	if err != nil {
		return 0, 0, err
	}
	sources := p.ListSources()
	if len(sources) > 0 {
		latest = sources[len(sources)-1].Version
	}
	return current, latest, nil
}

// CheckSchema returns ErrSchemaNotCurrent, with the versions, unless the database is exactly at
// the schema this binary was built for: the app refuses to run on a schema it does not know.
func (s *Store) CheckSchema(ctx context.Context) error {
	current, latest, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if current != latest {
		return fmt.Errorf("%w: database at version %d, this binary needs %d (run `rightsdesk migrate`, or deploy the newer binary)",
			ErrSchemaNotCurrent, current, latest)
	}
	return nil
}

func (s *Store) refuseNewerSchema(ctx context.Context, p *goose.Provider) error {
	current, err := p.GetDBVersion(ctx)
	if err != nil {
		return err
	}
	sources := p.ListSources()
	if latest := sources[len(sources)-1].Version; current > latest {
		return fmt.Errorf("%w: database at version %d is newer than this binary (%d); refusing to run",
			ErrSchemaNotCurrent, current, latest)
	}
	return nil
}
