// Package crs serves custom resources of any kind, as DigitalHub's resource
// manager does: it discovers the CRDs a platform may show (allow and deny
// lists), reads each version's schema, keeps custom schemas for CRDs that
// have none worth the name (CustomResourceSchema objects in the cluster, the
// resource manager's "Settings"), and reads and writes custom resources as
// unstructured objects, validated before they are sent (with the API
// server's own validator, pruning and defaulting) against the custom schema
// when one is set, else the CRD's, and scoped by the
// app.kubernetes.io/created-by label when configured.
//
//	c := crs.NewClient(hubClient, crs.OptionsFromEnv(os.Getenv)...)
//	crds, err := c.ListCRDs(ctx)
//	res, err := c.Resources(ctx, "postgres.db.movetokube.com")
//	err = res.Create(ctx, obj) // a *hub.ValidationError names each bad field
//
// Schema compiles one served version as the API server does; the fake
// cluster (hubtest) admits custom resources with it too.
package crs
