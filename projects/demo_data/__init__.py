"""Static data of the demo and benchmark seeds (names, sectors, hand-written operations)."""
