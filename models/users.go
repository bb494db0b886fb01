package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ErrDuplicate is returned when a unique value (a user's e-mail) is taken.
var ErrDuplicate = errors.New("already exists")

// CreateUser adds a user with access to the given controllers.
func (s *Store) CreateUser(ctx context.Context, u *User, controllerIDs []int64) error {
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	return s.InTx(ctx, func(tx *Tx) error {
		if err := tx.conn(ctx).Create(u).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return fmt.Errorf("user %w", ErrDuplicate)
			}
			return err
		}
		return tx.setUserControllers(ctx, u.ID, controllerIDs)
	})
}

// SaveUser creates the user or, when one with that e-mail exists, updates its name, role, password
// and controllers. The demo loader uses it so that loading twice changes nothing.
func (s *Store) SaveUser(ctx context.Context, u *User, controllerIDs []int64) error {
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	return s.InTx(ctx, func(tx *Tx) error {
		err := tx.conn(ctx).Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "email"}},
			DoUpdates: clause.AssignmentColumns([]string{"name", "role", "password_hash", "active", "updated_at"}),
		}).Create(u).Error
		if err != nil {
			return err
		}
		if err := tx.conn(ctx).Where("user_id = ?", u.ID).Delete(&userController{}).Error; err != nil {
			return err
		}
		return tx.setUserControllers(ctx, u.ID, controllerIDs)
	})
}

func (s *Store) setUserControllers(ctx context.Context, userID int64, controllerIDs []int64) error {
	for _, id := range controllerIDs {
		if err := s.conn(ctx).Create(&userController{UserID: userID, ControllerID: id}).Error; err != nil {
			return err
		}
	}
	return nil
}

// UserByEmail returns the user with that e-mail address (case-insensitive).
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	var u User
	err := s.conn(ctx).Where("email = ?", strings.ToLower(strings.TrimSpace(email))).First(&u).Error
	return u, notFound(err)
}

// UserByID returns one user.
func (s *Store) UserByID(ctx context.Context, id int64) (User, error) {
	var u User
	err := s.conn(ctx).First(&u, id).Error
	return u, notFound(err)
}

// UserControllerIDs returns the controllers a user is assigned to.
func (s *Store) UserControllerIDs(ctx context.Context, userID int64) ([]int64, error) {
	var ids []int64
	err := s.conn(ctx).Model(&userController{}).Where("user_id = ?", userID).Order("controller_id").Pluck("controller_id", &ids).Error
	return ids, err
}

// SessionStore keeps staff sessions in the database (it implements scs.Store and scs.CtxStore).
type SessionStore struct{ Store *Store }

// FindCtx returns a session's data, if it exists and has not expired.
func (ss SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var row session
	err := ss.Store.conn(ctx).Where("token = ? AND expiry > ?", token, time.Now().UTC()).First(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return row.Data, true, nil
}

// CommitCtx saves a session.
func (ss SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	return ss.Store.conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "token"}},
		DoUpdates: clause.AssignmentColumns([]string{"data", "expiry"}),
	}).Create(&session{Token: token, Data: b, Expiry: expiry.UTC()}).Error
}

// DeleteCtx removes a session.
func (ss SessionStore) DeleteCtx(ctx context.Context, token string) error {
	return ss.Store.conn(ctx).Where("token = ?", token).Delete(&session{}).Error
}

// Find implements scs.Store.
func (ss SessionStore) Find(token string) ([]byte, bool, error) {
	return ss.FindCtx(context.Background(), token)
}

// Commit implements scs.Store.
func (ss SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return ss.CommitCtx(context.Background(), token, b, expiry)
}

// Delete implements scs.Store.
func (ss SessionStore) Delete(token string) error {
	return ss.DeleteCtx(context.Background(), token)
}

// DeleteExpiredSessions removes sessions past their expiry.
func (ss SessionStore) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res := ss.Store.conn(ctx).Where("expiry < ?", now.UTC()).Delete(&session{})
	return res.RowsAffected, res.Error
}

// CountSessions returns how many sessions are stored.
func (s *Store) CountSessions(ctx context.Context) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&session{}).Count(&n).Error
	return n, err
}
