"""The assessment: designs against sampled futures, and what the outcome tables say.

Sampling and the sweep produce ``experiments`` (one row per future) and ``outcomes`` (one row per
design, future and scenario family); the analyses (robustness, discovery, sensitivity, levers)
are functions over those tables, with an ``evaluate`` callback where they need new simulations.
"""
