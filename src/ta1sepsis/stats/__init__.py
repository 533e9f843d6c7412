"""The statistics layer: generic methods, each checked against R or a hand calculation."""
