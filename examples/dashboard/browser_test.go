package main

import (
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// EnvChromium names the browser the browser test drives; by default the
// chromium on PATH (Debian's package, which hack/ensure-chromium.sh installs).
const envChromium = "HUBKIT_CHROMIUM"

// TestInABrowser drives the dashboard in headless Chromium as a user
// would: create a volume through the form, see it listed, decode a
// secret, delete the volume after confirming. Screenshots go to
// _output/browser/.
func TestInABrowser(t *testing.T) {
	browser := os.Getenv(envChromium)
	if browser == "" {
		var err error
		if browser, err = exec.LookPath("chromium"); err != nil {
			t.Fatalf("no chromium to drive: install Debian's chromium package (hack/ensure-chromium.sh does) or set %s", envChromium)
		}
	}
	shots, err := filepath.Abs(filepath.Join("..", "..", "_output", "browser"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(shots, 0o750); err != nil {
		t.Fatal(err)
	}

	ctx, stop := context.WithCancel(t.Context())
	defer stop()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, options{addr: "127.0.0.1:0"}, slog.New(slog.DiscardHandler), ready)
	}()
	var base string
	select {
	case base = <-ready:
	case err := <-done:
		t.Fatalf("the dashboard did not start: %v", err)
	}

	// Not t.TempDir: Chromium's helper processes may still be writing there
	// when the test ends, which would fail its cleanup.
	profile, err := os.MkdirTemp("", "hubkit-chromium-") //nolint:usetesting // see above
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = os.RemoveAll(profile) }()
	allocator, cancelAllocator := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(browser), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(profile), chromedp.WindowSize(1280, 800),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.NoFirstRun)
	defer cancelAllocator()
	tab, cancelTab := chromedp.NewContext(allocator)
	defer cancelTab()
	tab, cancelTimeout := context.WithTimeout(tab, 2*time.Minute)
	defer cancelTimeout()

	// Accept the delete confirmation when it comes.
	chromedp.ListenTarget(tab, func(ev any) {
		if _, ok := ev.(*cdppage.EventJavascriptDialogOpening); ok {
			go func() { _ = chromedp.Run(tab, cdppage.HandleJavaScriptDialog(true)) }()
		}
	})
	screenshot := func(name string) chromedp.Action {
		return chromedp.ActionFunc(func(ctx context.Context) error {
			// Right after a reload the page may have no layout yet; wait for one.
			var buf []byte
			var err error
			for range 50 {
				if err = chromedp.CaptureScreenshot(&buf).Do(ctx); err == nil {
					return os.WriteFile(filepath.Join(shots, name+".png"), buf, 0o600)
				}
				time.Sleep(50 * time.Millisecond)
			}
			return err
		})
	}

	var decoded string
	err = chromedp.Run(tab,
		chromedp.Navigate(base+"ui/k8s_pvc"),
		chromedp.WaitVisible(`tr[data-id="datasets"]`),
		screenshot("01-volumes"),
		chromedp.SetValue(`input[name="name"]`, "notebooks"),
		chromedp.SetValue(`input[name="resourceAmount"]`, "5"),
		chromedp.Click(`form.create button[type="submit"]`),
		chromedp.WaitVisible(`tr[data-id="notebooks"]`),
		screenshot("02-volume-created"),
		chromedp.Navigate(base+"ui/k8s_secret/api-token"),
		chromedp.Click(`button[data-key="token"]`),
		chromedp.Poll(`document.querySelector('td.value[data-key="token"]').textContent !== "*************"`, nil),
		chromedp.Text(`td.value[data-key="token"]`, &decoded),
		screenshot("03-secret-decoded"),
		chromedp.Navigate(base+"ui/k8s_pvc"),
		chromedp.WaitVisible(`tr[data-id="notebooks"]`),
		chromedp.Click(`tr[data-id="notebooks"] button[data-delete]`),
		chromedp.WaitNotPresent(`tr[data-id="notebooks"]`),
		screenshot("04-volume-deleted"),
	)
	if err != nil {
		t.Fatalf("driving the dashboard: %v", err)
	}
	if decoded != "demo-token-123" {
		t.Errorf("Decode showed %q, want the secret's value", decoded)
	}
	stop()
	if err := <-done; err != nil {
		t.Errorf("the dashboard: %v", err)
	}
}
