"""Calibration: historical decision lags -> timing-model parameters, predictions, backtests."""
