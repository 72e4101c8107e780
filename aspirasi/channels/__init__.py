"""Step 1 of SP-54 as a standing register: the channels in use, who looks after each, and
whether each is working now (decision 1)."""
