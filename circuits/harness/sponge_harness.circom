pragma circom 2.1.0;

// Test harness: Sponge over 20 field elements, compiled in the build step.
include "packed_poseidon.circom";

component main = Sponge(20, 20);
