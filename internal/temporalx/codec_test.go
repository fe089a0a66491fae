package temporalx

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
)

func TestCodecCompressesOnlyLargePayloadsAndRoundTrips(t *testing.T) {
	dc := DataConverter()
	small, err := dc.ToPayload(map[string]int{"accountsDone": 3})
	if err != nil {
		t.Fatal(err)
	}
	if enc := string(small.Metadata["encoding"]); enc != "json/plain" {
		t.Fatalf("small payload encoding = %q, want plain JSON readable without the codec", enc)
	}
	batch := make([]map[string]string, 400)
	for i := range batch {
		batch[i] = map[string]string{"identifier": "i-0123456789abcdef0", "blueprint": "ec2Instance", "title": "web"}
	}
	big, err := dc.ToPayload(batch)
	if err != nil {
		t.Fatal(err)
	}
	if enc := string(big.Metadata["encoding"]); enc != "binary/zlib" {
		t.Fatalf("large payload encoding = %q, want binary/zlib", enc)
	}
	plain, _ := json.Marshal(batch)
	if len(big.Data)*4 > len(plain) {
		t.Fatalf("batch compressed to %d of %d bytes; expected at least 4x", len(big.Data), len(plain))
	}
	var back []map[string]string
	if err := dc.FromPayload(big, &back); err != nil || len(back) != 400 || back[399]["blueprint"] != "ec2Instance" {
		t.Fatalf("round trip: %v, %d items", err, len(back))
	}
}

func TestCodecHandlerDecodesForTheWebUI(t *testing.T) {
	batch := strings.Repeat(`{"identifier":"i-1","blueprint":"ec2Instance"},`, 200)
	enc, err := Codec().Encode([]*commonpb.Payload{{Metadata: map[string][]byte{"encoding": []byte("json/plain")}, Data: []byte("[" + batch + "{}]")}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(&commonpb.Payloads{Payloads: enc})
	srv := httptest.NewServer(CodecHandler("http://127.0.0.1:8233"))
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/decode", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "http://127.0.0.1:8233" {
		t.Fatalf("CORS origin = %q", got)
	}
	var out commonpb.Payloads
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if len(out.Payloads) != 1 || !strings.Contains(string(out.Payloads[0].Data), `"blueprint":"ec2Instance"`) {
		t.Fatalf("decoded payload = %v", out.Payloads)
	}
}
