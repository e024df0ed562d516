"""Exercise mode: tabletop rehearsals of the 24-hour mechanism on the live service.

An exercise plays a Master Scenario Events List (``msel``) against a guarantee created in
``exercise`` mode, on the guarantee's own compressed clock: timed injects (``run``), delegates
played by people (tokens, as live) or simulated with the simulator's guarantor model
(``delegates``), and an after-action report that sets the players' result against the reference
simulator's distribution for the same design and scenario (``compare``, ``report``). It drives
the service only through its API, as people do; the service never imports it.
"""
