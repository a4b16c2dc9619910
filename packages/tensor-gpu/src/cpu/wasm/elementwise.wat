;; Elementwise kernels: unary functions and their gradients, binary arithmetic with the broadcasts a
;; transformer uses, and AdamW. Each splits its elements into contiguous runs, one per thread.

;; y = f(x) for the unary kinds (numbering shared with UNARY_CODES in ../wasm-kernels.ts):
;; 0 neg, 1 abs, 2 exp, 3 sqrt, 4 rsqrt, 5 square, 6 reciprocal, 7 tanh, 8 sigmoid, 9 relu,
;; 10 gelu_erf ½x(1 + erf(x/√2)), 11 gelu_tanh ½x(1 + tanh(√(2/π)(x + 0.044715x³))), 12 silu x·σ(x).
(func $unary4 (@inline) (param $kind i32) (param $x v128) (result v128)
  (block $silu (block $gelu_tanh (block $gelu_erf (block $relu (block $sigmoid (block $tanh
  (block $reciprocal (block $square (block $rsqrt (block $sqrt (block $exp (block $abs (block $neg
    (br_table $neg $abs $exp $sqrt $rsqrt $square $reciprocal $tanh $sigmoid $relu $gelu_erf $gelu_tanh $silu
      (local.get $kind)))
    (return (f32x4.neg (local.get $x))))
    (return (f32x4.abs (local.get $x))))
    (return (call $exp4 (local.get $x))))
    (return (f32x4.sqrt (local.get $x))))
    (return (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.sqrt (local.get $x)))))
    (return (f32x4.mul (local.get $x) (local.get $x))))
    (return (f32x4.div (v128.const f32x4 1 1 1 1) (local.get $x))))
    (return (call $tanh4 (local.get $x))))
    (return (call $sigmoid4 (local.get $x))))
    (return (f32x4.max (local.get $x) (v128.const f32x4 0 0 0 0))))
    (return (call $gelu_erf4 (local.get $x))))
    (return (call $gelu_tanh4 (local.get $x))))
  (f32x4.mul (local.get $x) (call $sigmoid4 (local.get $x))))

;; The two GELUs, also called outside the $unary4 switch by the loops that hoist it (see $unary_grad).
(func $gelu_erf4 (@inline) (param $x v128) (result v128)
  (f32x4.mul (f32x4.mul (local.get $x) (v128.const f32x4 0.5 0.5 0.5 0.5))
    (f32x4.add (v128.const f32x4 1 1 1 1)
      (call $erf4 (f32x4.mul (local.get $x) (v128.const f32x4 0.70710677 0.70710677 0.70710677 0.70710677))))))

(func $gelu_tanh4 (@inline) (param $x v128) (result v128)
  (f32x4.mul (local.get $x) (call $gelu_sig (local.get $x))))

;; s = ½(1 + tanh u) = σ(2u) = 1/(1 + e^(−2u)), u = √(2/π)·(x + 0.044715·x³), the GPT-2 GELU's
;; gate: one exponential and a division, where tanh would take an exponential, a division and a
;; polynomial for small |u| (its relative accuracy near 0 does not matter here, s is near ½).
;; e^(−2u) overflows to +∞ for very negative x, and s is then 0, as it should be.
(func $gelu_sig (@inline) (param $x v128) (result v128)
  (f32x4.div (v128.const f32x4 1 1 1 1)
    (f32x4.add (v128.const f32x4 1 1 1 1)
      (call $exp4 (f32x4.mul (v128.const f32x4 -1.5957692 -1.5957692 -1.5957692 -1.5957692)
        (f32x4.madd (f32x4.mul (f32x4.mul (local.get $x) (local.get $x)) (local.get $x))
          (v128.const f32x4 0.044715 0.044715 0.044715 0.044715) (local.get $x)))))))

;; dy·gelu_erf'(x) = dy·(Φ(x) + x·φ(x)).
(func $gelu_erf_grad4 (@inline) (param $x v128) (param $dy v128) (result v128)
  (f32x4.mul (local.get $dy)
    (f32x4.madd (local.get $x)
      (f32x4.mul (v128.const f32x4 0.3989423 0.3989423 0.3989423 0.3989423)
        (call $exp4 (f32x4.mul (f32x4.mul (local.get $x) (local.get $x)) (v128.const f32x4 -0.5 -0.5 -0.5 -0.5))))
      (f32x4.mul (v128.const f32x4 0.5 0.5 0.5 0.5)
        (f32x4.add (v128.const f32x4 1 1 1 1)
          (call $erf4 (f32x4.mul (local.get $x) (v128.const f32x4 0.70710677 0.70710677 0.70710677 0.70710677))))))))

