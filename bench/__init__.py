"""Harbor's benchmark: `make bench` (see README "Benchmark"). Not part of the app or its tests."""
