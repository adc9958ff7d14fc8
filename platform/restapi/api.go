package restapi

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/crs"
	"github.com/hubkit-dev/hubkit/hub/workloads"
	"github.com/hubkit-dev/hubkit/platform"
	"github.com/hubkit-dev/hubkit/secrets"
	"github.com/hubkit-dev/hubkit/storage"
)

// The resource manager's id patterns (reference: KRM's REST API).
var (
	crdIDPattern = regexp.MustCompile(`^[a-z0-9-]+(?:\.[a-z0-9-]+)+$`)
	idPattern    = regexp.MustCompile(`^[a-z0-9-.]+$`)
)

// apiError is the resource manager's error JSON.
type apiError struct {
	Timestamp string `json:"timestamp"`
	Status    int    `json:"status"`
	Error     string `json:"error"`
	Message   string `json:"message"`
	Path      string `json:"path"`
	// Fields names each invalid field of a refused write, so that a form
	// shows each message next to its field; Hubkit's addition to the
	// resource manager's error JSON, absent from other errors.
	Fields []fieldError `json:"fields,omitempty"`
}

// A fieldError is one invalid field of a refused write.
type fieldError struct {
	// Field is the field's path in the object: "spec.database",
	// "spec.policies[0]", "metadata.name".
	Field   string `json:"field"`
	Message string `json:"message"`
}

// fieldErrors lists the invalid fields err names: a *hub.ValidationError's,
// or the causes of the API server's Invalid answer.
func fieldErrors(err error) []fieldError {
	if ve, ok := errors.AsType[*hub.ValidationError](err); ok {
		out := make([]fieldError, 0, len(ve.Errors))
		for _, e := range ve.Errors {
			out = append(out, fieldError{Field: e.Field, Message: e.ErrorBody()})
		}
		return out
	}
	var status apierrors.APIStatus
	if !errors.As(err, &status) || status.Status().Details == nil {
		return nil
	}
	var out []fieldError
	for _, cause := range status.Status().Details.Causes {
		if cause.Field != "" {
			out = append(out, fieldError{Field: cause.Field, Message: cause.Message})
		}
	}
	return out
}

// writeError answers with the resource manager's error JSON, choosing the
// status from err: 404 for NotFound, 403 for Forbidden, 400 otherwise, as
// its GlobalExceptionHandler does; 401 for an *AuthenticationError, with its
// challenge; 501 where the cluster cannot give logs. Errors never hold
// secret values.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusBadRequest
	_, ours := errors.AsType[notFoundError](err)
	unauthenticated, isAuth := errors.AsType[*AuthenticationError](err)
	switch {
	case isAuth:
		status = http.StatusUnauthorized
		if unauthenticated.Challenge != "" {
			w.Header().Set("WWW-Authenticate", unauthenticated.Challenge)
		}
	case hub.IsNotFound(err), ours:
		status = http.StatusNotFound
	case hub.IsForbidden(err):
		status = http.StatusForbidden
	case errors.Is(err, workloads.ErrLogsUnavailable):
		status = http.StatusNotImplemented
	}
	writeJSON(w, status, apiError{
		Timestamp: time.Now().UTC().Format(time.RFC3339Nano), Status: status,
		Error: http.StatusText(status), Message: err.Error(), Path: r.URL.Path,
		Fields: fieldErrors(err),
	})
}

// writeErrorStatus answers with the error JSON of status. Errors are always
// JSON, whatever the request accepts.
func writeErrorStatus(w http.ResponseWriter, r *http.Request, status int, message string) {
	writeJSON(w, status, apiError{
		Timestamp: time.Now().UTC().Format(time.RFC3339Nano), Status: status,
		Error: http.StatusText(status), Message: message, Path: r.URL.Path,
	})
}

// The kinds whose items Item changes beyond masking their domain's secret
// fields.
var (
	quotaKind = schema.GroupKind{Kind: "ResourceQuota"}
)

// platformScheme knows every domain's types: it tells a typed object's
// kind, and so which of its fields are secret.
var platformScheme = sync.OnceValues(platform.NewScheme)

