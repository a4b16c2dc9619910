;; Row kernels over the last axis C: layer norm forward and backward. Threads split the rows; the
;; parameter gradients (sums over rows) are a separate kernel in which threads split the columns
;; instead, so every sum runs over all rows in order whatever the thread count.

;; Σ x[i], i < n (4 lanes, then lanes in a fixed order, then the tail).
(func $sum (param $x i32) (param $n i32) (result f32)
  (local $acc v128) (local $i i32) (local $s f32)
  (local.set $acc (v128.const i32x4 0 0 0 0))
  (block $d (loop $l
    (br_if $d (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
    (local.set $acc (f32x4.add (local.get $acc) (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))))
    (local.set $i (i32.add (local.get $i) (i32.const 4)))
    (br $l)))
  (local.set $s (call $hsum (local.get $acc)))
  (block $d (loop $l
    (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
    (local.set $s (f32.add (local.get $s) (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $l)))
  (local.get $s))

;; Σ (x[i] − mu)², i < n.
(func $sumsq_centered (param $x i32) (param $n i32) (param $mu f32) (result f32)
  (local $acc v128) (local $i i32) (local $s f32) (local $d v128) (local $m v128) (local $e f32)
  (local.set $acc (v128.const i32x4 0 0 0 0))
  (local.set $m (f32x4.splat (local.get $mu)))
  (block $dn (loop $l
    (br_if $dn (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
    (local.set $d (f32x4.sub (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))) (local.get $m)))
    (local.set $acc (f32x4.madd (local.get $d) (local.get $d) (local.get $acc)))
    (local.set $i (i32.add (local.get $i) (i32.const 4)))
    (br $l)))
  (local.set $s (call $hsum (local.get $acc)))
  (block $dn (loop $l
    (br_if $dn (i32.ge_u (local.get $i) (local.get $n)))
    (local.set $e (f32.sub (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))) (local.get $mu)))
    (local.set $s (f32.add (local.get $s) (f32.mul (local.get $e) (local.get $e))))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $l)))
  (local.get $s))

;; One row of layer norm: y = (x − mean)·rstd·w + b; mean and rstd = 1/√(var + eps) stored.
(func $layer_norm_row (param $px i32) (param $w i32) (param $b i32) (param $py i32) (param $pmean i32) (param $prstd i32)
  (param $C i32) (param $eps f32)
  (local $mu f32) (local $rs f32) (local $i i32) (local $o i32) (local $muv v128) (local $rsv v128)
  (local.set $mu (f32.div (call $sum (local.get $px) (local.get $C)) (f32.convert_i32_u (local.get $C))))
  (local.set $rs (f32.div (f32.const 1)
    (f32.sqrt (f32.add (f32.div (call $sumsq_centered (local.get $px) (local.get $C) (local.get $mu)) (f32.convert_i32_u (local.get $C)))
                       (local.get $eps)))))
  (f32.store (local.get $pmean) (local.get $mu))
  (f32.store (local.get $prstd) (local.get $rs))
  (local.set $muv (f32x4.splat (local.get $mu)))
  (local.set $rsv (f32x4.splat (local.get $rs)))
  (block $d (loop $l
    (br_if $d (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $C)))
    (local.set $o (i32.shl (local.get $i) (i32.const 2)))
    (v128.store (i32.add (local.get $py) (local.get $o))
      (f32x4.madd
        (f32x4.mul (f32x4.sub (v128.load (i32.add (local.get $px) (local.get $o))) (local.get $muv)) (local.get $rsv))
        (v128.load (i32.add (local.get $w) (local.get $o)))
        (v128.load (i32.add (local.get $b) (local.get $o)))))
    (local.set $i (i32.add (local.get $i) (i32.const 4)))
    (br $l)))
  (block $d (loop $l
    (br_if $d (i32.ge_u (local.get $i) (local.get $C)))
    (local.set $o (i32.shl (local.get $i) (i32.const 2)))
    (f32.store (i32.add (local.get $py) (local.get $o))
      (f32x4.extract_lane 0 (f32x4.madd
        (f32x4.mul (f32x4.sub (v128.load32_splat (i32.add (local.get $px) (local.get $o))) (local.get $muv)) (local.get $rsv))
        (v128.load32_splat (i32.add (local.get $w) (local.get $o)))
        (v128.load32_splat (i32.add (local.get $b) (local.get $o))))))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $l))))

