pragma circom 2.1.0;

// Test harness: SquareRoot(40) alone, compiled in the build step.
include "fixed_point.circom";

component main = SquareRoot(40);
