pragma circom 2.1.0;

// Test harness: PackedPoseidon(40, 10) alone, compiled in the build step.
include "packed_poseidon.circom";

component main = PackedPoseidon(40, 10);
