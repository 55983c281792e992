pragma circom 2.1.0;

// Test harness: ShiftReLU(20, 8) alone, compiled in the build step.
include "fixed_point.circom";

component main = ShiftReLU(20, 8);
