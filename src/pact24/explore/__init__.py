"""The assessment: every guarantee design against many sampled futures (deep uncertainties),
every scenario family, streamed to Parquet, on local processes or Ray (``pact24 assess``)."""
