package awsemu

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// EC2 DescribeVolumes: EBS volumes with their attachments.

type ec2VolumeAttachment struct {
	VolumeID            string `xml:"volumeId"`
	InstanceID          string `xml:"instanceId"`
	Device              string `xml:"device"`
	Status              string `xml:"status"`
	AttachTime          string `xml:"attachTime"`
	DeleteOnTermination bool   `xml:"deleteOnTermination"`
}

type ec2Volume struct {
	VolumeID           string                        `xml:"volumeId"`
	Size               int64                         `xml:"size"`
	SnapshotID         string                        `xml:"snapshotId"`
	AvailabilityZone   string                        `xml:"availabilityZone"`
	Status             string                        `xml:"status"`
	CreateTime         string                        `xml:"createTime"`
	Attachments        xmlItems[ec2VolumeAttachment] `xml:"attachmentSet"`
	Tags               *xmlItems[ec2Tag]             `xml:"tagSet,omitempty"`
	VolumeType         string                        `xml:"volumeType"`
	Iops               int64                         `xml:"iops,omitempty"`
	Throughput         int64                         `xml:"throughput,omitempty"`
	Encrypted          bool                          `xml:"encrypted"`
	KmsKeyID           string                        `xml:"kmsKeyId,omitempty"`
	MultiAttachEnabled bool                          `xml:"multiAttachEnabled"`
}

type ec2DescribeVolumesResponse struct {
	XMLName   xml.Name            `xml:"DescribeVolumesResponse"`
	Xmlns     string              `xml:"xmlns,attr"`
	RequestID string              `xml:"requestId"`
	Volumes   xmlItems[ec2Volume] `xml:"volumeSet"`
	NextToken string              `xml:"nextToken,omitempty"`
}

func ec2VolumeAttachedTo(r *Resource) string {
	if v := r.AttrStrings("Attachments"); len(v) > 0 {
		return v[0]
	}
	return svcStr(r, "Attachments", svcStr(r, "InstanceId", ""))
}

func ec2VolumeState(r *Resource) string {
	def := "available"
	if ec2VolumeAttachedTo(r) != "" {
		def = "in-use"
	}
	return svcStr(r, "State", def)
}

func ec2VolumeFilterKnown(name string) bool {
	return strings.HasPrefix(name, "tag:") ||
		svcContains([]string{"volume-id", "status", "volume-type", "availability-zone", "attachment.instance-id", "encrypted", "size", "tag-key"}, name)
}

func ec2DescribeVolumes(c *Call) {
	// DescribeVolumes caps a larger MaxResults at 500 rather than failing.
	ids, size, filters, ok := ec2ListParams(c, "VolumeId", "volumeSet", 500, true, ec2VolumeFilterKnown)
	if !ok {
		return
	}
	all := svcResources(c, KindEC2Volume)
	if len(ids) > 0 {
		have := map[string]bool{}
		for _, r := range all {
			have[r.ID] = true
		}
		for _, id := range ids {
			if !have[id] {
				c.Error(http.StatusBadRequest, "InvalidVolume.NotFound", fmt.Sprintf("The volume '%s' does not exist.", id))
				return
			}
		}
	}
	var matched []*Resource
	for _, r := range all {
		if len(ids) > 0 && !svcContains(ids, r.ID) {
			continue
		}
		if ec2VolumeMatches(c, filters, r) {
			matched = append(matched, r)
		}
	}
	start, end, next, ok := ec2Page(c, len(matched), size, 500)
	if !ok {
		return
	}
	out := ec2DescribeVolumesResponse{Xmlns: ec2Namespace, RequestID: c.RequestID, NextToken: next}
	for _, r := range matched[start:end] {
		out.Volumes.Items = append(out.Volumes.Items, ec2RenderVolume(c, r))
	}
	c.XML(out)
}

func ec2VolumeMatches(c *Call, filters []svcFilter, r *Resource) bool {
	for _, f := range filters {
		if strings.HasPrefix(f.Name, "tag:") {
			v, ok := r.Tags[strings.TrimPrefix(f.Name, "tag:")]
			if !ok || !f.matchAny(v) {
				return false
			}
			continue
		}
		var v string
		switch f.Name {
		case "volume-id":
			v = r.ID
		case "status":
			v = ec2VolumeState(r)
		case "volume-type":
			v = svcStr(r, "VolumeType", "gp3")
		case "availability-zone":
			v = svcStr(r, "AvailabilityZone", c.Region+"a")
		case "attachment.instance-id":
			v = ec2VolumeAttachedTo(r)
		case "encrypted":
			v = strconv.FormatBool(svcBool(r, "Encrypted", false))
		case "size":
			v = strconv.FormatInt(svcInt(r, "Size", 8), 10)
		case "tag-key":
			found := false
			for k := range r.Tags {
				found = found || f.matchAny(k)
			}
			if !found {
				return false
			}
			continue
		}
		if !f.matchAny(v) {
			return false
		}
	}
	return true
}

