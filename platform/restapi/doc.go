// Package restapi is the REST API of DigitalHub's resource manager (KRM) as
// an http.Handler that any team can mount in its own server. It is driven by
// the platform's registry: it serves the built-in kinds and the CRDs of
// every registered domain (platform.Kinds, platform.CRDs), checks a custom
// resource written whole as its domain's client checks one it creates
// (hub.Kind.Check: a PostgresUser of a database that does not exist, an
// object store User of a policy that does not exist are refused, naming the
// field, before anything is written), and masks the plain-text secret
// fields each domain declares (hub.Kind.SecretFields). Its paths, parameters, bodies and answers are the
// resource manager's, so the resource manager's own console works against
// it.
//
// # Endpoints
//
// Every path is under /api; there is no namespace in a path: the API serves
// the namespace of the Platform it acts through, as the resource manager
// serves its one K8S_NAMESPACE.
//
//	GET /api/k8s_service, /{id}                       Services the relevance selector selects
//	GET /api/k8s_deployment, /{id}, /{id}/log         Deployments; log = a list of lines
//	GET /api/k8s_job, /{id}, /{id}/log; DELETE /{id}  Jobs
//	GET, POST /api/k8s_pvc; GET, DELETE /{id}         claims (POST: name, accessModes, resourceAmount in Gi,
//	                                                  storageClassName, volumeMode, volumeName; DELETE ?force=true
//	                                                  deletes a claim still mounted)
//	GET /api/k8s_storageclass                         storage classes
//	GET, POST /api/k8s_secret; GET, DELETE /{id}      secrets, every value masked (POST: name, data in plain text)
//	GET /api/k8s_secret/{id}/decode/{key}             the one way to a value: {key: value}
//	GET /api/k8s_quota, /{id}                         quotas; status.hard and status.used always present
//	GET /api/crd, /{id}, /{id}/schema, /{id}/schemas  the CRDs served and their schemas
//	GET, POST /api/crs; GET, PUT, DELETE /{id}        custom schemas ("Settings"), kept in the cluster; all=true adds each CRD's own
//	GET /api/config                                   K8S_NAMESPACE and K8S_CRD_ALLOWED
//	GET /api/user                                     every resource with the operations offered
//	GET, POST /api/{crdId}; GET, PUT, DELETE /{id}    custom resources, crdId = <plural>.<group>
//
// Lists answer Spring's page JSON (content, totalElements, totalPages, size,
// number, ...) and take page (from 0), size (1 to 2000, 20 by default),
// sort=field,ASC|DESC (a dotted field path) and id (repeated or a comma
// list, a filter). Items are the objects' own fields plus "id" =
// metadata.name (see Item). A request that accepts application/x-yaml,
// text/yaml or text/yml before JSON is answered in YAML, and bodies in
// those types are read as YAML. The paths the resource manager reserves
// (crd, crs, config, user) are never read as a crdId.
//
// # Secrets
//
// Lists and details mask every field a domain declares secret in its
// hub.Kind.SecretFields (a Secret's data, whose keys stay; the object store
// User's spec.secretKey), in JSON and in YAML alike; only /decode returns a value,
// with Cache-Control: no-store.
//
// # Errors
//
// Every error is the resource manager's error JSON, whatever the request
// accepts: {timestamp, status, error, message, path}. NotFound is 404, a
// Forbidden from the cluster's RBAC 403, an *AuthenticationError 401, a path
// with no route 404, a method a path does not take 405 (with Allow), logs a
// cluster cannot give 501, a panic 500 (logged, see WithLogger), anything
// else 400. No message holds a secret value.
//
// # Cross-origin protection
//
// The resource manager has no CSRF tokens; neither has this API. Its CSRF
// protection is cross-origin protection: Go's http.CrossOriginProtection
// refuses cross-site POST, PUT and DELETE requests (by Sec-Fetch-Site, or
// Origin against Host) with a 403. Pages of the API's own origin and API
// clients, which send neither header, write with nothing extra.
//
// # Mounting
//
// New takes the function that gives the Platform acting for a request's
// user: a server authenticates the request there (returning an
// *AuthenticationError when it cannot) and impersonates the user
// (platform.Platform.As), so the cluster's RBAC decides what each user sees.
// The handler routes full paths: mount it at /api/ and /api of a mux, or
// behind http.StripPrefix under a prefix of your own.
//
//	api, err := restapi.New(func(r *http.Request) (*platform.Platform, error) {
//		user, ok := authenticate(r)
//		if !ok {
//			return nil, &restapi.AuthenticationError{Challenge: `Basic realm="team"`, Message: "sign in"}
//		}
//		return base.As(user)
//	})
//	mux.Handle("/api/", api)
//	mux.Handle("/api", api)
//
// examples/dashboard mounts it next to its web UI.
package restapi
