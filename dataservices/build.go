package dataservices

import (
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hubkit-dev/hubkit/dataservices/dremiov1"
	"github.com/hubkit-dev/hubkit/dataservices/postgrestv1"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/secrets"
)

// A Connection is how a data service reaches its database: a host with a
// user and password, or a Secret that holds them. Its password redacts
// itself when printed.
type Connection struct {
	// Host and Port reach the database; a Port of 0 or less is the
	// default of the resource manager's UI (DefaultPostgresPort,
	// DefaultDremioPort).
	Host string
	Port int
	// Database is PostgreSQL's database (PostgREST only).
	Database string
	// User and Password log in; not with SecretName.
	User     string
	Password secrets.Value
	// Params are more connection properties as a query string: PostgREST's
	// extraParams ("sslmode=disable"), Dremio's jdbcProperties.
	Params string
	// SecretName names a Secret that holds the credentials (PostgREST:
	// POSTGRES_URL, or USER and PASSWORD; Dremio: USER and PASSWORD).
	SecretName string
}

// port returns the port with the UI's default applied.
func (c Connection) port(defaultPort int) int {
	if c.Port <= 0 {
		return defaultPort
	}
	return c.Port
}

// A PostgrestOption sets a field of a PostgrestRequest.
type PostgrestOption interface{ applyToPostgrest(r *PostgrestRequest) }

// A DremioOption sets a field of a DremioRequest.
type DremioOption interface{ applyToDremio(r *DremioRequest) }

// A ConnectionOption sets a field of the Connection of a PostgrestRequest
// or of a DremioRequest: it is both a PostgrestOption and a DremioOption.
type ConnectionOption func(*Connection)

func (o ConnectionOption) applyToPostgrest(r *PostgrestRequest) { o(&r.Connection) }
func (o ConnectionOption) applyToDremio(r *DremioRequest)       { o(&r.Connection) }

// WithHost sets the database's host and port (0 for the default).
func WithHost(host string, port int) ConnectionOption {
	return func(c *Connection) { c.Host, c.Port = host, port }
}

// WithDatabase sets PostgreSQL's database.
func WithDatabase(database string) ConnectionOption {
	return func(c *Connection) { c.Database = database }
}

// WithCredentials sets the user and password to log in with.
func WithCredentials(user string, password secrets.Value) ConnectionOption {
	return func(c *Connection) { c.User, c.Password = user, password }
}

// WithConnectionSecret connects with the credentials of the Secret called
// name: for PostgREST one holding POSTGRES_URL (as a databases user's does)
// or USER and PASSWORD, for Dremio one holding USER and PASSWORD.
func WithConnectionSecret(name string) ConnectionOption {
	return func(c *Connection) { c.SecretName = name }
}

// WithConnectionParams sets more connection properties, as a query string.
func WithConnectionParams(query string) ConnectionOption {
	return func(c *Connection) { c.Params = query }
}

// postgrestOptionFunc adapts a function to a PostgrestOption.
type postgrestOptionFunc func(*PostgrestRequest)

func (fn postgrestOptionFunc) applyToPostgrest(r *PostgrestRequest) { fn(r) }

// WithSchema sets the schema PostgREST exposes (default public).
func WithSchema(schema string) PostgrestOption {
	return postgrestOptionFunc(func(r *PostgrestRequest) { r.Schema = schema })
}

// WithTables exposes tables through a role generated for the service.
func WithTables(tables ...string) PostgrestOption {
	return postgrestOptionFunc(func(r *PostgrestRequest) { r.Tables = append(r.Tables, tables...) })
}

// WithGrants sets the privileges the generated role gets on the tables,
// such as SELECT or INSERT (default SELECT).
func WithGrants(privileges ...string) PostgrestOption {
	return postgrestOptionFunc(func(r *PostgrestRequest) { r.Grants = append(r.Grants, privileges...) })
}

// WithAnonRole serves anonymous requests as an existing role, instead of
// one generated for tables.
func WithAnonRole(role string) PostgrestOption {
	return postgrestOptionFunc(func(r *PostgrestRequest) { r.AnonRole = role })
}

// A PostgrestRequest is a Postgrest to create. Make one with NewPostgrest.
type PostgrestRequest struct {
	// Name is the resource's name.
	Name string
	// Schema is the schema PostgREST exposes; empty is public.
	Schema string
	// Tables are exposed through a generated role, which gets Grants on
	// them; not with AnonRole.
	Tables, Grants []string
	// AnonRole is an existing role anonymous requests are served as.
	AnonRole   string
	Connection Connection
}

