package databases

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"slices"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
	"github.com/hubkit-dev/hubkit/secrets"
)

var (
	postgresKind     = schema.GroupKind{Group: GroupVersion.Group, Kind: "Postgres"}
	postgresUserKind = schema.GroupKind{Group: GroupVersion.Group, Kind: "PostgresUser"}
)

// A Client manages the databases and users of one namespace, the
// hub.Client's. Its scheme must know this package's types (pass
// AddToScheme to hub.NewScheme).
type Client struct {
	databases      *hub.Resource[*Postgres]
	users          *hub.Resource[*PostgresUser]
	secrets        *hub.Resource[*corev1.Secret]
	keepSecretName bool
}

// An Option configures a Client or a Provisioner. What describes the
// operator a cluster runs (KeepSecretName) concerns both, so one list of
// options serves both; each ignores the options that are not its concern
// (WithServiceAddress, WithURIArgs and WithManagedOptions concern only a
// Provisioner).
type Option func(*settings)

// settings collects what the Options set.
type settings struct {
	secret  SecretSettings
	managed []reconcile.ManagedOption
}

func newSettings(opts []Option) settings {
	var s settings
	for _, opt := range opts {
		opt(&s)
	}
	return s
}

// KeepSecretName says that user Secrets are called "<secretName>" rather
// than "<secretName>-<resource name>", as the operator's
// KEEP_SECRET_NAME=true does: a Client then reads, and a Provisioner
// writes, the Secrets by that name.
func KeepSecretName() Option { return func(s *settings) { s.secret.KeepSecretName = true } }

// NewClient returns a Client over c.
func NewClient(c *hub.Client, opts ...Option) *Client {
	return &Client{
		databases:      hub.For[*Postgres](c),
		users:          hub.For[*PostgresUser](c),
		secrets:        hub.For[*corev1.Secret](c),
		keepSecretName: newSettings(opts).secret.KeepSecretName,
	}
}

// CreateDatabase validates db and creates its resource. An invalid
// database is a *hub.ValidationError; nothing is created then.
func (c *Client) CreateDatabase(ctx context.Context, db DatabaseRequest) (*Postgres, error) {
	return c.databases.CreateBuilt(ctx, postgresKind, db.Name, checkDatabase(db), db.Build, nil)
}

// ListDatabases lists the database resources, sorted by name.
func (c *Client) ListDatabases(ctx context.Context) ([]*Postgres, error) {
	page, err := c.databases.List(ctx)
	return page.Items, err
}

// GetDatabase returns the database resource called name.
func (c *Client) GetDatabase(ctx context.Context, name string) (*Postgres, error) {
	return c.databases.Get(ctx, name)
}

// DeleteDatabase deletes the database resource called name, the one it
// reads (a UID precondition). The database itself is dropped only if the
// resource says dropOnDelete.
func (c *Client) DeleteDatabase(ctx context.Context, name string) error {
	db, err := c.databases.Get(ctx, name)
	if err != nil {
		return err
	}
	return c.databases.DeleteObject(ctx, db)
}

// CreateUser validates u, checks that its Postgres resource exists, and
// creates the user resource.
func (c *Client) CreateUser(ctx context.Context, u UserRequest) (*PostgresUser, error) {
	errs, err := c.checkUser(ctx, u)
	if err != nil {
		return nil, err
	}
	return c.users.CreateBuilt(ctx, postgresUserKind, u.Name, errs, u.Build, nil)
}

// checkDatabase makes CreateDatabase's checks.
func checkDatabase(db DatabaseRequest) field.ErrorList { return db.Validate() }

// checkUser makes CreateUser's checks: u is valid and its Postgres
// resource exists.
func (c *Client) checkUser(ctx context.Context, u UserRequest) (field.ErrorList, error) {
	errs := u.Validate()
	if len(errs) > 0 {
		return errs, nil
	}
	if _, err := c.databases.Get(ctx, u.Database); hub.IsNotFound(err) {
		errs = append(errs, field.NotFound(field.NewPath("spec", "database"), u.Database))
	} else if err != nil {
		return nil, err
	}
	return errs, nil
}

