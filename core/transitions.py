"""State machines: which status may follow which.

A domain app declares each lifecycle once, next to the services that enforce it:

    # relogement/services.py
    from core.transitions import State, StateMachine, step

    HOUSEHOLD_LIFECYCLE = StateMachine(
        "relogement.household",
        HouseholdStatus,
        {
            H.TO_SURVEY: State(to=[H.SURVEYED, H.LEFT], case="diagnostic social réalisé"),
            H.SURVEYED: State(to=[step(H.TO_SURVEY, "correction"), H.SEARCHING, H.LEFT], case=...),
            H.SEARCHING: State(..., services=["household_update", "offer_record"]),
            ...
        },
        role="équipe projet habilitée",  # unless a state says otherwise
        services=["household_update"],
    )

and then:
- services call `HOUSEHOLD_LIFECYCLE.check(current, target)`: a `ValidationError` on the `status`
  field (« Passage de « À enquêter » à « Relogé (définitif) » impossible. ») when the move is not
  declared; staying in the same status is always allowed;
- forms offer `HOUSEHOLD_LIFECYCLE.choices(current)`: the current status and the allowed ones, in the
  lifecycle's order;
- the demo seeders walk `HOUSEHOLD_LIFECYCLE.path(current, target)`: the shortest legal sequence of
  statuses (forward only by default: time passes, nothing is corrected);
- `docs/STATUTS.md` holds `HOUSEHOLD_LIFECYCLE.markdown()` between markers, rewritten by
  `manage.py write_status_doc` (and a test fails when the file and the code differ).

A machine given a key registers itself; `machines()` imports every installed app's `services` module
and returns the registered machines by key.
"""

import collections
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Step:
    """An allowed target status, with the note the docs print beside it (« correction », « refus »)."""

    target: str
    note: str = ""


def step(target: str, note: str = "") -> Step:
    return Step(str(target), note)


@dataclass(frozen=True)
class State:
    """A status: where it may go, and for the docs who moves it, through which services and why."""

    to: Iterable[str | Step] = ()
    role: str = ""
    services: Iterable[str] = ()
    case: str = ""
    steps: tuple[Step, ...] = field(init=False)

    def __post_init__(self):
        steps = tuple(item if isinstance(item, Step) else Step(str(item)) for item in self.to)
        object.__setattr__(self, "steps", steps)
        object.__setattr__(self, "services", tuple(self.services))