;; dy·gelu_tanh'(x) = dy·(s + x·s(1 − s)·2√(2/π)(1 + 0.134145x²)), s = σ(2u) (as ½(1 + t) +
;; ½x(1 − t²)·√(2/π)(1 + 0.134145x²) with t = tanh u: 1 − t² = 4s(1 − s)).
(func $gelu_tanh_grad4 (@inline) (param $x v128) (param $dy v128) (result v128)
  (local $s v128)
  (local.set $s (call $gelu_sig (local.get $x)))
  (f32x4.mul (local.get $dy)
    (f32x4.madd
      (f32x4.mul (f32x4.mul (local.get $x) (local.get $s)) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $s)))
      (f32x4.mul (v128.const f32x4 1.5957692 1.5957692 1.5957692 1.5957692)
        (f32x4.madd (v128.const f32x4 0.134145 0.134145 0.134145 0.134145)
          (f32x4.mul (local.get $x) (local.get $x)) (v128.const f32x4 1 1 1 1)))
      (local.get $s))))

;; dx = dy·f'(x) for the same kinds (f' recomputed from x):
;; gelu_erf' = Φ(x) + x·φ(x);  gelu_tanh' = ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 0.134145x²).
(func $unary_grad4 (@inline) (param $kind i32) (param $x v128) (param $dy v128) (result v128)
  (local $t v128)
  (block $silu (block $gelu_tanh (block $gelu_erf (block $relu (block $sigmoid (block $tanh
  (block $reciprocal (block $square (block $rsqrt (block $sqrt (block $exp (block $abs (block $neg
    (br_table $neg $abs $exp $sqrt $rsqrt $square $reciprocal $tanh $sigmoid $relu $gelu_erf $gelu_tanh $silu
      (local.get $kind)))
    (return (f32x4.neg (local.get $dy))))
    ;; sign(x)·dy, 0 at x = 0
    (return (v128.or
      (v128.and (local.get $dy) (f32x4.gt (local.get $x) (v128.const f32x4 0 0 0 0)))
      (v128.and (f32x4.neg (local.get $dy)) (f32x4.lt (local.get $x) (v128.const f32x4 0 0 0 0))))))
    (return (f32x4.mul (local.get $dy) (call $exp4 (local.get $x)))))
    (return (f32x4.div (local.get $dy) (f32x4.mul (v128.const f32x4 2 2 2 2) (f32x4.sqrt (local.get $x))))))
    (local.set $t (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.sqrt (local.get $x))))
    (return (f32x4.mul (f32x4.mul (v128.const f32x4 -0.5 -0.5 -0.5 -0.5) (local.get $dy))
      (f32x4.mul (f32x4.mul (local.get $t) (local.get $t)) (local.get $t)))))
    (return (f32x4.mul (f32x4.mul (v128.const f32x4 2 2 2 2) (local.get $x)) (local.get $dy))))
    (return (f32x4.div (f32x4.neg (local.get $dy)) (f32x4.mul (local.get $x) (local.get $x)))))
    (local.set $t (call $tanh4 (local.get $x)))
    (return (f32x4.mul (local.get $dy) (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $t) (local.get $t))))))
    (local.set $t (call $sigmoid4 (local.get $x)))
    (return (f32x4.mul (f32x4.mul (local.get $dy) (local.get $t)) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $t)))))
    (return (v128.and (local.get $dy) (f32x4.gt (local.get $x) (v128.const f32x4 0 0 0 0)))))
    (return (call $gelu_erf_grad4 (local.get $x) (local.get $dy))))
    (return (call $gelu_tanh_grad4 (local.get $x) (local.get $dy))))
  ;; silu' = σ(1 + x(1 − σ))
  (local.set $t (call $sigmoid4 (local.get $x)))
  (f32x4.mul (f32x4.mul (local.get $dy) (local.get $t))
    (f32x4.madd (local.get $x) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $t)) (v128.const f32x4 1 1 1 1))))

