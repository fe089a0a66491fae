package awsemu

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// EC2 DescribeInstances: instances grouped in reservations, paged by instance.

type ec2InstanceState struct {
	Code int    `xml:"code"`
	Name string `xml:"name"`
}

type ec2Placement struct {
	AvailabilityZone string `xml:"availabilityZone"`
	GroupName        string `xml:"groupName"`
	Tenancy          string `xml:"tenancy"`
}

type ec2Group struct {
	GroupID   string `xml:"groupId"`
	GroupName string `xml:"groupName"`
}

type ec2StateReason struct {
	Code    string `xml:"code"`
	Message string `xml:"message"`
}

type ec2EbsDevice struct {
	VolumeID            string `xml:"volumeId"`
	Status              string `xml:"status"`
	AttachTime          string `xml:"attachTime"`
	DeleteOnTermination bool   `xml:"deleteOnTermination"`
}

type ec2BlockDevice struct {
	DeviceName string       `xml:"deviceName"`
	Ebs        ec2EbsDevice `xml:"ebs"`
}

type ec2Association struct {
	PublicIP      string `xml:"publicIp"`
	PublicDNSName string `xml:"publicDnsName"`
	IPOwnerID     string `xml:"ipOwnerId"`
}

type ec2ENIAttachment struct {
	AttachmentID        string `xml:"attachmentId"`
	DeviceIndex         int    `xml:"deviceIndex"`
	Status              string `xml:"status"`
	AttachTime          string `xml:"attachTime"`
	DeleteOnTermination bool   `xml:"deleteOnTermination"`
	NetworkCardIndex    int    `xml:"networkCardIndex"`
}

type ec2PrivateIP struct {
	PrivateIPAddress string          `xml:"privateIpAddress"`
	PrivateDNSName   string          `xml:"privateDnsName"`
	Primary          bool            `xml:"primary"`
	Association      *ec2Association `xml:"association,omitempty"`
}

type ec2NetworkInterface struct {
	NetworkInterfaceID string                 `xml:"networkInterfaceId"`
	SubnetID           string                 `xml:"subnetId"`
	VpcID              string                 `xml:"vpcId"`
	Description        string                 `xml:"description"`
	OwnerID            string                 `xml:"ownerId"`
	Status             string                 `xml:"status"`
	MacAddress         string                 `xml:"macAddress"`
	PrivateIPAddress   string                 `xml:"privateIpAddress"`
	PrivateDNSName     string                 `xml:"privateDnsName"`
	SourceDestCheck    bool                   `xml:"sourceDestCheck"`
	Groups             xmlItems[ec2Group]     `xml:"groupSet"`
	Attachment         ec2ENIAttachment       `xml:"attachment"`
	Association        *ec2Association        `xml:"association,omitempty"`
	PrivateIPAddresses xmlItems[ec2PrivateIP] `xml:"privateIpAddressesSet"`
	Ipv6Addresses      xmlItems[struct{}]     `xml:"ipv6AddressesSet"`
	InterfaceType      string                 `xml:"interfaceType"`
}

type ec2MetadataOptions struct {
	State                   string `xml:"state"`
	HTTPTokens              string `xml:"httpTokens"`
	HTTPPutResponseHopLimit int    `xml:"httpPutResponseHopLimit"`
	HTTPEndpoint            string `xml:"httpEndpoint"`
	HTTPProtocolIpv6        string `xml:"httpProtocolIpv6"`
	InstanceMetadataTags    string `xml:"instanceMetadataTags"`
}

type ec2Monitoring struct {
	State string `xml:"state"`
}

type ec2CPUOptions struct {
	CoreCount      int `xml:"coreCount"`
	ThreadsPerCore int `xml:"threadsPerCore"`
}