// ListUsers lists the user resources, of the given Postgres resources only
// when any are named, sorted by name.
func (c *Client) ListUsers(ctx context.Context, databases ...string) ([]*PostgresUser, error) {
	page, err := c.users.List(ctx)
	if err != nil || len(databases) == 0 {
		return page.Items, err
	}
	var out []*PostgresUser
	for _, u := range page.Items {
		if slices.Contains(databases, u.Spec.Database) {
			out = append(out, u)
		}
	}
	return out, nil
}

// GetUser returns the user resource called name.
func (c *Client) GetUser(ctx context.Context, name string) (*PostgresUser, error) {
	return c.users.Get(ctx, name)
}

// DeleteUser deletes the user resource called name, the one it reads (a
// UID precondition); the operator drops its login role and its Secret goes
// with it.
func (c *Client) DeleteUser(ctx context.Context, name string) error {
	u, err := c.users.Get(ctx, name)
	if err != nil {
		return err
	}
	return c.users.DeleteObject(ctx, u)
}

// Readiness reports a database ready once the operator has made it and its
// roles.
func (p *Postgres) Readiness() hub.Readiness {
	if !p.Status.Succeeded {
		return hub.Readiness{State: "Pending", Message: "waiting for the operator"}
	}
	r := p.Status.Roles
	return hub.Readiness{Ready: true, State: "Ready", Message: fmt.Sprintf("database %s, roles %s/%s/%s", p.Spec.Database, r.Owner, r.Reader, r.Writer)}
}

// Readiness reports a user ready once the operator has made its login role
// and its Secret.
func (u *PostgresUser) Readiness() hub.Readiness {
	if !u.Status.Succeeded {
		return hub.Readiness{State: "Pending", Message: "waiting for the operator"}
	}
	return hub.Readiness{Ready: true, State: "Ready", Message: fmt.Sprintf("role %s in %s of database %s", u.Status.PostgresRole, u.Status.PostgresGroup, u.Status.DatabaseName)}
}

// WaitForDatabase waits until the operator reports the database called
// name ready, or ctx ends (give it a deadline), and returns it.
func (c *Client) WaitForDatabase(ctx context.Context, name string) (*Postgres, error) {
	return hub.WaitReady(ctx, c.databases, name)
}

// WaitForUser waits until the operator reports the user called name ready,
// or ctx ends (give it a deadline), and returns it.
func (c *Client) WaitForUser(ctx context.Context, name string) (*PostgresUser, error) {
	return hub.WaitReady(ctx, c.users, name)
}

// SecretNameFor returns the name of the Secret the operator writes for u:
// "<secretName>-<resource name>", or "<secretName>" when it keeps names.
func SecretNameFor(u *PostgresUser, keepSecretName bool) string {
	if keepSecretName {
		return u.Spec.SecretName
	}
	return u.Spec.SecretName + "-" + u.Name
}

// ConnectionInfo is how to connect to a database as a user, read from the
// user's Secret. Its password, and the URL that embeds it, redact
// themselves when printed or logged.
type ConnectionInfo struct {
	Host     string
	Port     int
	Database string
	Role     string
	Login    string
	Password secrets.Value
	// URL is the postgresql:// URL, password included.
	URL secrets.Value
	// JDBCURL is the jdbc:postgresql:// URL, without credentials.
	JDBCURL string
}

// String describes the connection without its password.
func (ci ConnectionInfo) String() string {
	return "postgresql://" + ci.Login + ":" + secrets.Mask + "@" + net.JoinHostPort(ci.Host, strconv.Itoa(ci.Port)) + "/" + ci.Database
}

// GoString is String, for %#v.
func (ci ConnectionInfo) GoString() string { return ci.String() }

// Format writes String for every verb.
func (ci ConnectionInfo) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, ci.String()) }

// LogValue logs everything but the password.
func (ci ConnectionInfo) LogValue() slog.Value {
	return slog.GroupValue(slog.String("host", ci.Host), slog.Int("port", ci.Port), slog.String("database", ci.Database), slog.String("login", ci.Login))
}

// SecretName returns the name of the Secret the operator writes for u,
// named as this Client knows the cluster's operator names them
// (KeepSecretName).
func (c *Client) SecretName(u *PostgresUser) string { return SecretNameFor(u, c.keepSecretName) }

