// Command etcd runs the etcd server of go.etcd.io/etcd/server/v3, at the
// version go.mod pins, for the real-cluster tests.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
