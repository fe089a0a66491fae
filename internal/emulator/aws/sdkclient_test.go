package awsemu_test

import (
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// sdkHTTPClient is the SDK's default HTTP client, minus a client-side race
// that a fast local server exposes and real AWS, tens of milliseconds away,
// practically never does.
//
// smithy-go closes the request body as soon as response headers arrive
// (transport/http/client.go), while net/http's write loop may not yet have
// finished with it: after sending Content-Length bytes it drains the body once
// more (io.Copy into io.Discard, transfer.go writeBody). The SDK wraps bodies in
// a "safe" closer whose WriteTo answers io.EOF once closed (Read answers a plain
// 0, io.EOF). io.Copy prefers WriteTo and passes io.EOF on as an error, so
// net/http sees a failed request write and closes the connection while the
// response is still being read: "deserialization failed … use of closed
// network connection" on a 200, for any response larger than what the client
// had already buffered. The emulator's bytes on the wire are complete; an
// httptest server that answers a static 10 KB DescribeInstances document
// triggers the same failure.
//
// Hiding WriteTo makes that final drain go through Read, whose EOF io.Copy
// treats as the end of the body. Nothing is copied or buffered.
func sdkHTTPClient() aws.HTTPClient { return readOnlyBodies{next: awshttp.NewBuildableClient()} }

type readOnlyBodies struct{ next aws.HTTPClient }

func (c readOnlyBodies) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		r = r.WithContext(r.Context()) // shallow copy: the caller's request stays as it was
		r.Body = readCloserOnly{r.Body}
	}
	return c.next.Do(r)
}

// readCloserOnly exposes Read and Close, and nothing else of the body.
type readCloserOnly struct{ io.ReadCloser }
