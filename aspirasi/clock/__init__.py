"""The faculty's working-time clock, against which the SOP's time standards run."""
