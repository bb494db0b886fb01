package models

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Purposes of a password token.
const (
	TokenInvite = "invite" // a new member of staff sets a first password
	TokenReset  = "reset"  // a member of staff who forgot theirs sets a new one
)

// PasswordToken is a single-use link to set a password. Only the token's hash is stored.
type PasswordToken struct {
	TokenHash string `gorm:"primaryKey"`
	UserID    int64
	Purpose   string
	ExpiresAt time.Time
	UsedAt    *time.Time
	CreatedAt time.Time
}

func (PasswordToken) TableName() string { return "password_tokens" }

// UserSummary is a user as the admin pages show it: never the password hash, only whether there
// is one.
type UserSummary struct {
	ID            int64
	Email         string
	Name          string
	Role          string
	Active        bool
	PasswordSet   bool
	InvitePending bool // an unused invitation that has not expired
	ControllerIDs []int64
	CreatedAt     time.Time
}

// UserSummaries returns every user by name, with their controllers and whether an invitation is
// pending at now.
func (s *Store) UserSummaries(ctx context.Context, now time.Time) ([]UserSummary, error) {
	var us []User
	if err := s.conn(ctx).Order("name, id").Find(&us).Error; err != nil {
		return nil, err
	}
	return s.summarise(ctx, us, now)
}

// UserSummaryByID returns one user as UserSummaries does.
func (s *Store) UserSummaryByID(ctx context.Context, id int64, now time.Time) (UserSummary, error) {
	u, err := s.UserByID(ctx, id)
	if err != nil {
		return UserSummary{}, err
	}
	sums, err := s.summarise(ctx, []User{u}, now)
	if err != nil {
		return UserSummary{}, err
	}
	return sums[0], nil
}

func (s *Store) summarise(ctx context.Context, us []User, now time.Time) ([]UserSummary, error) {
	ids := make([]int64, len(us))
	for i, u := range us {
		ids[i] = u.ID
	}
	var links []userController
	if len(ids) > 0 {
		if err := s.conn(ctx).Where("user_id IN ?", ids).Order("controller_id").Find(&links).Error; err != nil {
			return nil, err
		}
	}
	var invites []PasswordToken
	if len(ids) > 0 {
		err := s.conn(ctx).Where("user_id IN ? AND purpose = ? AND used_at IS NULL", ids, TokenInvite).Find(&invites).Error
		if err != nil {
			return nil, err
		}
	}
	out := make([]UserSummary, len(us))
	for i, u := range us {
		out[i] = UserSummary{
			ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, Active: u.Active,
			PasswordSet: u.PasswordHash != "", CreatedAt: u.CreatedAt,
		}
		for _, l := range links {
			if l.UserID == u.ID {
				out[i].ControllerIDs = append(out[i].ControllerIDs, l.ControllerID)
			}
		}
		// Expiry is compared here rather than in SQL: SQLite compares its stored times as text.
		out[i].InvitePending = slices.ContainsFunc(invites, func(t PasswordToken) bool {
			return t.UserID == u.ID && now.Before(t.ExpiresAt)
		})
	}
	return out, nil
}

// UsersForUpdate returns the users with the given ids, keyed by id, locked until the transaction
// ends when called inside InTx. Rows are locked in id order, so two transactions locking the same
// users never deadlock.
func (s *Store) UsersForUpdate(ctx context.Context, ids ...int64) (map[int64]User, error) {
	var us []User
	if err := s.forUpdate(s.conn(ctx)).Where("id IN ?", ids).Order("id").Find(&us).Error; err != nil {
		return nil, err
	}
	out := make(map[int64]User, len(us))
	for _, u := range us {
		out[u.ID] = u
	}
	return out, nil
}

// AllControllersExist reports whether every id names a controller.
func (s *Store) AllControllersExist(ctx context.Context, ids []int64) (bool, error) {
	distinct := slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(distinct) == 0 {
		return true, nil
	}
	var n int64
	if err := s.conn(ctx).Model(&Controller{}).Where("id IN ?", distinct).Count(&n).Error; err != nil {
		return false, err
	}
	return n == int64(len(distinct)), nil
}

