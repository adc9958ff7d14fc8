// Package apps is about the applications users start on a data-science
// platform. This first part is the application contract of the Squonk2
// Data Manager: a CRD marked as an application (its annotations say so,
// in which namespaces it may run, and where in an instance's status its
// URL is) is an application kind; MarkApplication marks one,
// ApplicationOf reads the marks, ApplicationKinds lists the kinds
// available in a namespace, InstanceURL reads an instance's URL, and
// ValidateApplicationCRD checks that a CRD has the fields the Data
// Manager sets on every instance (the security context and the project
// volume, under spec.imDataManager). The notebooks of package squonkv2
// are such a kind.
package apps
