"""The backcast: the guarantor model run on historical tests of guarantees and assurances.

``cases`` reads the shipped cases (``pact24/data/backcast_cases.csv``, or a file in the same
form), ``score`` predicts P(at least one guarantor commits troops by 1 day / 30 days / 1 year)
per case and scores it with the Brier score against a leave-one-out base rate, ``cli`` is
``pact24 backcast``. See docs/model.md, "Backcast".
"""
