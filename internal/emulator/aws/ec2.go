package awsemu

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// EC2 speaks the ec2query protocol: form-encoded requests with Action/Version,
// XML responses in the 2016-11-15 namespace with lowerCamel element names and
// lists as <xxxSet><item>…</item></xxxSet>.
//
// Resource attributes read (absent ones default as noted in the code):
//
//	AWS::EC2::Instance  InstanceType, State, PrivateIpAddress, PublicIpAddress (absent = none),
//	  ImageId, ReservationId, SubnetId, VpcId, LaunchTime, AvailabilityZone, Architecture,
//	  KeyName, PrivateDnsName, Platform ("windows" or absent), SecurityGroupId, SecurityGroupName,
//	  InstanceStatus, SystemStatus, ScheduledEvent (DescribeInstanceStatus, see there)
//	AWS::EC2::Volume    Size, VolumeType, State, AvailabilityZone, Attachments (instance id),
//	  Device, Encrypted, Iops, Throughput, CreateTime, SnapshotId

const ec2Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/"

type ec2Service struct{}

func init() { Register(ec2Service{}) }

func (ec2Service) SigningName() string { return "ec2" }
func (ec2Service) Protocol() Protocol  { return ProtocolEC2Query }
func (ec2Service) ThrottleCode() (string, int) {
	return "RequestLimitExceeded", http.StatusServiceUnavailable
}

func (ec2Service) Operation(r *http.Request, body []byte) (string, bool) {
	action := svcFormValue(r, body, "Action")
	switch action {
	case "DescribeRegions", "DescribeInstances", "DescribeInstanceStatus", "DescribeVolumes", "DescribeVolumeAttribute":
		return action, true
	}
	return action, false
}

func (ec2Service) Serve(c *Call) {
	if svcRegionDisabled(c) {
		c.Error(http.StatusUnauthorized, "AuthFailure", "AWS was not able to validate the provided access credentials")
		return
	}
	switch c.Op {
	case "DescribeRegions":
		ec2DescribeRegions(c)
	case "DescribeInstances":
		ec2DescribeInstances(c)
	case "DescribeInstanceStatus":
		ec2DescribeInstanceStatus(c)
	case "DescribeVolumes":
		ec2DescribeVolumes(c)
	case "DescribeVolumeAttribute":
		ec2DescribeVolumeAttribute(c)
	}
}

// xmlItems renders an EC2 list: the wrapper element is always present (AWS sends
// <groupSet/> for an empty list) and each entry is an <item>.
type xmlItems[T any] struct {
	Items []T `xml:"item"`
}

func ec2Items[T any](items []T) xmlItems[T] { return xmlItems[T]{Items: items} }

type ec2Tag struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

// ec2TagSet is nil (no <tagSet>) for an untagged resource, as AWS answers.
func ec2TagSet(tags map[string]string) *xmlItems[ec2Tag] {
	if len(tags) == 0 {
		return nil
	}
	var out []ec2Tag
	for _, t := range svcSortedTags(tags) {
		out = append(out, ec2Tag(t))
	}
	return &xmlItems[ec2Tag]{Items: out}
}

