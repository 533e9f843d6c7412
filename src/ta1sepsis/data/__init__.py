"""The data layer: table schemas, loaders and the vocabulary of data keys."""
