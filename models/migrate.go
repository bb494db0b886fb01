package models

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

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
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
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
	// Right after the chain's migration (even when a later one failed, as it will not run again),
	// the events written before it are sealed into the chain.
	if slices.Contains(applied, auditChainVersion) {
		if serr := s.sealLegacyEvents(ctx); serr != nil {
			err = errors.Join(err, fmt.Errorf("seal the earlier events into the audit chain: %w", serr))
		}
	}
	if err == nil {
		err = s.backfillAnswered(ctx)
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
