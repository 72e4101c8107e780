"""Keeping the term index: one case after each change, or everything at once.

`reindex_case` runs on the case record's events (a case opened, a case moved on: see
SearchConfig.ready), inside their transaction, so the index never says what the case does not.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from aspirasi.cases.models import Aspiration, Response, SupportingInfo

from .models import SearchDocument, SearchTerm
from .text import term_counts

SMALLINT_MAX = 32_767
REBUILD_BATCH = 500


@dataclass(frozen=True)
class CaseTerms:
    request: Counter[str]
    handling: Counter[str]
    answered: bool

    @property
    def request_norm(self) -> float:
        return vector_norm(self.request)


def log_weight(count: float) -> float:
    """A term's weight from its count: 1 + ln(count), so repeating a word helps a little."""
    return 1.0 + math.log(count) if count > 0 else 0.0


def vector_norm(counts: Counter[str]) -> float:
    return math.sqrt(sum(log_weight(n) ** 2 for n in counts.values()))


def request_text(case: Aspiration) -> str:
    """The customer's own words: what a new case is compared on."""
    return "\n".join((case.subject, case.body, case.desired_outcome))


def case_terms(
    case: Aspiration, supporting: Iterable[str], responses: Iterable[str], *, answered: bool
) -> CaseTerms:
    handling: Counter[str] = Counter()
    for text in (*supporting, *responses):
        handling.update(term_counts(text))
    return CaseTerms(term_counts(request_text(case)), handling, answered)


def reindex_on_event(sender, *, case: Aspiration, **kwargs) -> None:
    """A case was opened or moved on (aspirasi/cases/events.py): its texts may have changed."""
    reindex_case(case)


def reindex_case(case: Aspiration | int) -> None:
    """Bring one case's terms up to date, writing only what changed."""
    pk = case.pk if isinstance(case, Aspiration) else case
    fresh = Aspiration.objects.only("subject", "body", "desired_outcome").get(pk=pk)
    responses = list(Response.objects.filter(aspiration_id=pk).values_list("text", "published_at"))
    supporting = SupportingInfo.objects.filter(aspiration_id=pk).values_list("text", flat=True)
    wanted = case_terms(
        fresh,
        supporting,
        [text for text, _ in responses],
        answered=any(published for _, published in responses),
    )
    _write_case(pk, wanted)


def _write_case(pk: int, wanted: CaseTerms) -> None:
    target = _rows(wanted)
    existing = {
        term: (row_pk, counts)
        for row_pk, term, *counts in SearchTerm.objects.filter(aspiration_id=pk).values_list(
            "pk", "term", "in_request", "in_handling"
        )
    }
    gone = [row_pk for term, (row_pk, _) in existing.items() if term not in target]
    new, changed = [], []
    for term, (in_request, in_handling) in target.items():
        if term not in existing:
            new.append(
                SearchTerm(
                    aspiration_id=pk, term=term, in_request=in_request, in_handling=in_handling
                )
            )
        elif tuple(existing[term][1]) != (in_request, in_handling):
            changed.append(
                SearchTerm(pk=existing[term][0], in_request=in_request, in_handling=in_handling)
            )
    document = (wanted.answered, wanted.request_norm)
    stored = SearchDocument.objects.filter(pk=pk).values_list("answered", "request_norm").first()
    if not (gone or new or changed) and stored is not None and tuple(stored) == document:
        return  # most moves change no text: nothing to write
    with transaction.atomic():
        if gone:
            SearchTerm.objects.filter(pk__in=gone).delete()
        SearchTerm.objects.bulk_create(new)
        SearchTerm.objects.bulk_update(changed, ["in_request", "in_handling"])
        fields = {
            "answered": wanted.answered,
            "request_norm": wanted.request_norm,
            "indexed_at": timezone.now(),
        }
        if not SearchDocument.objects.filter(pk=pk).update(**fields):
            SearchDocument.objects.create(aspiration_id=pk, **fields)


def _current_model(app_label: str, name: str):
    from django.apps import apps

    return apps.get_model(app_label, name)


def _rows(wanted: CaseTerms) -> dict[str, tuple[int, int]]:
    return {
        term: (
            min(wanted.request.get(term, 0), SMALLINT_MAX),
            min(wanted.handling.get(term, 0), SMALLINT_MAX),
        )
        for term in wanted.request.keys() | wanted.handling.keys()
    }


def rebuild_index(*, batch_size: int = REBUILD_BATCH, progress=None, apps=None) -> int:
    """Index every case afresh, in batches of cases read by primary key; returns the count.

    Each batch is its own transaction, so a rebuild of a large database does not hold one
    long write lock; a case changed meanwhile is reindexed by its own write path anyway.
    `apps` is a migration's historical app registry, when a migration builds the index.
    """
    get = apps.get_model if apps is not None else _current_model
    Aspiration = get("cases", "Aspiration")  # noqa: N806
    SupportingInfo = get("cases", "SupportingInfo")  # noqa: N806
    Response = get("cases", "Response")  # noqa: N806
    SearchTerm = get("search", "SearchTerm")  # noqa: N806
    SearchDocument = get("search", "SearchDocument")  # noqa: N806
    done = 0
    last = 0
    while True:
        cases = list(
            Aspiration.objects.filter(pk__gt=last)
            .order_by("pk")
            .only("subject", "body", "desired_outcome")[:batch_size]
        )
        if not cases:
            return done
        ids = [c.pk for c in cases]
        supporting: dict[int, list[str]] = {}
        for case_id, text in SupportingInfo.objects.filter(aspiration_id__in=ids).values_list(
            "aspiration_id", "text"
        ):
            supporting.setdefault(case_id, []).append(text)
        responses: dict[int, list[str]] = {}
        answered: set[int] = set()
        for case_id, text, published in Response.objects.filter(aspiration_id__in=ids).values_list(
            "aspiration_id", "text", "published_at"
        ):
            responses.setdefault(case_id, []).append(text)
            if published is not None:
                answered.add(case_id)
        now = timezone.now()
        terms, documents = [], []
        for case in cases:
            wanted = case_terms(
                case,
                supporting.get(case.pk, ()),
                responses.get(case.pk, ()),
                answered=case.pk in answered,
            )
            terms += [
                SearchTerm(aspiration_id=case.pk, term=term, in_request=r, in_handling=h)
                for term, (r, h) in _rows(wanted).items()
            ]
            documents.append(
                SearchDocument(
                    aspiration_id=case.pk,
                    answered=wanted.answered,
                    request_norm=wanted.request_norm,
                    indexed_at=now,
                )
            )
        with transaction.atomic():
            SearchTerm.objects.filter(aspiration_id__in=ids).delete()
            SearchDocument.objects.filter(aspiration_id__in=ids).delete()
            SearchTerm.objects.bulk_create(terms, batch_size=2000)
            SearchDocument.objects.bulk_create(documents, batch_size=2000)
        done += len(cases)
        last = ids[-1]
        if progress is not None:
            progress(done)
