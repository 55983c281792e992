pragma circom 2.1.0;

// The index of a largest value, for signed inputs with -2^K <= in[i] < 2^K.

include "circomlib/circuits/bitify.circom";

// The prover picks a one-hot selector; the circuit checks it is one-hot,
// that the selected value is at least every input, and strictly above every
// input before it (each gap, less one before the selected index, is
// range-checked to K+1 bits, so it cannot wrap around the field). So only the
// first largest index verifies: on a tie there is one valid answer, as in
// onnxruntime's ArgMax. Cost: n(K+4) constraints.
template Argmax(n, K) {
    assert(n >= 1);
    assert(K < 250);
    signal input in[n];
    signal output index;
    signal output max;

    // Witness only: circom's relational operators read values above p/2 as negative.
    var best = 0;
    var bestValue = in[0];
    for (var i = 1; i < n; i++) {
        if (in[i] > bestValue) {
            best = i;
            bestValue = in[i];
        }
    }

    signal select[n];
    signal picked[n];
    var selected = 0;
    var position = 0;
    var maxSum = 0;
    for (var i = 0; i < n; i++) {
        select[i] <-- i == best ? 1 : 0;
        select[i] * (select[i] - 1) === 0;
        picked[i] <== select[i] * in[i];
        selected += select[i];
        position += i * select[i];
        maxSum += picked[i];
    }
    selected === 1;
    index <== position;
    max <== maxSum;

    // after = 1 while i is before the selected index (the sum of select[j], j > i).
    component gap[n];
    var after = 0;
    for (var i = n - 1; i >= 0; i--) {
        gap[i] = Num2Bits(K + 1);
        gap[i].in <== max - in[i] - after;
        after += select[i];
    }
}
