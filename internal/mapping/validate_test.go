package mapping

import (
	"strings"
	"testing"
)

func known(k string) bool { return k == "AWS::EC2::Instance" || k == "AWS::S3::Bucket" }

func validResource() Resource {
	return Resource{
		Kind:     "AWS::EC2::Instance",
		Selector: Selector{Query: "true", MaxConcurrentAccounts: 5},
		Port: PortSpec{ItemsToParseName: "item", ItemsToParseTopLevelTransform: true, Entity: EntitySpec{Mappings: Mappings{{
			Identifier: ".Properties.InstanceId", Blueprint: `"ec2Instance"`,
			Properties: map[string]string{"state": ".Properties.State.Name"},
			Relations:  map[string]any{"account": ".__ExtraContext.AccountId"},
		}}}},
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name   string
		modify func(c *Config)
		want   []string
	}{
		{"valid", func(c *Config) {}, nil},
		{"unknown kind", func(c *Config) { c.Resources[0].Kind = "AWS::EC2::instance" },
			[]string{`resources[0].kind: "AWS::EC2::instance" is not a supported kind; kinds are case-sensitive`}},
		{"empty kind", func(c *Config) { c.Resources[0].Kind = "" }, []string{"resources[0].kind: required"}},
		{"empty query", func(c *Config) { c.Resources[0].Selector.Query = " " },
			[]string{"resources[0].selector.query: required; use 'true' to keep every item"}},
		{"no identifier", func(c *Config) { c.Resources[0].Port.Entity.Mappings[0].Identifier = "" },
			[]string{"resources[0].port.entity.mappings.identifier: required"}},
		{"no blueprint", func(c *Config) { c.Resources[0].Port.Entity.Mappings[0].Blueprint = "" },
			[]string{`resources[0].port.entity.mappings.blueprint: required, a quoted JQ string such as '"ec2Instance"'`}},
		{"no mappings", func(c *Config) { c.Resources[0].Port.Entity.Mappings = nil },
			[]string{"resources[0].port.entity.mappings: required"}},
		{"too many actions", func(c *Config) { c.Resources[0].Selector.IncludeActions = []string{"a", "b", "c", "d"} },
			[]string{"resources[0].selector.includeActions: 4 actions given, at most 3 are allowed; remove 1"}},
		{"threshold high", func(c *Config) { c.EntityDeletionThreshold = 1.5 },
			[]string{"entityDeletionThreshold: 1.5 is outside [0, 1]"}},
		{"threshold negative", func(c *Config) { c.EntityDeletionThreshold = -0.1 },
			[]string{"entityDeletionThreshold: -0.1 is outside [0, 1]"}},
		{"accounts negative", func(c *Config) { c.Resources[0].Selector.MaxConcurrentAccounts = -1 },
			[]string{"resources[0].selector.maxConcurrentAccounts: -1 is not a positive integer"}},
		{"bad region", func(c *Config) { c.Resources[0].Selector.RegionPolicy.Deny = []string{"us-east1"} },
			[]string{`resources[0].selector.regionPolicy.deny[0]: "us-east1" is not an AWS region name`}},
		{"bad property id", func(c *Config) { c.Resources[0].Port.Entity.Mappings[0].Properties["bad id"] = ".x" },
			[]string{`resources[0].port.entity.mappings.properties.bad id: "bad id" is not a valid Port property identifier`}},
		{"empty property", func(c *Config) { c.Resources[0].Port.Entity.Mappings[0].Properties["state"] = "" },
			[]string{"resources[0].port.entity.mappings.properties.state: empty JQ expression"}},
		{"bad relation value", func(c *Config) { c.Resources[0].Port.Entity.Mappings[0].Relations["account"] = 5 },
			[]string{"resources[0].port.entity.mappings.relations.account: want a JQ string or a search-query object, got the number 5"}},
		{"no resources", func(c *Config) { c.Resources = nil }, []string{"resources: empty"}},
		{"several at once", func(c *Config) {
			c.Resources = append(c.Resources, validResource())
			c.Resources[1].Kind = "Nope"
			c.Resources[1].Port.Entity.Mappings = append(c.Resources[1].Port.Entity.Mappings, EntityMapping{Identifier: ".x"})
			c.EntityDeletionThreshold = 2
		}, []string{
			`resources[1].kind: "Nope" is not a supported kind`,
			`resources[1].port.entity.mappings[1].blueprint: required`,
			`entityDeletionThreshold: 2 is outside [0, 1]`,
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := &Config{EntityDeletionThreshold: 0.9, Resources: []Resource{validResource()}}
			c.modify(cfg)
			err := cfg.Validate(known)
			if len(c.want) == 0 {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate = nil, want %q", c.want)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if n := strings.Count(err.Error(), "\n") + 1; n != len(c.want) {
				t.Errorf("got %d problems, want %d:\n%v", n, len(c.want), err)
			}
		})
	}
}

func TestValidateWithoutKindCheck(t *testing.T) {
	cfg := &Config{EntityDeletionThreshold: 0.9, Resources: []Resource{validResource()}}
	cfg.Resources[0].Kind = "Custom::Kind"
	if err := cfg.Validate(nil); err != nil {
		t.Errorf("Validate(nil) = %v, want nil", err)
	}
}
