"""PDF packs (dossiers de COPIL, de COTEC, de revue de projet): request, generation, scope.

The document itself is built by `reporting.generator` from the sections the pack's kind lists
(`reporting/kinds.py`); this module keeps the `Pack` row's lifecycle.

Lifecycle (docs/packs.md): en attente → en cours → prêt | échec (with the reason). A pack is a
background job (`core/jobs.py`, its `JobKind` on the model): a request creates the row and hands its id to
Celery once the transaction commits; if the broker (Redis) cannot be reached the request still answers at
once and the pack stays "en attente" until `packs_pending_sweep` (beat) sends it again. Generation claims
the row atomically, so a task delivered twice builds the pack once.
"""

import datetime
import time
from typing import TYPE_CHECKING

import structlog
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Membership, Role
from core import jobs
from core.audience import pack_audience
from core.pack_sections import PackScope
from core.transitions import State, StateMachine
from projects.models import Programme, Sector
from reporting import generator
from reporting.kinds import PROGRAMME_ONLY_KINDS, period_for, section_keys
from reporting.models import Pack, PackAudience, PackStatus

if TYPE_CHECKING:
    from core.pdf import RenderedPdf

logger = structlog.get_logger(__name__)

# Who may ask for a pack; every internal role reads them, partners read the packs meant for them.
REQUEST_ROLES = (Role.ADMIN, Role.MISSION, Role.DIRECTION)
# `requested_by` is empty for packs built by the command or the beat (the model does not say blank=True).
FULL_CLEAN_EXCLUDE = ["requested_by"]
# Progress shown while the sections are built (the claim shows 5 %, the PDF rendering follows).
SECTIONS_PROGRESS = (5, 80)

S = PackStatus
# See docs/STATUTS.md and docs/packs.md. The claim (en attente → en cours) is `jobs.claim`'s atomic update.
PACK_LIFECYCLE = StateMachine(
    "reporting.pack",
    PackStatus,
    {
        S.PENDING: State(
            to=[S.RUNNING, S.FAILED],
            case=(
                "prise en charge par un worker (tâche `pack_generate_task`, renvoyée par le balayage si "
                "Redis était arrêté) ; ou abandon après 2 heures d'attente (service de génération "
                "indisponible)"
            ),
        ),
        S.RUNNING: State(
            to=[S.READY, S.FAILED],
            case=(
                "PDF enregistré (pages, durée totale, durée du rendu WeasyPrint) ; ou motif de l'échec "
                "(section en erreur, rendu impossible, worker arrêté depuis plus de 30 minutes)"
            ),
        ),
        S.READY: State(case="état final (pour actualiser, demander un nouveau dossier)"),
        S.FAILED: State(case="état final, avec le motif affiché sur la page du dossier"),
    },
    role="tâche de fond (worker Celery, balayage `packs_pending_sweep`)",
    services=["pack_generate", "pack_give_up"],
)


# --- Scope and rights -------------------------------------------------------------------------------


def can_request_packs(user, membership: Membership | None) -> bool:
    return user.is_superuser or (membership is not None and membership.role in REQUEST_ROLES)


def pack_scope(pack: Pack) -> PackScope:
    return PackScope(
        programme=pack.programme,
        sector=pack.sector,
        kind=pack.kind,
        kind_label=pack.get_kind_display(),
        period_start=pack.period_start,
        period_end=pack.period_end,
        audience=pack_audience(partners=pack.audience == PackAudience.PARTNERS),
    )


# --- Request ----------------------------------------------------------------------------------------


@transaction.atomic
def pack_create(
    *,
    programme: Programme,
    kind: str,
    sector: Sector | None,
    period_start: datetime.date,
    period_end: datetime.date,
    audience: str,
    user=None,
) -> Pack:
    if kind in PROGRAMME_ONLY_KINDS and sector is not None:
        raise ValidationError({"sector": "Ce type de dossier porte sur tout le programme."})
    period_start, period_end = period_for(kind, period_start, period_end)
    pack = Pack(
        programme=programme,
        kind=kind,
        sector=sector,
        period_start=period_start,
        period_end=period_end,
        audience=audience,
        requested_by=user,
    )
    pack.full_clean(exclude=FULL_CLEAN_EXCLUDE)
    pack.save()
    return pack


