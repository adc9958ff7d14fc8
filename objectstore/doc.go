// Package objectstore manages S3 buckets, policies and users as custom
// resources of scc-digitalhub's minio-operator
// (minio.scc-digitalhub.github.io/v1: Bucket, Policy, User), field for
// field, so that Hubkit works on clusters where that operator runs.
//
// NewBucket, NewPolicy (with ReadOnlyPolicy and ReadWritePolicy) and
// NewUser build and validate the resources: bucket names by S3's rules,
// quotas with units, policy documents checked as IAM documents, keys by
// MinIO's length rules. The Client creates, lists and deletes them and
// refuses a user whose policies do not exist. Provisioner does the
// operator's job itself: three reconcile.Managed controllers over a Server,
// the real MinIO (MinIOServer, through minio-go and madmin-go) or
// objectstoretest's in-memory one, with the operator's rules written once;
// objectstoretest's contract suite proves that the two Servers agree, and
// it starts a throwaway MinIO for tests.
package objectstore
