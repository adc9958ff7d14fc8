// Package platform assembles every Hubkit domain in one place: one scheme
// with all types, all CRDs, every reconciler registered with a
// controller-runtime manager (each one switchable), and a facade with a
// client per domain. It is the top layer: the domain packages never import
// it. It holds no test code: the embedded demo cluster and the simulators
// are in platformtest, so an operator built on platform links neither
// testing nor a fake client.
package platform

import (
	"fmt"
	"slices"
	"sync"

	"github.com/hubkit-dev/hubkit/compositions"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/dataservices"
	"github.com/hubkit-dev/hubkit/gateway"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/crs"
	"github.com/hubkit-dev/hubkit/hub/workloads"
	"github.com/hubkit-dev/hubkit/objectstore"
	"github.com/hubkit-dev/hubkit/secrets"
	"github.com/hubkit-dev/hubkit/storage"
	"github.com/hubkit-dev/hubkit/tenancy"
)

// domains lists every domain's registry entry (its domain.go), lowest
// layer first. A new domain adds its entry here, its simulator to
// platformtest's list when it has kinds, and a row to the README: the
// scheme, the CRDs, the operator's reconcilers and flags, the demo data and
// the e2e setup come from this list.
var domains = []hub.Domain{
	crs.Domain,
	workloads.Domain,
	storage.Domain,
	secrets.Domain,
	databases.Domain,
	objectstore.Domain,
	dataservices.Domain,
	gateway.Domain,
	tenancy.Domain,
	compositions.Domain,
}

// Domains returns every domain's registry entry.
func Domains() []hub.Domain { return slices.Clone(domains) }

// NewScheme returns a scheme with client-go's types and every domain's.
func NewScheme() (*runtime.Scheme, error) {
	var adds []hub.AddToSchemeFunc
	for _, d := range domains {
		if d.AddToScheme != nil {
			adds = append(adds, d.AddToScheme)
		}
	}
	s, err := hub.NewScheme(adds...)
	if err != nil {
		return nil, fmt.Errorf("platform: %w", err)
	}
	return s, nil
}

// CRDs returns the CRDs of every domain.
func CRDs() []*apiextensionsv1.CustomResourceDefinition {
	var crds []*apiextensionsv1.CustomResourceDefinition
	for _, d := range domains {
		if d.CRDs != nil {
			crds = append(crds, d.CRDs()...)
		}
	}
	return crds
}

// Kinds returns every kind the domains serve to people (hub.Domain.Kinds),
// in the order of the list of domains.
func Kinds() []hub.Kind {
	var kinds []hub.Kind
	for _, d := range domains {
		kinds = append(kinds, d.Kinds...)
	}
	return kinds
}

// kindsByGroupKind indexes Kinds by the group and kind of their Object.
var kindsByGroupKind = sync.OnceValues(func() (map[schema.GroupKind]hub.Kind, error) {
	scheme, err := NewScheme()
	if err != nil {
		return nil, err
	}
	byGK := map[schema.GroupKind]hub.Kind{}
	for _, k := range Kinds() {
		gvk, err := hub.GroupVersionKindOf(scheme, k.Object)
		if err != nil {
			return nil, fmt.Errorf("platform: kind %s: %w", k.ID, err)
		}
		byGK[gvk.GroupKind()] = k
	}
	return byGK, nil
})

// KindOf returns the registered Kind of gk, and whether a domain serves it.
func KindOf(gk schema.GroupKind) (hub.Kind, bool) {
	byGK, err := kindsByGroupKind()
	if err != nil {
		return hub.Kind{}, false
	}
	k, ok := byGK[gk]
	return k, ok
}

// SecretFields returns the fields of kind that hold a secret in plain text,
// as field paths ("spec.secretKey", "data"), as its domain declares them.
func SecretFields(kind schema.GroupKind) []string {
	k, _ := KindOf(kind)
	return k.SecretFields
}

// A Platform is the facade over every domain client of one namespace.
type Platform struct {
	settings    settings
	hub         *hub.Client
	storage     *storage.Client
	secrets     *secrets.Client
	workloads   *workloads.Client
	databases   *databases.Client
	objectStore *objectstore.Client
	data        *dataservices.Client
	gateways    *gateway.Client
	crs         *crs.Client
}

// settings collects what the Options set.
type settings struct {
	hubOpts         []hub.Option
	storageOpts     []storage.Option
	secretsOpts     []secrets.Option
	databasesOpts   []databases.Option
	objectStoreOpts []objectstore.Option
	dataOpts        []dataservices.Option
	gatewayOpts     []gateway.Option
	crsOpts         []crs.Option
}

// An Option configures a Platform.
type Option func(*settings)

// WithHubOptions passes options to the hub.Client New makes.
func WithHubOptions(opts ...hub.Option) Option {
	return func(s *settings) { s.hubOpts = append(s.hubOpts, opts...) }
}

// WithStorage passes options to the storage client, such as
// storage.WithStorageClasses.
func WithStorage(opts ...storage.Option) Option {
	return func(s *settings) { s.storageOpts = append(s.storageOpts, opts...) }
}