// Item returns obj as the API answers it: the object's own fields, without
// metadata.managedFields, plus "id" = metadata.name. Every secret is masked
// (secrets.Mask): each field that obj's domain declares secret for its kind
// (platform.SecretFields: each value of a Secret's data, the object store
// User's spec.secretKey). A ResourceQuota's status always has hard and used
// maps, empty when the cluster has not filled them (the embedded cluster
// runs no quota controller): the resource manager's console reads both
// without checking. Item fails for an object whose kind it cannot tell (an
// unstructured object without apiVersion and kind, a type no domain
// registers), rather than risk showing a secret.
func Item(obj runtime.Object) (map[string]any, error) {
	scheme, err := platformScheme()
	if err != nil {
		return nil, fmt.Errorf("restapi: %w", err)
	}
	gvk, err := hub.GroupVersionKindOf(scheme, obj)
	if err != nil {
		return nil, fmt.Errorf("restapi: cannot tell which fields of the object are secret: %w", err)
	}
	var m map[string]any
	if u, ok := obj.(*unstructured.Unstructured); ok {
		m = runtime.DeepCopyJSON(u.Object)
	} else if m, err = runtime.DefaultUnstructuredConverter.ToUnstructured(obj); err != nil {
		return nil, fmt.Errorf("restapi: converting the object: %w", err)
	}
	if md, ok := m["metadata"].(map[string]any); ok {
		delete(md, "managedFields")
		m["id"] = md["name"]
	}
	if gvk.GroupKind() == quotaKind {
		fillQuotaStatus(m)
	}
	for _, path := range platform.SecretFields(gvk.GroupKind()) {
		maskField(m, path)
	}
	return m, nil
}

// fillQuotaStatus gives a ResourceQuota's item a status with hard and used
// maps.
func fillQuotaStatus(m map[string]any) {
	status, _ := m["status"].(map[string]any)
	if status == nil {
		status = map[string]any{}
		m["status"] = status
	}
	for _, key := range []string{"hard", "used"} {
		if _, ok := status[key].(map[string]any); !ok {
			status[key] = map[string]any{}
		}
	}
}

// maskField masks the field at the dotted path ("spec.secretKey") of an
// item, when it has one; a field that holds a map (a Secret's data) keeps
// its keys, each value masked.
func maskField(m map[string]any, path string) {
	holder, key, ok := fieldAt(m, path)
	if !ok {
		return
	}
	switch value := holder[key].(type) {
	case nil:
	case map[string]any:
		for k := range value {
			value[k] = secrets.Mask
		}
	default:
		holder[key] = secrets.Mask
	}
}

// fieldAt finds the field at a dotted path ("metadata.name") of an item: the
// map that holds it, and its key there; false when a step of the path is no
// map.
func fieldAt(m map[string]any, path string) (map[string]any, string, bool) {
	for {
		part, rest, more := strings.Cut(path, ".")
		if !more {
			return m, part, true
		}
		next, ok := m[part].(map[string]any)
		if !ok {
			return nil, "", false
		}
		m, path = next, rest
	}
}

// namedItem is the item of a summary (a storage class, a created secret)
// rather than of an object: fields, with name as id and as metadata.name.
func namedItem(name string, fields map[string]any) map[string]any {
	fields["id"] = name
	fields["metadata"] = map[string]any{"name": name}
	return fields
}

// writeItem answers with obj as Item shows it.
func writeItem(w http.ResponseWriter, r *http.Request, obj runtime.Object) {
	m, err := Item(obj)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeOK(w, r, m)
}