class StateMachine:
    """The allowed transitions between the values of a `TextChoices`."""

    def __init__(
        self,
        key: str | None,
        choices: type[models.TextChoices],
        states: Mapping[str, State],
        *,
        role: str = "",
        services: Iterable[str] = (),
        field_name: str = "status",
    ):
        """`role` and `services` are the defaults of the states that do not give their own."""
        self.key = key
        self.choices_class = choices
        self.field_name = field_name
        self.states = {
            str(value): replace(state, role=state.role or role, services=state.services or tuple(services))
            for value, state in states.items()
        }
        known = set(choices.values)
        undeclared = known - set(self.states)
        unknown = (set(self.states) | {s.target for st in self.states.values() for s in st.steps}) - known
        if undeclared or unknown:
            raise ValueError(f"{key}: statuts non déclarés {sorted(undeclared)}, inconnus {sorted(unknown)}")
        self.transitions: dict[str, frozenset[str]] = {
            value: frozenset(s.target for s in state.steps) for value, state in self.states.items()
        }
        if key is not None:
            register(self)

    def __repr__(self) -> str:
        return f"<StateMachine {self.key or self.choices_class.__name__}>"

    def label(self, value: str) -> str:
        return str(self.choices_class(value).label)

    def allowed(self, current: str) -> frozenset[str]:
        """The statuses that may follow `current` (the current status itself aside)."""
        return self.transitions[str(current)]

    def can(self, current: str, target: str) -> bool:
        return current == target or str(target) in self.transitions[str(current)]

    def check(self, current: str, target: str) -> None:
        """Raise a `ValidationError` on the status field when the move is not declared."""
        if not self.can(current, target):
            message = f"Passage de « {self.label(current)} » à « {self.label(target)} » impossible."
            raise ValidationError({self.field_name: message})

    def choices(self, current: str | None) -> list[tuple[str, str]]:
        """Form choices: the current status and those allowed from it, in the lifecycle's order (every
        status for a new object)."""
        if current is None:
            return list(self.choices_class.choices)
        kept = {str(current), *self.allowed(current)}
        return [(value, label) for value, label in self.choices_class.choices if value in kept]

    def path(self, current: str, target: str, *, forward_only: bool = True) -> list[str] | None:
        """The shortest list of statuses leading from `current` to `target` (empty when they are equal,
        None when there is none). Forward only, a step may only go to a status declared later in the
        choices (what the demo seeders want when time has passed: no correction, no relaunch)."""
        current, target = str(current), str(target)
        order = {value: rank for rank, value in enumerate(self.choices_class.values)}
        paths: dict[str, list[str]] = {current: []}
        queue = collections.deque([current])
        while queue:
            status = queue.popleft()
            for following in sorted(self.transitions[status], key=order.__getitem__):
                if following in paths or (forward_only and order[following] <= order[status]):
                    continue
                paths[following] = [*paths[status], following]
                queue.append(following)
        return paths.get(target)

    def markdown(self) -> str:
        """The table of docs/STATUTS.md: statut, statuts permis ensuite, rôle, service, cas métier."""
        lines = [
            "| Statut de départ | Statuts permis ensuite | Rôle | Service | Cas métier |",
            "|---|---|---|---|---|",
        ]
        previous_role = None
        for value, state in self.states.items():
            targets = ", ".join(
                self.label(s.target) + (f" ({s.note})" if s.note else "") for s in self._ordered(state.steps)
            )
            if not state.steps:
                cells = [self.label(value), "—", "—", "—", state.case or "état final"]
            else:
                role = "idem" if state.role == previous_role else state.role
                previous_role = state.role
                services = ", ".join(f"`{name}`" for name in state.services)
                cells = [self.label(value), targets, role, services, state.case]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines) + "\n"

    def _ordered(self, steps: tuple[Step, ...]) -> list[Step]:
        order = {value: rank for rank, value in enumerate(self.choices_class.values)}
        return sorted(steps, key=lambda s: order[s.target])


_REGISTRY: dict[str, StateMachine] = {}
_discovered = False


def register(machine: StateMachine) -> None:
    if machine.key is None:
        raise ValueError(f"{machine!r} : seul un cycle de vie nommé s'enregistre.")
    current = _REGISTRY.get(machine.key)
    if current is not None and current.choices_class is not machine.choices_class:
        raise ValueError(f"Deux cycles de vie portent la clé « {machine.key} ».")
    _REGISTRY[machine.key] = machine


def machines() -> dict[str, StateMachine]:
    """Every declared machine by key, after importing each installed app's `services` module once."""
    global _discovered
    if not _discovered:
        autodiscover_modules("services")
        _discovered = True
    return dict(sorted(_REGISTRY.items()))


# --- docs/STATUTS.md ------------------------------------------------------------------------------------

BEGIN = "<!-- cycle de vie : {key} (table écrite par manage.py write_status_doc) -->"
END = "<!-- fin du cycle de vie : {key} -->"


def render_doc(text: str, found: Mapping[str, StateMachine]) -> str:
    """`text` with each machine's table rewritten between its markers; a machine without markers, or
    markers without a machine, is an error (the doc must describe every lifecycle, and only those)."""
    missing = [key for key in found if BEGIN.format(key=key) not in text]
    if missing:
        raise ValueError(f"Cycles de vie absents de la documentation : {', '.join(missing)}")
    marked = {
        line.split(" : ", 1)[1].split(" ", 1)[0]
        for line in text.splitlines()
        if "<!-- cycle de vie :" in line
    }
    stale = sorted(marked - set(found))
    if stale:
        raise ValueError(f"Cycles de vie documentés mais inconnus du code : {', '.join(stale)}")
    for key, machine in found.items():
        begin, end = BEGIN.format(key=key), END.format(key=key)
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{begin}\n{machine.markdown()}{end}{tail}"
    return text
