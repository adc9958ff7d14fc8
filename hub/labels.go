package hub

// ManagedByLabel is the well-known label that names what manages an
// object; the storage and secrets clients put it on what they create, and
// DigitalHub's default selectors look for it.
const ManagedByLabel = "app.kubernetes.io/managed-by"

// DefaultManagedBy is the managed-by value of DigitalHub's resource manager
// (K8S_PVC_MANAGED_BY, kubernetes.secret.managed-by): objects made through
// Hubkit and through the resource manager see each other.
const DefaultManagedBy = "krm"