// deleteByID deletes the object the request's {id} names with del.
func deleteByID(w http.ResponseWriter, r *http.Request, del func(id string) error) {
	id, err := pathID(r)
	if err == nil {
		err = del(id)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// page is Spring's Page JSON, which the resource manager's lists return.
type page struct {
	Content          []map[string]any `json:"content"`
	TotalElements    int              `json:"totalElements"`
	TotalPages       int              `json:"totalPages"`
	Size             int              `json:"size"`
	Number           int              `json:"number"`
	NumberOfElements int              `json:"numberOfElements"`
	First            bool             `json:"first"`
	Last             bool             `json:"last"`
	Empty            bool             `json:"empty"`
	Sort             pageSort         `json:"sort"`
}

type pageSort struct {
	Sorted   bool `json:"sorted"`
	Unsorted bool `json:"unsorted"`
	Empty    bool `json:"empty"`
}

// lookup reads a dotted field path ("metadata.creationTimestamp") of an item.
func lookup(m map[string]any, path string) string {
	holder, key, ok := fieldAt(m, path)
	if !ok || holder[key] == nil {
		return ""
	}
	return fmt.Sprint(holder[key])
}

// paginate filters items by the id parameter, sorts them by sort=field,dir
// and returns the page the page and size parameters ask for.
func paginate(r *http.Request, items []map[string]any) (page, error) {
	q := r.URL.Query()
	if ids := q["id"]; len(ids) > 0 {
		wanted := make([]string, 0, len(ids))
		for _, id := range ids {
			wanted = append(wanted, strings.Split(id, ",")...)
		}
		items = slices.DeleteFunc(items, func(m map[string]any) bool { return !slices.Contains(wanted, fmt.Sprint(m["id"])) })
	}
	size, number := 20, 0
	if v := q.Get("size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 2000 {
			return page{}, fmt.Errorf("size %q: want a number from 1 to 2000", v)
		}
		size = n
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return page{}, fmt.Errorf("page %q: want a number from 0", v)
		}
		number = n
	}
	field, dir := "id", "ASC"
	sorted := false
	if v := q.Get("sort"); v != "" {
		f, d, _ := strings.Cut(v, ",")
		field, sorted = f, true
		if d != "" {
			dir = strings.ToUpper(d)
		}
		if dir != "ASC" && dir != "DESC" {
			return page{}, fmt.Errorf("sort %q: the direction is ASC or DESC", v)
		}
	}
	slices.SortStableFunc(items, func(a, b map[string]any) int {
		c := cmp.Compare(lookup(a, field), lookup(b, field))
		if dir == "DESC" {
			c = -c
		}
		return c
	})
	total := len(items)
	start := min(number*size, total)
	end := min(start+size, total)
	content := items[start:end]
	pages := int(math.Ceil(float64(total) / float64(size)))
	return page{
		Content: content, TotalElements: total, TotalPages: pages, Size: size, Number: number,
		NumberOfElements: len(content), First: number == 0, Last: number >= pages-1, Empty: len(content) == 0,
		Sort: pageSort{Sorted: sorted, Unsorted: !sorted, Empty: !sorted},
	}, nil
}

// listOf answers a list request with the items of objs.
func listOf[T client.Object](w http.ResponseWriter, r *http.Request, objs []T) {
	items, err := itemsOf(objs)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writePage(w, r, items)
}

// itemsOf is each object as the API answers it (Item).
func itemsOf[T client.Object](objs []T) ([]map[string]any, error) {
	items := make([]map[string]any, 0, len(objs))
	for _, o := range objs {
		m, err := Item(o)
		if err != nil {
			return nil, err
		}
		items = append(items, m)
	}
	return items, nil
}

// writePage answers with the page of items the request asks for.
func writePage(w http.ResponseWriter, r *http.Request, items []map[string]any) {
	p, err := paginate(r, items)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeOK(w, r, p)
}

// pathID reads and checks the {id} of a request.
func pathID(r *http.Request) (string, error) {
	id := r.PathValue("id")
	if !idPattern.MatchString(id) {
		return "", fmt.Errorf("id %q: want lowercase letters, digits, '-' and '.'", id)
	}
	return id, nil
}

