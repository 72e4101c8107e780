"""SOP SP-54 as data: the declarative definition and its loader."""
