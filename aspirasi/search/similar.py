"""Similar answered cases, shown beside a response form so an official can see how the same
problem was answered before.

Ranking is TF-IDF cosine in the SMART "lnc.ltc" scheme over the customer's own words: a case's
vector is 1 + ln(tf) per term, normalised (its length is kept in SearchDocument, so it needs no
global statistics); the query's is 1 + ln(tf) times ln(N / df). Steps:
 1. analyse the case's subject, aspiration and hoped-for outcome into stemmed terms;
 2. count each term's document frequency from the index, capped at RARE_CAP rows per term, so a
    very common word costs a bounded read (it weighs little anyway);
 3. gather candidates among answered cases through the rarer terms only (a bounded read);
 4. add the common terms' share for the best candidates, by (term, case) lookups;
 5. rank by cosine and load the best few with their published responses.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.db.models import Max, Min

from aspirasi.cases.access import readable
from aspirasi.cases.models import Aspiration, Response

from .indexing import log_weight, request_text
from .models import SearchDocument, SearchTerm
from .text import term_counts

SHOWN = 3
# A term held by more cases than this is too common to look for candidates by.
RARE_CAP = 2_000
# Query terms considered, the most frequent in the case first (long letters have hundreds).
MAX_QUERY_TERMS = 60
# Candidates that get the common terms' share before the final ranking.
RESCORED = 300
# Ids per IN list, under SQLite's oldest limit on statement parameters.
CHUNK = 500
# Below this cosine two cases have little more than a word in common.
MIN_SCORE = 0.08


@dataclass(frozen=True)
class SimilarCase:
    case: Aspiration
    score: float
    responses: list[Response]

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def similar_answered(case: Aspiration, reader, *, limit: int = SHOWN) -> list[SimilarCase]:
    """The answered cases most like this one among those `reader` may read (decision 11)."""
    # Every ranked candidate, so that cases the reader may not read leave room for the next.
    ranked = rank_similar(term_counts(request_text(case)), exclude=case.pk, limit=RESCORED)
    if not ranked:
        return []
    shown = readable(reader, Aspiration.objects.select_related("category"))
    cases = shown.in_bulk([pk for pk, _ in ranked])
    ranked = [(pk, score) for pk, score in ranked if pk in cases][:limit]
    responses: dict[int, list[Response]] = {}
    for response in Response.objects.filter(
        aspiration_id__in=[pk for pk, _ in ranked], published_at__isnull=False
    ).order_by("published_at", "id"):
        responses.setdefault(response.aspiration_id, []).append(response)
    return [SimilarCase(cases[pk], score, responses.get(pk, [])) for pk, score in ranked]


def rank_similar(
    query: Counter[str], *, exclude: int | None = None, limit: int = SHOWN
) -> list[tuple[int, float]]:
    """(case id, cosine) of the answered cases most like the query terms, best first."""
    query = Counter(dict(query.most_common(MAX_QUERY_TERMS)))
    if not query:
        return []
    frequencies = _document_frequencies(list(query))
    total = _indexed_cases()
    weights = {
        term: log_weight(n) * math.log(total / frequencies[term])
        for term, n in query.items()
        if frequencies.get(term)
    }
    weights = {t: w for t, w in weights.items() if w > 0}
    if not weights:
        return []
    query_norm = math.sqrt(sum(w * w for w in weights.values()))
    rare = [t for t in weights if frequencies[t] < RARE_CAP]
    common = [t for t in weights if frequencies[t] >= RARE_CAP]
    rows = _rows(rare)
    if not rare:
        # Only common words: look among the latest holders of the least common of them.
        fallback = sorted(common, key=lambda t: -weights[t])[:3]
        common = [t for t in common if t not in fallback]
        rows = [row for term in fallback for row in _latest_rows(term)]
    scores: Counter[int] = Counter()
    for case_id, term, count in rows:
        if case_id != exclude:
            scores[case_id] += weights[term] * log_weight(count)
    norms = _answered_norms([case_id for case_id, _ in scores.most_common()])
    if not norms:
        return []
    if common:
        for case_id, term, count in _rows(common, among=list(norms)):
            scores[case_id] += weights[term] * log_weight(count)
    ranked = sorted(
        ((case_id, scores[case_id] / (query_norm * norm)) for case_id, norm in norms.items()),
        key=lambda pair: (-pair[1], -pair[0]),
    )
    return [(case_id, score) for case_id, score in ranked[:limit] if score >= MIN_SCORE]


def _answered_norms(candidates: list[int]) -> dict[int, float]:
    """Vector lengths of the first RESCORED answered cases among the candidates, in order.
    Read in chunks: the candidates are ranked, most of them answered, few chunks are needed."""
    norms: dict[int, float] = {}
    for start in range(0, len(candidates), CHUNK):
        chunk = candidates[start : start + CHUNK]
        found = dict(
            SearchDocument.objects.filter(
                pk__in=chunk, answered=True, request_norm__gt=0
            ).values_list("pk", "request_norm")
        )
        norms.update((case_id, found[case_id]) for case_id in chunk if case_id in found)
        if len(norms) >= RESCORED:
            break
    return dict(list(norms.items())[:RESCORED])


def _indexed_cases() -> int:
    """How many cases are indexed, from the first and last key: exact while keys run without
    gaps (cases are never deleted), and two index reads where COUNT(*) would read them all."""
    span = SearchDocument.objects.aggregate(first=Min("pk"), last=Max("pk"))
    return (span["last"] - span["first"] + 2) if span["last"] is not None else 1


def _document_frequencies(terms: list[str]) -> dict[str, int]:
    """How many cases hold each term, counting no further than RARE_CAP; one statement."""
    table = SearchTerm._meta.db_table
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(
        f"SELECT {index}, (SELECT COUNT(*) FROM (SELECT 1 FROM {quote(table)} "
        f"WHERE {quote('term')} = %s LIMIT {RARE_CAP}) capped_{index})"
        for index in range(len(terms))
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, terms)
        return {terms[index]: count for index, count in cursor.fetchall()}


def _rows(terms: list[str], *, among: list[int] | None = None) -> list[tuple[int, str, int]]:
    """(case, term, count in the customer's words) for these terms, optionally among cases."""
    if not terms:
        return []
    rows = SearchTerm.objects.filter(term__in=terms, in_request__gt=0)
    if among is not None:
        rows = rows.filter(aspiration_id__in=among)
    return list(rows.values_list("aspiration_id", "term", "in_request"))


def _latest_rows(term: str) -> list[tuple[int, str, int]]:
    rows = SearchTerm.objects.filter(term=term, in_request__gt=0).order_by("-aspiration_id")
    return list(rows.values_list("aspiration_id", "term", "in_request")[:RARE_CAP])


def writes_response(action) -> bool:
    """An open action whose form writes or sends a response to the customer."""
    return "response" in action.requires or bool(
        getattr(action.definition, "publishes_response", False)
    )


def case_page_context(case: Aspiration, forms, *, reader) -> dict:
    """What the case page shows beside its response forms (computed only when it has one)."""
    responding = {form.action.name for form in forms if writes_response(form.action)}
    return {
        "response_actions": responding,
        "similar_cases": similar_answered(case, reader) if responding else [],
    }
