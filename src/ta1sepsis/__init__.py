"""Statistics, data loading, plotting and pipeline code for the Tα1-in-sepsis notebooks."""

__version__ = "0.1.0"
