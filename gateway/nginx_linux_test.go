package gateway_test

import (
	"os/exec"
	"syscall"
)

// stopWithTheTest has the kernel stop cmd should the test binary die
// without running its cleanups (a panic, a timeout).
func stopWithTheTest(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