;; sum[i] = x[i] + r[i], i < n (one row of a residual add).
(func $add_rows (param $x i32) (param $r i32) (param $sum i32) (param $n i32)
  (local $i i32) (local $o i32)
  (block $d (loop $l
    (br_if $d (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
    (local.set $o (i32.shl (local.get $i) (i32.const 2)))
    (v128.store (i32.add (local.get $sum) (local.get $o))
      (f32x4.add (v128.load (i32.add (local.get $x) (local.get $o))) (v128.load (i32.add (local.get $r) (local.get $o)))))
    (local.set $i (i32.add (local.get $i) (i32.const 4)))
    (br $l)))
  (block $d (loop $l
    (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
    (local.set $o (i32.shl (local.get $i) (i32.const 2)))
    (f32.store (i32.add (local.get $sum) (local.get $o))
      (f32.add (f32.load (i32.add (local.get $x) (local.get $o))) (f32.load (i32.add (local.get $r) (local.get $o)))))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $l))))

;; y = (x − mean)·rstd·w + b per row of C; mean and rstd = 1/√(var + eps) saved. consts [eps].
(func $layer_norm (export "layer_norm") (param $x i32) (param $w i32) (param $b i32) (param $y i32) (param $mean i32) (param $rstd i32)
  (param $rows i32) (param $C i32) (param $consts i32) (param $tid i32) (param $nt i32)
  (local $r i32) (local $rEnd i32) (local $off i32)
  (local.set $r (call $part (local.get $rows) (i32.const 1) (local.get $tid) (local.get $nt)))
  (local.set $rEnd (call $part (local.get $rows) (i32.const 1) (i32.add (local.get $tid) (i32.const 1)) (local.get $nt)))
  (block $done (loop $row
    (br_if $done (i32.ge_u (local.get $r) (local.get $rEnd)))
    (local.set $off (i32.shl (i32.mul (local.get $r) (local.get $C)) (i32.const 2)))
    (call $layer_norm_row (i32.add (local.get $x) (local.get $off)) (local.get $w) (local.get $b) (i32.add (local.get $y) (local.get $off))
      (i32.add (local.get $mean) (i32.shl (local.get $r) (i32.const 2))) (i32.add (local.get $rstd) (i32.shl (local.get $r) (i32.const 2)))
      (local.get $C) (f32.load (local.get $consts)))
    (local.set $r (i32.add (local.get $r) (i32.const 1)))
    (br $row))))

;; The residual add fused with the next layer norm: sum = x + res, then layer_norm of sum, per row
;; (the row is still in L1 when it is normalised). consts [eps].
(func $add_layer_norm (export "add_layer_norm") (param $x i32) (param $res i32) (param $sum i32) (param $w i32) (param $b i32)
  (param $y i32) (param $mean i32) (param $rstd i32) (param $rows i32) (param $C i32) (param $consts i32) (param $tid i32) (param $nt i32)
  (local $r i32) (local $rEnd i32) (local $off i32)
  (local.set $r (call $part (local.get $rows) (i32.const 1) (local.get $tid) (local.get $nt)))
  (local.set $rEnd (call $part (local.get $rows) (i32.const 1) (i32.add (local.get $tid) (i32.const 1)) (local.get $nt)))
  (block $done (loop $row
    (br_if $done (i32.ge_u (local.get $r) (local.get $rEnd)))
    (local.set $off (i32.shl (i32.mul (local.get $r) (local.get $C)) (i32.const 2)))
    (call $add_rows (i32.add (local.get $x) (local.get $off)) (i32.add (local.get $res) (local.get $off))
      (i32.add (local.get $sum) (local.get $off)) (local.get $C))
    (call $layer_norm_row (i32.add (local.get $sum) (local.get $off)) (local.get $w) (local.get $b) (i32.add (local.get $y) (local.get $off))
      (i32.add (local.get $mean) (i32.shl (local.get $r) (i32.const 2))) (i32.add (local.get $rstd) (i32.shl (local.get $r) (i32.const 2)))
      (local.get $C) (f32.load (local.get $consts)))
    (local.set $r (i32.add (local.get $r) (i32.const 1)))
    (br $row))))

;; dx per row: g = dy·w, xhat = (x − mean)·rstd, dx = rstd·(g − mean(g) − xhat·mean(g·xhat));
;; with accum ≠ 0, dx += that instead (layerNormBackwardInto).
(func $layer_norm_backward (export "layer_norm_backward") (param $x i32) (param $w i32) (param $mean i32) (param $rstd i32) (param $dy i32) (param $dx i32)
  (param $rows i32) (param $C i32) (param $accum i32) (param $tid i32) (param $nt i32)
  (local $r i32) (local $rEnd i32) (local $off i32) (local $i i32) (local $o i32)
  (local $muv v128) (local $rsv v128) (local $g v128) (local $xh v128) (local $ag v128) (local $agx v128)
  (local $gm f32) (local $gxm f32) (local $gmv v128) (local $gxmv v128) (local $sg f32) (local $sgx f32) (local $gs f32) (local $xs f32)
  (local $invC f32)
  (local.set $invC (f32.div (f32.const 1) (f32.convert_i32_u (local.get $C))))
  (local.set $r (call $part (local.get $rows) (i32.const 1) (local.get $tid) (local.get $nt)))
  (local.set $rEnd (call $part (local.get $rows) (i32.const 1) (i32.add (local.get $tid) (i32.const 1)) (local.get $nt)))
  (block $done (loop $row
    (br_if $done (i32.ge_u (local.get $r) (local.get $rEnd)))
    (local.set $off (i32.shl (i32.mul (local.get $r) (local.get $C)) (i32.const 2)))
    (local.set $muv (v128.load32_splat (i32.add (local.get $mean) (i32.shl (local.get $r) (i32.const 2)))))
    (local.set $rsv (v128.load32_splat (i32.add (local.get $rstd) (i32.shl (local.get $r) (i32.const 2)))))
    ;; pass 1: Σ g and Σ g·xhat
    (local.set $ag (v128.const i32x4 0 0 0 0))
    (local.set $agx (v128.const i32x4 0 0 0 0))
    (local.set $i (i32.const 0))
    (block $d (loop $l
      (br_if $d (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $C)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (local.set $g (f32x4.mul (v128.load (i32.add (local.get $dy) (i32.add (local.get $off) (local.get $o)))) (v128.load (i32.add (local.get $w) (local.get $o)))))
      (local.set $xh (f32x4.mul (f32x4.sub (v128.load (i32.add (local.get $x) (i32.add (local.get $off) (local.get $o)))) (local.get $muv)) (local.get $rsv)))
      (local.set $ag (f32x4.add (local.get $ag) (local.get $g)))
      (local.set $agx (f32x4.madd (local.get $g) (local.get $xh) (local.get $agx)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l)))
    (local.set $sg (call $hsum (local.get $ag)))
    (local.set $sgx (call $hsum (local.get $agx)))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (local.get $C)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (local.set $gs (f32.mul (f32.load (i32.add (local.get $dy) (i32.add (local.get $off) (local.get $o)))) (f32.load (i32.add (local.get $w) (local.get $o)))))
      (local.set $xs (f32.mul (f32.sub (f32.load (i32.add (local.get $x) (i32.add (local.get $off) (local.get $o)))) (f32x4.extract_lane 0 (local.get $muv)))
                              (f32x4.extract_lane 0 (local.get $rsv))))
      (local.set $sg (f32.add (local.get $sg) (local.get $gs)))
      (local.set $sgx (f32.add (local.get $sgx) (f32.mul (local.get $gs) (local.get $xs))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.set $gmv (f32x4.splat (f32.mul (local.get $sg) (local.get $invC))))
    (local.set $gxmv (f32x4.splat (f32.mul (local.get $sgx) (local.get $invC))))
    ;; pass 2: dx (every element through the vector formula, the tail with splats)
    (local.set $i (i32.const 0))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (local.get $C)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (if (i32.le_u (i32.add (local.get $i) (i32.const 4)) (local.get $C))
        (then
          (local.set $g (f32x4.mul (v128.load (i32.add (local.get $dy) (i32.add (local.get $off) (local.get $o)))) (v128.load (i32.add (local.get $w) (local.get $o)))))
          (local.set $xh (f32x4.mul (f32x4.sub (v128.load (i32.add (local.get $x) (i32.add (local.get $off) (local.get $o)))) (local.get $muv)) (local.get $rsv)))
          (local.set $g (f32x4.mul (local.get $rsv) (f32x4.sub (f32x4.sub (local.get $g) (local.get $gmv)) (f32x4.mul (local.get $xh) (local.get $gxmv)))))
          (if (local.get $accum)
            (then (local.set $g (f32x4.add (v128.load (i32.add (local.get $dx) (i32.add (local.get $off) (local.get $o)))) (local.get $g)))))
          (v128.store (i32.add (local.get $dx) (i32.add (local.get $off) (local.get $o))) (local.get $g))
          (local.set $i (i32.add (local.get $i) (i32.const 4))))
        (else
          (local.set $g (f32x4.mul (v128.load32_splat (i32.add (local.get $dy) (i32.add (local.get $off) (local.get $o)))) (v128.load32_splat (i32.add (local.get $w) (local.get $o)))))
          (local.set $xh (f32x4.mul (f32x4.sub (v128.load32_splat (i32.add (local.get $x) (i32.add (local.get $off) (local.get $o)))) (local.get $muv)) (local.get $rsv)))
          (local.set $g (f32x4.mul (local.get $rsv) (f32x4.sub (f32x4.sub (local.get $g) (local.get $gmv)) (f32x4.mul (local.get $xh) (local.get $gxmv)))))
          (if (local.get $accum)
            (then (local.set $g (f32x4.add (v128.load32_splat (i32.add (local.get $dx) (i32.add (local.get $off) (local.get $o)))) (local.get $g)))))
          (f32.store (i32.add (local.get $dx) (i32.add (local.get $off) (local.get $o))) (f32x4.extract_lane 0 (local.get $g)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))))
      (br $l)))
    (local.set $r (i32.add (local.get $r) (i32.const 1)))
    (br $row))))

;; dw[c] = Σ_r dy[r,c]·xhat[r,c], db[c] = Σ_r dy[r,c]; threads split the columns (4 at a time).
(func $layer_norm_dweight (export "layer_norm_dweight") (param $x i32) (param $mean i32) (param $rstd i32) (param $dy i32) (param $dw i32) (param $db i32)
  (param $rows i32) (param $C i32) (param $tid i32) (param $nt i32)
  (local $c i32) (local $cEnd i32) (local $r i32) (local $o i32) (local $aw v128) (local $ab v128) (local $d v128) (local $xh v128)
  (local $lanes i32)
  (local.set $c (call $part (local.get $C) (i32.const 4) (local.get $tid) (local.get $nt)))
  (local.set $cEnd (call $part (local.get $C) (i32.const 4) (i32.add (local.get $tid) (i32.const 1)) (local.get $nt)))
  (block $done (loop $col
    (br_if $done (i32.ge_u (local.get $c) (local.get $cEnd)))
    (local.set $aw (v128.const i32x4 0 0 0 0))
    (local.set $ab (v128.const i32x4 0 0 0 0))
    (local.set $lanes (i32.sub (local.get $cEnd) (local.get $c)))
    (local.set $r (i32.const 0))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $o (i32.shl (i32.add (i32.mul (local.get $r) (local.get $C)) (local.get $c)) (i32.const 2)))
      (if (i32.ge_u (local.get $lanes) (i32.const 4))
        (then
          (local.set $d (v128.load (i32.add (local.get $dy) (local.get $o))))
          (local.set $xh (v128.load (i32.add (local.get $x) (local.get $o)))))
        (else
          (local.set $d (v128.load32_splat (i32.add (local.get $dy) (local.get $o))))
          (local.set $xh (v128.load32_splat (i32.add (local.get $x) (local.get $o))))))
      (local.set $xh (f32x4.mul
        (f32x4.sub (local.get $xh) (v128.load32_splat (i32.add (local.get $mean) (i32.shl (local.get $r) (i32.const 2)))))
        (v128.load32_splat (i32.add (local.get $rstd) (i32.shl (local.get $r) (i32.const 2))))))
      (local.set $aw (f32x4.madd (local.get $d) (local.get $xh) (local.get $aw)))
      (local.set $ab (f32x4.add (local.get $ab) (local.get $d)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $l)))
    (local.set $o (i32.shl (local.get $c) (i32.const 2)))
    (if (i32.ge_u (local.get $lanes) (i32.const 4))
      (then
        (v128.store (i32.add (local.get $dw) (local.get $o)) (local.get $aw))
        (v128.store (i32.add (local.get $db) (local.get $o)) (local.get $ab))
        (local.set $c (i32.add (local.get $c) (i32.const 4))))
      (else
        (f32.store (i32.add (local.get $dw) (local.get $o)) (f32x4.extract_lane 0 (local.get $aw)))
        (f32.store (i32.add (local.get $db) (local.get $o)) (f32x4.extract_lane 0 (local.get $ab)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))))
    (br $col))))

;; Largest of x[0..n), NaNs skipped (what `v > max` does): −inf for an empty or all-NaN row.
(func $row_max (param $x i32) (param $n i32) (result f32)
  (local $i i32) (local $m v128) (local $s f32) (local $v f32)
  (local.set $m (v128.const f32x4 -inf -inf -inf -inf))
  (block $d (loop $l
    (br_if $d (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
    (local.set $m (f32x4.pmax (local.get $m) (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))))
    (local.set $i (i32.add (local.get $i) (i32.const 4)))
    (br $l)))
  (local.set $s (f32x4.extract_lane 0 (local.get $m)))
  (local.set $v (f32x4.extract_lane 1 (local.get $m)))
  (local.set $s (select (local.get $v) (local.get $s) (f32.gt (local.get $v) (local.get $s))))
  (local.set $v (f32x4.extract_lane 2 (local.get $m)))
  (local.set $s (select (local.get $v) (local.get $s) (f32.gt (local.get $v) (local.get $s))))
  (local.set $v (f32x4.extract_lane 3 (local.get $m)))
  (local.set $s (select (local.get $v) (local.get $s) (f32.gt (local.get $v) (local.get $s))))
  (block $d (loop $l
    (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
    (local.set $v (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
    (local.set $s (select (local.get $v) (local.get $s) (f32.gt (local.get $v) (local.get $s))))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $l)))
  (local.get $s))

;; Σ exp(x[i] − b), i < n, without storing the exponentials.
(func $sum_exp (param $x i32) (param $n i32) (param $b f32) (result f32)
  (local $i i32) (local $acc v128) (local $bv v128) (local $s f32)
  (local.set $bv (f32x4.splat (local.get $b)))
  (local.set $acc (v128.const i32x4 0 0 0 0))
  (block $d (loop $l
    (br_if $d (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
    (local.set $acc (f32x4.add (local.get $acc)
      (call $exp4 (f32x4.sub (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))) (local.get $bv)))))
    (local.set $i (i32.add (local.get $i) (i32.const 4)))
    (br $l)))
  (local.set $s (call $hsum (local.get $acc)))
  (block $d (loop $l
    (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
    (local.set $s (f32.add (local.get $s)
      (call $exp1 (f32.sub (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))) (local.get $b)))))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $l)))
  (local.get $s))

;; y[i] = x[i] + s, i < n.
(func $add_row (param $x i32) (param $y i32) (param $n i32) (param $s f32)
  (local $i i32) (local $sv v128)
  (local.set $sv (f32x4.splat (local.get $s)))
  (block $d (loop $l
    (br_if $d (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
    (v128.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2)))
      (f32x4.add (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))) (local.get $sv)))
    (local.set $i (i32.add (local.get $i) (i32.const 4)))
    (br $l)))
  (block $d (loop $l
    (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
    (f32.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2)))
      (f32.add (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))) (local.get $s)))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $l))))

