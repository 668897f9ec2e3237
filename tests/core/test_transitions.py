from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import models
from hypothesis import given
from hypothesis import strategies as st

from core.transitions import State, StateMachine, machines, render_doc, step

STATUS_DOC = Path(__file__).resolve().parents[2] / "docs" / "STATUTS.md"


class Light(models.TextChoices):
    RED = "rouge", "Rouge"
    GREEN = "vert", "Vert"
    AMBER = "orange", "Orange"
    OFF = "eteint", "Éteint"


L = Light
LIGHT = StateMachine(
    None,
    Light,
    {
        L.RED: State(to=[L.GREEN, L.OFF], role="régulateur", services=["light_update"], case="départ"),
        L.GREEN: State(to=[step(L.RED, "correction"), L.AMBER], role="régulateur", services=["light_update"]),
        L.AMBER: State(to=[L.RED], role="agent", services=["light_update", "light_reset"], case="cycle"),
        L.OFF: State(),
    },
)


def test_check_accepts_declared_moves_and_staying_put():
    LIGHT.check(L.RED, L.GREEN)
    LIGHT.check(L.OFF, L.OFF)


def test_check_refuses_with_a_french_message_on_the_status_field():
    with pytest.raises(ValidationError) as error:
        LIGHT.check(L.RED, L.AMBER)
    assert error.value.message_dict == {"status": ["Passage de « Rouge » à « Orange » impossible."]}


def test_a_final_state_allows_nothing():
    assert LIGHT.allowed(L.OFF) == frozenset()
    with pytest.raises(ValidationError):
        LIGHT.check(L.OFF, L.RED)


def test_choices_keep_the_current_status_and_the_lifecycle_order():
    assert LIGHT.choices(L.GREEN) == [("rouge", "Rouge"), ("vert", "Vert"), ("orange", "Orange")]
    assert LIGHT.choices(None) == list(Light.choices)


def test_path_goes_forward_only_unless_asked():
    assert LIGHT.path(L.RED, L.AMBER) == [L.GREEN, L.AMBER]
    assert LIGHT.path(L.RED, L.RED) == []
    assert LIGHT.path(L.AMBER, L.GREEN) is None  # orange → rouge goes back in the lifecycle
    assert LIGHT.path(L.AMBER, L.GREEN, forward_only=False) == [L.RED, L.GREEN]
    assert LIGHT.path(L.OFF, L.RED, forward_only=False) is None


def test_every_status_must_be_declared_and_known():
    with pytest.raises(ValueError, match="non déclarés"):
        StateMachine(None, Light, {L.RED: State(to=[L.GREEN])})
    with pytest.raises(ValueError, match="inconnus"):
        StateMachine(None, Light, {**LIGHT.states, L.OFF: State(to=["bleu"])})


def test_markdown_prints_notes_idem_and_final_states():
    assert LIGHT.markdown().splitlines()[2:] == [
        "| Rouge | Vert, Éteint | régulateur | `light_update` | départ |",
        "| Vert | Rouge (correction), Orange | idem | `light_update` |  |",
        "| Orange | Rouge | agent | `light_update`, `light_reset` | cycle |",
        "| Éteint | — | — | — | état final |",
    ]


@pytest.mark.parametrize("key", sorted(machines()))
@given(data=st.data())
def test_paths_of_every_lifecycle_are_legal(key, data):
    machine = machines()[key]
    current = data.draw(st.sampled_from(machine.choices_class.values))
    target = data.draw(st.sampled_from(machine.choices_class.values))
    forward_only = data.draw(st.booleans())
    path = machine.path(current, target, forward_only=forward_only)
    if path is None:
        return
    assert path[-1:] == ([] if current == target else [target])
    for before, after in zip([current, *path], path, strict=False):
        machine.check(before, after)


def test_the_domain_lifecycles_are_registered():
    assert {"projects.operation", "governance.meeting", "relogement.household", "reporting.pack"} <= set(
        machines()
    )


def test_the_status_doc_matches_the_code():
    """docs/STATUTS.md holds each lifecycle's table as `manage.py write_status_doc` writes it."""
    text = STATUS_DOC.read_text(encoding="utf-8")
    assert render_doc(text, machines()) == text
    call_command("write_status_doc", check=True)


def test_the_status_doc_check_fails_on_a_stale_table(tmp_path, monkeypatch):
    from core.management.commands import write_status_doc

    stale = tmp_path / "STATUTS.md"
    stale.write_text(STATUS_DOC.read_text(encoding="utf-8").replace("| Étude |", "| Études |", 1))
    monkeypatch.setattr(write_status_doc, "STATUS_DOC", stale)
    with pytest.raises(CommandError, match="diffère du code"):
        call_command("write_status_doc", check=True)
    call_command("write_status_doc")
    assert stale.read_text(encoding="utf-8") == STATUS_DOC.read_text(encoding="utf-8")


def test_render_doc_wants_every_lifecycle_and_no_stale_marker():
    with pytest.raises(ValueError, match="absents"):
        render_doc("# Rien\n", machines())
    orphan = "<!-- cycle de vie : ailleurs.chose (table) -->\n<!-- fin du cycle de vie : ailleurs.chose -->"
    with pytest.raises(ValueError, match="inconnus du code"):
        render_doc(STATUS_DOC.read_text(encoding="utf-8") + orphan, machines())
