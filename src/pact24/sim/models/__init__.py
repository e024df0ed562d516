"""Stochastic models the simulator samples from (guarantor timing, ...)."""
