"""cebox-support: a terminal console for the customers of a GLPI helpdesk."""

__version__ = "0.1.0"
