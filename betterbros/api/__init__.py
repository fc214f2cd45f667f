"""Pieces every API resource shares: the error format, the router, the schema URLs."""