;; One float through $unary4 / $unary_grad4 (loop tails: a call, not another inlined copy).
(func $unary1 (param $kind i32) (param $x f32) (result f32)
  (f32x4.extract_lane 0 (call $unary4 (local.get $kind) (f32x4.splat (local.get $x)))))
(func $unary_grad1 (param $kind i32) (param $x f32) (param $dy f32) (result f32)
  (f32x4.extract_lane 0 (call $unary_grad4 (local.get $kind) (f32x4.splat (local.get $x)) (f32x4.splat (local.get $dy)))))

;; y[i] = f(x[i]), i < n.
(func $unary (export "unary") (param $kind i32) (param $x i32) (param $y i32) (param $n i32) (param $tid i32) (param $nt i32)
  (local $i i32) (local $end i32) (local $o i32)
  (local.set $i (call $part (local.get $n) (i32.const 16) (local.get $tid) (local.get $nt)))
  (local.set $end (call $part (local.get $n) (i32.const 16) (i32.add (local.get $tid) (i32.const 1)) (local.get $nt)))
  ;; the GELUs hoisted out of the switch, two vectors per step (see $unary_grad)
  (if (i32.eq (local.get $kind) (i32.const 10))
    (then (block $done (loop $pair
      (br_if $done (i32.gt_u (i32.add (local.get $i) (i32.const 8)) (local.get $end)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (v128.store (i32.add (local.get $y) (local.get $o)) (call $gelu_erf4 (v128.load (i32.add (local.get $x) (local.get $o)))))
      (v128.store offset=16 (i32.add (local.get $y) (local.get $o)) (call $gelu_erf4 (v128.load offset=16 (i32.add (local.get $x) (local.get $o)))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br $pair))))
    (else (if (i32.eq (local.get $kind) (i32.const 11))
    (then (block $done (loop $pair
      (br_if $done (i32.gt_u (i32.add (local.get $i) (i32.const 8)) (local.get $end)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (v128.store (i32.add (local.get $y) (local.get $o)) (call $gelu_tanh4 (v128.load (i32.add (local.get $x) (local.get $o)))))
      (v128.store offset=16 (i32.add (local.get $y) (local.get $o)) (call $gelu_tanh4 (v128.load offset=16 (i32.add (local.get $x) (local.get $o)))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br $pair)))))))
  (block $done (loop $vec
    (br_if $done (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $end)))
    (local.set $o (i32.shl (local.get $i) (i32.const 2)))
    (v128.store (i32.add (local.get $y) (local.get $o))
      (call $unary4 (local.get $kind) (v128.load (i32.add (local.get $x) (local.get $o)))))
    (local.set $i (i32.add (local.get $i) (i32.const 4)))
    (br $vec)))
  (block $done (loop $tail
    (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
    (local.set $o (i32.shl (local.get $i) (i32.const 2)))
    (f32.store (i32.add (local.get $y) (local.get $o))
      (call $unary1 (local.get $kind) (f32.load (i32.add (local.get $x) (local.get $o)))))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $tail))))

;; dx[i] = dy[i]·f'(x[i]), i < n.
(func $unary_grad (export "unary_grad") (param $kind i32) (param $x i32) (param $dy i32) (param $dx i32) (param $n i32) (param $tid i32) (param $nt i32)
  (local $i i32) (local $end i32) (local $o i32)
  (local.set $i (call $part (local.get $n) (i32.const 16) (local.get $tid) (local.get $nt)))
  (local.set $end (call $part (local.get $n) (i32.const 16) (i32.add (local.get $tid) (i32.const 1)) (local.get $nt)))
  ;; the GELUs (the hot ones in training) without the per-vector switch and two vectors per step,
  ;; so their long polynomial chains overlap (the same arithmetic as $unary_grad4's cases); the
  ;; generic loop below finishes the run
  (if (i32.eq (local.get $kind) (i32.const 10))
    (then (block $done (loop $pair
      (br_if $done (i32.gt_u (i32.add (local.get $i) (i32.const 8)) (local.get $end)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (v128.store (i32.add (local.get $dx) (local.get $o))
        (call $gelu_erf_grad4 (v128.load (i32.add (local.get $x) (local.get $o))) (v128.load (i32.add (local.get $dy) (local.get $o)))))
      (v128.store offset=16 (i32.add (local.get $dx) (local.get $o))
        (call $gelu_erf_grad4 (v128.load offset=16 (i32.add (local.get $x) (local.get $o))) (v128.load offset=16 (i32.add (local.get $dy) (local.get $o)))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br $pair))))
    (else (if (i32.eq (local.get $kind) (i32.const 11))
    (then (block $done (loop $pair
      (br_if $done (i32.gt_u (i32.add (local.get $i) (i32.const 8)) (local.get $end)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (v128.store (i32.add (local.get $dx) (local.get $o))
        (call $gelu_tanh_grad4 (v128.load (i32.add (local.get $x) (local.get $o))) (v128.load (i32.add (local.get $dy) (local.get $o)))))
      (v128.store offset=16 (i32.add (local.get $dx) (local.get $o))
        (call $gelu_tanh_grad4 (v128.load offset=16 (i32.add (local.get $x) (local.get $o))) (v128.load offset=16 (i32.add (local.get $dy) (local.get $o)))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br $pair)))))))
  (block $done (loop $vec
    (br_if $done (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $end)))
    (local.set $o (i32.shl (local.get $i) (i32.const 2)))
    (v128.store (i32.add (local.get $dx) (local.get $o))
      (call $unary_grad4 (local.get $kind) (v128.load (i32.add (local.get $x) (local.get $o)))
        (v128.load (i32.add (local.get $dy) (local.get $o)))))
    (local.set $i (i32.add (local.get $i) (i32.const 4)))
    (br $vec)))
  (block $done (loop $tail
    (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
    (local.set $o (i32.shl (local.get $i) (i32.const 2)))
    (f32.store (i32.add (local.get $dx) (local.get $o))
      (call $unary_grad1 (local.get $kind) (f32.load (i32.add (local.get $x) (local.get $o))) (f32.load (i32.add (local.get $dy) (local.get $o)))))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $tail))))

;; a ∘ b for the binary kinds (numbering shared with BINARY_CODES): 0 add, 1 sub, 2 mul, 3 div,
;; 4 maximum, 5 minimum, 6 eq, 7 ne, 8 lt, 9 le, 10 gt, 11 ge (comparisons give 1.0 or 0.0).
(func $binary4 (@inline) (param $kind i32) (param $a v128) (param $b v128) (result v128)
  (local $mask v128)
  (block $cmp (block $ge (block $gt (block $le (block $lt (block $ne (block $eq
  (block $min (block $max (block $div (block $mul (block $sub (block $add
    (br_table $add $sub $mul $div $max $min $eq $ne $lt $le $gt $ge (local.get $kind)))
    (return (f32x4.add (local.get $a) (local.get $b))))
    (return (f32x4.sub (local.get $a) (local.get $b))))
    (return (f32x4.mul (local.get $a) (local.get $b))))
    (return (f32x4.div (local.get $a) (local.get $b))))
    (return (f32x4.max (local.get $a) (local.get $b))))
    (return (f32x4.min (local.get $a) (local.get $b))))
    (local.set $mask (f32x4.eq (local.get $a) (local.get $b))) (br $cmp))
    (local.set $mask (f32x4.ne (local.get $a) (local.get $b))) (br $cmp))
    (local.set $mask (f32x4.lt (local.get $a) (local.get $b))) (br $cmp))
    (local.set $mask (f32x4.le (local.get $a) (local.get $b))) (br $cmp))
    (local.set $mask (f32x4.gt (local.get $a) (local.get $b))) (br $cmp))
    (local.set $mask (f32x4.ge (local.get $a) (local.get $b))))
  (v128.and (local.get $mask) (v128.const f32x4 1 1 1 1)))

;; Operand j of a row: a[row·rowStride + j] when unit (inner stride 1), else the row's single value
;; a[row·rowStride] broadcast.
(func $operand4 (@inline) (param $p i32) (param $unit i32) (param $j i32) (result v128)
  (if (result v128) (local.get $unit)
    (then (v128.load (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2)))))
    (else (v128.load32_splat (local.get $p)))))

(func $operand1 (@inline) (param $p i32) (param $unit i32) (param $j i32) (result v128)
  (f32x4.splat (f32.load (i32.add (local.get $p)
    (select (i32.shl (local.get $j) (i32.const 2)) (i32.const 0) (local.get $unit))))))

;; y (rows, cols) = a ∘ b where each operand is indexed [row·rs + col·cs] with cs ∈ {0, 1}
;; (rs, cs in elements): same shapes (rs = cols, cs = 1), a row vector broadcast down the rows
;; (rs = 0, cs = 1), a column broadcast along them (rs = 1, cs = 0) or a scalar (0, 0).
;; Threads split the rows, or the columns of a single row.
(func $binary (export "binary") (param $kind i32)
  (param $a i32) (param $ars i32) (param $acs i32)
  (param $b i32) (param $brs i32) (param $bcs i32)
  (param $y i32) (param $rows i32) (param $cols i32) (param $tid i32) (param $nt i32)
  (local $r i32) (local $rend i32) (local $j i32) (local $jend i32) (local $j0 i32) (local $j1 i32)
  (local $pa i32) (local $pb i32) (local $py i32)
  (if (i32.eq (local.get $rows) (i32.const 1))
    (then
      (local.set $r (i32.const 0)) (local.set $rend (i32.const 1))
      (local.set $j0 (call $part (local.get $cols) (i32.const 16) (local.get $tid) (local.get $nt)))
      (local.set $j1 (call $part (local.get $cols) (i32.const 16) (i32.add (local.get $tid) (i32.const 1)) (local.get $nt))))
    (else
      (local.set $r (call $part (local.get $rows) (i32.const 1) (local.get $tid) (local.get $nt)))
      (local.set $rend (call $part (local.get $rows) (i32.const 1) (i32.add (local.get $tid) (i32.const 1)) (local.get $nt)))
      (local.set $j0 (i32.const 0)) (local.set $j1 (local.get $cols))))
  (block $rows_done (loop $row
    (br_if $rows_done (i32.ge_u (local.get $r) (local.get $rend)))
    (local.set $pa (i32.add (local.get $a) (i32.shl (i32.mul (local.get $r) (local.get $ars)) (i32.const 2))))
    (local.set $pb (i32.add (local.get $b) (i32.shl (i32.mul (local.get $r) (local.get $brs)) (i32.const 2))))
    (local.set $py (i32.add (local.get $y) (i32.shl (i32.mul (local.get $r) (local.get $cols)) (i32.const 2))))
    (local.set $j (local.get $j0))
    (block $done (loop $vec
      (br_if $done (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $j1)))
      (v128.store (i32.add (local.get $py) (i32.shl (local.get $j) (i32.const 2)))
        (call $binary4 (local.get $kind)
          (call $operand4 (local.get $pa) (local.get $acs) (local.get $j))
          (call $operand4 (local.get $pb) (local.get $bcs) (local.get $j))))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $vec)))
    (block $done (loop $tail
      (br_if $done (i32.ge_u (local.get $j) (local.get $j1)))
      (f32.store (i32.add (local.get $py) (i32.shl (local.get $j) (i32.const 2)))
        (f32x4.extract_lane 0 (call $binary4 (local.get $kind)
          (call $operand1 (local.get $pa) (local.get $acs) (local.get $j))
          (call $operand1 (local.get $pb) (local.get $bcs) (local.get $j)))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $tail)))
    (local.set $r (i32.add (local.get $r) (i32.const 1)))
    (br $row))))

;; In-place AdamW over n elements, torch.optim.AdamW's order of operations:
;; m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  p ← p·(1 − lr·wd) − stepSize·m/(√v·invBc2Sqrt + eps).
;; consts: [β1, 1−β1, β2, 1−β2, 1 − lr·wd, stepSize = lr/(1−β1^t), invBc2Sqrt = 1/√(1−β2^t), eps].
(func $adamw (export "adamw") (param $p i32) (param $m i32) (param $v i32) (param $g i32) (param $n i32) (param $consts i32)
  (param $tid i32) (param $nt i32)
  (local $i i32) (local $end i32) (local $o i32)
  (local $b1 v128) (local $c1 v128) (local $b2 v128) (local $c2 v128) (local $decay v128) (local $step v128)
  (local $ibc v128) (local $eps v128) (local $gv v128) (local $mv v128) (local $vv v128)
  (local.set $b1 (v128.load32_splat (local.get $consts)))
  (local.set $c1 (v128.load32_splat offset=4 (local.get $consts)))
  (local.set $b2 (v128.load32_splat offset=8 (local.get $consts)))
  (local.set $c2 (v128.load32_splat offset=12 (local.get $consts)))
  (local.set $decay (v128.load32_splat offset=16 (local.get $consts)))
  (local.set $step (v128.load32_splat offset=20 (local.get $consts)))
  (local.set $ibc (v128.load32_splat offset=24 (local.get $consts)))
  (local.set $eps (v128.load32_splat offset=28 (local.get $consts)))
  (local.set $i (call $part (local.get $n) (i32.const 16) (local.get $tid) (local.get $nt)))
  (local.set $end (call $part (local.get $n) (i32.const 16) (i32.add (local.get $tid) (i32.const 1)) (local.get $nt)))
  (block $done (loop $vec
    (br_if $done (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $end)))
    (local.set $o (i32.shl (local.get $i) (i32.const 2)))
    (local.set $gv (v128.load (i32.add (local.get $g) (local.get $o))))
    (local.set $mv (f32x4.add (f32x4.mul (local.get $b1) (v128.load (i32.add (local.get $m) (local.get $o))))
                              (f32x4.mul (local.get $c1) (local.get $gv))))
    (local.set $vv (f32x4.add (f32x4.mul (local.get $b2) (v128.load (i32.add (local.get $v) (local.get $o))))
                              (f32x4.mul (f32x4.mul (local.get $c2) (local.get $gv)) (local.get $gv))))
    (v128.store (i32.add (local.get $m) (local.get $o)) (local.get $mv))
    (v128.store (i32.add (local.get $v) (local.get $o)) (local.get $vv))
    (v128.store (i32.add (local.get $p) (local.get $o))
      (f32x4.sub (f32x4.mul (v128.load (i32.add (local.get $p) (local.get $o))) (local.get $decay))
        (f32x4.div (f32x4.mul (local.get $step) (local.get $mv))
          (f32x4.add (f32x4.mul (f32x4.sqrt (local.get $vv)) (local.get $ibc)) (local.get $eps)))))
    (local.set $i (i32.add (local.get $i) (i32.const 4)))
    (br $vec)))
  (block $done (loop $tail
    (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
    (local.set $o (i32.shl (local.get $i) (i32.const 2)))
    (local.set $gv (v128.load32_splat (i32.add (local.get $g) (local.get $o))))
    (local.set $mv (f32x4.add (f32x4.mul (local.get $b1) (v128.load32_splat (i32.add (local.get $m) (local.get $o))))
                              (f32x4.mul (local.get $c1) (local.get $gv))))
    (local.set $vv (f32x4.add (f32x4.mul (local.get $b2) (v128.load32_splat (i32.add (local.get $v) (local.get $o))))
                              (f32x4.mul (f32x4.mul (local.get $c2) (local.get $gv)) (local.get $gv))))
    (f32.store (i32.add (local.get $m) (local.get $o)) (f32x4.extract_lane 0 (local.get $mv)))
    (f32.store (i32.add (local.get $v) (local.get $o)) (f32x4.extract_lane 0 (local.get $vv)))
    (f32.store (i32.add (local.get $p) (local.get $o))
      (f32x4.extract_lane 0
        (f32x4.sub (f32x4.mul (v128.load32_splat (i32.add (local.get $p) (local.get $o))) (local.get $decay))
          (f32x4.div (f32x4.mul (local.get $step) (local.get $mv))
            (f32x4.add (f32x4.mul (f32x4.sqrt (local.get $vv)) (local.get $ibc)) (local.get $eps))))))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $tail))))

;; acc + the four lanes of v widened to float64: (lo, hi) pairs of f64x2.
(func $widen_add_lo (@inline) (param $acc v128) (param $v v128) (result v128)
  (f64x2.add (local.get $acc) (f64x2.promote_low_f32x4 (local.get $v))))
(func $widen_add_hi (@inline) (param $acc v128) (param $v v128) (result v128)
  (f64x2.add (local.get $acc)
    (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v)))))

;; Four floats from two f64x2 (lanes lo0, lo1, hi0, hi1).
(func $narrow4 (@inline) (param $lo v128) (param $hi v128) (result v128)
  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
    (f32x4.demote_f64x2_zero (local.get $lo)) (f32x4.demote_f64x2_zero (local.get $hi))))

;; The bias gradient of linear's backward: sums[j] = Σ_r x[r, j] for x (rows, F), in float64 over
;; the rows in order, and y = x when y is another tensor (dpre = dy without an activation; with
;; one, `unary_grad` has written dpre first and x = y = dpre). Pieces split the columns (multiples
;; of 16); each walks its columns row by row (contiguous runs), adding each run into float64 column
;; sums in this thread's scratch (F·8 bytes).
(func $column_sums (export "column_sums") (param $x i32) (param $y i32) (param $sums i32)
  (param $rows i32) (param $F i32) (param $scratch i32) (param $tid i32) (param $nt i32)
  (local $j i32) (local $w i32) (local $r i32) (local $o i32) (local $acc i32) (local $i i32) (local $p i32) (local $a i32) (local $v v128)
  (local.set $j (call $part (local.get $F) (i32.const 16) (local.get $tid) (local.get $nt)))
  (local.set $w (i32.sub (call $part (local.get $F) (i32.const 16) (i32.add (local.get $tid) (i32.const 1)) (local.get $nt)) (local.get $j)))
  (if (i32.eqz (local.get $w)) (then (return)))
  (local.set $acc (i32.add (local.get $scratch) (i32.mul (global.get $slot) (i32.shl (local.get $F) (i32.const 3)))))
  (call $zero (local.get $acc) (i32.shl (local.get $w) (i32.const 1)))
  (block $rd (loop $rl
    (br_if $rd (i32.ge_u (local.get $r) (local.get $rows)))
    (local.set $o (i32.shl (i32.add (i32.mul (local.get $r) (local.get $F)) (local.get $j)) (i32.const 2)))
    (if (i32.ne (local.get $x) (local.get $y))
      (then (memory.copy (i32.add (local.get $y) (local.get $o)) (i32.add (local.get $x) (local.get $o))
        (i32.shl (local.get $w) (i32.const 2)))))
    ;; the column sums += this row's run, widened to float64
    (local.set $p (i32.add (local.get $x) (local.get $o)))
    (local.set $a (local.get $acc))
    (local.set $i (i32.const 0))
    (block $vd (loop $vl
      (br_if $vd (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $w)))
      (local.set $v (v128.load (local.get $p)))
      (v128.store (local.get $a) (call $widen_add_lo (v128.load (local.get $a)) (local.get $v)))
      (v128.store offset=16 (local.get $a) (call $widen_add_hi (v128.load offset=16 (local.get $a)) (local.get $v)))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (local.set $a (i32.add (local.get $a) (i32.const 32)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $vl)))
    (block $td (loop $tl
      (br_if $td (i32.ge_u (local.get $i) (local.get $w)))
      (f64.store (local.get $a) (f64.add (f64.load (local.get $a)) (f64.promote_f32 (f32.load (local.get $p)))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (local.set $a (i32.add (local.get $a) (i32.const 8)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $tl)))
    (local.set $r (i32.add (local.get $r) (i32.const 1)))
    (br $rl)))
  ;; the sums, rounded to float32
  (local.set $p (i32.add (local.get $sums) (i32.shl (local.get $j) (i32.const 2))))
  (local.set $a (local.get $acc))
  (local.set $i (i32.const 0))
  (block $vd (loop $vl
    (br_if $vd (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $w)))
    (v128.store (local.get $p) (call $narrow4 (v128.load (local.get $a)) (v128.load offset=16 (local.get $a))))
    (local.set $p (i32.add (local.get $p) (i32.const 16)))
    (local.set $a (i32.add (local.get $a) (i32.const 32)))
    (local.set $i (i32.add (local.get $i) (i32.const 4)))
    (br $vl)))
  (block $td (loop $tl
    (br_if $td (i32.ge_u (local.get $i) (local.get $w)))
    (f32.store (local.get $p) (f32.demote_f64 (f64.load (local.get $a))))
    (local.set $p (i32.add (local.get $p) (i32.const 4)))
    (local.set $a (i32.add (local.get $a) (i32.const 8)))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $tl))))
