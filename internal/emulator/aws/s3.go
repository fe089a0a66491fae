package awsemu

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// S3 speaks restXml, path-style only (clients set UsePathStyle): the operation
// is the method, the path (/ or /{bucket}) and a marker query key (?tagging,
// ?location, ?encryption, ?publicAccessBlock, ?ownershipControls). Bucket names are global, so the service looks buckets up in every
// account; ListBuckets lists the caller's buckets of every region.
//
// Resource attributes read: AWS::S3::Bucket CreationDate (default CreatedAt). The
// bucket's region is the ResourceKey region it is stored under; its tags are
// Resource.Tags (none = NoSuchTagSet). Bucket configuration, each absent = "not
// configured" as AWS answers it (404 with the operation's own code):
// SSEAlgorithm (string), KMSMasterKeyID (string), BucketKeyEnabled (bool) for
// GetBucketEncryption; PublicAccessBlock (bool, all four settings) for
// GetPublicAccessBlock; ObjectOwnership (string) for GetBucketOwnershipControls.

const s3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

type s3Service struct{}

func init() { Register(s3Service{}) }

func (s3Service) SigningName() string { return "s3" }
func (s3Service) Protocol() Protocol  { return ProtocolRESTXML }
func (s3Service) ThrottleCode() (string, int) {
	return "SlowDown", http.StatusServiceUnavailable
}

func (s3Service) Operation(r *http.Request, _ []byte) (string, bool) {
	if r.Method != http.MethodGet {
		return "", false
	}
	bucket, rest := s3SplitPath(r.URL.Path)
	q := r.URL.Query()
	switch {
	case bucket == "":
		return "ListBuckets", true
	case rest != "":
		return "", false // object operations are not emulated
	case q.Has("tagging"):
		return "GetBucketTagging", true
	case q.Has("location"):
		return "GetBucketLocation", true
	case q.Has("encryption"):
		return "GetBucketEncryption", true
	case q.Has("publicAccessBlock"):
		return "GetPublicAccessBlock", true
	case q.Has("ownershipControls"):
		return "GetBucketOwnershipControls", true
	}
	return "", false
}

// s3SplitPath splits a path-style URL path into the bucket and the object key.
func s3SplitPath(p string) (bucket, key string) {
	p = strings.TrimPrefix(p, "/")
	bucket, key, _ = strings.Cut(p, "/")
	return bucket, key
}

func (s3Service) Serve(c *Call) {
	switch c.Op {
	case "ListBuckets":
		s3ListBuckets(c)
	case "GetBucketTagging":
		s3GetBucketTagging(c)
	case "GetBucketLocation":
		s3GetBucketLocation(c)
	case "GetBucketEncryption":
		s3GetBucketEncryption(c)
	case "GetPublicAccessBlock":
		s3GetPublicAccessBlock(c)
	case "GetBucketOwnershipControls":
		s3GetBucketOwnershipControls(c)
	}
}

// s3Error writes an S3 <Error> with extra elements (BucketName, Endpoint, …)
// that AWS adds for some codes.
func s3Error(c *Call, status int, code, message string, extra ...[2]string) {
	h := c.W.Header()
	h.Set("Content-Type", "application/xml")
	h.Set("X-Amz-Request-Id", c.RequestID)
	h.Set("X-Amzn-RequestId", c.RequestID)
	c.W.WriteHeader(status)
	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString("<Error><Code>" + xmlEscape(code) + "</Code><Message>" + xmlEscape(message) + "</Message>")
	for _, kv := range extra {
		b.WriteString("<" + kv[0] + ">" + xmlEscape(kv[1]) + "</" + kv[0] + ">")
	}
	b.WriteString("<RequestId>" + c.RequestID + "</RequestId><HostId>" + s3HostID(c.RequestID) + "</HostId></Error>")
	_, _ = c.W.Write([]byte(b.String()))
}

func s3HostID(requestID string) string {
	sum := sha256.Sum256([]byte("host:" + requestID))
	return hex.EncodeToString(sum[:])
}

// s3CanonicalID is the account's stable canonical user id (64 hex digits).
func s3CanonicalID(accountID string) string {
	sum := sha256.Sum256([]byte("canonical:" + accountID))
	return hex.EncodeToString(sum[:])
}

func s3Time(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

type s3Bucket struct {
	res    *Resource
	region string
	owner  string
}

func (b s3Bucket) created() time.Time { return svcTime(b.res, "CreationDate", svcCreated(b.res)) }

// s3AccountBuckets lists an account's buckets of every region, by name (AWS's order).
func s3AccountBuckets(a *Account) []s3Bucket {
	var out []s3Bucket
	if a == nil {
		return nil
	}
	for k, list := range a.Resources {
		if k.Kind != KindS3Bucket {
			continue
		}
		for _, r := range list {
			out = append(out, s3Bucket{res: r, region: k.Region, owner: a.ID})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].res.ID < out[j].res.ID })
	return out
}

// s3FindBucket looks a bucket name up in every account: names are global.
func s3FindBucket(c *Call, name string) (s3Bucket, bool) {
	return c.Server.buckets.find(c.Org, name)
}