// NewPostgrest returns the PostgREST service called name.
func NewPostgrest(name string, opts ...PostgrestOption) PostgrestRequest {
	r := PostgrestRequest{Name: name}
	for _, opt := range opts {
		opt.applyToPostgrest(&r)
	}
	return r
}

// spec returns the request's spec, with the UI's port default.
func (r PostgrestRequest) spec() PostgrestSpec {
	c := r.Connection
	return PostgrestSpec{
		Schema: r.Schema, Tables: r.Tables, Grants: strings.Join(r.Grants, ","), AnonRole: r.AnonRole,
		Connection: postgrestv1.ConnectionProperties{
			Host: c.Host, Port: c.port(DefaultPostgresPort), Database: c.Database, User: c.User, Password: c.Password.Reveal(),
			ExtraParams: c.Params, SecretName: c.SecretName,
		},
	}
}

// Validate checks the service with the field paths of its resource, as the
// operator checks it at run time: an existing role or tables, not both;
// grants that are PostgreSQL table privileges, only with tables; a
// connection by Secret, or by host, database, user and password. That the
// Secret exists and holds what it must is checked by Client.CreatePostgrest.
// No error shows the password.
func (r PostgrestRequest) Validate() field.ErrorList {
	errs := hub.ValidateName(field.NewPath("metadata", "name"), r.Name)
	return append(errs, redact(validatePostgrestSpec(r.Name, r.spec()))...)
}

// Build returns the Postgrest resource in namespace. It does not validate.
func (r PostgrestRequest) Build(namespace string) *Postgrest {
	return &Postgrest{
		TypeMeta:   metav1.TypeMeta{APIVersion: postgrestv1.GroupVersion.String(), Kind: "Postgrest"},
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: r.Name},
		Spec:       r.spec(),
	}
}

// dremioOptionFunc adapts a function to a DremioOption.
type dremioOptionFunc func(*DremioRequest)

func (fn dremioOptionFunc) applyToDremio(r *DremioRequest) { fn(r) }

// WithDremioTables sets the tables a Dremio REST server exposes.
func WithDremioTables(tables ...string) DremioOption {
	return dremioOptionFunc(func(r *DremioRequest) { r.Tables = append(r.Tables, tables...) })
}

// A DremioRequest is a DremioRestServer to create. Make one with
// NewDremioRestServer.
type DremioRequest struct {
	// Name is the resource's name.
	Name string
	// Tables are the tables to expose.
	Tables     []string
	Connection Connection
}

// NewDremioRestServer returns the Dremio REST server called name.
func NewDremioRestServer(name string, opts ...DremioOption) DremioRequest {
	r := DremioRequest{Name: name}
	for _, opt := range opts {
		opt.applyToDremio(&r)
	}
	return r
}

// spec returns the request's spec: the tables comma separated, the UI's
// port default.
func (r DremioRequest) spec() DremioRestServerSpec {
	c := r.Connection
	return DremioRestServerSpec{
		Tables: strings.Join(r.Tables, ","),
		Connection: dremiov1.ConnectionProperties{
			Host: c.Host, Port: c.port(DefaultDremioPort), User: c.User, Password: c.Password.Reveal(),
			JDBCProperties: c.Params, SecretName: c.SecretName,
		},
	}
}

// Validate checks the server with the field paths of its resource, as the
// operator checks it at run time: tables, a host, and a user and password
// or a Secret (Client.CreateDremioRestServer checks that it holds USER and
// PASSWORD). No error shows the password.
func (r DremioRequest) Validate() field.ErrorList {
	errs := hub.ValidateName(field.NewPath("metadata", "name"), r.Name)
	if r.Connection.Database != "" {
		errs = append(errs, field.Forbidden(connectionPath.Child("database"), "a Dremio connection names no database"))
	}
	return append(errs, redact(validateDremioSpec(r.Name, r.spec()))...)
}

// Build returns the DremioRestServer resource in namespace. It does not
// validate.
func (r DremioRequest) Build(namespace string) *DremioRestServer {
	return &DremioRestServer{
		TypeMeta:   metav1.TypeMeta{APIVersion: dremiov1.GroupVersion.String(), Kind: "DremioRestServer"},
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: r.Name},
		Spec:       r.spec(),
	}
}

// redact masks the password in errs.
func redact(errs field.ErrorList) field.ErrorList {
	return secrets.RedactErrors(errs, "spec.connection.password")
}
