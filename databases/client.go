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
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/hubkit-dev/hubkit/hub"
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

// An Option configures a Client.
type Option func(*Client)

// KeepSecretName tells the Client that the operator runs with
// KEEP_SECRET_NAME=true, so a user's Secret is called "<secretName>"
// rather than "<secretName>-<resource name>".
func KeepSecretName() Option { return func(c *Client) { c.keepSecretName = true } }

// NewClient returns a Client over c.
func NewClient(c *hub.Client, opts ...Option) *Client {
	d := &Client{
		databases: hub.For[*Postgres](c),
		users:     hub.For[*PostgresUser](c),
		secrets:   hub.For[*corev1.Secret](c),
	}
	for _, opt := range opts {
		opt(d)
	}
	return d
}

// CreateDatabase validates db and creates its resource. An invalid
// database is a *hub.ValidationError; nothing is created then.
func (c *Client) CreateDatabase(ctx context.Context, db Database) (*Postgres, error) {
	if err := hub.NewValidationError(postgresKind, db.Name, db.Validate()); err != nil {
		return nil, err
	}
	ns, err := c.databases.Namespace()
	if err != nil {
		return nil, err
	}
	p := db.Build(ns)
	if err := c.databases.Create(ctx, p); err != nil {
		return nil, err
	}
	return p, nil
}

// Databases lists the database resources, sorted by name.
func (c *Client) Databases(ctx context.Context) ([]*Postgres, error) {
	page, err := c.databases.List(ctx)
	return page.Items, err
}

// Database returns the database resource called name.
func (c *Client) Database(ctx context.Context, name string) (*Postgres, error) {
	return c.databases.Get(ctx, name)
}

// DeleteDatabase deletes the database resource called name. The database
// itself is dropped only if the resource says dropOnDelete.
func (c *Client) DeleteDatabase(ctx context.Context, name string) error {
	return c.databases.Delete(ctx, name)
}

// CreateUser validates u, checks that its Postgres resource exists, and
// creates the user resource.
func (c *Client) CreateUser(ctx context.Context, u User) (*PostgresUser, error) {
	errs := u.Validate()
	if len(errs) == 0 {
		if _, err := c.databases.Get(ctx, u.Database); hub.IsNotFound(err) {
			errs = append(errs, field.NotFound(field.NewPath("spec", "database"), u.Database))
		} else if err != nil {
			return nil, err
		}
	}
	if err := hub.NewValidationError(postgresUserKind, u.Name, errs); err != nil {
		return nil, err
	}
	ns, err := c.users.Namespace()
	if err != nil {
		return nil, err
	}
	pu := u.Build(ns)
	if err := c.users.Create(ctx, pu); err != nil {
		return nil, err
	}
	return pu, nil
}

// Users lists the user resources, of the given Postgres resources only
// when any are named, sorted by name.
func (c *Client) Users(ctx context.Context, databases ...string) ([]*PostgresUser, error) {
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

// User returns the user resource called name.
func (c *Client) User(ctx context.Context, name string) (*PostgresUser, error) {
	return c.users.Get(ctx, name)
}

// DeleteUser deletes the user resource called name; the operator drops its
// login role and its Secret goes with it.
func (c *Client) DeleteUser(ctx context.Context, name string) error {
	return c.users.Delete(ctx, name)
}

// A Summary is the state of a database or user at a glance.
type Summary struct {
	Name  string
	Ready bool
	// Detail says what the operator made: the roles of a database, the
	// role and group of a user.
	Detail string
}

// DatabaseSummary summarises a database resource's status.
func DatabaseSummary(p *Postgres) Summary {
	if !p.Status.Succeeded {
		return Summary{Name: p.Name, Detail: "waiting for the operator"}
	}
	r := p.Status.Roles
	return Summary{Name: p.Name, Ready: true, Detail: fmt.Sprintf("database %s, roles %s/%s/%s", p.Spec.Database, r.Owner, r.Reader, r.Writer)}
}

// UserSummary summarises a user resource's status.
func UserSummary(u *PostgresUser) Summary {
	if !u.Status.Succeeded {
		return Summary{Name: u.Name, Detail: "waiting for the operator"}
	}
	return Summary{Name: u.Name, Ready: true, Detail: fmt.Sprintf("role %s in %s of database %s", u.Status.PostgresRole, u.Status.PostgresGroup, u.Status.DatabaseName)}
}

// WaitForUser waits until the operator reports the user called name ready,
// or timeout passes.
func (c *Client) WaitForUser(ctx context.Context, name string, timeout time.Duration) (*PostgresUser, error) {
	var u *PostgresUser
	err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		var err error
		u, err = c.users.Get(ctx, name)
		if err != nil {
			return false, err
		}
		return u.Status.Succeeded, nil
	})
	if err != nil {
		return nil, fmt.Errorf("waiting for postgres user %q to be ready: %w", name, err)
	}
	return u, nil
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

// ConnectionInfo reads the connection details of the user called name from
// the Secret the operator wrote for it.
func (c *Client) ConnectionInfo(ctx context.Context, name string) (ConnectionInfo, error) {
	u, err := c.users.Get(ctx, name)
	if err != nil {
		return ConnectionInfo{}, err
	}
	secretName := SecretNameFor(u, c.keepSecretName)
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