// bucketIndex maps bucket names (unique across the organization, as in AWS) to
// their bucket. It is built on first use after a change (Server.Update resets
// it) instead of scanning every account's resources on every S3 call, which
// grew with the organization (a fifth of the emulator's CPU at 200 accounts).
type bucketIndex struct {
	mu     sync.Mutex
	byName map[string]s3Bucket // nil: build on next find
}

func (b *bucketIndex) reset() {
	b.mu.Lock()
	b.byName = nil
	b.mu.Unlock()
}

// find runs under the server's read lock (handlers) or write lock; its own
// mutex orders the concurrent readers that may build it.
func (b *bucketIndex) find(org *Org, name string) (s3Bucket, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.byName == nil {
		b.byName = map[string]s3Bucket{}
		for _, a := range org.Accounts {
			for k, list := range a.Resources {
				if k.Kind != KindS3Bucket {
					continue
				}
				for _, r := range list {
					b.byName[r.ID] = s3Bucket{res: r, region: k.Region, owner: a.ID}
				}
			}
		}
	}
	got, ok := b.byName[name]
	return got, ok
}

// ---- ListBuckets -----------------------------------------------------------

type s3XMLBucket struct {
	Name         string `xml:"Name"`
	CreationDate string `xml:"CreationDate"`
	BucketRegion string `xml:"BucketRegion"`
}

type s3Owner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName"`
}

type s3ListBucketsResult struct {
	XMLName           xml.Name      `xml:"ListAllMyBucketsResult"`
	Xmlns             string        `xml:"xmlns,attr"`
	Owner             s3Owner       `xml:"Owner"`
	Buckets           []s3XMLBucket `xml:"Buckets>Bucket"`
	ContinuationToken string        `xml:"ContinuationToken,omitempty"`
	Prefix            string        `xml:"Prefix,omitempty"`
}

func s3ListBuckets(c *Call) {
	q := c.R.URL.Query()
	size := 0
	if raw := q.Get("max-buckets"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > 10000 {
			s3Error(c, http.StatusBadRequest, "InvalidArgument", "Argument max-buckets must be an integer between 1 and 10000.",
				[2]string{"ArgumentName", "max-buckets"}, [2]string{"ArgumentValue", raw})
			return
		}
		size = n
	}
	prefix, region := q.Get("prefix"), q.Get("bucket-region")
	var matched []s3Bucket
	for _, b := range s3AccountBuckets(c.Account()) {
		if prefix != "" && !strings.HasPrefix(b.res.ID, prefix) {
			continue
		}
		if region != "" && b.region != region {
			continue
		}
		matched = append(matched, b)
	}
	token := q.Get("continuation-token")
	// Without max-buckets AWS answers every bucket (up to 10,000) in one page.
	start, end, next, err := Page(len(matched), token, size, 10000)
	if err != nil {
		s3Error(c, http.StatusBadRequest, "InvalidArgument", "The continuation token provided is incorrect",
			[2]string{"ArgumentName", "continuation-token"}, [2]string{"ArgumentValue", token})
		return
	}
	name := c.AccountID
	if a := c.Account(); a != nil && a.Name != "" {
		name = a.Name
	}
	out := s3ListBucketsResult{
		Xmlns:             s3Namespace,
		Owner:             s3Owner{ID: s3CanonicalID(c.AccountID), DisplayName: name},
		ContinuationToken: next,
		Prefix:            prefix,
	}
	for _, b := range matched[start:end] {
		out.Buckets = append(out.Buckets, s3XMLBucket{Name: b.res.ID, CreationDate: s3Time(b.created()), BucketRegion: b.region})
	}
	c.XML(out)
}