func ec2Time(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// ec2MaxResults validates MaxResults against the operation's range; 0 = absent.
func ec2MaxResults(c *Call, lo, hi int, capInsteadOfFail bool) (int, bool) {
	raw := c.Params().Get("MaxResults")
	if raw == "" {
		return 0, true
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < lo || (n > hi && !capInsteadOfFail) {
		c.Error(http.StatusBadRequest, "InvalidParameterValue",
			fmt.Sprintf("Value ( %s ) for parameter maxResults is invalid. Parameter must be between %d and %d.", raw, lo, hi))
		return 0, false
	}
	n = min(n, hi)
	return n, true
}

// ec2Page slices n items; a token that does not decode is InvalidParameterValue,
// as EC2 answers ("Value ( x ) for parameter NextToken is invalid. The token is invalid.").
func ec2Page(c *Call, n, size, def int) (start, end int, next string, ok bool) {
	token := c.Params().Get("NextToken")
	start, end, next, err := Page(n, token, size, def)
	if err != nil {
		c.Error(http.StatusBadRequest, "InvalidParameterValue",
			fmt.Sprintf("Value ( %s ) for parameter NextToken is invalid. The token is invalid.", token))
		return 0, 0, "", false
	}
	return start, end, next, true
}

// ---- DescribeRegions -------------------------------------------------------

type ec2Region struct {
	RegionName     string `xml:"regionName"`
	RegionEndpoint string `xml:"regionEndpoint"`
	OptInStatus    string `xml:"optInStatus"`
}

type ec2DescribeRegionsResponse struct {
	XMLName   xml.Name            `xml:"DescribeRegionsResponse"`
	Xmlns     string              `xml:"xmlns,attr"`
	RequestID string              `xml:"requestId"`
	Regions   xmlItems[ec2Region] `xml:"regionInfo"`
}

func ec2OptIn(s RegionStatus) string {
	switch s {
	case RegionEnabled:
		return "opted-in"
	case RegionDisabled:
		return "not-opted-in"
	default:
		return "opt-in-not-required"
	}
}

func ec2DescribeRegions(c *Call) {
	form := c.Params()
	all := strings.EqualFold(form.Get("AllRegions"), "true")
	names := svcIndexed(form, "RegionName")
	filters := svcFilters(form)
	for _, f := range filters {
		switch f.Name {
		case "region-name", "opt-in-status", "endpoint":
		default:
			c.Error(http.StatusBadRequest, "InvalidParameterValue", fmt.Sprintf("The filter '%s' is invalid", f.Name))
			return
		}
	}
	statuses := map[string]RegionStatus{}
	if a := c.Account(); a != nil {
		for r, s := range a.Regions {
			statuses[r] = s
		}
	}
	if len(statuses) == 0 {
		statuses[c.Region] = RegionEnabledByDefault
	}
	for _, n := range names {
		if _, ok := statuses[n]; !ok {
			c.Error(http.StatusBadRequest, "InvalidParameterValue", fmt.Sprintf("Invalid region: %s", n))
			return
		}
	}
	regions := make([]string, 0, len(statuses))
	for r := range statuses {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	out := ec2DescribeRegionsResponse{Xmlns: ec2Namespace, RequestID: c.RequestID}
	for _, r := range regions {
		st := statuses[r]
		// A disabled region is listed only with AllRegions=true (or when named).
		if st == RegionDisabled && !all && len(names) == 0 {
			continue
		}
		if len(names) > 0 && !svcContains(names, r) {
			continue
		}
		item := ec2Region{RegionName: r, RegionEndpoint: "ec2." + r + ".amazonaws.com", OptInStatus: ec2OptIn(st)}
		if !ec2RegionMatches(filters, item) {
			continue
		}
		out.Regions.Items = append(out.Regions.Items, item)
	}
	c.XML(out)
}

func ec2RegionMatches(filters []svcFilter, r ec2Region) bool {
	for _, f := range filters {
		var v string
		switch f.Name {
		case "region-name":
			v = r.RegionName
		case "opt-in-status":
			v = r.OptInStatus
		case "endpoint":
			v = r.RegionEndpoint
		}
		if !f.matchAny(v) {
			return false
		}
	}
	return true
}

func svcContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ec2ListParams reads what EC2's Describe* list calls share: ids (which exclude
// MaxResults, named after the id set as AWS does), MaxResults (5..limit, capped
// or refused), and filters, each of which must be known. It answers the error
// itself and returns ok=false.
func ec2ListParams(c *Call, idParam, setName string, limit int, capAtLimit bool, known func(string) bool) (ids []string, size int, filters []svcFilter, ok bool) {
	form := c.Params()
	ids = svcIndexed(form, idParam)
	if len(ids) > 0 && form.Get("MaxResults") != "" {
		c.Error(http.StatusBadRequest, "InvalidParameterCombination", fmt.Sprintf("The parameter %s cannot be used with the parameter maxResults", setName))
		return nil, 0, nil, false
	}
	if size, ok = ec2MaxResults(c, 5, limit, capAtLimit); !ok {
		return nil, 0, nil, false
	}
	filters = svcFilters(form)
	for _, f := range filters {
		if !known(f.Name) {
			c.Error(http.StatusBadRequest, "InvalidParameterValue", fmt.Sprintf("The filter '%s' is invalid", f.Name))
			return nil, 0, nil, false
		}
	}
	return ids, size, filters, true
}
