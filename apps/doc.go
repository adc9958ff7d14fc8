// Package apps is about the applications users start on a data-science
// platform: notebooks, IDEs and tools.
//
// # Templates and instances
//
// A Template (apps.hubkit.dev/v1alpha1, in a workspace's namespace) is
// what a platform team offers: a container Environment, after CrownLabs'
// (image, resources, ports, persistent or not, the tenant's personal
// storage mounted by default), or Karvdash-style Manifests with $VAR
// placeholders, and the Variables a user may set. An Instance (in a
// tenant's namespace) names a template, sets variables, and runs unless
// Running is false. RenderTemplate fills manifests as Karvdash does ($VAR
// and ${VAR}, $$ a dollar, the platform's NAMESPACE, HOSTNAME, REGISTRY,
// PRIVATE and SHARED not overridable, undeclared variables refused with
// their paths); UniqueName gives a clashing name Karvdash's random
// suffix; PhaseOf reports CrownLabs' phases.
//
// # The application contract
//
// The Squonk2 Data Manager finds application kinds by their CRD's
// annotations (that it is one, in which namespaces it may run, and where
// in an instance's status its URL is): MarkApplication marks a CRD,
// ApplicationOf reads the marks, ApplicationKinds lists the kinds
// available in a namespace, InstanceURL reads an instance's URL,
// InstanceLabel is the pod label the contract asks for, and
// ValidateApplicationCRD checks that a CRD takes the fields the Data
// Manager sets on every instance (the security context and the project
// volume, under spec.imDataManager).
//
// # Notebooks
//
// JupyterNotebook (package squonkv2, squonk.it/v2) is such a kind.
// NotebookReconciler renders what the Squonk2 Jupyter operator renders
// (NotebookObjects) and writes status.jupyter with the URL and its token;
// the token is made once, kept in the notebook's configuration ConfigMap,
// and never logged.
package apps
