package objectstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hubkit-dev/hubkit/secrets"

	"github.com/hubkit-dev/hubkit/hub"
)

// bucketName is the operator's CRD pattern for bucket names.
var bucketName = regexp.MustCompile(`^[a-z0-9]([a-z0-9\.-]){1,61}[a-z0-9]$`)

// ValidateBucketName checks name against S3's naming rules: 3 to 63
// lowercase letters, digits, dots and hyphens, starting and ending with a
// letter or digit, no two dots in a row, not an IP address, and none of the
// prefixes and suffixes S3 reserves.
func ValidateBucketName(p *field.Path, name string) field.ErrorList {
	switch {
	case name == "":
		return field.ErrorList{field.Required(p, "name the bucket")}
	case !bucketName.MatchString(name):
		return field.ErrorList{field.Invalid(p, name, "3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit")}
	case strings.Contains(name, ".."):
		return field.ErrorList{field.Invalid(p, name, "must not hold two dots in a row")}
	case net.ParseIP(name) != nil:
		return field.ErrorList{field.Invalid(p, name, "must not be an IP address")}
	case strings.HasPrefix(name, "xn--") || strings.HasPrefix(name, "sthree-"):
		return field.ErrorList{field.Invalid(p, name, "the prefixes xn-- and sthree- are reserved")}
	case strings.HasSuffix(name, "-s3alias") || strings.HasSuffix(name, "--ol-s3"):
		return field.ErrorList{field.Invalid(p, name, "the suffixes -s3alias and --ol-s3 are reserved")}
	}
	return nil
}

// A BucketRequest is a Bucket to create. Make one with NewBucket.
type BucketRequest struct {
	// Name is the resource's name.
	Name string
	// Bucket is the bucket's name in S3; it defaults to Name.
	Bucket string
	// Quota is the hard quota, such as "10Gi"; empty means none.
	Quota string
}

// A BucketOption sets an optional field of a BucketRequest.
type BucketOption func(*BucketRequest)

// NewBucket returns the bucket resource called name.
func NewBucket(name string, opts ...BucketOption) BucketRequest {
	b := BucketRequest{Name: name}
	for _, opt := range opts {
		opt(&b)
	}
	return b
}

// WithBucketName sets the bucket's name in S3.
func WithBucketName(bucket string) BucketOption { return func(b *BucketRequest) { b.Bucket = bucket } }

// WithQuota sets a hard quota, in bytes or with units ("500Mi", "10Gi").
func WithQuota(quota string) BucketOption { return func(b *BucketRequest) { b.Quota = quota } }

func (b BucketRequest) bucket() string {
	if b.Bucket != "" {
		return b.Bucket
	}
	return b.Name
}

// quotaBytes parses the quota; 0 for none.
func (b BucketRequest) quotaBytes() (int64, *field.Error) {
	if b.Quota == "" {
		return 0, nil
	}
	p := field.NewPath("spec", "quota")
	q, err := resource.ParseQuantity(b.Quota)
	if err != nil {
		return 0, field.Invalid(p, b.Quota, "a number of bytes, or with a unit such as 500Mi or 10Gi")
	}
	if q.Sign() <= 0 {
		return 0, field.Invalid(p, b.Quota, "a quota must be positive")
	}
	n, ok := q.AsInt64()
	if !ok {
		return 0, field.Invalid(p, b.Quota, "too large, or not a whole number of bytes")
	}
	return n, nil
}

// Validate checks the bucket with the field paths of its resource.
func (b BucketRequest) Validate() field.ErrorList {
	errs := hub.ValidateName(field.NewPath("metadata", "name"), b.Name)
	errs = append(errs, ValidateBucketName(field.NewPath("spec", "name"), b.bucket())...)
	if _, err := b.quotaBytes(); err != nil {
		errs = append(errs, err)
	}
	return errs
}

// Build returns the Bucket resource in namespace. It does not validate.
func (b BucketRequest) Build(namespace string) *Bucket {
	quota, _ := b.quotaBytes()
	return &Bucket{
		TypeMeta:   metav1.TypeMeta{APIVersion: GroupVersion.String(), Kind: "Bucket"},
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: b.Name},
		Spec:       BucketSpec{Name: b.bucket(), Quota: quota},
	}
}

// IAM's policy language versions, and the effects of a statement.
const (
	PolicyVersion = "2012-10-17"
	EffectAllow   = "Allow"
	EffectDeny    = "Deny"
)

// A PolicyDocument is an IAM policy document, as MinIO reads them. IAM
// names its fields in PascalCase.
//
//nolint:tagliatelle // the JSON names are IAM's
type PolicyDocument struct {
	Version   string      `json:"Version"`
	ID        string      `json:"Id,omitempty"`
	Statement []Statement `json:"Statement"`
}

