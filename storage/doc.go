// Package storage manages the platform's space: PersistentVolumeClaims and
// the storage classes users may choose, as DigitalHub's resource manager
// offers them.
//
// A Claim describes a claim to create (name, size, storage class, access
// modes, volume mode, volume name) and validates it with field paths before
// anything is sent. The Client lists claims with their phase, volume, class
// and size in Gi, creates them with the managed-by label, lists the allowed
// storage classes, and deletes claims, refusing one that a Pod or a Job
// still mounts unless the caller forces it.
package storage