// relevantList lists the objects of kind T the client's selector selects.
func relevantList[T client.Object](w http.ResponseWriter, r *http.Request, p *platform.Platform) {
	objs, err := hub.For[T](p.Hub()).ListRelevant(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	listOf(w, r, objs)
}

// relevantGet answers with one object of kind T the selector selects.
func relevantGet[T client.Object](w http.ResponseWriter, r *http.Request, p *platform.Platform) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	obj, err := getRelevant[T](r.Context(), p, id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeItem(w, r, obj)
}

// getRelevant reads the object of kind T called id, NotFound unless the
// platform's selector for T selects it.
func getRelevant[T client.Object](ctx context.Context, p *platform.Platform, id string) (T, error) {
	res := hub.For[T](p.Hub())
	obj, err := res.Get(ctx, id)
	if err != nil {
		return obj, err
	}
	if sel, ok := p.Hub().Selector(res.GroupVersionKind().GroupKind()); ok && !sel.MatchesLabels(obj.GetLabels()) {
		var zero T
		return zero, notFoundError{what: fmt.Sprintf("%s %q", res.GroupVersionKind().Kind, id)}
	}
	return obj, nil
}

// register adds the routes of the API to mux. The paths the resource
// manager reserves (crd, crs, config, user) are routed before /api/{crdId}
// for every method that route takes, so they are never read as a custom
// resource's id.
func (h *Handler) register(mux *apiMux) {
	with := h.withPlatform
	mux.HandleFunc("GET /api/k8s_service", with(relevantList[*corev1.Service]))
	mux.HandleFunc("GET /api/k8s_service/{id}", with(relevantGet[*corev1.Service]))
	mux.HandleFunc("GET /api/k8s_deployment", with(relevantList[*appsv1.Deployment]))
	mux.HandleFunc("GET /api/k8s_deployment/{id}", with(relevantGet[*appsv1.Deployment]))
	mux.HandleFunc("GET /api/k8s_deployment/{id}/log", with(h.logLines(deploymentLogs)))
	mux.HandleFunc("GET /api/k8s_job", with(relevantList[*batchv1.Job]))
	mux.HandleFunc("GET /api/k8s_job/{id}", with(relevantGet[*batchv1.Job]))
	mux.HandleFunc("GET /api/k8s_job/{id}/log", with(h.logLines(jobLogs)))
	mux.HandleFunc("DELETE /api/k8s_job/{id}", with(deleteJob))
	mux.HandleFunc("GET /api/k8s_pvc", with(relevantList[*corev1.PersistentVolumeClaim]))
	mux.HandleFunc("POST /api/k8s_pvc", with(createPVC))
	mux.HandleFunc("GET /api/k8s_pvc/{id}", with(relevantGet[*corev1.PersistentVolumeClaim]))
	mux.HandleFunc("DELETE /api/k8s_pvc/{id}", with(deletePVC))
	mux.HandleFunc("GET /api/k8s_storageclass", with(listStorageClasses))
	mux.HandleFunc("GET /api/k8s_secret", with(listSecrets))
	mux.HandleFunc("POST /api/k8s_secret", with(createSecret))
	mux.HandleFunc("GET /api/k8s_secret/{id}", with(getSecret))
	mux.HandleFunc("DELETE /api/k8s_secret/{id}", with(deleteSecret))
	mux.HandleFunc("GET /api/k8s_secret/{id}/decode/{key}", with(decodeSecret))
	mux.HandleFunc("GET /api/k8s_quota", with(relevantList[*corev1.ResourceQuota]))
	mux.HandleFunc("GET /api/k8s_quota/{id}", with(relevantGet[*corev1.ResourceQuota]))

	// The reserved paths.
	mux.HandleFunc("GET /api/crd", with(h.listCRDs))
	mux.HandleFunc("GET /api/crd/{id}", with(h.getCRD))
	mux.HandleFunc("GET /api/crd/{id}/schema", with(h.crdSchema))
	mux.HandleFunc("GET /api/crd/{id}/schemas", with(h.crdSchemas))
	mux.HandleFunc("GET /api/crs", with(h.listSchemas))
	mux.HandleFunc("POST /api/crs", with(h.createSchema))
	mux.HandleFunc("GET /api/crs/{id}", with(getSchema))
	mux.HandleFunc("PUT /api/crs/{id}", with(h.updateSchema))
	mux.HandleFunc("DELETE /api/crs/{id}", with(deleteSchema))
	mux.HandleFunc("GET /api/config", with(h.config))
	mux.HandleFunc("GET /api/user", with(h.user))
	for _, path := range []string{"/api/crd", "/api/config", "/api/user"} {
		// POST /api/{crdId} would take these.
		mux.refuse("POST "+path, methodNotAllowed)
	}
	for _, path := range []string{"/api/crd/{id}"} {
		// PUT and DELETE /api/{crdId}/{id} would take these.
		mux.refuse("PUT "+path, methodNotAllowed)
		mux.refuse("DELETE "+path, methodNotAllowed)
	}
	for _, path := range []string{"/api/config/{id}", "/api/user/{id}"} {
		// GET, PUT and DELETE /api/{crdId}/{id} would take these.
		for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodDelete} {
			mux.refuse(method+" "+path, noSuchPath)
		}
	}

	h.registerCompositions(mux)

	mux.HandleFunc("GET /api/{crdId}", with(h.listCRs))
	mux.HandleFunc("POST /api/{crdId}", with(h.createCR))
	mux.HandleFunc("GET /api/{crdId}/{id}", with(h.getCR))
	mux.HandleFunc("PUT /api/{crdId}/{id}", with(h.updateCR))
	mux.HandleFunc("DELETE /api/{crdId}/{id}", with(h.deleteCR))
}

