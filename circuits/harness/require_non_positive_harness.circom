pragma circom 2.1.0;

// Test harness: RequireNonPositive(16) alone, compiled in the build step.
include "fixed_point.circom";

component main = RequireNonPositive(16);