;; Softmax (log = 0) or log-softmax (log = 1) of each row of x (rows, cols) into y. A row of all
;; −inf gives 0 (softmax) or −inf (log-softmax), as a masked attention row with no keys.
(func $softmax (export "softmax") (param $x i32) (param $y i32) (param $rows i32) (param $cols i32) (param $log i32)
  (param $tid i32) (param $nt i32)
  (local $r i32) (local $rEnd i32) (local $px i32) (local $py i32) (local $max f32) (local $sum f32)
  (local.set $r (call $part (local.get $rows) (i32.const 1) (local.get $tid) (local.get $nt)))
  (local.set $rEnd (call $part (local.get $rows) (i32.const 1) (i32.add (local.get $tid) (i32.const 1)) (local.get $nt)))
  (block $done (loop $row
    (br_if $done (i32.ge_u (local.get $r) (local.get $rEnd)))
    (local.set $px (i32.add (local.get $x) (i32.shl (i32.mul (local.get $r) (local.get $cols)) (i32.const 2))))
    (local.set $py (i32.add (local.get $y) (i32.sub (local.get $px) (local.get $x))))
    (local.set $max (call $row_max (local.get $px) (local.get $cols)))
    (if (f32.eq (local.get $max) (f32.const -inf))
      (then
        (if (local.get $log)
          (then (call $add_row (local.get $px) (local.get $py) (local.get $cols) (f32.const 0)))
          (else (call $zero (local.get $py) (local.get $cols)))))
      (else
        (if (local.get $log)
          (then
            (local.set $sum (call $sum_exp (local.get $px) (local.get $cols) (local.get $max)))
            (call $add_row (local.get $px) (local.get $py) (local.get $cols)
              (f32.neg (f32.add (local.get $max) (call $log1 (local.get $sum))))))
          (else
            (memory.copy (local.get $py) (local.get $px) (i32.shl (local.get $cols) (i32.const 2)))
            (local.set $sum (call $exp_row (local.get $py) (local.get $cols) (local.get $max) (f32.const 1)))
            (call $scale_row (local.get $py) (local.get $cols) (f32.div (f32.const 1) (local.get $sum)))))))
    (local.set $r (i32.add (local.get $r) (i32.const 1)))
    (br $row))))

