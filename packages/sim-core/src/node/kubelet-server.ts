/**
 * The kubelet's own server on :10250, as far as the lab uses it: kube-apiserver's pods/log proxies
 * to GET /containerLogs/<namespace>/<pod>/<container> on the pod's node (pkg/kubelet/server/
 * server.go getContainerLogs), which reads the container's log through CRI. The lab carries the
 * request and its answer as two messages between the processes (no TLS, no HTTP framing here).
 */
export const KUBELET_CONTAINER_LOGS = 'kubelet.containerLogs';
export const KUBELET_CONTAINER_LOGS_REPLY = 'kubelet.containerLogs.reply';
