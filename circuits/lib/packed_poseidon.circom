pragma circom 2.1.0;

// A Poseidon commitment to n signed values of B bits each.
//
// Each value is range-checked and offset into [0, 2^B), floor(253 / B) of
// them are packed into one field element (injective, since 253 bits < p),
// and the packed elements are absorbed in chunks of up to 15:
//   h_0 = n,  h_c = Poseidon(h_{c-1}, chunk_c)   (the last chunk zero-padded).
// Packing cuts the Poseidon work per value by floor(253 / B); the range
// checks are what make the packing injective. @mt/zkml's TypeScript
// `packedPoseidon` computes the same hash.

include "circomlib/circuits/poseidon.circom";
include "fixed_point.circom";

template PackedPoseidon(n, B) {
    assert(n >= 1);
    var perElement = 253 \ B;
    var elements = (n + perElement - 1) \ perElement;
    var width = elements < 15 ? elements : 15;
    var chunks = (elements + width - 1) \ width;

    signal input in[n];
    signal output hash;

    component range[n];
    for (var i = 0; i < n; i++) {
        range[i] = SignedRange(B);
        range[i].in <== in[i];
    }

    signal packed[elements];
    for (var e = 0; e < elements; e++) {
        var acc = 0;
        for (var j = 0; j < perElement; j++) {
            if (e * perElement + j < n) {
                acc += range[e * perElement + j].offset * (1 << (B * j));
            }
        }
        packed[e] <== acc;
    }

    component sponge[chunks];
    for (var c = 0; c < chunks; c++) {
        sponge[c] = Poseidon(width + 1);
        if (c == 0) {
            sponge[c].inputs[0] <== n;
        } else {
            sponge[c].inputs[0] <== sponge[c - 1].out;
        }
        for (var j = 0; j < width; j++) {
            if (c * width + j < elements) {
                sponge[c].inputs[j + 1] <== packed[c * width + j];
            } else {
                sponge[c].inputs[j + 1] <== 0;
            }
        }
    }
    hash <== sponge[chunks - 1].out;
}