;; Softmax backward per row: dx = y ⊙ (dy − Σ dy⊙y); log-softmax: dx = dy − exp(y)·Σ dy.
(func $softmax_backward (export "softmax_backward") (param $y i32) (param $dy i32) (param $dx i32) (param $rows i32) (param $cols i32) (param $log i32)
  (param $tid i32) (param $nt i32)
  (local $r i32) (local $rEnd i32) (local $off i32) (local $i i32) (local $o i32) (local $s f32) (local $sv v128)
  (local $yv v128) (local $dv v128) (local $last i32)
  (local.set $r (call $part (local.get $rows) (i32.const 1) (local.get $tid) (local.get $nt)))
  (local.set $rEnd (call $part (local.get $rows) (i32.const 1) (i32.add (local.get $tid) (i32.const 1)) (local.get $nt)))
  (block $done (loop $row
    (br_if $done (i32.ge_u (local.get $r) (local.get $rEnd)))
    (local.set $off (i32.shl (i32.mul (local.get $r) (local.get $cols)) (i32.const 2)))
    (local.set $s (if (result f32) (local.get $log)
      (then (call $sum (i32.add (local.get $dy) (local.get $off)) (local.get $cols)))
      (else (call $dot (i32.add (local.get $dy) (local.get $off)) (i32.add (local.get $y) (local.get $off)) (local.get $cols)))))
    (local.set $sv (f32x4.splat (local.get $s)))
    (local.set $i (i32.const 0))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (local.get $cols)))
      (local.set $o (i32.add (local.get $off) (i32.shl (local.get $i) (i32.const 2))))
      (local.set $last (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $cols)))
      (if (local.get $last)
        (then
          (local.set $yv (v128.load32_splat (i32.add (local.get $y) (local.get $o))))
          (local.set $dv (v128.load32_splat (i32.add (local.get $dy) (local.get $o)))))
        (else
          (local.set $yv (v128.load (i32.add (local.get $y) (local.get $o))))
          (local.set $dv (v128.load (i32.add (local.get $dy) (local.get $o))))))
      (local.set $dv (if (result v128) (local.get $log)
        (then (f32x4.sub (local.get $dv) (f32x4.mul (call $exp4 (local.get $yv)) (local.get $sv))))
        (else (f32x4.mul (local.get $yv) (f32x4.sub (local.get $dv) (local.get $sv))))))
      (if (local.get $last)
        (then
          (f32.store (i32.add (local.get $dx) (local.get $o)) (f32x4.extract_lane 0 (local.get $dv)))
          (local.set $i (i32.add (local.get $i) (i32.const 1))))
        (else
          (v128.store (i32.add (local.get $dx) (local.get $o)) (local.get $dv))
          (local.set $i (i32.add (local.get $i) (i32.const 4)))))
      (br $l)))
    (local.set $r (i32.add (local.get $r) (i32.const 1)))
    (br $row))))

