package awsemu

import (
	"encoding/xml"
	"hash/fnv"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Helpers shared by the resource services (EC2, S3, ECS, Lambda). Attribute
// readers here distinguish "absent" (use the default) from "present but empty"
// (e.g. PublicIpAddress "" means the instance has no public address), which the
// plain Attr* readers in attrs.go cannot.

func svcStr(r *Resource, key, def string) string {
	if r.Has(key) {
		return r.AttrString(key)
	}
	return def
}

func svcInt(r *Resource, key string, def int64) int64 {
	if r.Has(key) {
		return r.AttrInt(key)
	}
	return def
}

func svcBool(r *Resource, key string, def bool) bool {
	if r.Has(key) {
		return r.AttrBool(key)
	}
	return def
}

func svcTime(r *Resource, key string, def time.Time) time.Time {
	if t := r.AttrTime(key); !t.IsZero() {
		return t
	}
	return def
}

func svcStrings(r *Resource, key string, def []string) []string {
	if r.Has(key) {
		if v := r.AttrStrings(key); v != nil {
			return v
		}
		return []string{}
	}
	return def
}

// svcCreated is the resource's creation time, never zero (a hand-built resource
// without CreatedAt still gets a stable timestamp).
func svcCreated(r *Resource) time.Time {
	if r.CreatedAt.IsZero() {
		return orgEpoch
	}
	return r.CreatedAt
}

// svcHash derives stable pseudo-random values (IPs, ids) from resource ids, so
// defaults are identical across runs and restarts.
func svcHash(parts ...string) uint32 {
	h := fnv.New32a()
	for _, p := range parts {
		_, _ = h.Write([]byte(p))
		_, _ = h.Write([]byte{0})
	}
	return h.Sum32()
}

// svcHex returns n hex digits derived from the parts.
func svcHex(n int, parts ...string) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		b.WriteString(strconv.FormatUint(uint64(svcHash(append(parts, strconv.Itoa(i))...)), 16))
	}
	return b.String()[:n]
}

// svcUUID is a stable UUID-shaped value (client tokens, revision ids) derived from parts.
func svcUUID(parts ...string) string {
	h := svcHex(32, parts...)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

type svcTag struct{ Key, Value string }

// svcSortedTags lists tags by key, as AWS returns them.
func svcSortedTags(tags map[string]string) []svcTag {
	out := make([]svcTag, 0, len(tags))
	for k, v := range tags {
		out = append(out, svcTag{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// svcRegionDisabled reports a call into an opt-in region the caller's account
// has not enabled: AWS does not accept the account's credentials there.
func svcRegionDisabled(c *Call) bool {
	a := c.Account()
	return a != nil && a.Regions[c.Region] == RegionDisabled
}

// svcResources returns the caller's resources of kind in the call's region.
func svcResources(c *Call, kind string) []*Resource {
	a := c.Account()
	if a == nil {
		return nil
	}
	return a.Resources[ResourceKey{Region: c.Region, Kind: kind}]
}

func svcPartition(c *Call) string {
	if c.Org == nil || c.Org.Partition == "" {
		return "aws"
	}
	return c.Org.Partition
}

// svcFormValue reads a query-protocol parameter from the form body or URL
// query, before a Call exists (Service.Operation).
func svcFormValue(r *http.Request, body []byte, key string) string {
	if form, err := url.ParseQuery(string(body)); err == nil {
		if v := form.Get(key); v != "" {
			return v
		}
	}
	return r.URL.Query().Get(key)
}

// svcIndexed collects a query-protocol list ("InstanceId.1", "InstanceId.2", …) in index order.
func svcIndexed(form url.Values, prefix string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := form[prefix+"."+strconv.Itoa(i)]
		if !ok || len(v) == 0 {
			return out
		}
		out = append(out, v[0])
	}
}

// svcFilter is one EC2 query filter (Filter.N.Name, Filter.N.Value.M).
type svcFilter struct {
	Name   string
	Values []string
}

func svcFilters(form url.Values) []svcFilter {
	var out []svcFilter
	for i := 1; ; i++ {
		p := "Filter." + strconv.Itoa(i)
		name := form.Get(p + ".Name")
		if name == "" {
			return out
		}
		out = append(out, svcFilter{Name: name, Values: svcIndexed(form, p+".Value")})
	}
}

// matchAny reports whether v matches one of the filter values; EC2 filter values
// accept * and ? wildcards.
func (f svcFilter) matchAny(v string) bool {
	for _, want := range f.Values {
		if svcWildcard(want, v) {
			return true
		}
	}
	return false
}

func svcWildcard(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if svcWildcard(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && svcWildcard(pattern[1:], s[1:])
	default:
		return s != "" && s[0] == pattern[0] && svcWildcard(pattern[1:], s[1:])
	}
}

// queryResponse is the document a Query-protocol (XML) service answers with:
// <ActionResponse xmlns="…"><ActionResult>…</ActionResult>
// <ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></ActionResponse>.
type queryResponse struct {
	XMLName  xml.Name
	Xmlns    string `xml:"xmlns,attr"`
	Result   queryResult
	Metadata responseMetadata `xml:"ResponseMetadata"`
}

// queryResult encodes body's members inside an element named name.
type queryResult struct {
	name string
	body any
}

func (r queryResult) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	start.Name = xml.Name{Local: r.name}
	return e.EncodeElement(r.body, start)
}

// svcQueryXML answers action of a Query-protocol service in namespace xmlns
// with result's members inside <ActionResult>.
func svcQueryXML(c *Call, action, xmlns string, result any) {
	c.XML(queryResponse{XMLName: xml.Name{Local: action + "Response"}, Xmlns: xmlns,
		Result: queryResult{name: action + "Result", body: result}, Metadata: responseMetadata{RequestID: c.RequestID}})
}

// svcDecodeJSON reads a JSON protocol request into v; a malformed body is
// answered with SerializationException, and false.
func svcDecodeJSON(c *Call, v any) bool {
	if err := c.DecodeJSON(v); err != nil {
		c.Error(http.StatusBadRequest, "SerializationException", "Start of structure or map found where not expected.")
		return false
	}
	return true
}
