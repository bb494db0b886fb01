package models

import (
	"context"
	"fmt"
	"slices"
	"sync"
)

// configCache keeps in the process what every filing reads and admins rarely change: a site with
// its controller and live cookies, and a controller's letter overrides. A filing then reads one
// small row, config_version, instead of four queries. Triggers bump config_version in the
// transaction that changes any of those tables (migration 00030), so a change is seen by every
// replica as soon as it commits, and a reader never gets rows older than the version it read.
//
// Only rows read outside a transaction are kept: a transaction may be reading its own changes,
// which a rollback would undo while the cache still held them.
type configCache struct {
	mu        sync.Mutex
	version   int64
	sites     map[string]cachedSite
	overrides map[overridesKey]map[string]string
}

type cachedSite struct {
	site       Site
	controller Controller
	cookies    []Cookie
}

type overridesKey struct {
	controllerID int64
	lang         string
}

func newConfigCache() *configCache { return &configCache{} }

// configVersion reads the version of the cached tables.
func (s *Store) configVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.conn(ctx).Raw("SELECT version FROM config_version WHERE id = 1").Scan(&v).Error; err != nil {
		return 0, fmt.Errorf("config version: %w", err)
	}
	return v, nil
}

// lookup runs get on the cache when it holds version v.
func (c *configCache) lookup(v int64, get func(*configCache) bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.version == v && get(c)
}

// keep runs put on the cache for version v: a newer version empties it first, an older one (read
// before a change that another reader already saw) is not kept.
func (c *configCache) keep(v int64, put func(*configCache)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case v < c.version:
		return
	case v > c.version || c.sites == nil:
		c.version = v
		c.sites = map[string]cachedSite{}
		c.overrides = map[overridesKey]map[string]string{}
	}
	put(c)
}

// SiteWithCookies returns the site with its controller and its live cookies in policy order, as
// SiteBySlug and Cookies do, from the cache when none of them changed since it was read. The
// cookies are shared with other readers: do not change them.
func (s *Store) SiteWithCookies(ctx context.Context, slug string) (Site, []Cookie, error) {
	v, err := s.configVersion(ctx)
	if err != nil {
		return Site{}, nil, err
	}
	var hit cachedSite
	if s.cache.lookup(v, func(c *configCache) bool { e, ok := c.sites[slug]; hit = e; return ok }) {
		return hit.copy()
	}
	site, err := s.SiteBySlug(ctx, slug)
	if err != nil {
		return Site{}, nil, err
	}
	cookies, err := s.Cookies(ctx, site.ID)
	if err != nil {
		return Site{}, nil, err
	}
	e := cachedSite{site: site, cookies: cookies}
	if site.Controller != nil {
		e.controller = *site.Controller
	}
	if !s.inTx {
		s.cache.keep(v, func(c *configCache) { c.sites[slug] = e })
	}
	return e.copy()
}

// copy gives each reader its own site and controller.
func (e cachedSite) copy() (Site, []Cookie, error) {
	site, ctrl := e.site, e.controller
	site.Controller = &ctrl
	return site, slices.Clip(e.cookies), nil
}

// CachedLetterOverrides is LetterOverrides from the cache when no override changed since it was
// read. The map is shared with other readers: do not change it.
func (s *Store) CachedLetterOverrides(ctx context.Context, controllerID int64, lang string) (map[string]string, error) {
	v, err := s.configVersion(ctx)
	if err != nil {
		return nil, err
	}
	k := overridesKey{controllerID, lang}
	var hit map[string]string
	if s.cache.lookup(v, func(c *configCache) bool { o, ok := c.overrides[k]; hit = o; return ok }) {
		return hit, nil
	}
	o, err := s.LetterOverrides(ctx, controllerID, lang)
	if err != nil {
		return nil, err
	}
	if !s.inTx {
		s.cache.keep(v, func(c *configCache) { c.overrides[k] = o })
	}
	return o, nil
}
