package mapping

import (
	"fmt"
	"testing"
)

func ec2Items(n int) []map[string]any {
	raws := make([]map[string]any, n)
	for i := range raws {
		raws[i] = map[string]any{
			"Type": "AWS::EC2::Instance",
			"Properties": map[string]any{
				"InstanceId": fmt.Sprintf("i-%017x", i), "InstanceType": "t3.micro",
				"State":            map[string]any{"Code": 16.0, "Name": "running"},
				"PrivateIpAddress": "10.0.0.1", "PublicIpAddress": "3.3.3.3",
				"Tags": []any{map[string]any{"Key": "env", "Value": "prod"}, map[string]any{"Key": "Name", "Value": fmt.Sprintf("web-%d", i)}},
			},
			"__ExtraContext": map[string]any{"AccountId": "123456789012", "Region": "us-east-1"},
		}
	}
	return raws
}

// BenchmarkMapItems maps 1,000 EC2 instances through the default mapping.
func BenchmarkMapItems(b *testing.B) {
	compiled, err := Compile(DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	r := compiled.ForKind("AWS::EC2::Instance")[0]
	raws := ec2Items(1000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res, err := r.MapItems(raws)
		if err != nil || len(res.Entities) != 1000 {
			b.Fatalf("%d entities, %v", len(res.Entities), err)
		}
	}
}

func TestBenchmarkInputMapsCleanly(t *testing.T) {
	compiled, err := Compile(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	res, err := compiled.ForKind("AWS::EC2::Instance")[0].MapItems(ec2Items(3))
	if err != nil || len(res.Entities) != 3 || res.PropertyErrors != 0 || *res.Entities[2].Title != "web-2" {
		t.Fatalf("%+v %v", res, err)
	}
}