// UpdateUserAccess sets a user's role, state and controllers.
func (s *Store) UpdateUserAccess(ctx context.Context, userID int64, role string, active bool, controllerIDs []int64, at time.Time) error {
	res := s.conn(ctx).Model(&User{}).Where("id = ?", userID).
		Updates(map[string]any{"role": role, "active": active, "updated_at": at.UTC()})
	if res.Error != nil {
		return fmt.Errorf("update user: %w", res.Error)
	}
	if res.RowsAffected != 1 {
		return ErrNotFound
	}
	if err := s.conn(ctx).Where("user_id = ?", userID).Delete(&userController{}).Error; err != nil {
		return fmt.Errorf("update user controllers: %w", err)
	}
	return s.setUserControllers(ctx, userID, controllerIDs)
}

// SetUserPassword stores a new password hash and raises the user's session epoch, which ends
// every session of the user. It returns the new epoch.
func (s *Store) SetUserPassword(ctx context.Context, userID int64, hash string, at time.Time) (int, error) {
	var epoch int
	err := s.conn(ctx).Raw(`UPDATE users SET password_hash = ?, password_set_at = ?, updated_at = ?,
		session_epoch = session_epoch + 1 WHERE id = ? RETURNING session_epoch`, hash, at.UTC(), at.UTC(), userID).Scan(&epoch).Error
	if err != nil {
		return 0, fmt.Errorf("set password: %w", err)
	}
	if epoch == 0 { // the epoch starts at 0, so a raised one never is: no such user
		return 0, ErrNotFound
	}
	return epoch, nil
}

// RaiseSessionEpoch ends every session of the user and returns the new epoch.
func (s *Store) RaiseSessionEpoch(ctx context.Context, userID int64, at time.Time) (int, error) {
	var epoch int
	err := s.conn(ctx).Raw(`UPDATE users SET session_epoch = session_epoch + 1, updated_at = ? WHERE id = ? RETURNING session_epoch`,
		at.UTC(), userID).Scan(&epoch).Error
	if err != nil {
		return 0, fmt.Errorf("raise session epoch: %w", err)
	}
	if epoch == 0 {
		return 0, ErrNotFound
	}
	return epoch, nil
}

// CreatePasswordToken stores a password token.
func (s *Store) CreatePasswordToken(ctx context.Context, t *PasswordToken) error {
	if err := s.conn(ctx).Create(t).Error; err != nil {
		return fmt.Errorf("insert password token: %w", err)
	}
	return nil
}

// PasswordTokenByHash returns the token with that hash, used or not, locked for update when called
// inside InTx.
func (s *Store) PasswordTokenByHash(ctx context.Context, hash string) (PasswordToken, error) {
	var t PasswordToken
	err := s.forUpdate(s.conn(ctx)).Where("token_hash = ?", hash).First(&t).Error
	return t, notFound(err)
}

// UsePasswordToken marks an unused token used. A token used meanwhile is ErrNotFound, so of two
// concurrent uses exactly one wins.
func (s *Store) UsePasswordToken(ctx context.Context, hash string, at time.Time) error {
	res := s.conn(ctx).Model(&PasswordToken{}).Where("token_hash = ? AND used_at IS NULL", hash).Update("used_at", at.UTC())
	if res.Error != nil {
		return fmt.Errorf("use password token: %w", res.Error)
	}
	if res.RowsAffected != 1 {
		return ErrNotFound
	}
	return nil
}

// RevokePasswordTokens marks every unused token of the user used, so no older link still works.
func (s *Store) RevokePasswordTokens(ctx context.Context, userID int64, at time.Time) error {
	err := s.conn(ctx).Model(&PasswordToken{}).Where("user_id = ? AND used_at IS NULL", userID).Update("used_at", at.UTC()).Error
	if err != nil {
		return fmt.Errorf("revoke password tokens: %w", err)
	}
	return nil
}
