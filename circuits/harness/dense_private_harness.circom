pragma circom 2.1.0;

// Test harness: DensePrivate(3, 2) alone, compiled in the build step.
include "dense.circom";

component main = DensePrivate(3, 2);
