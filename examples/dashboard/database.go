package main

import (
	"context"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/platform"
)

// The IDs of the databases domain's kinds (databases.Domain): a database's
// page lists its users, which the API serves under userKindID.
const (
	databaseKindID = "postgres.db.movetokube.com"
	userKindID     = "postgresusers.db.movetokube.com"
)

// A databaseView is what a database's page shows beside the object: its
// users, and the form of a new one.
type databaseView struct {
	// Name is the database's resource name, the new user's spec.database.
	Name string
	// UserKind is the API id of users, for their links and requests.
	UserKind string
	Users    []databaseUser
	// UserFields are the New user form's fields.
	UserFields []formField
}

// A databaseUser is one line of a database's users.
type databaseUser struct {
	Name, Role, Privileges string
	// Secret names the user's Secret.
	Secret    string
	Readiness hub.Readiness
}

// databasePage reads the users of the database called name for its page.
func databasePage(ctx context.Context, p *platform.Platform, name string) (*databaseView, error) {
	users, err := p.Databases().ListUsers(ctx, name)
	if err != nil {
		return nil, err
	}
	v := &databaseView{Name: name, UserKind: userKindID, UserFields: userFields(p.Databases().KeepsSecretNames())}
	for _, u := range users {
		v.Users = append(v.Users, databaseUser{
			Name: u.Name, Role: u.Status.PostgresRole, Privileges: u.Spec.Privileges,
			Secret: p.Databases().SecretName(u), Readiness: u.Readiness(),
		})
	}
	return v, nil
}

// userFields is the New user form of a database's page, beside the
// database's edit form: its ids start with "user-". The form sets
// spec.database itself. keepSecretName says how the user's Secret is
// named (databases.Client.KeepsSecretNames).
func userFields(keepSecretName bool) []formField {
	privileges := make([]string, 0, len(databases.Privileges))
	for _, p := range databases.Privileges {
		privileges = append(privileges, string(p))
	}
	namingNote := "The user's Secret is called <secretName>-<name>."
	if keepSecretName {
		namingNote = "The user's Secret is called <secretName>."
	}
	fields := []formField{
		nameField(),
		{
			Path: "spec.role", Label: "role", Kind: textField, Type: typeString, Required: true,
			Note: "The login role's base name: the operator adds a suffix.",
		},
		{
			Path: "spec.privileges", Label: "privileges", Kind: selectField, Type: typeString, Required: true,
			Options: privileges, Default: string(databases.PrivilegeRead),
			Note: "The group role the user joins: OWNER, READ or WRITE.",
		},
		{
			Path: "spec.secretName", Label: "secretName", Kind: textField, Type: typeString, Required: true,
			Pattern: dns1123Subdomain, MaxLength: "253", Note: namingNote,
		},
	}
	for i := range fields {
		fields[i].Form = "user-"
	}
	return fields
}
