package hubtest

import (
	"reflect"
	"sort"
	"sync"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// objectKey names one stored object.
type objectKey struct {
	gvk       schema.GroupVersionKind
	namespace string
	name      string
}

// objectIndex remembers every object the fake holds, by UID, by namespace
// and by owner, which is what garbage collection and namespace deletion need
// without listing every kind. Every write through the fake keeps it current.
type objectIndex struct {
	mu         sync.Mutex
	byKey      map[objectKey]types.UID
	byUID      map[types.UID]objectKey
	dependents map[types.UID]map[objectKey]bool
	owners     map[objectKey][]types.UID
}

func newObjectIndex() *objectIndex {
	return &objectIndex{
		byKey:      map[objectKey]types.UID{},
		byUID:      map[types.UID]objectKey{},
		dependents: map[types.UID]map[objectKey]bool{},
		owners:     map[objectKey][]types.UID{},
	}
}

// put records obj, stored as kind gvk, with its current owners.
func (x *objectIndex) put(gvk schema.GroupVersionKind, obj client.Object) {
	key := objectKey{gvk: gvk, namespace: obj.GetNamespace(), name: obj.GetName()}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.dropLocked(key)
	x.byKey[key] = obj.GetUID()
	if obj.GetUID() != "" {
		x.byUID[obj.GetUID()] = key
	}
	owners := make([]types.UID, 0, len(obj.GetOwnerReferences()))
	for _, ref := range obj.GetOwnerReferences() {
		owners = append(owners, ref.UID)
		if x.dependents[ref.UID] == nil {
			x.dependents[ref.UID] = map[objectKey]bool{}
		}
		x.dependents[ref.UID][key] = true
	}
	x.owners[key] = owners
}

// drop forgets the object stored under key.
func (x *objectIndex) drop(key objectKey) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.dropLocked(key)
}

func (x *objectIndex) dropLocked(key objectKey) {
	uid, ok := x.byKey[key]
	if !ok {
		return
	}
	delete(x.byKey, key)
	if x.byUID[uid] == key {
		delete(x.byUID, uid)
	}
	for _, owner := range x.owners[key] {
		delete(x.dependents[owner], key)
		if len(x.dependents[owner]) == 0 {
			delete(x.dependents, owner)
		}
	}
	delete(x.owners, key)
}

// exists tells whether an object with uid is stored.
func (x *objectIndex) exists(uid types.UID) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	_, ok := x.byUID[uid]
	return ok
}

// dependentsOf returns the objects that name uid as an owner, in a stable
// order.
func (x *objectIndex) dependentsOf(uid types.UID) []objectKey {
	x.mu.Lock()
	defer x.mu.Unlock()
	return sortedKeys(x.dependents[uid])
}

// inNamespace returns the objects stored in namespace, in a stable order.
func (x *objectIndex) inNamespace(namespace string) []objectKey {
	x.mu.Lock()
	defer x.mu.Unlock()
	set := map[objectKey]bool{}
	for key := range x.byKey {
		if key.namespace == namespace {
			set[key] = true
		}
	}
	return sortedKeys(set)
}

// all returns every stored object, in a stable order.
func (x *objectIndex) all() []objectKey {
	x.mu.Lock()
	defer x.mu.Unlock()
	set := make(map[objectKey]bool, len(x.byKey))
	for key := range x.byKey {
		set[key] = true
	}
	return sortedKeys(set)
}

func sortedKeys(set map[objectKey]bool) []objectKey {
	keys := make([]objectKey, 0, len(set))
	for key := range set {
		keys = append(keys, key)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.gvk.String() != b.gvk.String() {
			return a.gvk.String() < b.gvk.String()
		}
		if a.namespace != b.namespace {
			return a.namespace < b.namespace
		}
		return a.name < b.name
	})
	return keys
}

func equalJSON(a, b any) bool { return reflect.DeepEqual(a, b) }