func ec2RenderVolume(c *Call, r *Resource) ec2Volume {
	created := svcTime(r, "CreateTime", svcCreated(r))
	vt := svcStr(r, "VolumeType", "gp3")
	size := svcInt(r, "Size", 8)
	v := ec2Volume{
		VolumeID:         r.ID,
		Size:             size,
		SnapshotID:       svcStr(r, "SnapshotId", ""),
		AvailabilityZone: svcStr(r, "AvailabilityZone", c.Region+"a"),
		Status:           ec2VolumeState(r),
		CreateTime:       ec2Time(created),
		Tags:             ec2TagSet(r.Tags),
		VolumeType:       vt,
		Encrypted:        svcBool(r, "Encrypted", false),
	}
	switch vt {
	case "gp3":
		v.Iops = svcInt(r, "Iops", 3000)
		v.Throughput = svcInt(r, "Throughput", 125)
	case "gp2":
		v.Iops = svcInt(r, "Iops", max(100, min(16000, 3*size)))
	case "io1", "io2":
		v.Iops = svcInt(r, "Iops", 100)
	}
	if v.Encrypted {
		v.KmsKeyID = "arn:" + svcPartition(c) + ":kms:" + c.Region + ":" + c.AccountID + ":key/" + svcUUID(c.AccountID, "ebs-key")
	}
	if inst := ec2VolumeAttachedTo(r); inst != "" {
		v.Attachments.Items = []ec2VolumeAttachment{{
			VolumeID: r.ID, InstanceID: inst, Device: svcStr(r, "Device", "/dev/xvdf"),
			Status: "attached", AttachTime: ec2Time(created), DeleteOnTermination: false,
		}}
	}
	return v
}

type ec2BoolValue struct {
	Value bool `xml:"value"`
}

type ec2ProductCode struct {
	ProductCode string `xml:"productCode"`
	Type        string `xml:"type"`
}

type ec2DescribeVolumeAttributeResponse struct {
	XMLName      xml.Name                  `xml:"DescribeVolumeAttributeResponse"`
	Xmlns        string                    `xml:"xmlns,attr"`
	RequestID    string                    `xml:"requestId"`
	VolumeID     string                    `xml:"volumeId"`
	AutoEnableIO *ec2BoolValue             `xml:"autoEnableIO,omitempty"`
	ProductCodes *xmlItems[ec2ProductCode] `xml:"productCodes,omitempty"`
}

// EC2VolumeAutoEnableIO is the volume's autoEnableIO attribute: the resource's
// AutoEnableIO when set, otherwise derived from the volume id (about one in
// four volumes on), so generation's random stream is untouched.
func EC2VolumeAutoEnableIO(r *Resource) bool {
	return svcBool(r, "AutoEnableIO", svcHash(r.ID, "autoEnableIO")%4 == 0)
}

// ec2DescribeVolumeAttribute answers one attribute (autoEnableIO or
// productCodes) of one volume, as EC2 does.
func ec2DescribeVolumeAttribute(c *Call) {
	form := c.Params()
	id, attr := form.Get("VolumeId"), form.Get("Attribute")
	if id == "" {
		c.Error(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter volumeId")
		return
	}
	if attr == "" {
		c.Error(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter attribute")
		return
	}
	if attr != "autoEnableIO" && attr != "productCodes" {
		c.Error(http.StatusBadRequest, "InvalidParameterValue", fmt.Sprintf("Value (%s) for parameter attribute is invalid. Unknown attribute.", attr))
		return
	}
	var vol *Resource
	for _, r := range svcResources(c, KindEC2Volume) {
		if r.ID == id {
			vol = r
			break
		}
	}
	if vol == nil {
		c.Error(http.StatusBadRequest, "InvalidVolume.NotFound", fmt.Sprintf("The volume '%s' does not exist.", id))
		return
	}
	out := ec2DescribeVolumeAttributeResponse{Xmlns: ec2Namespace, RequestID: c.RequestID, VolumeID: id}
	if attr == "autoEnableIO" {
		out.AutoEnableIO = &ec2BoolValue{Value: EC2VolumeAutoEnableIO(vol)}
	} else {
		out.ProductCodes = &xmlItems[ec2ProductCode]{} // generated volumes carry none
	}
	c.XML(out)
}