// methodNotAllowed answers a write to a reserved path, which only reads.
func methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Allow", "GET, HEAD")
	writeErrorStatus(w, r, http.StatusMethodNotAllowed, fmt.Sprintf("%s is not allowed on %s; allowed: GET, HEAD", r.Method, r.URL.Path))
}

// noSuchPath answers a path under a reserved one that has no route.
func noSuchPath(w http.ResponseWriter, r *http.Request) {
	writeErrorStatus(w, r, http.StatusNotFound, "no such API path: "+r.URL.Path)
}

func deleteJob(w http.ResponseWriter, r *http.Request, p *platform.Platform) {
	deleteByID(w, r, func(id string) error { return p.Workloads().DeleteJob(r.Context(), id) })
}

// pvcRequest is the resource manager's PVC create body.
type pvcRequest struct {
	Name             string                              `json:"name"`
	AccessModes      []corev1.PersistentVolumeAccessMode `json:"accessModes"`
	ResourceAmount   int64                               `json:"resourceAmount"`
	StorageClassName string                              `json:"storageClassName"`
	VolumeMode       corev1.PersistentVolumeMode         `json:"volumeMode"`
	VolumeName       string                              `json:"volumeName"`
}

func createPVC(w http.ResponseWriter, r *http.Request, p *platform.Platform) {
	var req pvcRequest
	if err := decodeBody(r, &req); err != nil {
		writeError(w, r, err)
		return
	}
	claim := storage.NewClaim(req.Name, storage.Gi(req.ResourceAmount), storage.WithStorageClass(req.StorageClassName),
		storage.WithAccessModes(req.AccessModes...), storage.WithVolumeMode(req.VolumeMode), storage.WithVolumeName(req.VolumeName))
	if _, err := p.Storage().Create(r.Context(), claim); err != nil {
		writeError(w, r, err)
		return
	}
	pvc, err := hub.For[*corev1.PersistentVolumeClaim](p.Hub()).Get(r.Context(), req.Name)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeItem(w, r, pvc)
}

func deletePVC(w http.ResponseWriter, r *http.Request, p *platform.Platform) {
	var opts []storage.DeleteOption
	if r.URL.Query().Get("force") == "true" {
		opts = append(opts, storage.Force())
	}
	deleteByID(w, r, func(id string) error { return p.Storage().Delete(r.Context(), id, opts...) })
}

