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

    component absorb = Sponge(n, elements);
    absorb.in <== packed;
    hash <== absorb.hash;
}

// A commitment to m field elements: h_0 = count, h_c = Poseidon(h_{c-1},
// chunk_c) over chunks of up to 15 (the last zero-padded). @mt/zkml's
// TypeScript `sponge` computes the same hash.
template Sponge(count, m) {
    assert(m >= 1);
    var width = m < 15 ? m : 15;
    var chunks = (m + width - 1) \ width;
    signal input in[m];
    signal output hash;

    component round[chunks];
    for (var c = 0; c < chunks; c++) {
        round[c] = Poseidon(width + 1);
        if (c == 0) {
            round[c].inputs[0] <== count;
        } else {
            round[c].inputs[0] <== round[c - 1].out;
        }
        for (var j = 0; j < width; j++) {
            if (c * width + j < m) {
                round[c].inputs[j + 1] <== in[c * width + j];
            } else {
                round[c].inputs[j + 1] <== 0;
            }
        }
    }
    hash <== round[chunks - 1].out;
}
