"""Amazon Connect contact-flow functions: one module per function, sharing flow.py and wiring.py."""
