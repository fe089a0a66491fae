package temporalx

import (
	"net/http"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
)

// compressFrom is the payload size from which compression pays: entity batches
// (tens of KB) shrink several times, while small payloads (account ids, counts,
// progress of a small resync) stay plain JSON that any Temporal CLI or UI reads
// without the codec.
const compressFrom = 4 << 10

// sizeThresholdCodec compresses only payloads of at least minBytes; decoding
// handles both, so histories written with any threshold stay readable.
type sizeThresholdCodec struct {
	inner    converter.PayloadCodec
	minBytes int
}

func (c sizeThresholdCodec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if len(p.GetData()) < c.minBytes {
			out[i] = p
			continue
		}
		enc, err := c.inner.Encode([]*commonpb.Payload{p})
		if err != nil {
			return payloads, err
		}
		out[i] = enc[0]
	}
	return out, nil
}

func (c sizeThresholdCodec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	return c.inner.Decode(payloads)
}

// CodecHandler serves Temporal's remote codec protocol (/encode, /decode) so the
// Web UI (`--ui-codec-endpoint`) and the CLI (`--codec-endpoint`) can show the
// compressed entity batches. allowOrigin is the Web UI's origin, for CORS.
func CodecHandler(allowOrigin string) http.Handler {
	codec := converter.NewPayloadCodecHTTPHandler(Codec())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if allowOrigin != "" {
			w.Header().Set("Access-Control-Allow-Origin", allowOrigin)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
			w.Header().Set("Access-Control-Allow-Headers", "Content-Type, X-Namespace, Authorization")
			w.Header().Set("Access-Control-Allow-Methods", "POST, OPTIONS")
		}
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		codec.ServeHTTP(w, r)
	})
}