type ec2Instance struct {
	InstanceID          string                        `xml:"instanceId"`
	ImageID             string                        `xml:"imageId"`
	State               ec2InstanceState              `xml:"instanceState"`
	PrivateDNSName      string                        `xml:"privateDnsName"`
	DNSName             string                        `xml:"dnsName"`
	Reason              string                        `xml:"reason"`
	KeyName             string                        `xml:"keyName,omitempty"`
	AmiLaunchIndex      int                           `xml:"amiLaunchIndex"`
	ProductCodes        xmlItems[struct{}]            `xml:"productCodes"`
	InstanceType        string                        `xml:"instanceType"`
	LaunchTime          string                        `xml:"launchTime"`
	Placement           ec2Placement                  `xml:"placement"`
	Platform            string                        `xml:"platform,omitempty"`
	PlatformDetails     string                        `xml:"platformDetails"`
	UsageOperation      string                        `xml:"usageOperation"`
	UsageOperationTime  string                        `xml:"usageOperationUpdateTime"`
	Monitoring          ec2Monitoring                 `xml:"monitoring"`
	SubnetID            string                        `xml:"subnetId"`
	VpcID               string                        `xml:"vpcId"`
	PrivateIPAddress    string                        `xml:"privateIpAddress"`
	IPAddress           string                        `xml:"ipAddress,omitempty"`
	SourceDestCheck     bool                          `xml:"sourceDestCheck"`
	Groups              xmlItems[ec2Group]            `xml:"groupSet"`
	StateReason         *ec2StateReason               `xml:"stateReason,omitempty"`
	Architecture        string                        `xml:"architecture"`
	RootDeviceType      string                        `xml:"rootDeviceType"`
	RootDeviceName      string                        `xml:"rootDeviceName"`
	BlockDeviceMappings xmlItems[ec2BlockDevice]      `xml:"blockDeviceMapping"`
	VirtualizationType  string                        `xml:"virtualizationType"`
	ClientToken         string                        `xml:"clientToken"`
	Tags                *xmlItems[ec2Tag]             `xml:"tagSet,omitempty"`
	Hypervisor          string                        `xml:"hypervisor"`
	NetworkInterfaces   xmlItems[ec2NetworkInterface] `xml:"networkInterfaceSet"`
	EbsOptimized        bool                          `xml:"ebsOptimized"`
	EnaSupport          bool                          `xml:"enaSupport"`
	SriovNetSupport     string                        `xml:"sriovNetSupport"`
	CPUOptions          ec2CPUOptions                 `xml:"cpuOptions"`
	CapacityReservation struct {
		Preference string `xml:"capacityReservationPreference"`
	} `xml:"capacityReservationSpecification"`
	HibernationOptions struct {
		Configured bool `xml:"configured"`
	} `xml:"hibernationOptions"`
	MetadataOptions ec2MetadataOptions `xml:"metadataOptions"`
	EnclaveOptions  struct {
		Enabled bool `xml:"enabled"`
	} `xml:"enclaveOptions"`
	BootMode                string `xml:"bootMode,omitempty"`
	CurrentInstanceBootMode string `xml:"currentInstanceBootMode"`
	PrivateDNSNameOptions   struct {
		HostnameType                    string `xml:"hostnameType"`
		EnableResourceNameDNSARecord    bool   `xml:"enableResourceNameDnsARecord"`
		EnableResourceNameDNSAAAARecord bool   `xml:"enableResourceNameDnsAAAARecord"`
	} `xml:"privateDnsNameOptions"`
	MaintenanceOptions struct {
		AutoRecovery string `xml:"autoRecovery"`
	} `xml:"maintenanceOptions"`
}

type ec2Reservation struct {
	ReservationID string                `xml:"reservationId"`
	OwnerID       string                `xml:"ownerId"`
	Groups        xmlItems[ec2Group]    `xml:"groupSet"`
	Instances     xmlItems[ec2Instance] `xml:"instancesSet"`
}

type ec2DescribeInstancesResponse struct {
	XMLName      xml.Name                 `xml:"DescribeInstancesResponse"`
	Xmlns        string                   `xml:"xmlns,attr"`
	RequestID    string                   `xml:"requestId"`
	Reservations xmlItems[ec2Reservation] `xml:"reservationSet"`
	NextToken    string                   `xml:"nextToken,omitempty"`
}

var ec2StateCodes = map[string]int{
	"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48, "stopping": 64, "stopped": 80,
}

func ec2InstanceReservation(r *Resource) string {
	return svcStr(r, "ReservationId", "r-"+svcHex(17, r.ID, "reservation"))
}

func ec2InstanceStateName(r *Resource) string {
	if m, ok := r.Attributes["State"].(map[string]any); ok {
		if n, ok := m["Name"].(string); ok {
			return n
		}
	}
	return svcStr(r, "State", "running")
}

