"""Management review (ISO 9001 clause 9.3, issue 15): the figures of a period and the SOP
compliance sheet, for the Dean, the vice deans, the Kabag TU and the quality officer."""
