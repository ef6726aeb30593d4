from __future__ import annotations

from typing import Any

import pytest

from analysis.engine.techniques import DEFAULT_TECHNIQUES, changes_for
from analysis.inputs import load_inputs
from analysis.shaping import Namer, change_words
from inventory.models import Component

pytestmark = pytest.mark.django_db


def test_a_replicated_copy_is_named_after_its_original_not_by_its_engine_id(
    demo: dict[str, Any],
) -> None:
    from analysis.engine.structure import Model
    from inventory.graph import component_key, function_key
    from tests.analysis.conftest import printing_function

    plan = demo["plan"]
    topology = load_inputs(plan).topology
    san = Component.objects.get(plan=plan, kind="storage")
    technique = next(t for t in DEFAULT_TECHNIQUES if t.key == "storage-replication")
    model = Model(topology.topology)
    changes = changes_for(
        technique, model, component_key(san.pk), function_key(printing_function(plan).pk)
    )
    words = change_words(changes.changes, Namer(topology))
    assert any(f"replicate the copy of {san.name} asynchronously" in w for w in words)
    assert not any(component_key(san.pk) in w for w in words)


def test_a_text_names_each_known_id_whole_and_leaves_unknown_ids_as_written(
    demo: dict[str, Any],
) -> None:
    from inventory.graph import component_key

    topology = load_inputs(demo["plan"]).topology
    san = Component.objects.get(plan=demo["plan"], kind="storage")
    key = component_key(san.pk)
    unknown = f"{key}999"
    namer = Namer(topology, extra={"new-site-1": "Backup hall"})
    text = f"{key} fails; {unknown} is not in the plan; {key}-dr runs in new-site-1."
    assert namer.text(text) == (
        f"{san.name} fails; {unknown} is not in the plan; {san.name}-dr runs in Backup hall."
    )
