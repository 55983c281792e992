pragma circom 2.1.0;

// Test harness: Argmax(5, 20) alone, compiled in the build step.
include "argmax.circom";

component main = Argmax(5, 20);
