;; Vector math on four floats at once: exp, erf, tanh, sigmoid. Each is a polynomial or rational
;; approximation accurate to a few units in the last place of f32 (checked against float64 in
;; test/cpu-wasm-math.test.ts); no table lookups, no branches, NaN in gives NaN out.

;; e^x. Range reduction x = n·ln2 + r, |r| ≤ ln2/2 (ln2 split in a hi and a lo part so n·ln2 is
;; exact), e^r by a degree-6 polynomial (the Cephes expf coefficients), then 2^n built in the
;; exponent bits, in two halves so n in [−150, 128] never overflows the exponent field.
;; exp(0) = 1, exp(1) = 2.7182817, exp(−104) = 0, exp(89) = +inf.
;; Cheap instructions only: the clamps are pmin/pmax (one minps/maxps each; x first, so a NaN stays
;; NaN), and n = round(x·log2 e) comes from adding and subtracting 1.5·2²³ (the sum's low mantissa
;; bits are n, round to nearest even: what f32x4.nearest gives) instead of nearest + trunc_sat, which
;; V8 expands into several instructions each.
(func $exp4 (@inline) (param $x v128) (result v128)
  (local $n v128) (local $r v128) (local $p v128) (local $ni v128) (local $h v128) (local $big v128)
  (local.set $big (f32x4.gt (local.get $x) (v128.const f32x4 88.72284 88.72284 88.72284 88.72284)))
  (local.set $x (f32x4.pmax (f32x4.pmin (local.get $x) (v128.const f32x4 88.72284 88.72284 88.72284 88.72284))
                            (v128.const f32x4 -104 -104 -104 -104)))
  (local.set $ni (f32x4.add (f32x4.mul (local.get $x) (v128.const f32x4 1.442695 1.442695 1.442695 1.442695))
                            (v128.const f32x4 12582912 12582912 12582912 12582912)))
  (local.set $n (f32x4.sub (local.get $ni) (v128.const f32x4 12582912 12582912 12582912 12582912)))
  (local.set $ni (i32x4.sub (local.get $ni) (v128.const i32x4 0x4b400000 0x4b400000 0x4b400000 0x4b400000)))
  (local.set $r (f32x4.sub (local.get $x) (f32x4.mul (local.get $n) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))))
  (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $n) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
  (local.set $p (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
  (local.set $p (f32x4.madd (local.get $p) (local.get $r) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
  (local.set $p (f32x4.madd (local.get $p) (local.get $r) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
  (local.set $p (f32x4.madd (local.get $p) (local.get $r) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
  (local.set $p (f32x4.madd (local.get $p) (local.get $r) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
  (local.set $p (f32x4.madd (local.get $p) (local.get $r) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
  (local.set $p (f32x4.madd (f32x4.mul (local.get $p) (local.get $r)) (local.get $r)
                            (f32x4.add (local.get $r) (v128.const f32x4 1 1 1 1))))
  ;; 2^n = 2^h · 2^(n−h), h = n >> 1 (each factor's exponent stays in range)
  (local.set $h (i32x4.shr_s (local.get $ni) (i32.const 1)))
  (local.set $p (f32x4.mul (local.get $p)
    (i32x4.shl (i32x4.add (local.get $h) (v128.const i32x4 127 127 127 127)) (i32.const 23))))
  (local.set $p (f32x4.mul (local.get $p)
    (i32x4.shl (i32x4.add (i32x4.sub (local.get $ni) (local.get $h)) (v128.const i32x4 127 127 127 127)) (i32.const 23))))
  (v128.bitselect (v128.const f32x4 inf inf inf inf) (local.get $p) (local.get $big)))

;; erf(x) = x·P(x²)/Q(x²) on [−4, 4] (±1 beyond, in f32), P of degree 6 and Q of degree 4 in x²
;; (the rational minimax fit Eigen and XLA use for float erf); max error 4e-7.
(func $erf4 (@inline) (param $x v128) (result v128)
  (local $z v128) (local $p v128) (local $q v128)
  (local.set $x (f32x4.pmax (f32x4.pmin (local.get $x) (v128.const f32x4 4 4 4 4)) (v128.const f32x4 -4 -4 -4 -4)))
  (local.set $z (f32x4.mul (local.get $x) (local.get $x)))
  (local.set $p (v128.const f32x4 -2.72614225801306e-10 -2.72614225801306e-10 -2.72614225801306e-10 -2.72614225801306e-10))
  (local.set $p (f32x4.madd (local.get $p) (local.get $z) (v128.const f32x4 2.77068142495902e-08 2.77068142495902e-08 2.77068142495902e-08 2.77068142495902e-08)))
  (local.set $p (f32x4.madd (local.get $p) (local.get $z) (v128.const f32x4 -2.10102402082508e-06 -2.10102402082508e-06 -2.10102402082508e-06 -2.10102402082508e-06)))
  (local.set $p (f32x4.madd (local.get $p) (local.get $z) (v128.const f32x4 -5.69250639462346e-05 -5.69250639462346e-05 -5.69250639462346e-05 -5.69250639462346e-05)))
  (local.set $p (f32x4.madd (local.get $p) (local.get $z) (v128.const f32x4 -7.34990630326855e-04 -7.34990630326855e-04 -7.34990630326855e-04 -7.34990630326855e-04)))
  (local.set $p (f32x4.madd (local.get $p) (local.get $z) (v128.const f32x4 -2.95459980854025e-03 -2.95459980854025e-03 -2.95459980854025e-03 -2.95459980854025e-03)))
  (local.set $p (f32x4.madd (local.get $p) (local.get $z) (v128.const f32x4 -1.60960333262415e-02 -1.60960333262415e-02 -1.60960333262415e-02 -1.60960333262415e-02)))
  (local.set $q (v128.const f32x4 -1.45660718464996e-05 -1.45660718464996e-05 -1.45660718464996e-05 -1.45660718464996e-05))
  (local.set $q (f32x4.madd (local.get $q) (local.get $z) (v128.const f32x4 -2.13374055278905e-04 -2.13374055278905e-04 -2.13374055278905e-04 -2.13374055278905e-04)))
  (local.set $q (f32x4.madd (local.get $q) (local.get $z) (v128.const f32x4 -1.68282697438203e-03 -1.68282697438203e-03 -1.68282697438203e-03 -1.68282697438203e-03)))
  (local.set $q (f32x4.madd (local.get $q) (local.get $z) (v128.const f32x4 -7.37332916720468e-03 -7.37332916720468e-03 -7.37332916720468e-03 -7.37332916720468e-03)))
  (local.set $q (f32x4.madd (local.get $q) (local.get $z) (v128.const f32x4 -1.42647390514189e-02 -1.42647390514189e-02 -1.42647390514189e-02 -1.42647390514189e-02)))
  (f32x4.div (f32x4.mul (local.get $x) (local.get $p)) (local.get $q)))

;; tanh(x): |x| < 0.625: x + x³·R(x²) (Cephes tanhf's odd polynomial, no cancellation near 0);
;; otherwise sign(x)·(1 − 2/(e^(2|x|) + 1)).
(func $tanh4 (@inline) (param $x v128) (result v128)
  (local $ax v128) (local $z v128) (local $p v128) (local $big v128)
  (local.set $ax (f32x4.abs (local.get $x)))
  (local.set $z (f32x4.mul (local.get $x) (local.get $x)))
  (local.set $p (v128.const f32x4 -5.70498872745e-3 -5.70498872745e-3 -5.70498872745e-3 -5.70498872745e-3))
  (local.set $p (f32x4.madd (local.get $p) (local.get $z) (v128.const f32x4 2.06390887954e-2 2.06390887954e-2 2.06390887954e-2 2.06390887954e-2)))
  (local.set $p (f32x4.madd (local.get $p) (local.get $z) (v128.const f32x4 -5.37397155531e-2 -5.37397155531e-2 -5.37397155531e-2 -5.37397155531e-2)))
  (local.set $p (f32x4.madd (local.get $p) (local.get $z) (v128.const f32x4 1.33314422036e-1 1.33314422036e-1 1.33314422036e-1 1.33314422036e-1)))
  (local.set $p (f32x4.madd (local.get $p) (local.get $z) (v128.const f32x4 -3.33332819422e-1 -3.33332819422e-1 -3.33332819422e-1 -3.33332819422e-1)))
  (local.set $p (f32x4.madd (f32x4.mul (local.get $p) (local.get $z)) (local.get $x) (local.get $x)))
  (local.set $big (f32x4.sub (v128.const f32x4 1 1 1 1)
    (f32x4.div (v128.const f32x4 2 2 2 2)
      (f32x4.add (call $exp4 (f32x4.add (local.get $ax) (local.get $ax))) (v128.const f32x4 1 1 1 1)))))
  ;; copy the sign of x onto the large-|x| branch
  (local.set $big (v128.or (local.get $big) (v128.and (local.get $x) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))))
  (v128.bitselect (local.get $p) (local.get $big) (f32x4.lt (local.get $ax) (v128.const f32x4 0.625 0.625 0.625 0.625))))

;; 1/(1 + e^−x), written e^x/(1 + e^x) for x < 0 so neither branch overflows.
(func $sigmoid4 (@inline) (param $x v128) (result v128)
  (local $e v128)
  (local.set $e (call $exp4 (f32x4.neg (f32x4.abs (local.get $x)))))
  (local.set $e (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $e))))
  ;; e = 1/(1 + e^−|x|) = sigmoid(|x|); sigmoid(x) = x < 0 ? 1 − e : e
  (v128.bitselect (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $e)) (local.get $e)
    (f32x4.lt (local.get $x) (v128.const f32x4 0 0 0 0))))

;; ln x for a positive normal x (what lse needs: a sum of exponentials that includes e^0 = 1).
;; x = m·2^e with m in [√½, √2), ln x = e·ln2 + ln m, ln(1 + f) by the Cephes logf polynomial.
(func $log1 (param $x f32) (result f32)
  (local $bits i32) (local $e f32) (local $f f32) (local $z f32) (local $y f32)
  (local.set $bits (i32.reinterpret_f32 (local.get $x)))
  (local.set $e (f32.convert_i32_s (i32.sub (i32.shr_u (local.get $bits) (i32.const 23)) (i32.const 126))))
  ;; mantissa in [0.5, 1)
  (local.set $f (f32.reinterpret_i32 (i32.or (i32.and (local.get $bits) (i32.const 0x007fffff)) (i32.const 0x3f000000))))
  (if (f32.lt (local.get $f) (f32.const 0.70710677))
    (then
      (local.set $e (f32.sub (local.get $e) (f32.const 1)))
      (local.set $f (f32.sub (f32.add (local.get $f) (local.get $f)) (f32.const 1))))
    (else (local.set $f (f32.sub (local.get $f) (f32.const 1)))))
  (local.set $z (f32.mul (local.get $f) (local.get $f)))
  (local.set $y (f32.const 7.0376836292e-2))
  (local.set $y (f32.add (f32.mul (local.get $y) (local.get $f)) (f32.const -1.1514610310e-1)))
  (local.set $y (f32.add (f32.mul (local.get $y) (local.get $f)) (f32.const 1.1676998740e-1)))
  (local.set $y (f32.add (f32.mul (local.get $y) (local.get $f)) (f32.const -1.2420140846e-1)))
  (local.set $y (f32.add (f32.mul (local.get $y) (local.get $f)) (f32.const 1.4249322787e-1)))
  (local.set $y (f32.add (f32.mul (local.get $y) (local.get $f)) (f32.const -1.6668057665e-1)))
  (local.set $y (f32.add (f32.mul (local.get $y) (local.get $f)) (f32.const 2.0000714765e-1)))
  (local.set $y (f32.add (f32.mul (local.get $y) (local.get $f)) (f32.const -2.4999993993e-1)))
  (local.set $y (f32.add (f32.mul (local.get $y) (local.get $f)) (f32.const 3.3333331174e-1)))
  (local.set $y (f32.mul (f32.mul (local.get $y) (local.get $f)) (local.get $z)))
  (local.set $y (f32.add (local.get $y) (f32.mul (local.get $e) (f32.const -2.12194440e-4))))
  (local.set $y (f32.sub (local.get $y) (f32.mul (local.get $z) (f32.const 0.5))))
  (f32.add (f32.add (local.get $f) (local.get $y)) (f32.mul (local.get $e) (f32.const 0.693359375))))

;; e^x of one float, through the vector routine.
(func $exp1 (@inline) (param $x f32) (result f32)
  (f32x4.extract_lane 0 (call $exp4 (f32x4.splat (local.get $x)))))

;; Σ a[i]·b[i], i < n (4 lanes, lanes summed in a fixed order, then the tail).
(func $dot (param $a i32) (param $b i32) (param $n i32) (result f32)
  (local $acc v128) (local $i i32) (local $s f32)
  (local.set $acc (v128.const i32x4 0 0 0 0))
  (block $d (loop $l
    (br_if $d (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
    (local.set $acc (f32x4.madd (v128.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))
                                (v128.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2))))
                                (local.get $acc)))
    (local.set $i (i32.add (local.get $i) (i32.const 4)))
    (br $l)))
  (local.set $s (call $hsum (local.get $acc)))
  (block $d (loop $l
    (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
    (local.set $s (f32.add (local.get $s)
      (f32.mul (f32.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))
               (f32.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2)))))))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $l)))
  (local.get $s))

;; y[i] += s·x[i], i < n.
(func $axpy (param $s f32) (param $x i32) (param $y i32) (param $n i32)
  (local $sv v128) (local $i i32) (local $py i32)
  (local.set $sv (f32x4.splat (local.get $s)))
  (block $d (loop $l
    (br_if $d (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
    (local.set $py (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2))))
    (v128.store (local.get $py)
      (f32x4.madd (local.get $sv) (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))
                  (v128.load (local.get $py))))
    (local.set $i (i32.add (local.get $i) (i32.const 4)))
    (br $l)))
  (block $d (loop $l
    (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
    (local.set $py (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2))))
    (f32.store (local.get $py)
      (f32x4.extract_lane 0
        (f32x4.madd (local.get $sv) (v128.load32_splat (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))
                    (v128.load32_splat (local.get $py)))))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $l))))

;; x[i] = 0, i < n.
(func $zero (param $x i32) (param $n i32)
  (memory.fill (local.get $x) (i32.const 0) (i32.shl (local.get $n) (i32.const 2))))
