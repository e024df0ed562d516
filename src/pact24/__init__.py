"""pact24: a rapid-deliberation security guarantee as software, exercise and simulation."""

__version__ = "0.1.0"
