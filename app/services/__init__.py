"""Counter services: plain inputs, one unit of work each, typed results or typed errors."""
