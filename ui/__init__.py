"""Qt user interface. Talks to ``app`` services only; never to SQL or devices directly."""
