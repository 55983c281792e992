pragma circom 2.1.0;

// Fixed-point gadgets for ModernTensor's ML circuits. Values are signed
// integers held as field elements (a negative v is p - |v|); a layer's
// accumulator sits at scale 2^(2S) and is shifted back to 2^S.

include "circomlib/circuits/bitify.circom";

// out = floor(in / 2^S) and nonneg = [in >= 0], for -2^K <= in < 2^K.
// One bit decomposition of in + 2^K gives everything: its top bit is the
// sign, the bits from S up are the shifted value (offset by 2^(K-S)), and
// the low S bits are the remainder, range-checked for free. The same
// decomposition bounds in, so an overflowing accumulator has no witness.
// Cost: K+1 constraints.
template SignedShift(K, S) {
    assert(K >= S);
    assert(K < 250);
    signal input in;
    signal output out;
    signal output nonneg;

    component bits = Num2Bits(K + 1);
    bits.in <== in + (1 << K);

    var shifted = 0;
    for (var i = S; i <= K; i++) {
        shifted += bits.out[i] * (1 << (i - S));
    }
    nonneg <== bits.out[K];
    out <== shifted - (1 << (K - S));
}

// out = max(0, floor(in / 2^S)) for -2^K <= in < 2^K. Cost: K+2 constraints.
template ShiftReLU(K, S) {
    signal input in;
    signal output out;

    component shift = SignedShift(K, S);
    shift.in <== in;
    out <== shift.out * shift.nonneg;
}

// Checks -2^(B-1) <= in < 2^(B-1) and outputs in + 2^(B-1), which lies in
// [0, 2^B) and so packs injectively into B bits. Cost: B constraints.
template SignedRange(B) {
    assert(B >= 1);
    assert(B < 250);
    signal input in;
    signal output offset;

    component bits = Num2Bits(B);
    bits.in <== in + (1 << (B - 1));
    offset <== in + (1 << (B - 1));
}

// out = floor(num / den) for 1 <= den < 2^KD and -2^KN <= num < 2^KN: what a
// softmax's normalisation needs. The prover supplies the quotient and the
// remainder; the circuit checks num = out * den + remainder with
// 0 <= remainder < den (so den >= 1: a divisor that is not positive has no
// witness) and |out| <= 2^KN. Every term is then below 2^(KN+KD+1) < p/2, so
// the equation holds over the integers and (out, remainder) is unique.
// Cost: 2 KD + KN + 2 constraints.
template PositiveDivide(KN, KD) {
    assert(KN >= 1);
    assert(KD >= 1);
    assert(KN + KD < 250);
    signal input num;
    signal input den;
    signal output out;
    signal remainder;

    // Witness only: relational operators read values above p/2 as negative,
    // and \ divides the representatives in [0, p), so divide magnitudes.
    assert(den >= 1);
    var q;
    if (num >= 0) {
        q = num \ den;
    } else {
        q = -((-num + den - 1) \ den);
    }
    out <-- q;
    remainder <-- num - q * den;
    num === out * den + remainder;

    component low = Num2Bits(KD);
    low.in <== remainder;
    component below = Num2Bits(KD);
    below.in <== den - 1 - remainder;
    component range = Num2Bits(KN + 1);
    range.in <== out + (1 << KN);
}

// out = in, for -2^K < in <= 0: the domain of an approximation that holds
// only there (exp on x <= 0). An input outside it has no witness, and the
// prover's error names this template. Cost: K + 1 constraints.
template RequireNonPositive(K) {
    assert(K >= 1);
    assert(K < 250);
    signal input in;
    signal output out;

    assert(in <= 0);
    component bits = Num2Bits(K);
    bits.in <== -in;
    out <== in;
}

// out = floor(sqrt(in)) for 0 <= in < 2^K: the prover supplies the root and
// the circuit checks 0 <= in - out^2 < 2^(K+1) and out^2 + 2 out - in >= 0
// (in < (out + 1)^2) with out < 2^H, H = floor((K+1)/2) + 1, so every term
// lies below 2^(K+3) < p/2 and the root is unique. A negative input has no
// witness (a square root's domain). Cost: 2K + floor((K+1)/2) + 5.
template SquareRoot(K) {
    assert(K >= 1);
    assert(K < 240);
    var H = (K + 1) \ 2 + 1;
    signal input in;
    signal output out;
    signal square;

    // Witness only: the largest r with r^2 <= in, one bit at a time.
    assert(in >= 0);
    var r = 0;
    for (var b = H - 1; b >= 0; b--) {
        var t = r + (1 << b);
        if (t * t <= in) {
            r = t;
        }
    }
    out <-- r;
    square <== out * out;

    component root = Num2Bits(H);
    root.in <== out;
    component below = Num2Bits(K + 1);
    below.in <== in - square;
    component above = Num2Bits(K + 2);
    above.in <== square + 2 * out - in;
}
