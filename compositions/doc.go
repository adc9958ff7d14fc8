// Package compositions publishes Helm charts as Kubernetes APIs, after
// Krateo's core-provider: a CompositionDefinition
// (compositions.hubkit.dev/v1alpha1) names a chart (an OCI reference, a
// Helm repository and chart name, or a chart archive's URL, with optional
// credentials from a Secret), and the Provisioner turns the chart's
// values.schema.json into a version of a CRD whose objects are the chart's
// releases.
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
