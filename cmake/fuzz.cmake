# libFuzzer targets (test/fuzz): filled in by the fuzzing work (issue 15).