def pack_request(
    *,
    programme: Programme,
    kind: str,
    sector: Sector | None,
    period_start: datetime.date,
    period_end: datetime.date,
    audience: str,
    user,
) -> Pack:
    """Record the pack and send it to the worker once committed; never waits for a dead broker."""
    with transaction.atomic():
        pack = pack_create(
            programme=programme,
            kind=kind,
            sector=sector,
            period_start=period_start,
            period_end=period_end,
            audience=audience,
            user=user,
        )
        jobs.enqueue_on_commit(Pack, pack.pk)
    logger.info("pack_requested", pack_id=pack.pk, kind=kind)
    return pack


def pack_enqueue(*, pack_id: int) -> bool:
    """Hand the pack to Celery; False (and the pack stays "en attente") when the broker is down."""
    return jobs.enqueue(Pack, pack_id)


def packs_pending_sweep(*, now: datetime.datetime | None = None) -> int:
    """Beat: send again the packs left "en attente" (broker down at request time), fail those waiting
    past the limit and those a dead worker left "en cours" (`Pack.job`). Returns the number sent."""
    return jobs.sweep(Pack, now=now)


def pack_give_up(pack: Pack, message: str) -> None:
    """The sweep gives up on a pack (its row locked by the sweep)."""
    _pack_fail(pack_id=pack.pk, reason=message)


# --- Publication (packs for partners) ---------------------------------------------------------------


@transaction.atomic
def pack_publish(*, pack: Pack, user) -> Pack:
    """Let partners see a ready pack meant for them (a draft until then); who and when are recorded on
    the pack and in its publication history (`PackPublicationEvent`)."""
    pack = Pack.objects.select_for_update().get(pk=pack.pk)
    if not pack.for_partners:
        raise ValidationError(
            "Un dossier interne n'est pas publié : il reste réservé à l'équipe projet et à la direction."
        )
    if pack.status != PackStatus.READY:
        raise ValidationError("Seul un dossier prêt peut être publié.")
    if pack.is_published:
        raise ValidationError("Ce dossier est déjà publié.")
    pack.published_at, pack.published_by = timezone.now(), user
    pack.withdrawn_at = pack.withdrawn_by = None
    return _publication_save(pack, "pack_published")


@transaction.atomic
def pack_withdraw(*, pack: Pack, user) -> Pack:
    """Take a published pack back from the partners: it is a draft again (who and when recorded)."""
    pack = Pack.objects.select_for_update().get(pk=pack.pk)
    if not pack.is_published:
        raise ValidationError("Ce dossier n'est pas publié : il n'y a rien à retirer.")
    pack.withdrawn_at, pack.withdrawn_by = timezone.now(), user
    pack.published_at = pack.published_by = None
    return _publication_save(pack, "pack_withdrawn")


def _publication_save(pack: Pack, event: str) -> Pack:
    pack.full_clean(exclude=FULL_CLEAN_EXCLUDE)
    pack.save(update_fields=["published_at", "published_by", "withdrawn_at", "withdrawn_by"])
    logger.info(event, pack_id=pack.pk)
    return pack


# --- Generation -------------------------------------------------------------------------------------


def pack_html(scope: PackScope, *, generated_at: datetime.datetime | None = None, on_progress=None) -> str:
    """The HTML given to WeasyPrint for this pack: the sections its kind lists, in that order."""
    return generator.document_html(
        scope, section_keys=section_keys(scope.kind), generated_at=generated_at, on_progress=on_progress
    )


