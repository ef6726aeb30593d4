from __future__ import annotations

import json
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


def test_equal_pieces_of_a_run_are_kept_once(demo: dict[str, Any]) -> None:
    namer = Namer(load_inputs(demo["plan"]).topology)
    spofs = namer.shared(["SAN", "Room 1"])
    first = namer.shared({"availability": 0.999, "single_points_of_failure": spofs})
    again = {"availability": 0.999, "single_points_of_failure": namer.shared(["SAN", "Room 1"])}
    assert namer.shared(again) is first
    assert namer.shared({"availability": 0.998, "single_points_of_failure": spofs}) is not first


@pytest.mark.parametrize(
    ("one", "other"),
    [(0.0, -0.0), (4, 4.0), (1, True)],
    ids=["signed-zero", "int-float", "int-bool"],
)
def test_pieces_whose_json_differs_are_never_shared(
    demo: dict[str, Any], one: object, other: object
) -> None:
    namer = Namer(load_inputs(demo["plan"]).topology)
    namer.shared({"value": one})
    namer.shared([one])
    candidate = {"value": other}
    assert namer.shared(candidate) is candidate
    assert json.dumps(namer.shared([other])) == json.dumps([other])


def test_a_nested_list_counts_as_equal_only_when_it_is_the_same_list(
    demo: dict[str, Any],
) -> None:
    # Nested pieces are shared first; an unshared nested list may still change.
    namer = Namer(load_inputs(demo["plan"]).topology)
    first = namer.shared({"names": ["SAN"]})
    candidate = {"names": ["SAN"]}
    assert namer.shared(candidate) is candidate
    assert namer.shared({"names": first["names"]}) is first


def test_pieces_handed_out_before_forget_pieces_are_not_shared_again(
    demo: dict[str, Any],
) -> None:
    namer = Namer(load_inputs(demo["plan"]).topology)
    namer.shared({"availability": 0.999})
    namer.forget_pieces()
    candidate = {"availability": 0.999}
    assert namer.shared(candidate) is candidate
