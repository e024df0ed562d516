"""The fast kernel: the reference runner's models as compiled loops over crises."""
