"""Account the mapped decode-step graph into latency, energy and area."""

from archmodel.engine.account import Accounting, account
from archmodel.engine.estimate import context_array, estimate
from archmodel.engine.results import Estimate, scope_factors

__all__ = ["Accounting", "Estimate", "account", "context_array", "estimate", "scope_factors"]