;; Cross entropy per row of logits (N, V): lse = log Σ exp, loss = w·(lse − logits[target]); rows whose
;; target is `ignore` give loss 0. weights = 0: no weights. (Targets are checked in TypeScript first.)
(func $cross_entropy (export "cross_entropy") (param $logits i32) (param $targets i32) (param $weights i32) (param $loss i32) (param $lse i32)
  (param $N i32) (param $V i32) (param $ignore i32) (param $tid i32) (param $nt i32)
  (local $r i32) (local $rEnd i32) (local $px i32) (local $max f32) (local $l f32) (local $t i32) (local $w f32)
  (local.set $r (call $part (local.get $N) (i32.const 1) (local.get $tid) (local.get $nt)))
  (local.set $rEnd (call $part (local.get $N) (i32.const 1) (i32.add (local.get $tid) (i32.const 1)) (local.get $nt)))
  (block $done (loop $row
    (br_if $done (i32.ge_u (local.get $r) (local.get $rEnd)))
    (local.set $px (i32.add (local.get $logits) (i32.shl (i32.mul (local.get $r) (local.get $V)) (i32.const 2))))
    (local.set $max (call $row_max (local.get $px) (local.get $V)))
    (local.set $l (f32.add (local.get $max) (call $log1 (call $sum_exp (local.get $px) (local.get $V) (local.get $max)))))
    (f32.store (i32.add (local.get $lse) (i32.shl (local.get $r) (i32.const 2))) (local.get $l))
    (local.set $t (i32.load (i32.add (local.get $targets) (i32.shl (local.get $r) (i32.const 2)))))
    (local.set $w (if (result f32) (local.get $weights)
      (then (f32.load (i32.add (local.get $weights) (i32.shl (local.get $r) (i32.const 2)))))
      (else (f32.const 1))))
    (f32.store (i32.add (local.get $loss) (i32.shl (local.get $r) (i32.const 2)))
      (if (result f32) (i32.eq (local.get $t) (local.get $ignore))
        (then (f32.const 0))
        (else (f32.mul (local.get $w)
          (f32.sub (local.get $l) (f32.load (i32.add (local.get $px) (i32.shl (local.get $t) (i32.const 2)))))))))
    (local.set $r (i32.add (local.get $r) (i32.const 1)))
    (br $row))))

