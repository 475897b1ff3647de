"""The local stack's own rules that can be checked without starting anything."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "deploy" / "local"))

import kafka_server


def test_kafka_cluster_ids_never_start_with_a_dash() -> None:
    # StorageTool reads "-t -abc..." as two options; about one random id in 64 did this.
    ids = [kafka_server.cluster_id() for _ in range(3000)]

    assert not [cluster_id for cluster_id in ids if cluster_id.startswith("-")]
    assert all(len(cluster_id) == 22 for cluster_id in ids)
    assert len(set(ids)) == len(ids)