// A Statement is one statement of a policy document.
//
//nolint:tagliatelle // the JSON names are IAM's
type Statement struct {
	Sid       string         `json:"Sid,omitempty"`
	Effect    string         `json:"Effect"`
	Action    StringOrSlice  `json:"Action"`
	Resource  StringOrSlice  `json:"Resource,omitempty"`
	Condition map[string]any `json:"Condition,omitempty"`
}

// StringOrSlice is an IAM field that holds one string or a list of them.
type StringOrSlice []string

// UnmarshalJSON reads a string or a list of strings.
func (s *StringOrSlice) UnmarshalJSON(data []byte) error {
	var one string
	if err := json.Unmarshal(data, &one); err == nil {
		*s = StringOrSlice{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(data, &many); err != nil {
		return errors.New("want a string or a list of strings")
	}
	*s = many
	return nil
}

// The policy versions IAM defines.
var policyVersions = []string{PolicyVersion, "2008-10-17"}

var (
	actionPattern   = regexp.MustCompile(`^(s3|admin|kms|sts):[A-Za-z*?]+$|^\*$`)
	resourcePattern = regexp.MustCompile(`^arn:aws:s3:::[^\s]+$|^\*$`)
)

// ParsePolicy parses an IAM policy document and checks it as MinIO would:
// a known Version, at least one Statement, each with an Effect of Allow or
// Deny, actions such as "s3:GetObject" or "s3:*", and resources such as
// "arn:aws:s3:::bucket/*". Errors carry field paths under p, such as
// spec.content.Statement[0].Effect.
func ParsePolicy(p *field.Path, content string) (*PolicyDocument, field.ErrorList) {
	var doc PolicyDocument
	decoder := json.NewDecoder(strings.NewReader(content))
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(&doc); err != nil {
		return nil, field.ErrorList{field.Invalid(p, "(policy document)", "not a policy document: "+err.Error())}
	}
	var errs field.ErrorList
	if !slices.Contains(policyVersions, doc.Version) {
		errs = append(errs, field.NotSupported(p.Child("Version"), doc.Version, policyVersions))
	}
	if len(doc.Statement) == 0 {
		errs = append(errs, field.Required(p.Child("Statement"), "a policy needs at least one statement"))
	}
	for i, st := range doc.Statement {
		sp := p.Child("Statement").Index(i)
		if st.Effect != EffectAllow && st.Effect != EffectDeny {
			errs = append(errs, field.NotSupported(sp.Child("Effect"), st.Effect, []string{EffectAllow, EffectDeny}))
		}
		if len(st.Action) == 0 {
			errs = append(errs, field.Required(sp.Child("Action"), "name the actions, such as s3:GetObject"))
		}
		for j, a := range st.Action {
			if !actionPattern.MatchString(a) {
				errs = append(errs, field.Invalid(sp.Child("Action").Index(j), a, "an action such as s3:GetObject or s3:*"))
			}
		}
		for j, r := range st.Resource {
			if !resourcePattern.MatchString(r) {
				errs = append(errs, field.Invalid(sp.Child("Resource").Index(j), r, "a resource such as arn:aws:s3:::bucket/*"))
			}
		}
	}
	return &doc, errs
}

// A PolicyRequest is a Policy to create. Make one with NewPolicy,
// ReadOnlyPolicy or ReadWritePolicy.
type PolicyRequest struct {
	// Name is the resource's name.
	Name string
	// Policy is the policy's name in MinIO; it defaults to Name.
	Policy string
	// Document is the policy document.
	Document PolicyDocument
}

// NewPolicy returns the policy resource called name with doc.
func NewPolicy(name string, doc PolicyDocument) PolicyRequest {
	return PolicyRequest{Name: name, Document: doc}
}

func bucketResources(buckets []string) StringOrSlice {
	out := make(StringOrSlice, 0, 2*len(buckets))
	for _, b := range buckets {
		out = append(out, "arn:aws:s3:::"+b, "arn:aws:s3:::"+b+"/*")
	}
	return out
}

// ReadOnlyPolicy returns a policy that lets its users list and read the
// objects of buckets.
func ReadOnlyPolicy(name string, buckets ...string) PolicyRequest {
	return NewPolicy(name, PolicyDocument{Version: PolicyVersion, Statement: []Statement{{
		Effect: EffectAllow, Action: StringOrSlice{"s3:GetBucketLocation", "s3:ListBucket", "s3:GetObject"}, Resource: bucketResources(buckets),
	}}})
}

// ReadWritePolicy returns a policy that lets its users list, read, write
// and delete the objects of buckets.
func ReadWritePolicy(name string, buckets ...string) PolicyRequest {
	return NewPolicy(name, PolicyDocument{Version: PolicyVersion, Statement: []Statement{{
		Effect: EffectAllow, Action: StringOrSlice{"s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads",
			"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"},
		Resource: bucketResources(buckets),
	}}})
}

func (r PolicyRequest) policy() string {
	if r.Policy != "" {
		return r.Policy
	}
	return r.Name
}

func (r PolicyRequest) content() string {
	data, err := json.Marshal(r.Document)
	if err != nil {
		return "" // only a Condition of values JSON cannot hold gets here; ParsePolicy then says the document is missing
	}
	return string(data)
}

// Validate checks the policy with the field paths of its resource.
func (r PolicyRequest) Validate() field.ErrorList {
	errs := hub.ValidateName(field.NewPath("metadata", "name"), r.Name)
	if name := r.policy(); strings.ContainsAny(name, " \t\r\n") || name == "" {
		errs = append(errs, field.Invalid(field.NewPath("spec", "name"), name, "a policy name without blanks"))
	}
	_, docErrs := ParsePolicy(field.NewPath("spec", "content"), r.content())
	return append(errs, docErrs...)
}

// Build returns the Policy resource in namespace. It does not validate.
func (r PolicyRequest) Build(namespace string) *Policy {
	return &Policy{
		TypeMeta:   metav1.TypeMeta{APIVersion: GroupVersion.String(), Kind: "Policy"},
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: r.Name},
		Spec:       PolicySpec{Name: r.policy(), Content: r.content()},
	}
}

// MinIO's limits on keys.
const (
	minAccessKey = 3
	maxAccessKey = 20
	minSecretKey = 8
	maxSecretKey = 40
)

// A UserRequest is a User to create. Make one with NewUser. Its secret key
// redacts itself when printed.
type UserRequest struct {
	// Name is the resource's name.
	Name string
	// AccessKey is the user's access key.
	AccessKey string
	// SecretKey is the user's secret key.
	SecretKey secrets.Value
	// Policies names the policies to attach.
	Policies []string
	// Disabled creates the user disabled.
	Disabled bool
}

// NewUser returns the user resource called name with its keys and
// policies.
func NewUser(name, accessKey string, secretKey secrets.Value, policies ...string) UserRequest {
	return UserRequest{Name: name, AccessKey: accessKey, SecretKey: secretKey, Policies: policies}
}

// Validate checks the user with the field paths of its resource, by
// MinIO's rules: an access key of 3 to 20 characters, a secret key of 8 to
// 40. No error shows the secret key.
func (u UserRequest) Validate() field.ErrorList {
	errs := hub.ValidateName(field.NewPath("metadata", "name"), u.Name)
	if n := len(u.AccessKey); n < minAccessKey || n > maxAccessKey || strings.ContainsAny(u.AccessKey, " \t\r\n=,") {
		errs = append(errs, field.Invalid(field.NewPath("spec", "accessKey"), u.AccessKey, fmt.Sprintf("%d to %d characters, without blanks, '=' or ','", minAccessKey, maxAccessKey)))
	}
	if n := len(u.SecretKey.Reveal()); n < minSecretKey || n > maxSecretKey {
		errs = append(errs, field.Invalid(field.NewPath("spec", "secretKey"), secrets.Mask, fmt.Sprintf("%d to %d characters (got %d)", minSecretKey, maxSecretKey, n)))
	}
	seen := map[string]bool{}
	for i, p := range u.Policies {
		if p == "" {
			errs = append(errs, field.Required(field.NewPath("spec", "policies").Index(i), ""))
		} else if seen[p] {
			errs = append(errs, field.Duplicate(field.NewPath("spec", "policies").Index(i), p))
		}
		seen[p] = true
	}
	return errs
}

// Build returns the User resource in namespace. It does not validate.
func (u UserRequest) Build(namespace string) *User {
	status := "enabled"
	if u.Disabled {
		status = "disabled"
	}
	return &User{
		TypeMeta:   metav1.TypeMeta{APIVersion: GroupVersion.String(), Kind: "User"},
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: u.Name},
		Spec:       UserSpec{AccessKey: u.AccessKey, SecretKey: u.SecretKey.Reveal(), Policies: slices.Clone(u.Policies), AccountStatus: status},
	}
}

// bucketRequestOf is the request whose Build gives b's spec: how a Bucket
// written whole is validated like one built.
func bucketRequestOf(b *Bucket) BucketRequest {
	r := BucketRequest{Name: b.Name, Bucket: b.Spec.Name}
	if b.Spec.Quota != 0 {
		r.Quota = strconv.FormatInt(b.Spec.Quota, 10)
	}
	return r
}

// userRequestOf is the request whose Build gives u's spec: how a User
// written whole is validated like one built.
func userRequestOf(u *User) UserRequest {
	return UserRequest{
		Name: u.Name, AccessKey: u.Spec.AccessKey, SecretKey: secrets.Plain(u.Spec.SecretKey),
		Policies: u.Spec.Policies, Disabled: !userEnabled(u.Spec),
	}
}