;; dlogits[n,:] = dloss[n]·w[n]·(exp(logits[n,:] − lse[n]) − onehot(target[n])), 0 for ignored rows.
(func $cross_entropy_backward (export "cross_entropy_backward") (param $logits i32) (param $targets i32) (param $weights i32) (param $lse i32)
  (param $dloss i32) (param $dlogits i32) (param $N i32) (param $V i32) (param $ignore i32) (param $tid i32) (param $nt i32)
  (local $r i32) (local $rEnd i32) (local $off i32) (local $t i32) (local $scale f32) (local $pd i32)
  (local.set $r (call $part (local.get $N) (i32.const 1) (local.get $tid) (local.get $nt)))
  (local.set $rEnd (call $part (local.get $N) (i32.const 1) (i32.add (local.get $tid) (i32.const 1)) (local.get $nt)))
  (block $done (loop $row
    (br_if $done (i32.ge_u (local.get $r) (local.get $rEnd)))
    (local.set $off (i32.shl (i32.mul (local.get $r) (local.get $V)) (i32.const 2)))
    (local.set $pd (i32.add (local.get $dlogits) (local.get $off)))
    (local.set $t (i32.load (i32.add (local.get $targets) (i32.shl (local.get $r) (i32.const 2)))))
    (if (i32.eq (local.get $t) (local.get $ignore))
      (then (call $zero (local.get $pd) (local.get $V)))
      (else
        (local.set $scale (f32.mul
          (f32.load (i32.add (local.get $dloss) (i32.shl (local.get $r) (i32.const 2))))
          (if (result f32) (local.get $weights)
            (then (f32.load (i32.add (local.get $weights) (i32.shl (local.get $r) (i32.const 2)))))
            (else (f32.const 1)))))
        (memory.copy (local.get $pd) (i32.add (local.get $logits) (local.get $off)) (i32.shl (local.get $V) (i32.const 2)))
        (drop (call $exp_row (local.get $pd) (local.get $V)
          (f32.load (i32.add (local.get $lse) (i32.shl (local.get $r) (i32.const 2)))) (f32.const 1)))
        (call $scale_row (local.get $pd) (local.get $V) (local.get $scale))
        (local.set $pd (i32.add (local.get $pd) (i32.shl (local.get $t) (i32.const 2))))
        (f32.store (local.get $pd) (f32.sub (f32.load (local.get $pd)) (local.get $scale)))))
    (local.set $r (i32.add (local.get $r) (i32.const 1)))
    (br $row))))

