package awsemu_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// motoServer is a `python3 -m moto.server` child process on a loopback port.
type motoServer struct {
	URL string
	cmd *exec.Cmd
	out *bytes.Buffer
}

// motoStart starts moto for the test's lifetime, or skips the test when
// python3 or the moto package is missing. The contract test starts it once and
// runs every operation as a subtest, because moto takes seconds to come up.
func motoStart(t *testing.T) *motoServer {
	t.Helper()
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3/moto not installed: python3 not on PATH")
	}
	if out, err := exec.Command(python, "-c", "import moto").CombinedOutput(); err != nil {
		t.Skipf("python3/moto not installed: import moto: %v: %s", err, bytes.TrimSpace(out))
	}
	port, err := motoFreePort()
	if err != nil {
		t.Fatalf("find a free port for moto: %v", err)
	}
	m := &motoServer{URL: "http://127.0.0.1:" + strconv.Itoa(port), out: &bytes.Buffer{}}
	m.cmd = exec.Command(python, "-m", "moto.server", "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	m.cmd.Stdout, m.cmd.Stderr = m.out, m.out
	if err := m.cmd.Start(); err != nil {
		t.Fatalf("start moto: %v", err)
	}
	// done closes when the process has exited; waitErr is then its exit status.
	done := make(chan struct{})
	var waitErr error
	go func() { waitErr = m.cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = m.cmd.Process.Kill()
		<-done
	})
	exited := func() error { return fmt.Errorf("moto exited: %v", waitErr) }
	if err := motoWaitReady(m.URL, 60*time.Second, done, exited); err != nil {
		_ = m.cmd.Process.Kill()
		<-done // the output buffer is complete only once the process is gone
		t.Fatalf("moto did not become ready: %v\n%s", err, m.out.String())
	}
	return m
}

func motoFreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("listen: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// motoWaitReady polls moto's HTTP port until it answers, the process exits or
// the deadline passes.
func motoWaitReady(url string, timeout time.Duration, done <-chan struct{}, exited func() error) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+"/moto-api/", nil)
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case <-done:
			return exited()
		case <-ctx.Done():
			return fmt.Errorf("no answer within %s", timeout)
		case <-tick.C:
		}
	}
}
