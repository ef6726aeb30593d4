"""Forms of the BIA pages, one module per sub-domain; import each form from its module.

Validation of meaning lives in the services; these parse input."""

from __future__ import annotations