def pack_generate_by_id(*, pack_id: int) -> Pack | None:
    """Task entry point: generate the pack if it is still waiting (a redelivered task does nothing)."""
    pack = Pack.objects.select_related("programme", "sector").filter(pk=pack_id).first()
    if pack is None or pack.status != PackStatus.PENDING:
        logger.info("pack_generate_skipped", pack_id=pack_id, status=getattr(pack, "status", None))
        return pack
    return pack_generate(pack=pack)


def pack_generate(*, pack: Pack) -> Pack:
    """en attente → en cours → prêt (file, pages, durations) or échec (reason); never raises for a
    failing section or render, so a request running it eagerly does not fail.

    Not one transaction: each step (claim, progress, finish or failure) commits on its own so that the
    page polling the pack sees it move; the reads of each section run in their own savepoint."""
    started = time.perf_counter()
    if not _pack_claim(pack):
        pack.refresh_from_db()
        return pack
    start, end = SECTIONS_PROGRESS
    jobs.progress_set(pack, start)
    try:
        rendered = generator.render_document_pdf(
            pack_scope(pack),
            section_keys=section_keys(pack.kind),
            on_progress=jobs.progress_reporter(pack, start=start, end=end),
        )
    except Exception as error:
        logger.exception("pack_generate_failed", pack_id=pack.pk)
        reason = (
            str(error) if isinstance(error, generator.SectionError) else f"{type(error).__name__} : {error}"
        )
        return _pack_fail(pack_id=pack.pk, reason=reason)
    jobs.progress_set(pack, 95)
    duration_ms = round((time.perf_counter() - started) * 1000)
    return _pack_finish(pack_id=pack.pk, rendered=rendered, duration_ms=duration_ms)


def pack_filename(pack: Pack) -> str:
    scope = pack.sector.name if pack.sector else pack.programme.name
    return f"{slugify(f'{pack.get_kind_display()} {scope}')}-{pack.period_end:%Y-%m-%d}.pdf"


def _pack_claim(pack: Pack) -> bool:
    """en attente → en cours, committed at once (a second worker, or the task delivered twice, finds the
    row locked or no longer waiting)."""
    with transaction.atomic():
        claimed = jobs.claim(
            Pack.objects.all(), pk=pack.pk, statuses=(PackStatus.PENDING,), start_status=PackStatus.RUNNING
        )
    if claimed is not None:
        pack.status, pack.started_at = claimed.status, claimed.started_at
    return claimed is not None


@transaction.atomic
def _pack_finish(*, pack_id: int, rendered: "RenderedPdf", duration_ms: int) -> Pack:
    pack = Pack.objects.select_for_update(of=("self",)).select_related("programme", "sector").get(pk=pack_id)
    PACK_LIFECYCLE.check(pack.status, PackStatus.READY)
    pack.file.save(pack_filename(pack), ContentFile(rendered.content), save=False)
    pack.status = PackStatus.READY
    pack.finished_at = timezone.now()
    pack.duration_ms = duration_ms
    pack.render_ms = rendered.render_ms
    pack.page_count = rendered.page_count
    pack.full_clean(exclude=FULL_CLEAN_EXCLUDE)
    pack.save()
    jobs.progress_clear_on_commit(pack)
    logger.info("pack_ready", pack_id=pack.pk, pages=rendered.page_count, duration_ms=duration_ms)
    return pack


@transaction.atomic
def _pack_fail(*, pack_id: int, reason: str) -> Pack:
    pack = Pack.objects.select_for_update().get(pk=pack_id)
    PACK_LIFECYCLE.check(pack.status, PackStatus.FAILED)
    pack.status = PackStatus.FAILED
    pack.error = reason[:2000]
    pack.finished_at = timezone.now()
    if pack.started_at:
        pack.duration_ms = round((pack.finished_at - pack.started_at).total_seconds() * 1000)
    pack.full_clean(exclude=FULL_CLEAN_EXCLUDE)
    pack.save()
    jobs.progress_clear_on_commit(pack)
    return pack