// s3CallerBucket resolves the request's bucket for a bucket sub-resource call,
// answering NoSuchBucket / AccessDenied / PermanentRedirect as AWS does. A
// request signed for another region than the bucket's is redirected (the SDK
// does not follow it), so clients must call each bucket in its own region.
func s3CallerBucket(c *Call, checkRegion bool) (s3Bucket, bool) {
	name, _ := s3SplitPath(c.R.URL.Path)
	b, ok := s3FindBucket(c, name)
	if !ok {
		s3Error(c, http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist", [2]string{"BucketName", name})
		return s3Bucket{}, false
	}
	if b.owner != c.AccountID {
		s3Error(c, http.StatusForbidden, "AccessDenied", "Access Denied")
		return s3Bucket{}, false
	}
	if checkRegion && b.region != c.Region {
		c.W.Header().Set("X-Amz-Bucket-Region", b.region)
		s3Error(c, http.StatusMovedPermanently, "PermanentRedirect",
			"The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.",
			[2]string{"Endpoint", fmt.Sprintf("s3.%s.amazonaws.com", b.region)}, [2]string{"Bucket", name})
		return s3Bucket{}, false
	}
	return b, true
}

// ---- GetBucketTagging ------------------------------------------------------

type s3XMLTag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type s3Tagging struct {
	XMLName xml.Name   `xml:"Tagging"`
	Xmlns   string     `xml:"xmlns,attr"`
	TagSet  []s3XMLTag `xml:"TagSet>Tag"`
}

func s3GetBucketTagging(c *Call) {
	b, ok := s3CallerBucket(c, true)
	if !ok {
		return
	}
	if len(b.res.Tags) == 0 {
		s3Error(c, http.StatusNotFound, "NoSuchTagSet", "The TagSet does not exist", [2]string{"BucketName", b.res.ID})
		return
	}
	out := s3Tagging{Xmlns: s3Namespace}
	for _, t := range svcSortedTags(b.res.Tags) {
		out.TagSet = append(out.TagSet, s3XMLTag(t))
	}
	c.XML(out)
}

// ---- GetBucketLocation -----------------------------------------------------

type s3LocationConstraint struct {
	XMLName xml.Name `xml:"LocationConstraint"`
	Xmlns   string   `xml:"xmlns,attr"`
	Region  string   `xml:",chardata"`
}

// s3GetBucketLocation answers from any region (that is how clients find a
// bucket's region); us-east-1 is the empty constraint.
func s3GetBucketLocation(c *Call) {
	b, ok := s3CallerBucket(c, false)
	if !ok {
		return
	}
	region := b.region
	if region == "us-east-1" {
		region = ""
	}
	c.XML(s3LocationConstraint{Xmlns: s3Namespace, Region: region})
}

// ---- GetBucketEncryption ---------------------------------------------------

type s3SSEDefault struct {
	SSEAlgorithm   string `xml:"SSEAlgorithm"`
	KMSMasterKeyID string `xml:"KMSMasterKeyID,omitempty"`
}

type s3SSERule struct {
	ApplyServerSideEncryptionByDefault s3SSEDefault `xml:"ApplyServerSideEncryptionByDefault"`
	BucketKeyEnabled                   bool         `xml:"BucketKeyEnabled"`
}

type s3SSEConfiguration struct {
	XMLName xml.Name    `xml:"ServerSideEncryptionConfiguration"`
	Xmlns   string      `xml:"xmlns,attr"`
	Rules   []s3SSERule `xml:"Rule"`
}

func s3GetBucketEncryption(c *Call) {
	b, ok := s3CallerBucket(c, true)
	if !ok {
		return
	}
	alg := svcStr(b.res, "SSEAlgorithm", "")
	if alg == "" {
		s3Error(c, http.StatusNotFound, "ServerSideEncryptionConfigurationNotFoundError",
			"The server side encryption configuration was not found", [2]string{"BucketName", b.res.ID})
		return
	}
	c.XML(s3SSEConfiguration{Xmlns: s3Namespace, Rules: []s3SSERule{{
		ApplyServerSideEncryptionByDefault: s3SSEDefault{SSEAlgorithm: alg, KMSMasterKeyID: svcStr(b.res, "KMSMasterKeyID", "")},
		BucketKeyEnabled:                   svcBool(b.res, "BucketKeyEnabled", false),
	}}})
}

// ---- GetPublicAccessBlock --------------------------------------------------

type s3PublicAccessBlock struct {
	XMLName               xml.Name `xml:"PublicAccessBlockConfiguration"`
	Xmlns                 string   `xml:"xmlns,attr"`
	BlockPublicAcls       bool     `xml:"BlockPublicAcls"`
	IgnorePublicAcls      bool     `xml:"IgnorePublicAcls"`
	BlockPublicPolicy     bool     `xml:"BlockPublicPolicy"`
	RestrictPublicBuckets bool     `xml:"RestrictPublicBuckets"`
}

func s3GetPublicAccessBlock(c *Call) {
	b, ok := s3CallerBucket(c, true)
	if !ok {
		return
	}
	if !b.res.Has("PublicAccessBlock") {
		s3Error(c, http.StatusNotFound, "NoSuchPublicAccessBlockConfiguration",
			"The public access block configuration was not found", [2]string{"BucketName", b.res.ID})
		return
	}
	on := svcBool(b.res, "PublicAccessBlock", false)
	c.XML(s3PublicAccessBlock{Xmlns: s3Namespace, BlockPublicAcls: on, IgnorePublicAcls: on, BlockPublicPolicy: on, RestrictPublicBuckets: on})
}

// ---- GetBucketOwnershipControls --------------------------------------------

type s3OwnershipRule struct {
	ObjectOwnership string `xml:"ObjectOwnership"`
}

type s3OwnershipControls struct {
	XMLName xml.Name          `xml:"OwnershipControls"`
	Xmlns   string            `xml:"xmlns,attr"`
	Rules   []s3OwnershipRule `xml:"Rule"`
}

func s3GetBucketOwnershipControls(c *Call) {
	b, ok := s3CallerBucket(c, true)
	if !ok {
		return
	}
	own := svcStr(b.res, "ObjectOwnership", "")
	if own == "" {
		s3Error(c, http.StatusNotFound, "OwnershipControlsNotFoundError",
			"The bucket ownership controls were not found", [2]string{"BucketName", b.res.ID})
		return
	}
	c.XML(s3OwnershipControls{Xmlns: s3Namespace, Rules: []s3OwnershipRule{{ObjectOwnership: own}}})
}
