pragma circom 2.1.0;

// Test harness: SignedRange(10) alone, compiled in the build step.
include "fixed_point.circom";

component main = SignedRange(10);
