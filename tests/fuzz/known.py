"""Cases that still differ from torch, each with the reason (keep this list short)."""

KNOWN = {}