;; One row of RMSNorm: rstd = 1/√(Σx²/C + eps) stored, y = x·rstd·w.
(func $rms_norm_row (param $px i32) (param $w i32) (param $py i32) (param $prstd i32) (param $C i32) (param $eps f32)
  (local $rs f32) (local $i i32) (local $o i32) (local $rsv v128)
  (local.set $rs (f32.div (f32.const 1) (f32.sqrt (f32.add
    (f32.div (call $dot (local.get $px) (local.get $px) (local.get $C)) (f32.convert_i32_u (local.get $C)))
    (local.get $eps)))))
  (f32.store (local.get $prstd) (local.get $rs))
  (local.set $rsv (f32x4.splat (local.get $rs)))
  (block $d (loop $l
    (br_if $d (i32.ge_u (local.get $i) (local.get $C)))
    (local.set $o (i32.shl (local.get $i) (i32.const 2)))
    (if (i32.le_u (i32.add (local.get $i) (i32.const 4)) (local.get $C))
      (then
        (v128.store (i32.add (local.get $py) (local.get $o))
          (f32x4.mul (f32x4.mul (v128.load (i32.add (local.get $px) (local.get $o))) (local.get $rsv)) (v128.load (i32.add (local.get $w) (local.get $o)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4))))
      (else
        (f32.store (i32.add (local.get $py) (local.get $o))
          (f32x4.extract_lane 0 (f32x4.mul (f32x4.mul (v128.load32_splat (i32.add (local.get $px) (local.get $o))) (local.get $rsv))
            (v128.load32_splat (i32.add (local.get $w) (local.get $o))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))))
    (br $l))))

;; RMSNorm: rstd = 1/√(Σx²/C + eps), y = x·rstd·w per row. consts [eps].
(func $rms_norm (export "rms_norm") (param $x i32) (param $w i32) (param $y i32) (param $rstd i32)
  (param $rows i32) (param $C i32) (param $consts i32) (param $tid i32) (param $nt i32)
  (local $r i32) (local $rEnd i32) (local $off i32)
  (local.set $r (call $part (local.get $rows) (i32.const 1) (local.get $tid) (local.get $nt)))
  (local.set $rEnd (call $part (local.get $rows) (i32.const 1) (i32.add (local.get $tid) (i32.const 1)) (local.get $nt)))
  (block $done (loop $row
    (br_if $done (i32.ge_u (local.get $r) (local.get $rEnd)))
    (local.set $off (i32.shl (i32.mul (local.get $r) (local.get $C)) (i32.const 2)))
    (call $rms_norm_row (i32.add (local.get $x) (local.get $off)) (local.get $w) (i32.add (local.get $y) (local.get $off))
      (i32.add (local.get $rstd) (i32.shl (local.get $r) (i32.const 2))) (local.get $C) (f32.load (local.get $consts)))
    (local.set $r (i32.add (local.get $r) (i32.const 1)))
    (br $row))))

;; The residual add fused with the next RMSNorm: sum = x + res, then rms_norm of sum, per row. consts [eps].
(func $add_rms_norm (export "add_rms_norm") (param $x i32) (param $res i32) (param $sum i32) (param $w i32) (param $y i32) (param $rstd i32)
  (param $rows i32) (param $C i32) (param $consts i32) (param $tid i32) (param $nt i32)
  (local $r i32) (local $rEnd i32) (local $off i32)
  (local.set $r (call $part (local.get $rows) (i32.const 1) (local.get $tid) (local.get $nt)))
  (local.set $rEnd (call $part (local.get $rows) (i32.const 1) (i32.add (local.get $tid) (i32.const 1)) (local.get $nt)))
  (block $done (loop $row
    (br_if $done (i32.ge_u (local.get $r) (local.get $rEnd)))
    (local.set $off (i32.shl (i32.mul (local.get $r) (local.get $C)) (i32.const 2)))
    (call $add_rows (i32.add (local.get $x) (local.get $off)) (i32.add (local.get $res) (local.get $off))
      (i32.add (local.get $sum) (local.get $off)) (local.get $C))
    (call $rms_norm_row (i32.add (local.get $sum) (local.get $off)) (local.get $w) (i32.add (local.get $y) (local.get $off))
      (i32.add (local.get $rstd) (i32.shl (local.get $r) (i32.const 2))) (local.get $C) (f32.load (local.get $consts)))
    (local.set $r (i32.add (local.get $r) (i32.const 1)))
    (br $row))))

;; RMSNorm backward, dx per row: g = dy·w, xhat = x·rstd, dx = rstd·(g − xhat·mean(g·xhat));
;; with accum ≠ 0, dx += that instead (rmsNormBackwardInto).
(func $rms_norm_backward (export "rms_norm_backward") (param $x i32) (param $w i32) (param $rstd i32) (param $dy i32) (param $dx i32)
  (param $rows i32) (param $C i32) (param $accum i32) (param $tid i32) (param $nt i32)
  (local $r i32) (local $rEnd i32) (local $off i32) (local $i i32) (local $o i32) (local $rsv v128) (local $gx v128) (local $g v128)
  (local $acc v128) (local $s f32) (local $last i32) (local $xv v128)
  (local.set $r (call $part (local.get $rows) (i32.const 1) (local.get $tid) (local.get $nt)))
  (local.set $rEnd (call $part (local.get $rows) (i32.const 1) (i32.add (local.get $tid) (i32.const 1)) (local.get $nt)))
  (block $done (loop $row
    (br_if $done (i32.ge_u (local.get $r) (local.get $rEnd)))
    (local.set $off (i32.shl (i32.mul (local.get $r) (local.get $C)) (i32.const 2)))
    (local.set $rsv (v128.load32_splat (i32.add (local.get $rstd) (i32.shl (local.get $r) (i32.const 2)))))
    ;; Σ dy·w·x, lanes then tail
    (local.set $acc (v128.const i32x4 0 0 0 0))
    (local.set $s (f32.const 0))
    (local.set $i (i32.const 0))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (local.get $C)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (if (i32.le_u (i32.add (local.get $i) (i32.const 4)) (local.get $C))
        (then
          (local.set $acc (f32x4.madd
            (f32x4.mul (v128.load (i32.add (local.get $dy) (i32.add (local.get $off) (local.get $o)))) (v128.load (i32.add (local.get $w) (local.get $o))))
            (v128.load (i32.add (local.get $x) (i32.add (local.get $off) (local.get $o)))) (local.get $acc)))
          (local.set $i (i32.add (local.get $i) (i32.const 4))))
        (else
          (local.set $s (f32.add (local.get $s) (f32.mul
            (f32.mul (f32.load (i32.add (local.get $dy) (i32.add (local.get $off) (local.get $o)))) (f32.load (i32.add (local.get $w) (local.get $o))))
            (f32.load (i32.add (local.get $x) (i32.add (local.get $off) (local.get $o)))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))))
      (br $l)))
    ;; mean(g·xhat) = rstd·Σ(dy·w·x)/C
    (local.set $gx (f32x4.splat (f32.div
      (f32.mul (f32.add (call $hsum (local.get $acc)) (local.get $s)) (f32x4.extract_lane 0 (local.get $rsv)))
      (f32.convert_i32_u (local.get $C)))))
    (local.set $i (i32.const 0))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (local.get $C)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (local.set $last (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $C)))
      (if (local.get $last)
        (then
          (local.set $g (f32x4.mul (v128.load32_splat (i32.add (local.get $dy) (i32.add (local.get $off) (local.get $o)))) (v128.load32_splat (i32.add (local.get $w) (local.get $o)))))
          (local.set $xv (v128.load32_splat (i32.add (local.get $x) (i32.add (local.get $off) (local.get $o))))))
        (else
          (local.set $g (f32x4.mul (v128.load (i32.add (local.get $dy) (i32.add (local.get $off) (local.get $o)))) (v128.load (i32.add (local.get $w) (local.get $o)))))
          (local.set $xv (v128.load (i32.add (local.get $x) (i32.add (local.get $off) (local.get $o)))))))
      (local.set $g (f32x4.mul (local.get $rsv) (f32x4.sub (local.get $g) (f32x4.mul (f32x4.mul (local.get $xv) (local.get $rsv)) (local.get $gx)))))
      (if (local.get $accum)
        (then (local.set $g (f32x4.add (local.get $g)
          (if (result v128) (local.get $last)
            (then (v128.load32_splat (i32.add (local.get $dx) (i32.add (local.get $off) (local.get $o)))))
            (else (v128.load (i32.add (local.get $dx) (i32.add (local.get $off) (local.get $o))))))))))
      (if (local.get $last)
        (then
          (f32.store (i32.add (local.get $dx) (i32.add (local.get $off) (local.get $o))) (f32x4.extract_lane 0 (local.get $g)))
          (local.set $i (i32.add (local.get $i) (i32.const 1))))
        (else
          (v128.store (i32.add (local.get $dx) (i32.add (local.get $off) (local.get $o))) (local.get $g))
          (local.set $i (i32.add (local.get $i) (i32.const 4)))))
      (br $l)))
    (local.set $r (i32.add (local.get $r) (i32.const 1)))
    (br $row))))

