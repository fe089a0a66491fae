package awscloud

import (
	"context"
	"encoding/base64"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aws-port-sync/aws-port-sync/internal/awsarn"
	"golang.org/x/sync/errgroup"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// PageRequest asks a kind for one page of one account (and region, for regional
// kinds). Token is the previous Page.Next ("" for the first page).
type PageRequest struct {
	Account        Account
	Region         string
	Token          string
	IncludeActions []string
	PageSize       int32 // default 100, clamped to each API's limits
	// Since starts the history window of a HistoryKind: records older than
	// it are not read. Zero reads all history.
	Since time.Time
	// GetResource asks a Cloud Control kind to read each resource with
	// GetResource (selector.useGetResourceAPI).
	GetResource bool
}

// Page is one AWS page as raw items {Type, Properties, __ExtraContext}; Next is
// "" after the last page.
type Page struct {
	Items []map[string]any
	Next  string
	// NotApplicable says why this account cannot serve this kind at all (e.g.
	// Organizations in a member account). It is not an empty result: the
	// scope must keep whatever it had, in case the account lost a permission.
	NotApplicable string
	// Omitted counts the optional actions (includeActions) that were denied
	// or found nothing configured, each leaving one item without that
	// field; OmittedExamples names a few, e.g. "GetBucketEncryptionAction
	// denied for bucket b1: AccessDenied: Access Denied". The items are kept.
	Omitted         int
	OmittedExamples []string
}

// Kind collects one resource type. Collect fails the whole page when any call it
// needs fails: a page is never returned partially enriched or silently empty.
type Kind interface {
	Name() string
	Global() bool
	// Actions are the names selector.includeActions may use for this kind
	// (Ocean's), in Ocean's order; nil when the kind has none.
	Actions() []string
	Collect(ctx context.Context, cfg aws.Config, req PageRequest) (Page, error)
}

// HistoryKind is implemented by kinds whose records are history (builds,
// deployments, executions): they read only PageRequest.Since onwards, stopping
// as soon as the API's order shows the rest is older, and a record that ages
// out of the window is never deleted from Port for that reason.
type HistoryKind interface {
	Kind
	History() bool
}

// RegionRestricted is implemented by kinds that AWS serves only in some
// regions (MemoryDB, SES): an account's enabled regions are intersected with
// SupportedRegions, and an account with no region left skips the kind.
type RegionRestricted interface {
	Kind
	SupportedRegions() []string
}

// IsHistory reports whether k reads history (see HistoryKind).
func IsHistory(k Kind) bool {
	h, ok := k.(HistoryKind)
	return ok && h.History()
}

var (
	kindsMu sync.RWMutex
	kinds   = map[string]Kind{}
)

// RegisterKind makes a kind available to LookupKind; each kind package calls
// it from init.
func RegisterKind(k Kind) {
	kindsMu.Lock()
	defer kindsMu.Unlock()
	if _, dup := kinds[k.Name()]; dup {
		panic("awscloud: kind registered twice: " + k.Name())
	}
	kinds[k.Name()] = k
}

// LookupKind finds a kind by its Ocean name, e.g. "AWS::S3::Bucket".
func LookupKind(name string) (Kind, bool) {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	k, ok := kinds[name]
	return k, ok
}

// fallback builds a kind for a type name no native kind has (Cloud Control);
// nil until the cloudcontrol package registers it.
var fallback func(typeName string) Kind

// RegisterFallback sets how kinds without a native collector are read.
func RegisterFallback(f func(typeName string) Kind) {
	kindsMu.Lock()
	defer kindsMu.Unlock()
	fallback = f
}

// typeNamePattern is CloudFormation's type name: Organization::Service::Type
// (AWS::Logs::LogGroup, or a third party's MyOrg::Svc::Thing).
var typeNamePattern = regexp.MustCompile(`^[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}$`)

// ResolveKind finds the collector of a resources[].kind: the native kind of
// that name, else the fallback (Cloud Control) for a well-formed type name.
// The error says what is wrong with the name and how to fix it; it concerns
// that resource only.
func ResolveKind(name string) (Kind, error) {
	if k, ok := LookupKind(name); ok {
		return k, nil
	}
	for _, n := range KindNames() {
		if strings.EqualFold(n, name) {
			return nil, fmt.Errorf("%q is not a kind; kinds are case-sensitive: did you mean %s?", name, n)
		}
	}
	if !typeNamePattern.MatchString(name) {
		return nil, fmt.Errorf("%q is not a kind: a kind is a CloudFormation type name, Organization::Service::Type, e.g. AWS::EC2::Instance or AWS::Logs::LogGroup", name)
	}
	kindsMu.RLock()
	f := fallback
	kindsMu.RUnlock()
	if f == nil {
		return nil, fmt.Errorf("%q has no native collector and Cloud Control is not available", name)
	}
	return f(name), nil
}

// KindNames lists the supported kinds, sorted.
func KindNames() []string {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	out := make([]string, 0, len(kinds))
	for n := range kinds {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

const defaultPageSize = 100

// PageSize clamps the requested size to an API's [min, max].
func PageSize(req PageRequest, min, max int32) int32 {
	n := req.PageSize
	if n <= 0 {
		n = defaultPageSize
	}
	if n < min {
		n = min
	}
	if n > max {
		n = max
	}
	return n
}

func WantsAction(req PageRequest, action string) bool {
	for _, a := range req.IncludeActions {
		if a == action {
			return true
		}
	}
	return false
}

// KeptPage is the page of the items still there: gone marks items deleted
// between the listing and a per-item call (left out, not failed), and omitted
// carries the optional fields that could not be read.
func KeptPage(items []map[string]any, gone []bool, next string, omitted *Omissions) Page {
	page := Page{Next: next}
	for i, it := range items {
		if !gone[i] {
			page.Items = append(page.Items, it)
		}
	}
	omitted.Fill(&page)
	return page
}

// NewItem builds Ocean's raw item shape.
func NewItem(kind string, props, extra map[string]any) map[string]any {
	return map[string]any{"Type": kind, "Properties": props, "__ExtraContext": extra}
}

// ExtraContext is __ExtraContext: AccountId and Partition always, Region for
// regional kinds.
func ExtraContext(req PageRequest, regional bool) map[string]any {
	m := map[string]any{"AccountId": req.Account.ID, "Partition": ItemPartition(req)}
	if regional {
		m["Region"] = req.Region
	}
	return m
}

func ItemPartition(req PageRequest) string {
	if req.Account.RoleARN != "" {
		if arn, err := awsarn.ParseRoleARN(req.Account.RoleARN); err == nil {
			return arn.Partition
		}
	}
	return partitionOfRegion(req.Region)
}

// Props converts an SDK output type into a JSON-like map with AWS's PascalCase
// member names (the Go field names), leaving out what AWS did not return: nil
// pointers, slices and maps, empty enum strings and zero times. Numbers and
// booleans are kept even when zero, since the SDK only uses non-pointer numbers
// for members AWS always returns. nested renames keys below the top level (nil
// keeps them).
func Props(v any, nested func(string) string) map[string]any {
	out, ok := convert(reflect.ValueOf(v), nested, true)
	if m, isMap := out.(map[string]any); ok && isMap {
		return m
	}
	return map[string]any{}
}

var timeType = reflect.TypeOf(time.Time{})

func convert(v reflect.Value, nested func(string) string, top bool) (any, bool) {
	switch v.Kind() {
	case reflect.Invalid:
		return nil, false
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil, false
		}
		return convert(v.Elem(), nested, top)
	}
	if v.Type() == timeType {
		t := v.Interface().(time.Time)
		if t.IsZero() {
			return nil, false
		}
		return ISOTime(t), true
	}
	switch v.Kind() {
	case reflect.Struct:
		m := map[string]any{}
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() { // noSmithyDocumentSerde and other internals
				continue
			}
			fv := v.Field(i)
			if fv.Kind() == reflect.String && fv.String() == "" { // unset enum
				continue
			}
			val, ok := convert(fv, nested, false)
			if !ok {
				continue
			}
			name := f.Name
			if !top && nested != nil {
				name = nested(name)
			}
			m[name] = val
		}
		return m, true
	case reflect.Slice:
		if v.IsNil() {
			return nil, false
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return base64.StdEncoding.EncodeToString(v.Bytes()), true
		}
		fallthrough
	case reflect.Array:
		list := make([]any, 0, v.Len())
		for i := 0; i < v.Len(); i++ {
			val, ok := convert(v.Index(i), nested, false)
			if !ok {
				val = nil
			}
			list = append(list, val)
		}
		return list, true
	case reflect.Map:
		if v.IsNil() {
			return nil, false
		}
		m := make(map[string]any, v.Len())
		iter := v.MapRange()
		for iter.Next() {
			val, ok := convert(iter.Value(), nested, false)
			if !ok {
				val = nil
			}
			m[fmt.Sprint(iter.Key().Interface())] = val // keys are data (tag keys), never renamed
		}
		return m, true
	case reflect.String:
		return v.String(), true
	case reflect.Bool:
		return v.Bool(), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return int(v.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return int(v.Uint()), true
	case reflect.Float32, reflect.Float64:
		return v.Float(), true
	}
	return nil, false
}

// LowerCamel renders a Go member name in the wire casing of camelCase JSON
// services (ECS): boto hands those nested structures through unchanged.
func LowerCamel(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || !unicode.IsUpper(r) {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// ForEach runs fn for i in [0, n) with at most limit in flight and returns the
// first error (the others are cancelled through ctx). Results are written by
// index by fn itself, so no result can attach to the wrong resource (Ocean #3233).
func ForEach(ctx context.Context, n, limit int, fn func(ctx context.Context, i int) error) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(limit)
	for i := 0; i < n; i++ {
		g.Go(func() error { return fn(ctx, i) })
	}
	return g.Wait()
}

// ReadEach reads one item per listed resource i in [0, n), at most limit at
// once, through ForEach: read returns the item, or nil for a resource deleted
// since the listing, marked in gone (KeptPage leaves it out). The first error
// fails.
func ReadEach(ctx context.Context, n, limit int, read func(ctx context.Context, i int) (map[string]any, error)) (items []map[string]any, gone []bool, err error) {
	items, gone = make([]map[string]any, n), make([]bool, n)
	err = ForEach(ctx, n, limit, func(ctx context.Context, i int) error {
		it, err := read(ctx, i)
		items[i], gone[i] = it, it == nil && err == nil
		return err
	})
	return items, gone, err
}

// ISOTime is the timestamp format of raw items (Ocean dumps datetimes as ISO
// strings in UTC).
func ISOTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
