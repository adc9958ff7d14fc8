// Package workloads gives read views of the workloads a data-science
// platform shows its users, as DigitalHub's resource manager does:
// Services with their ports, Deployments with their replicas and
// conditions, Jobs with their status (and deletion), ResourceQuotas with
// hard and used amounts, and the logs of Deployments' and Jobs' pods.
//
// Each kind is filtered by the hub.Client's relevance selector for it, as
// DigitalHub configures them in K8S_SELECTOR_SERVICE, _DEPLOYMENT, _JOB and
// _QUOTA (see hub.SelectorsFromEnv); a kind without one shows everything.
// An object outside the selection is NotFound, as it is for the lists.
//
// Logs come from the API server through the client's rest config. A client
// without one (a fake cluster) returns ErrLogsUnavailable, so a dashboard
// can say that the cluster cannot give logs rather than show none.
package workloads
