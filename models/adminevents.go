package models

import (
	"context"
	"time"

	"rightsdesk/events"
)

// By is who made a change to the portal's set-up: a member of staff (an admin, or a manager
// switching a disclosure page), or, with UserID 0, the command line.
type By struct{ UserID int64 }

// AppendAdminEvent records an admin's action as an event without a case, in the transaction of the
// change it records: the organisation's (controllerID), or the whole portal's (0). The actor is
// the member of staff by, or the system for the command line.
func (tx *Tx) AppendAdminEvent(ctx context.Context, by By, controllerID int64, at time.Time, d events.Detail) error {
	e := Event{ControllerID: controllerID, At: at, ActorType: ActorSystem}
	if by.UserID != 0 {
		id := by.UserID
		e.ActorType, e.ActorUserID = ActorStaff, &id
	}
	return tx.AppendEvent(ctx, &e, d)
}
