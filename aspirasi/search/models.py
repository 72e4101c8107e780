"""The term index: which stemmed terms each case holds, so a search reads an index, not the
aspiration table (aspirasi.search.text makes the terms; aspirasi.search.indexing keeps them)."""

from django.db import models

from aspirasi.cases.models import Aspiration


class SearchTerm(models.Model):
    """One stemmed term of one case, with how often it occurs in the customer's own words
    (subject, aspiration, hoped-for outcome) and in the officials' handling of it (supporting
    information, responses). Similar-case matching reads only the first."""

    aspiration = models.ForeignKey(Aspiration, on_delete=models.CASCADE, related_name="+")
    term = models.CharField(max_length=40)
    in_request = models.PositiveSmallIntegerField(default=0)
    in_handling = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            # Also the search index: term first, so "which cases hold this term" (and a prefix
            # range of terms) is one index range, read without touching the table.
            models.UniqueConstraint(fields=["term", "aspiration"], name="search_term_case"),
        ]
        indexes = [models.Index(fields=["aspiration"], name="search_term_by_case")]

    def __str__(self) -> str:
        return f"{self.aspiration_id}: {self.term}"


class SearchDocument(models.Model):
    """Per case: what the similar-case ranking needs beside the terms."""

    aspiration = models.OneToOneField(
        Aspiration, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # Whether a response has reached the customer: only such cases are offered as examples.
    answered = models.BooleanField(default=False)
    # Length of the log-weighted term vector of the customer's words (cosine normalisation).
    request_norm = models.FloatField(default=0.0)
    indexed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.aspiration_id} ({'answered' if self.answered else 'open'})"
