"""Demo and generated data: the reference report (data, load) and the province generator."""
