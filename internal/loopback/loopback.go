// Package loopback finds free ports on the loopback interface, for the
// tests that start servers of their own (PostgreSQL, MinIO).
package loopback

import (
	"context"
	"errors"
	"fmt"
	"net"
)

// FreePort returns a TCP port on 127.0.0.1 that nothing listens on,
// for tests that start a server of their own (PostgreSQL, MinIO).
func FreePort() (int, error) {
	l, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("loopback: listening on a free port: %w", err)
	}
	defer func() { _ = l.Close() }()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0, errors.New("loopback: the listener has no TCP address")
	}
	return addr.Port, nil
}