func listStorageClasses(w http.ResponseWriter, r *http.Request, p *platform.Platform) {
	classes, err := p.Storage().StorageClasses(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	items := make([]map[string]any, 0, len(classes))
	for _, c := range classes {
		items = append(items, namedItem(c.Name, map[string]any{
			"provisioner": c.Provisioner, "default": c.Default, "volumeBindingMode": c.VolumeBindingMode}))
	}
	writePage(w, r, items)
}

func listSecrets(w http.ResponseWriter, r *http.Request, p *platform.Platform) {
	objs, err := p.Secrets().Objects(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	listOf(w, r, objs)
}

func getSecret(w http.ResponseWriter, r *http.Request, p *platform.Platform) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if _, err := p.Secrets().Get(r.Context(), id); err != nil {
		writeError(w, r, err)
		return
	}
	obj, err := hub.For[*corev1.Secret](p.Hub()).Get(r.Context(), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeItem(w, r, obj)
}

// secretRequest is the resource manager's secret create body.
type secretRequest struct {
	Name string            `json:"name"`
	Data map[string]string `json:"data"`
}

func createSecret(w http.ResponseWriter, r *http.Request, p *platform.Platform) {
	var req secretRequest
	if err := decodeBody(r, &req); err != nil {
		writeError(w, r, err)
		return
	}
	keys := make([]string, 0, len(req.Data))
	for k := range req.Data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	entries := make([]secrets.Entry, 0, len(keys))
	for _, k := range keys {
		entries = append(entries, secrets.KV(k, req.Data[k]))
	}
	sum, err := p.Secrets().Create(r.Context(), secrets.NewSecret(req.Name, entries...))
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeOK(w, r, namedItem(sum.Name, map[string]any{"type": sum.Type}))
}

func deleteSecret(w http.ResponseWriter, r *http.Request, p *platform.Platform) {
	deleteByID(w, r, func(id string) error { return p.Secrets().Delete(r.Context(), id) })
}

func decodeSecret(w http.ResponseWriter, r *http.Request, p *platform.Platform) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	key := r.PathValue("key")
	v, err := p.Secrets().Decode(r.Context(), id, key)
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeOK(w, r, map[string]string{key: v.Reveal()})
}

// kind returns the kind of the storage version of the CRD the API serves
// whose id is crdID.
func (h *Handler) kind(crdID string) (schema.GroupVersionKind, error) {
	crd, err := h.crd(crdID)
	if err != nil {
		return schema.GroupVersionKind{}, err
	}
	v, err := storageVersion(crd)
	if err != nil {
		return schema.GroupVersionKind{}, err
	}
	return schema.GroupVersionKind{Group: crd.Spec.Group, Version: v.Name, Kind: crd.Spec.Names.Kind}, nil
}

// notFoundError is a NotFound of the API's own making.
type notFoundError struct{ what string }

func (e notFoundError) Error() string { return e.what + " is not one the API serves" }

// user answers the resource manager's /api/user: every resource the API
// serves, with the operations the user may ask for. The API offers them
// all; the cluster's RBAC, acting as the user, decides each request.
func (h *Handler) user(w http.ResponseWriter, r *http.Request, p *platform.Platform) {
	ops := map[string][]string{}
	for _, kind := range BuiltinKinds() {
		ops[kind.ID] = []string{"all"}
	}
	for _, crd := range h.servedTo(p) {
		ops[crd.Name] = []string{"all"}
	}
	writeOK(w, r, ops)
}

// resources returns the custom resources of the CRD the API serves whose
// id is crdID, through p's custom resources client: scoped and validated
// as the resource manager does (see crs.Resources).
func (h *Handler) resources(r *http.Request, p *platform.Platform, crdID string) (*crs.Resources, error) {
	if _, err := h.crdFor(p, crdID); err != nil {
		return nil, err
	}
	return p.CustomResources().Resources(r.Context(), crdID)
}

func (h *Handler) listCRs(w http.ResponseWriter, r *http.Request, p *platform.Platform) {
	res, err := h.resources(r, p, r.PathValue("crdId"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	items, err := res.List(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	listOf(w, r, items)
}

func (h *Handler) getCR(w http.ResponseWriter, r *http.Request, p *platform.Platform) {
	res, err := h.resources(r, p, r.PathValue("crdId"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	id, err := pathID(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	obj, err := res.Get(r.Context(), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeItem(w, r, obj)
}

// crBody reads a custom resource body: the full CR, in JSON or YAML, "id"
// allowed. Without apiVersion and kind it is of gvk; with them, they are
// kept, for the write to refuse a version that is not the storage one.
func crBody(r *http.Request, gvk schema.GroupVersionKind) (*unstructured.Unstructured, error) {
	body, err := requestJSON(r)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.NewDecoder(body).Decode(&m); err != nil {
		return nil, fmt.Errorf("the request body: %w", err)
	}
	delete(m, "id")
	u := &unstructured.Unstructured{Object: m}
	if u.GetAPIVersion() == "" {
		u.SetAPIVersion(gvk.GroupVersion().String())
	}
	u.SetKind(gvk.Kind)
	return u, nil
}

func (h *Handler) createCR(w http.ResponseWriter, r *http.Request, p *platform.Platform) {
	res, err := h.resources(r, p, r.PathValue("crdId"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	u, err := crBody(r, res.GroupVersionKind())
	if err != nil {
		writeError(w, r, err)
		return
	}
	if err := check(r.Context(), p, u); err != nil {
		writeError(w, r, err)
		return
	}
	if err := res.Create(r.Context(), u); err != nil {
		writeError(w, r, err)
		return
	}
	writeItem(w, r, u)
}

func (h *Handler) updateCR(w http.ResponseWriter, r *http.Request, p *platform.Platform) {
	res, err := h.resources(r, p, r.PathValue("crdId"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	id, err := pathID(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	body, err := crBody(r, res.GroupVersionKind())
	if err != nil {
		writeError(w, r, err)
		return
	}
	ctx := r.Context()
	updated, err := res.Update(ctx, id, func(u *unstructured.Unstructured) error {
		// Replace everything but metadata and status, as the resource
		// manager's edit does with the top-level properties.
		for k, v := range body.Object {
			if k != "metadata" && k != "status" && k != "apiVersion" && k != "kind" {
				u.Object[k] = v
			}
		}
		return check(ctx, p, u)
	})
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeItem(w, r, updated)
}

func (h *Handler) deleteCR(w http.ResponseWriter, r *http.Request, p *platform.Platform) {
	res, err := h.resources(r, p, r.PathValue("crdId"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	deleteByID(w, r, func(id string) error { return res.Delete(r.Context(), id) })
}

// BuiltinKinds returns the registered kinds that are not custom resources
// (hub.Kind IDs such as k8s_pvc), which the API serves on routes of their
// own, in the order of the registry.
func BuiltinKinds() []hub.Kind {
	var kinds []hub.Kind
	for _, k := range platform.Kinds() {
		if strings.HasPrefix(k.ID, "k8s_") {
			kinds = append(kinds, k)
		}
	}
	return kinds
}

// check makes, on a custom resource a request writes whole, the checks its
// domain's client makes before it creates one (hub.Kind.Check): a
// *hub.ValidationError naming each bad field, or nil. A body that does not
// fit the kind's type is left to the API server's schema validation, which
// names the field.
func check(ctx context.Context, p *platform.Platform, u *unstructured.Unstructured) error {
	gk := u.GroupVersionKind().GroupKind()
	kind, ok := platform.KindOf(gk)
	if !ok || kind.Check == nil {
		return nil
	}
	obj, ok := kind.Object.DeepCopyObject().(client.Object)
	if !ok {
		return nil
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, obj); err != nil {
		return nil //nolint:nilerr // the API server's schema validation names the bad field
	}
	errs, err := kind.Check(ctx, p.Hub(), obj)
	if err != nil {
		return fmt.Errorf("checking %s %q: %w", gk.Kind, u.GetName(), err)
	}
	return hub.NewValidationError(gk, u.GetName(), errs)
}
