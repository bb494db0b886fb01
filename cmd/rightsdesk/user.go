package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"rightsdesk/accounts"
	"rightsdesk/events"
	"rightsdesk/models"
	"rightsdesk/password"
)

// runUser implements "rightsdesk user add". The password is read from the first line of stdin so
// that it never appears in the process list or the shell history.
func runUser(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	const use = "usage: rightsdesk user add --email E --name N --role staff|manager|admin [--controller SLUG ...] < password"
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(stderr, use)
		return 2
	}
	fs := flag.NewFlagSet("rightsdesk user add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "the user's e-mail address (login)")
	name := fs.String("name", "", "the user's name")
	role := fs.String("role", "", "staff, manager or admin")
	var controllers repeated
	fs.Var(&controllers, "controller", "slug of a controller the user works for (repeat for several)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	bad := func(msg string) int {
		fmt.Fprintf(stderr, "rightsdesk user add: %s\n%s\n", msg, use)
		return 2
	}
	switch {
	case fs.NArg() > 0:
		return bad(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	case accounts.CheckEmail(*email) != "": // the invitation form's check
		return bad("--email: " + accounts.CheckEmail(*email))
	case accounts.CheckName(*name) != "":
		return bad("--name: " + accounts.CheckName(*name))
	case *role != models.RoleStaff && *role != models.RoleManager && *role != models.RoleAdmin:
		return bad("--role must be staff, manager or admin")
	case *role != models.RoleAdmin && len(controllers) == 0:
		return bad("--controller is required for staff and managers: they work only the cases of the organisations they are given " +
			"(admins see every one). Add the organisation first with rightsdesk controller add, or create an admin with --role admin")
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fail(stderr, err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if why := password.Weak(pw, *email); why != "" {
		return bad("password refused: " + why)
	}

	st, err := openStore(ctx, getenv)
	if err != nil {
		return fail(stderr, err)
	}
	defer st.Close()
	var ids []int64
	for _, slug := range controllers {
		c, err := st.ControllerBySlug(ctx, slug)
		if err != nil {
			return bad(fmt.Sprintf("no controller %q (rightsdesk controller add creates one)", slug))
		}
		ids = append(ids, c.ID)
	}
	hash, err := password.Hash(pw)
	if err != nil {
		return fail(stderr, err)
	}
	u := models.User{Email: strings.TrimSpace(*email), Name: strings.TrimSpace(*name), Role: *role, PasswordHash: hash, Active: true}
	// The account and its event (the whole portal's, by the system) commit together.
	err = st.InTx(ctx, func(tx *models.Tx) error {
		if err := tx.CreateUser(ctx, &u, ids); err != nil {
			return err
		}
		return tx.AppendAdminEvent(ctx, models.By{}, 0, time.Now(), events.UserAdded{
			UserID: u.ID, Name: u.Name, Email: u.Email, Role: u.Role, Controllers: controllers,
		})
	})
	if err != nil {
		if errors.Is(err, models.ErrDuplicate) {
			return bad("a user with this e-mail already exists")
		}
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "user %d added: %s (%s)\n", u.ID, u.Email, u.Role)
	return 0
}
