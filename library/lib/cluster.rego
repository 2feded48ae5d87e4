# METADATA
# title: Cluster-level helpers
# description: >-
#   Cluster-level controls judge the synthetic shipshape.dev/v1 Cluster
#   object that the scan adds when the scanned objects describe a cluster;
#   they look at data.inventory as a whole.
package lib.cluster

import rego.v1

import data.lib.k8s

# is_cluster is true when the object under review is the synthetic Cluster.
is_cluster if k8s.has_kind("shipshape.dev", "Cluster")