// WithSecrets passes options to the secrets client, such as
// secrets.WithFilter.
func WithSecrets(opts ...secrets.Option) Option {
	return func(s *settings) { s.secretsOpts = append(s.secretsOpts, opts...) }
}

// WithDatabases passes options to the databases client, such as
// databases.KeepSecretName on a cluster whose operator keeps secret names.
func WithDatabases(opts ...databases.Option) Option {
	return func(s *settings) { s.databasesOpts = append(s.databasesOpts, opts...) }
}

// WithCustomResources passes options to the custom resources client, such
// as crs.OptionsFromEnv(os.Getenv)'s.
func WithCustomResources(opts ...crs.Option) Option {
	return func(s *settings) { s.crsOpts = append(s.crsOpts, opts...) }
}

// WithObjectStore passes options to the object store client.
func WithObjectStore(opts ...objectstore.Option) Option {
	return func(s *settings) { s.objectStoreOpts = append(s.objectStoreOpts, opts...) }
}

// WithDataServices passes options to the data services client; the
// databases options of WithDatabases reach it too, for the Secrets of
// PostgREST services over databases users.
func WithDataServices(opts ...dataservices.Option) Option {
	return func(s *settings) { s.dataOpts = append(s.dataOpts, opts...) }
}

// WithGateway passes options to the gateway client, such as
// gateway.WithPlatformDomain.
func WithGateway(opts ...gateway.Option) Option {
	return func(s *settings) { s.gatewayOpts = append(s.gatewayOpts, opts...) }
}

// New returns a Platform over the cluster cfg points at, with a scheme of
// every domain.
func New(cfg *rest.Config, opts ...Option) (*Platform, error) {
	var s settings
	for _, opt := range opts {
		opt(&s)
	}
	scheme, err := NewScheme()
	if err != nil {
		return nil, err
	}
	c, err := hub.New(cfg, append([]hub.Option{hub.WithScheme(scheme)}, s.hubOpts...)...)
	if err != nil {
		return nil, err
	}
	return wrap(c, s), nil
}

// WrapClient returns a Platform over a controller-runtime client (a
// manager's, or platformtest's in-memory cluster's), whose scheme must know
// every domain's types (see NewScheme), with the options of
// WithHubOptions.
func WrapClient(kube client.Client, opts ...Option) (*Platform, error) {
	var s settings
	for _, opt := range opts {
		opt(&s)
	}
	c, err := hub.Wrap(kube, s.hubOpts...)
	if err != nil {
		return nil, fmt.Errorf("platform: %w", err)
	}
	return wrap(c, s), nil
}

// Wrap returns a Platform over c, whose scheme must know every domain's
// types (see NewScheme). Options of WithHubOptions do not apply: c has its
// own.
func Wrap(c *hub.Client, opts ...Option) *Platform {
	var s settings
	for _, opt := range opts {
		opt(&s)
	}
	return wrap(c, s)
}

func wrap(c *hub.Client, s settings) *Platform {
	return &Platform{
		settings:    s,
		hub:         c,
		storage:     storage.NewClient(c, s.storageOpts...),
		secrets:     secrets.NewClient(c, s.secretsOpts...),
		workloads:   workloads.NewClient(c),
		databases:   databases.NewClient(c, s.databasesOpts...),
		objectStore: objectstore.NewClient(c, s.objectStoreOpts...),
		data:        dataservices.NewClient(c, append([]dataservices.Option{dataservices.WithDatabases(s.databasesOpts...)}, s.dataOpts...)...),
		gateways:    gateway.NewClient(c, s.gatewayOpts...),
		crs:         crs.NewClient(c, s.crsOpts...),
	}
}

// As returns the Platform acting as user, member of groups, through
// impersonation (see hub.Client.As).
func (p *Platform) As(user string, groups ...string) (*Platform, error) {
	c, err := p.hub.As(user, groups...)
	if err != nil {
		return nil, err
	}
	return wrap(c, p.settings), nil
}

// Hub returns the hub.Client underneath.
func (p *Platform) Hub() *hub.Client { return p.hub }

// Storage returns the client of PVCs and storage classes.
func (p *Platform) Storage() *storage.Client { return p.storage }

// Secrets returns the client of secrets.
func (p *Platform) Secrets() *secrets.Client { return p.secrets }

// Workloads returns the client of services, deployments, jobs and quotas.
func (p *Platform) Workloads() *workloads.Client { return p.workloads }

// Databases returns the client of PostgreSQL databases and users.
func (p *Platform) Databases() *databases.Client { return p.databases }

// CustomResources returns the client of custom resources of any kind and
// of their custom schemas.
func (p *Platform) CustomResources() *crs.Client { return p.crs }

// ObjectStore returns the client of buckets, policies and users.
func (p *Platform) ObjectStore() *objectstore.Client { return p.objectStore }

// DataServices returns the client of PostgREST services and Dremio REST
// servers.
func (p *Platform) DataServices() *dataservices.Client { return p.data }

// Gateways returns the client of API gateways.
func (p *Platform) Gateways() *gateway.Client { return p.gateways }
