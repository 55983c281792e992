pragma circom 2.1.0;

// Test harness: PositiveDivide(20, 12) alone, compiled in the build step.
include "fixed_point.circom";

component main = PositiveDivide(20, 12);