// KeepsSecretNames tells whether the Client was told that the operator
// keeps user Secret names (KeepSecretName).
func (c *Client) KeepsSecretNames() bool { return c.keepSecretName }

// ConnectionInfo reads the connection details of the user called name from
// the Secret the operator wrote for it.
func (c *Client) ConnectionInfo(ctx context.Context, name string) (ConnectionInfo, error) {
	u, err := c.users.Get(ctx, name)
	if err != nil {
		return ConnectionInfo{}, err
	}
	secretName := c.SecretName(u)
	s, err := c.secrets.Get(ctx, secretName)
	if err != nil {
		return ConnectionInfo{}, fmt.Errorf("reading the connection secret of postgres user %q: %w", name, err)
	}
	return ConnectionInfoFromSecret(s)
}

// ConnectionInfoFromSecret reads the keys the operator writes (HOSTNAME,
// PORT, DATABASE_NAME, ROLE, LOGIN, PASSWORD, POSTGRES_URL,
// POSTGRES_JDBC_URL). A missing key is an error naming it, never a value.
func ConnectionInfoFromSecret(s *corev1.Secret) (ConnectionInfo, error) {
	get := func(key string) (string, error) {
		v, ok := s.Data[key]
		if !ok {
			return "", fmt.Errorf("secret %s/%s has no key %s: is it a postgres-operator user secret?", s.Namespace, s.Name, key)
		}
		return string(v), nil
	}
	var ci ConnectionInfo
	var port, password, pgURL string
	for key, dst := range map[string]*string{
		KeyHostname: &ci.Host, KeyPort: &port, KeyDatabaseName: &ci.Database, KeyRole: &ci.Role,
		KeyLogin: &ci.Login, KeyPassword: &password, KeyURL: &pgURL, KeyJDBCURL: &ci.JDBCURL,
	} {
		v, err := get(key)
		if err != nil {
			return ConnectionInfo{}, err
		}
		*dst = v
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return ConnectionInfo{}, fmt.Errorf("secret %s/%s: key %s is not a port number", s.Namespace, s.Name, KeyPort)
	}
	ci.Port = p
	ci.Password = secrets.Plain(password)
	ci.URL = secrets.Plain(pgURL)
	return ci, nil
}

// The keys of the Secret the operator writes for a PostgresUser.
const (
	KeyURL          = "POSTGRES_URL"
	KeyJDBCURL      = "POSTGRES_JDBC_URL"
	KeyDotnetURL    = "POSTGRES_DOTNET_URL"
	KeyHost         = "HOST"
	KeyDatabaseName = "DATABASE_NAME"
	KeyURIArgs      = "URI_ARGS"
	KeyRole         = "ROLE"
	KeyPassword     = "PASSWORD"
	KeyLogin        = "LOGIN"
	KeyPort         = "PORT"
	KeyHostname     = "HOSTNAME"
)

// secretData returns the keys of a user's Secret, as the operator writes
// them, for a role with password on database, served at host:port with
// uriArgs (such as "sslmode=disable").
func secretData(host string, port int, database, role, password, uriArgs string) map[string][]byte {
	hostPort := net.JoinHostPort(host, strconv.Itoa(port))
	pgURL := (&url.URL{Scheme: "postgresql", User: url.UserPassword(role, password), Host: hostPort, Path: "/" + database, RawQuery: uriArgs}).String()
	return map[string][]byte{
		KeyURL:          []byte(pgURL),
		KeyJDBCURL:      []byte(fmt.Sprintf("jdbc:postgresql://%s/%s", hostPort, database)),
		KeyDotnetURL:    []byte(fmt.Sprintf("User ID=%s;Password=%s;Host=%s;Port=%d;Database=%s;", role, password, host, port, database)),
		KeyHost:         []byte(hostPort),
		KeyDatabaseName: []byte(database),
		KeyURIArgs:      []byte(uriArgs),
		KeyRole:         []byte(role),
		KeyPassword:     []byte(password),
		KeyLogin:        []byte(role),
		KeyPort:         []byte(strconv.Itoa(port)),
		KeyHostname:     []byte(host),
	}
}

// Finalizer is the finalizer the postgres-operator puts on Postgres and
// PostgresUser resources; Hubkit's Provisioner uses the same name.
const Finalizer = "finalizer.db.movetokube.com"
