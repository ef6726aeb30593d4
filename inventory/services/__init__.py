"""Writes to the inventory, split by record kind; import from the submodule
(``from inventory.services.components import component_update``)."""