// ec2InstancesExist answers InvalidInstanceID.NotFound, naming every
// requested id that is not among all, and reports whether none was missing.
func ec2InstancesExist(c *Call, all []*Resource, ids []string) bool {
	have := make(map[string]bool, len(all))
	for _, r := range all {
		have[r.ID] = true
	}
	var missing []string
	for _, id := range ids {
		if !have[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		c.Error(http.StatusBadRequest, "InvalidInstanceID.NotFound",
			fmt.Sprintf("The instance IDs '%s' do not exist", strings.Join(missing, ", ")))
		return false
	}
	return true
}

func ec2DescribeInstances(c *Call) {
	ids, size, filters, ok := ec2ListParams(c, "InstanceId", "instancesSet", 1000, false, ec2InstanceFilterKnown)
	if !ok {
		return
	}
	all := svcResources(c, KindEC2Instance)
	var selected []*Resource
	if len(ids) > 0 {
		if !ec2InstancesExist(c, all, ids) {
			return
		}
		for _, r := range all {
			if svcContains(ids, r.ID) {
				selected = append(selected, r)
			}
		}
	} else {
		selected = all
	}
	var matched []*Resource
	for _, r := range selected {
		if ec2InstanceMatches(c, filters, r) {
			matched = append(matched, r)
		}
	}
	start, end, next, ok := ec2Page(c, len(matched), size, 1000)
	if !ok {
		return
	}
	out := ec2DescribeInstancesResponse{Xmlns: ec2Namespace, RequestID: c.RequestID, NextToken: next}
	// Instances of one reservation are grouped in launch order; a reservation
	// split across pages appears on both, as AWS does when it pages by instance.
	index := map[string]int{}
	for _, r := range matched[start:end] {
		rid := ec2InstanceReservation(r)
		i, seen := index[rid]
		if !seen {
			i = len(out.Reservations.Items)
			index[rid] = i
			out.Reservations.Items = append(out.Reservations.Items, ec2Reservation{ReservationID: rid, OwnerID: c.AccountID})
		}
		res := &out.Reservations.Items[i]
		inst := ec2RenderInstance(c, r, len(res.Instances.Items))
		res.Instances.Items = append(res.Instances.Items, inst)
	}
	c.XML(out)
}

func ec2InstanceFilterKnown(name string) bool {
	if strings.HasPrefix(name, "tag:") {
		return true
	}
	switch name {
	case "instance-id", "instance-state-name", "instance-state-code", "instance-type", "availability-zone",
		"vpc-id", "subnet-id", "image-id", "tag-key", "reservation-id", "private-ip-address", "ip-address", "architecture":
		return true
	}
	return false
}

func ec2InstanceMatches(c *Call, filters []svcFilter, r *Resource) bool {
	for _, f := range filters {
		if strings.HasPrefix(f.Name, "tag:") {
			v, ok := r.Tags[strings.TrimPrefix(f.Name, "tag:")]
			if !ok || !f.matchAny(v) {
				return false
			}
			continue
		}
		if f.Name == "tag-key" {
			found := false
			for k := range r.Tags {
				if f.matchAny(k) {
					found = true
				}
			}
			if !found {
				return false
			}
			continue
		}
		var v string
		state := ec2InstanceStateName(r)
		switch f.Name {
		case "instance-id":
			v = r.ID
		case "instance-state-name":
			v = state
		case "instance-state-code":
			v = strconv.Itoa(ec2StateCodes[state])
		case "instance-type":
			v = svcStr(r, "InstanceType", "t3.micro")
		case "availability-zone":
			v = svcStr(r, "AvailabilityZone", c.Region+"a")
		case "vpc-id":
			v = ec2VpcID(r)
		case "subnet-id":
			v = ec2SubnetID(r)
		case "image-id":
			v = svcStr(r, "ImageId", "ami-"+svcHex(17, r.ID, "image"))
		case "reservation-id":
			v = ec2InstanceReservation(r)
		case "private-ip-address":
			v = ec2PrivateIPOf(r)
		case "ip-address":
			v = svcStr(r, "PublicIpAddress", "")
		case "architecture":
			v = svcStr(r, "Architecture", "x86_64")
		}
		if !f.matchAny(v) {
			return false
		}
	}
	return true
}

func ec2VpcID(r *Resource) string { return svcStr(r, "VpcId", "vpc-"+svcHex(17, r.ID, "vpc")) }
func ec2SubnetID(r *Resource) string {
	return svcStr(r, "SubnetId", "subnet-"+svcHex(17, r.ID, "subnet"))
}

func ec2PrivateIPOf(r *Resource) string {
	h := svcHash(r.ID, "ip")
	return svcStr(r, "PrivateIpAddress", fmt.Sprintf("10.%d.%d.%d", h>>16&0xff, h>>8&0xff, 1+h%254))
}

// ec2InternalDomain is the private DNS suffix (us-east-1 differs from the rest).
func ec2InternalDomain(region string) string {
	if region == "us-east-1" {
		return "ec2.internal"
	}
	return region + ".compute.internal"
}

func ec2PublicDNS(region, ip string) string {
	if ip == "" {
		return ""
	}
	dashed := strings.ReplaceAll(ip, ".", "-")
	if region == "us-east-1" {
		return "ec2-" + dashed + ".compute-1.amazonaws.com"
	}
	return "ec2-" + dashed + "." + region + ".compute.amazonaws.com"
}

func ec2RenderInstance(c *Call, r *Resource, launchIndex int) ec2Instance {
	state := ec2InstanceStateName(r)
	launched := svcTime(r, "LaunchTime", svcCreated(r))
	privIP := ec2PrivateIPOf(r)
	privDNS := svcStr(r, "PrivateDnsName", "ip-"+strings.ReplaceAll(privIP, ".", "-")+"."+ec2InternalDomain(c.Region))
	pubIP := ""
	if state == "running" || state == "pending" {
		// Stopped instances lose their (non-elastic) public address.
		pubIP = svcStr(r, "PublicIpAddress", "")
	}
	pubDNS := ec2PublicDNS(c.Region, pubIP)
	subnet, vpc := ec2SubnetID(r), ec2VpcID(r)
	group := ec2Group{
		GroupID:   svcStr(r, "SecurityGroupId", "sg-"+svcHex(17, vpc, "sg")),
		GroupName: svcStr(r, "SecurityGroupName", "default"),
	}
	platform := svcStr(r, "Platform", "")
	details := "Linux/UNIX"
	if platform == "windows" {
		details = "Windows"
	}
	arch := svcStr(r, "Architecture", "x86_64")
	rootVolume := svcStr(r, "RootVolumeId", "vol-"+svcHex(17, r.ID, "root"))
	var assoc *ec2Association
	if pubIP != "" {
		assoc = &ec2Association{PublicIP: pubIP, PublicDNSName: pubDNS, IPOwnerID: "amazon"}
	}
	eni := ec2NetworkInterface{
		NetworkInterfaceID: "eni-" + svcHex(17, r.ID, "eni"),
		SubnetID:           subnet,
		VpcID:              vpc,
		OwnerID:            c.AccountID,
		Status:             "in-use",
		MacAddress:         ec2MAC(r.ID),
		PrivateIPAddress:   privIP,
		PrivateDNSName:     privDNS,
		SourceDestCheck:    true,
		Groups:             ec2Items([]ec2Group{group}),
		Attachment: ec2ENIAttachment{
			AttachmentID: "eni-attach-" + svcHex(17, r.ID, "eni-attach"), Status: "attached",
			AttachTime: ec2Time(launched), DeleteOnTermination: true,
		},
		Association:        assoc,
		PrivateIPAddresses: ec2Items([]ec2PrivateIP{{PrivateIPAddress: privIP, PrivateDNSName: privDNS, Primary: true, Association: assoc}}),
		InterfaceType:      "interface",
	}
	inst := ec2Instance{
		InstanceID:         r.ID,
		ImageID:            svcStr(r, "ImageId", "ami-"+svcHex(17, r.ID, "image")),
		State:              ec2InstanceState{Code: ec2StateCodes[state], Name: state},
		PrivateDNSName:     privDNS,
		DNSName:            pubDNS,
		KeyName:            svcStr(r, "KeyName", ""),
		AmiLaunchIndex:     launchIndex,
		InstanceType:       svcStr(r, "InstanceType", "t3.micro"),
		LaunchTime:         ec2Time(launched),
		Placement:          ec2Placement{AvailabilityZone: svcStr(r, "AvailabilityZone", c.Region+"a"), Tenancy: "default"},
		Platform:           platform,
		PlatformDetails:    details,
		UsageOperation:     "RunInstances",
		UsageOperationTime: ec2Time(launched),
		Monitoring:         ec2Monitoring{State: "disabled"},
		SubnetID:           subnet,
		VpcID:              vpc,
		PrivateIPAddress:   privIP,
		IPAddress:          pubIP,
		SourceDestCheck:    true,
		Groups:             ec2Items([]ec2Group{group}),
		Architecture:       arch,
		RootDeviceType:     "ebs",
		RootDeviceName:     "/dev/xvda",
		BlockDeviceMappings: ec2Items([]ec2BlockDevice{{DeviceName: "/dev/xvda", Ebs: ec2EbsDevice{
			VolumeID: rootVolume, Status: "attached", AttachTime: ec2Time(launched), DeleteOnTermination: true,
		}}}),
		VirtualizationType:      "hvm",
		ClientToken:             svcUUID(r.ID, "client-token"),
		Tags:                    ec2TagSet(r.Tags),
		Hypervisor:              "xen",
		NetworkInterfaces:       ec2Items([]ec2NetworkInterface{eni}),
		EbsOptimized:            false,
		EnaSupport:              true,
		SriovNetSupport:         "simple",
		CPUOptions:              ec2CPUOptions{CoreCount: 1, ThreadsPerCore: 2},
		CurrentInstanceBootMode: "legacy-bios",
		MetadataOptions: ec2MetadataOptions{State: "applied", HTTPTokens: "required", HTTPPutResponseHopLimit: 2,
			HTTPEndpoint: "enabled", HTTPProtocolIpv6: "disabled", InstanceMetadataTags: "disabled"},
	}
	if arch == "arm64" {
		inst.BootMode, inst.CurrentInstanceBootMode = "uefi", "uefi"
	}
	inst.CapacityReservation.Preference = "open"
	inst.PrivateDNSNameOptions.HostnameType = "ip-name"
	inst.MaintenanceOptions.AutoRecovery = "default"
	if state == "stopped" || state == "stopping" {
		inst.Reason = "User initiated (" + launched.UTC().Add(24*time.Hour).Format("2006-01-02 15:04:05 MST") + ")"
		inst.StateReason = &ec2StateReason{Code: "Client.UserInitiatedShutdown", Message: "Client.UserInitiatedShutdown: User initiated shutdown"}
	}
	return inst
}

func ec2MAC(id string) string {
	h := svcHex(10, id, "mac")
	return "02:" + h[0:2] + ":" + h[2:4] + ":" + h[4:6] + ":" + h[6:8] + ":" + h[8:10]
}

// ---- DescribeInstanceStatus --------------------------------------------------

type ec2StatusDetail struct {
	Name   string `xml:"name"`
	Status string `xml:"status"`
}

type ec2StatusSummary struct {
	Status  string                     `xml:"status"`
	Details *xmlItems[ec2StatusDetail] `xml:"details,omitempty"`
}

type ec2StatusEvent struct {
	InstanceEventID string `xml:"instanceEventId"`
	Code            string `xml:"code"`
	Description     string `xml:"description"`
	NotBefore       string `xml:"notBefore"`
	NotAfter        string `xml:"notAfter"`
}

type ec2InstanceStatusItem struct {
	InstanceID        string                    `xml:"instanceId"`
	AvailabilityZone  string                    `xml:"availabilityZone"`
	Operator          ec2Operator               `xml:"operator"`
	Events            *xmlItems[ec2StatusEvent] `xml:"eventsSet,omitempty"`
	InstanceState     ec2InstanceState          `xml:"instanceState"`
	SystemStatus      ec2StatusSummary          `xml:"systemStatus"`
	InstanceStatus    ec2StatusSummary          `xml:"instanceStatus"`
	AttachedEbsStatus ec2StatusSummary          `xml:"attachedEbsStatus"`
}

type ec2Operator struct {
	Managed bool `xml:"managed"`
}

type ec2DescribeInstanceStatusResponse struct {
	XMLName   xml.Name                        `xml:"DescribeInstanceStatusResponse"`
	Xmlns     string                          `xml:"xmlns,attr"`
	RequestID string                          `xml:"requestId"`
	Statuses  xmlItems[ec2InstanceStatusItem] `xml:"instanceStatusSet"`
	NextToken string                          `xml:"nextToken,omitempty"`
}

// ec2DescribeInstanceStatus answers the status checks of the running
// instances, or of every instance with IncludeAllInstances=true (the others
// "not-applicable"). InstanceId.N selects instances (an unknown one is
// InvalidInstanceID.NotFound, and it excludes MaxResults, 5–1000). Attribute
// InstanceStatus / SystemStatus ("ok"|"impaired"|"initializing") sets the
// checks of a running instance; ScheduledEvent (a code such as "system-reboot",
// "" for none) its event. Without them, a stable tenth of the running
// instances fail the instance check and a sixth have a scheduled reboot.
func ec2DescribeInstanceStatus(c *Call) {
	ids, size, filters, ok := ec2ListParams(c, "InstanceId", "InstanceIds", 1000, false, ec2InstanceStatusFilterKnown)
	if !ok {
		return
	}
	all := svcResources(c, KindEC2Instance)
	if !ec2InstancesExist(c, all, ids) {
		return
	}
	includeAll := strings.EqualFold(c.Params().Get("IncludeAllInstances"), "true")
	var matched []*Resource
	for _, r := range all {
		if len(ids) > 0 && !svcContains(ids, r.ID) {
			continue
		}
		if !includeAll && ec2InstanceStateName(r) != "running" {
			continue
		}
		if ec2InstanceStatusMatches(c, filters, r) {
			matched = append(matched, r)
		}
	}
	start, end, next, ok := ec2Page(c, len(matched), size, 1000)
	if !ok {
		return
	}
	out := ec2DescribeInstanceStatusResponse{Xmlns: ec2Namespace, RequestID: c.RequestID, NextToken: next}
	for _, r := range matched[start:end] {
		out.Statuses.Items = append(out.Statuses.Items, ec2RenderInstanceStatus(c, r))
	}
	c.XML(out)
}

func ec2StatusOf(r *Resource, key string) (status, reachability string) {
	if ec2InstanceStateName(r) != "running" {
		return "not-applicable", ""
	}
	def := "ok"
	if key == "InstanceStatus" && svcHash(r.ID, "instance-status")%10 == 0 {
		def = "impaired"
	}
	switch s := svcStr(r, key, def); s {
	case "impaired":
		return s, "failed"
	case "initializing":
		return s, "initializing"
	default:
		return s, "passed"
	}
}

func ec2Summary(status, reachability string) ec2StatusSummary {
	s := ec2StatusSummary{Status: status}
	if reachability != "" {
		s.Details = &xmlItems[ec2StatusDetail]{Items: []ec2StatusDetail{{Name: "reachability", Status: reachability}}}
	}
	return s
}

func ec2RenderInstanceStatus(c *Call, r *Resource) ec2InstanceStatusItem {
	state := ec2InstanceStateName(r)
	it := ec2InstanceStatusItem{
		InstanceID:       r.ID,
		AvailabilityZone: svcStr(r, "AvailabilityZone", c.Region+"a"),
		InstanceState:    ec2InstanceState{Code: ec2StateCodes[state], Name: state},
		SystemStatus:     ec2Summary(ec2StatusOf(r, "SystemStatus")),
		InstanceStatus:   ec2Summary(ec2StatusOf(r, "InstanceStatus")),
		AttachedEbsStatus: ec2Summary(func() (string, string) {
			if state != "running" {
				return "not-applicable", ""
			}
			return "ok", "passed"
		}()),
	}
	def := ""
	if svcHash(r.ID, "scheduled-event")%6 == 0 {
		def = "system-reboot"
	}
	if code := svcStr(r, "ScheduledEvent", def); code != "" && state == "running" {
		at := svcCreated(r).Add(400 * 24 * time.Hour)
		it.Events = &xmlItems[ec2StatusEvent]{Items: []ec2StatusEvent{{
			InstanceEventID: "instance-event-" + svcHex(17, r.ID, "event"), Code: code,
			Description: "The instance is scheduled for " + strings.ReplaceAll(code, "-", " "),
			NotBefore:   ec2Time(at), NotAfter: ec2Time(at.Add(2 * time.Hour)),
		}}}
	}
	return it
}

func ec2InstanceStatusFilterKnown(name string) bool {
	switch name {
	case "availability-zone", "instance-state-name", "instance-state-code", "instance-status.status", "system-status.status":
		return true
	}
	return false
}

func ec2InstanceStatusMatches(c *Call, filters []svcFilter, r *Resource) bool {
	for _, f := range filters {
		var v string
		switch f.Name {
		case "availability-zone":
			v = svcStr(r, "AvailabilityZone", c.Region+"a")
		case "instance-state-name":
			v = ec2InstanceStateName(r)
		case "instance-state-code":
			v = strconv.Itoa(ec2StateCodes[ec2InstanceStateName(r)])
		case "instance-status.status":
			v, _ = ec2StatusOf(r, "InstanceStatus")
		case "system-status.status":
			v, _ = ec2StatusOf(r, "SystemStatus")
		}
		if !f.matchAny(v) {
			return false
		}
	}
	return true
}
