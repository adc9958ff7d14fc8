// Package compositions publishes Helm charts as Kubernetes APIs, after
// Krateo's core-provider and composition-dynamic-controller: a
// CompositionDefinition (compositions.hubkit.dev/v1alpha1) names a chart
// (an OCI reference, a Helm repository and chart name, or a chart
// archive's URL, with optional credentials from a Secret), the Provisioner
// turns the chart's values.schema.json into a version of a CRD, and each
// object of that kind (a composition) is a Helm release of the chart with
// its spec as values.
//
// # Compositions as Helm releases
//
// A Composer runs a Releaser for every version a Ready definition serves,
// in-process and without generated code (Krateo deploys a controller per
// definition and version), started when the version appears and stopped
// when it goes. A Releaser installs, upgrades and uninstalls through the
// Helm v3 SDK (releases in Helm's own Secrets, SecretReleases, so that
// helm list and helm history see them). A converged resync runs no Helm
// action: what the chart renders now is compared by digest (Render) with
// what the release rendered, never by timestamps. The status has Ready
// and Synced, the release's name and revision, the chart's URL and
// version, the digest and the objects the release manages.
//
// Metadata, as Krateo's: AnnotationPaused stops every Helm action (Synced
// says so); LabelReleaseName is set once (DefaultReleaseName: the name
// and the start of the UID); AnnotationDeletionPolicy orphans a release on
// delete; AnnotationManagementPolicy "observe" only reports it.
//
// Least privilege: before Helm runs, the Releaser derives from what the
// chart renders the Role (namespaced kinds, per namespace) and ClusterRole
// (cluster-scoped kinds) the release needs, naming each group, resource
// and the verbs Helm uses, never "*" (PermissionsOf, RBACObjects), binds
// them to the composition's ServiceAccount, and Helm acts as that
// ServiceAccount (impersonation): the API server refuses a chart whatever
// its RBAC does not name. The operator itself must be allowed to
// impersonate ServiceAccounts and to grant what charts render.
//
// Versions: LabelVersion says which version a composition is at; without
// it, the version it was created through (FieldCreatedAs, defaulted by
// each version's schema, so no mutating webhook is needed). Changing the
// label moves the composition: up, an upgrade to that version's chart;
// back to a chart version its history holds with the same rendering, a
// Helm rollback. A move the new version's schema would refuse, or that
// would drop fields, is refused before anything renders, with the paths of
// the fields (ValidateSpec): never Krateo's mass migration without
// rollback (core-provider #81). Definitions never move compositions by
// themselves.
//
// # Schema to CRD, in-process
//
// SpecSchema converts a chart's JSON Schema (draft-07 or 2020-12) into the
// OpenAPI schema of the kind's spec in-process, with no Go toolchain and no
// temporary files (Krateo's generator writes Go types and runs
// controller-gen at run time), keeping nested objects, required fields,
// defaults, enums and bounds (which Krateo's users report lost), and checks
// the result with the API server's own structural-schema and CRD
// validation before it is applied. StatusSchema is the fixed status every
// generated kind gets.
//
// # Names
//
// The kind's group is DefaultGroup (WithGroup sets another), its version
// comes from the chart's (1.2.3 → v1-2-3: VersionOf), its kind from the
// chart's name (fireworks-app → FireworksApp: KindOf), its plural as
// Kubernetes guesses it; every generated CRD is in the categories
// "compositions" and "comps".
//
// # Several chart versions, one CRD, and storage
//
// Definitions of several versions of one chart add versions to one CRD.
// Every object is stored in the version StorageVersion ("vacuum": not
// served, a schema that keeps every field), from the first version on, and
// the CRD's conversion is None, which the API server does by changing the
// apiVersion only. This is Krateo's choice (a vacuum storage version and a
// conversion webhook that copies objects verbatim) without the webhook,
// which None already is, and with the vacuum version from the start rather
// than from the second chart version: the API server refuses to remove a
// version that objects are stored in (status.storedVersions), so a chart
// version that had been the storage version could never be removed
// without migrating every object. With the vacuum version stored from the
// start, deleting a definition removes its served version and nothing
// else; every object stays readable through the versions that remain, and
// the fields a version does not declare are pruned from what it serves,
// not from what is stored. The CRD itself goes when its last definition
// goes and no object of the kind remains.
package compositions
