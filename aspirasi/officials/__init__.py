"""Positions and the people who hold them or act for them (SOP decisions 8 and 11)."""
