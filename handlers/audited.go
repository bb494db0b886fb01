package handlers

import (
	"time"

	"github.com/labstack/echo/v4"

	"rightsdesk/events"
	"rightsdesk/models"
)

// audited runs change in one transaction with its event in the audit chain: the logged-in user's
// action on the organisation controllerID (0: the whole portal), which change describes. A change
// that returns an error writes nothing; one that returns no detail (nothing changed) writes no event.
func (h *Handler) audited(c echo.Context, controllerID int64, change func(tx *models.Tx) (events.Detail, error)) error {
	ctx := c.Request().Context()
	by := models.By{UserID: currentUser(c).ID}
	return h.store.InTx(ctx, func(tx *models.Tx) error {
		d, err := change(tx)
		if err != nil || d == nil {
			return err
		}
		return tx.AppendAdminEvent(ctx, by, controllerID, time.Now(), d)
	})
}

// by is the logged-in member of staff, as the services record who made a change.
func by(c echo.Context) models.By { return models.By{UserID: currentUser(c).ID} }
