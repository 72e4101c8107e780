from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "aspirasi.search"
    verbose_name = "Pencarian"

    def ready(self) -> None:
        # The index follows the case's texts, in the transaction that changed them.
        from aspirasi.cases import events

        from .indexing import reindex_on_event

        events.case_received.connect(reindex_on_event, dispatch_uid="search.case_received")
        events.case_moved.connect(reindex_on_event, dispatch_uid="search.case_moved")
