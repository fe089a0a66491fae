package awsemu_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	sestypes "github.com/aws/aws-sdk-go-v2/service/sesv2/types"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestSESv2IdentitiesAndConfigurationSets(t *testing.T) {
	e := svcStart(t)
	e.add(t, e.mgmt, "eu-west-1", awsemu.KindSESConfigurationSet, 3, func(i int) *awsemu.Resource {
		name := fmt.Sprintf("test-set-%d", i)
		attrs := map[string]any{}
		if i == 0 {
			attrs = map[string]any{"CustomRedirectDomain": "click.example.com", "SuppressedReasons": []string{"BOUNCE"}, "Vdm": true}
		}
		return &awsemu.Resource{ID: name, Name: name, Tags: map[string]string{"team": "data"}, Attributes: attrs}
	})
	e.add(t, e.mgmt, "eu-west-1", awsemu.KindSESEmailIdentity, 5, func(i int) *awsemu.Resource {
		name := fmt.Sprintf("test-%d.example.com", i)
		attrs := map[string]any{}
		if i == 1 {
			name = "test-1@example.com"
			attrs["VerificationStatus"], attrs["ConfigurationSetName"] = "PENDING", "test-set-0"
		}
		return &awsemu.Resource{ID: name, Name: name, Attributes: attrs}
	})
	client := sesv2.NewFromConfig(e.cfg("eu-west-1"))
	want := e.resources(e.mgmt, "eu-west-1", awsemu.KindSESEmailIdentity)
	var ids []sestypes.IdentityInfo
	pages := 0
	for p := sesv2.NewListEmailIdentitiesPaginator(client, &sesv2.ListEmailIdentitiesInput{PageSize: aws.Int32(2)}); p.HasMorePages(); {
		out, err := p.NextPage(e.ctx)
		if err != nil {
			t.Fatalf("list identities: %v", err)
		}
		pages++
		ids = append(ids, out.EmailIdentities...)
	}
	if len(ids) != len(want) || pages != (len(want)+1)/2 {
		t.Fatalf("listed %d identities in %d pages, want %d", len(ids), pages, len(want))
	}
	for _, id := range ids {
		if aws.ToString(id.IdentityName) == "" || id.IdentityType == "" || id.VerificationStatus == "" {
			t.Fatalf("identity decoded wrong: %+v", id)
		}
	}
	got, err := client.GetEmailIdentity(e.ctx, &sesv2.GetEmailIdentityInput{EmailIdentity: aws.String("test-1@example.com")})
	if err != nil || got.IdentityType != sestypes.IdentityTypeEmailAddress || got.VerificationStatus != sestypes.VerificationStatusPending ||
		got.VerifiedForSendingStatus || aws.ToString(got.ConfigurationSetName) != "test-set-0" || got.DkimAttributes == nil ||
		got.MailFromAttributes == nil || got.VerificationInfo == nil || got.Tags == nil {
		t.Fatalf("get identity: %v %+v", err, got)
	}
	dom, err := client.GetEmailIdentity(e.ctx, &sesv2.GetEmailIdentityInput{EmailIdentity: aws.String("test-0.example.com")})
	if err != nil || dom.IdentityType != sestypes.IdentityTypeDomain || !dom.VerifiedForSendingStatus || len(dom.DkimAttributes.Tokens) != 3 ||
		dom.VerificationInfo.SOARecord == nil || dom.VerificationInfo.LastSuccessTimestamp == nil {
		t.Fatalf("get domain identity: %v %+v", err, dom)
	}
	_, err = client.GetEmailIdentity(e.ctx, &sesv2.GetEmailIdentityInput{EmailIdentity: aws.String("nope.example.com")})
	svcAPIError(t, err, "NotFoundException", http.StatusNotFound)

	sets := e.resources(e.mgmt, "eu-west-1", awsemu.KindSESConfigurationSet)
	var names []string
	for p := sesv2.NewListConfigurationSetsPaginator(client, &sesv2.ListConfigurationSetsInput{PageSize: aws.Int32(2)}); p.HasMorePages(); {
		out, err := p.NextPage(e.ctx)
		if err != nil {
			t.Fatalf("list sets: %v", err)
		}
		names = append(names, out.ConfigurationSets...)
	}
	if len(names) != len(sets) {
		t.Fatalf("listed sets %v, want %d", names, len(sets))
	}
	cs, err := client.GetConfigurationSet(e.ctx, &sesv2.GetConfigurationSetInput{ConfigurationSetName: aws.String("test-set-0")})
	if err != nil || aws.ToString(cs.ConfigurationSetName) != "test-set-0" || cs.TrackingOptions == nil || cs.SuppressionOptions == nil ||
		cs.VdmOptions == nil || cs.SendingOptions == nil || !cs.SendingOptions.SendingEnabled || len(cs.Tags) != 1 || cs.ArchivingOptions != nil {
		t.Fatalf("get set: %v %+v", err, cs)
	}
	bare, err := client.GetConfigurationSet(e.ctx, &sesv2.GetConfigurationSetInput{ConfigurationSetName: aws.String("test-set-1")})
	if err != nil || bare.TrackingOptions != nil || bare.SuppressionOptions != nil || bare.VdmOptions != nil {
		t.Fatalf("bare set: %v %+v", err, bare)
	}
	_, err = client.GetConfigurationSet(e.ctx, &sesv2.GetConfigurationSetInput{ConfigurationSetName: aws.String("nope")})
	svcAPIError(t, err, "NotFoundException", http.StatusNotFound)
	_, err = client.ListConfigurationSets(e.ctx, &sesv2.ListConfigurationSetsInput{PageSize: aws.Int32(1001)})
	svcAPIError(t, err, "BadRequestException", http.StatusBadRequest)
	_, err = client.ListEmailIdentities(e.ctx, &sesv2.ListEmailIdentitiesInput{NextToken: aws.String("garbage")})
	svcAPIError(t, err, "BadRequestException", http.StatusBadRequest)

	e.srv.Faults().DenyAccess(e.mgmt, "ses", "")
	_, err = client.ListEmailIdentities(e.ctx, &sesv2.ListEmailIdentitiesInput{})
	svcAPIError(t, err, "AccessDeniedException", http.StatusForbidden)
	e.clearFaults()
	member := sesv2.NewFromConfig(e.memberCfg("us-east-1"))
	svcCheckThrottle(t, e.srv, "ses", "TooManyRequestsException", http.StatusTooManyRequests, func() error {
		_, err := member.ListConfigurationSets(e.ctx, &sesv2.ListConfigurationSetsInput{})
		return err
	})
}
