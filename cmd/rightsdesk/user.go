package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"rightsdesk/models"
	"rightsdesk/password"
)

// controllerFlags collects repeated --controller values.
type controllerFlags []string

func (c *controllerFlags) String() string     { return strings.Join(*c, ",") }
func (c *controllerFlags) Set(v string) error { *c = append(*c, v); return nil }

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
	var controllers controllerFlags
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
	case !strings.Contains(*email, "@") || strings.ContainsAny(*email, " \r\n"):
		return bad("--email must be an e-mail address")
	case strings.TrimSpace(*name) == "" || strings.ContainsAny(*name, "\r\n"):
		return bad("--name is required, on one line")
	case *role != models.RoleStaff && *role != models.RoleManager && *role != models.RoleAdmin:
		return bad("--role must be staff, manager or admin")
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
			return bad(fmt.Sprintf("no controller %q", slug))
		}
		ids = append(ids, c.ID)
	}
	hash, err := password.Hash(pw)
	if err != nil {
		return fail(stderr, err)
	}
	u := models.User{Email: *email, Name: strings.TrimSpace(*name), Role: *role, PasswordHash: hash, Active: true}
	if err := st.CreateUser(ctx, &u, ids); err != nil {
		if errors.Is(err, models.ErrDuplicate) {
			return bad("a user with this e-mail already exists")
		}
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "user %d added: %s (%s)\n", u.ID, u.Email, u.Role)
	return 0
}
