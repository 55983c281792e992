pragma circom 2.1.0;

// A dense layer whose weights are private signals: acc = b + W x at scale
// 2^(2S) when W and x are at 2^S and b at 2^(2S). One constraint per
// multiply-accumulate; the sum itself is linear, so free. Layers with
// constant weights need no template: the generator writes their sums inline
// (0 constraints per MAC).

template DensePrivate(nIn, nOut) {
    signal input x[nIn];
    signal input weights[nOut][nIn];
    signal input bias[nOut];
    signal output acc[nOut];

    signal product[nOut][nIn];
    for (var o = 0; o < nOut; o++) {
        var sum = bias[o];
        for (var i = 0; i < nIn; i++) {
            product[o][i] <== weights[o][i] * x[i];
            sum += product[o][i];
        }
        acc[o] <== sum;
    }
}