;; dw[c] = Σ_r dy[r,c]·x[r,c]·rstd[r]; threads split the columns.
(func $rms_norm_dweight (export "rms_norm_dweight") (param $x i32) (param $rstd i32) (param $dy i32) (param $dw i32)
  (param $rows i32) (param $C i32) (param $tid i32) (param $nt i32)
  (local $c i32) (local $cEnd i32) (local $r i32) (local $o i32) (local $acc v128) (local $lanes i32) (local $xv v128) (local $dv v128)
  (local.set $c (call $part (local.get $C) (i32.const 4) (local.get $tid) (local.get $nt)))
  (local.set $cEnd (call $part (local.get $C) (i32.const 4) (i32.add (local.get $tid) (i32.const 1)) (local.get $nt)))
  (block $done (loop $col
    (br_if $done (i32.ge_u (local.get $c) (local.get $cEnd)))
    (local.set $acc (v128.const i32x4 0 0 0 0))
    (local.set $lanes (i32.sub (local.get $cEnd) (local.get $c)))
    (local.set $r (i32.const 0))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $o (i32.shl (i32.add (i32.mul (local.get $r) (local.get $C)) (local.get $c)) (i32.const 2)))
      (if (i32.ge_u (local.get $lanes) (i32.const 4))
        (then
          (local.set $dv (v128.load (i32.add (local.get $dy) (local.get $o))))
          (local.set $xv (v128.load (i32.add (local.get $x) (local.get $o)))))
        (else
          (local.set $dv (v128.load32_splat (i32.add (local.get $dy) (local.get $o))))
          (local.set $xv (v128.load32_splat (i32.add (local.get $x) (local.get $o))))))
      (local.set $acc (f32x4.madd (local.get $dv)
        (f32x4.mul (local.get $xv) (v128.load32_splat (i32.add (local.get $rstd) (i32.shl (local.get $r) (i32.const 2)))))
        (local.get $acc)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $l)))
    (local.set $o (i32.shl (local.get $c) (i32.const 2)))
    (if (i32.ge_u (local.get $lanes) (i32.const 4))
      (then (v128.store (i32.add (local.get $dw) (local.get $o)) (local.get $acc)) (local.set $c (i32.add (local.get $c) (i32.const 4))))
      (else (f32.store (i32.add (local.get $dw) (local.get $o)) (f32x4.extract_lane 0 (local.get $acc))) (local.set $c (i32.add (local.get $c) (i32.const 1)))))
    (br $col))))

;; Rotary positions (RoPE) in the rotate-half layout, forward or inverse: rows of D = 2·half
;; channels, row r at position r mod T (its offset is in the tables), channel i < half paired with
;; i + half: y_i = x_i·cos − x_{i+half}·sin, y_{i+half} = x_{i+half}·cos + x_i·sin, with cos and sin
;; read from tables (T × half, written by the caller; the sine negated for the inverse). half is a
;; multiple of 4; y may be x (both halves are loaded before either is stored). Threads split the rows.
(func $rope (export "rope") (param $x i32) (param $y i32) (param $cos i32) (param $sin i32)
  (param $rows i32) (param $T i32) (param $half i32) (param $tid i32) (param $nt i32)
  (local $r i32) (local $rEnd i32) (local $n i32) (local $a i32) (local $b i32) (local $tab i32) (local $i i32)
  (local $x1 v128) (local $x2 v128) (local $c v128) (local $s v128)
  (local.set $r (call $part (local.get $rows) (i32.const 1) (local.get $tid) (local.get $nt)))
  (local.set $rEnd (call $part (local.get $rows) (i32.const 1) (i32.add (local.get $tid) (i32.const 1)) (local.get $nt)))
  (local.set $n (i32.shl (local.get $half) (i32.const 2)))
  (block $done (loop $row
    (br_if $done (i32.ge_u (local.get $r) (local.get $rEnd)))
    (local.set $a (i32.add (local.get $x) (i32.shl (i32.mul (local.get $r) (local.get $n)) (i32.const 1))))
    (local.set $b (i32.add (local.get $y) (i32.shl (i32.mul (local.get $r) (local.get $n)) (i32.const 1))))
    (local.set $tab (i32.mul (i32.rem_u (local.get $r) (local.get $T)) (local.get $n)))
    (local.set $i (i32.const 0))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $x1 (v128.load (i32.add (local.get $a) (local.get $i))))
      (local.set $x2 (v128.load (i32.add (i32.add (local.get $a) (local.get $n)) (local.get $i))))
      (local.set $c (v128.load (i32.add (i32.add (local.get $cos) (local.get $tab)) (local.get $i))))
      (local.set $s (v128.load (i32.add (i32.add (local.get $sin) (local.get $tab)) (local.get $i))))
      (v128.store (i32.add (local.get $b) (local.get $i))
        (f32x4.sub (f32x4.mul (local.get $x1) (local.get $c)) (f32x4.mul (local.get $x2) (local.get $s))))
      (v128.store (i32.add (i32.add (local.get $b) (local.get $n)) (local.get $i))
        (f32x4.add (f32x4.mul (local.get $x2) (local.get $c)) (f32x4.mul (local.get $x1) (local.get $s))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $l)))
    (local.set $r (i32.add (local.get $r) (i32.const 1)))
    (br $row))))
