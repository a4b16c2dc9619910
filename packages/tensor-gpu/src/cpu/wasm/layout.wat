;; Data movement and reductions: permute (any 4-byte dtype) and sums/means/max/min over an axis run.

;; y (d0,d1,d2,d3), contiguous = x read at strides (s0,s1,s2,s3) (elements). Any permutation of up
;; to four merged dims; when s3 = 1 the inner run is copied 4 floats at a time. dims: [d0..d3, s0..s3].
;; Threads split the d0·d1 outer rows.
(func $permute (export "permute") (param $x i32) (param $y i32) (param $dims i32) (param $tid i32) (param $nt i32)
  (local $d1 i32) (local $d2 i32) (local $d3 i32) (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32)
  (local $r i32) (local $rEnd i32) (local $i2 i32) (local $i3 i32) (local $src i32) (local $dst i32) (local $p i32)
  (local.set $d1 (i32.load offset=4 (local.get $dims)))
  (local.set $d2 (i32.load offset=8 (local.get $dims)))
  (local.set $d3 (i32.load offset=12 (local.get $dims)))
  (local.set $s0 (i32.shl (i32.load offset=16 (local.get $dims)) (i32.const 2)))
  (local.set $s1 (i32.shl (i32.load offset=20 (local.get $dims)) (i32.const 2)))
  (local.set $s2 (i32.shl (i32.load offset=24 (local.get $dims)) (i32.const 2)))
  (local.set $s3 (i32.shl (i32.load offset=28 (local.get $dims)) (i32.const 2)))
  (local.set $r (call $part (i32.mul (i32.load (local.get $dims)) (local.get $d1)) (i32.const 1) (local.get $tid) (local.get $nt)))
  (local.set $rEnd (call $part (i32.mul (i32.load (local.get $dims)) (local.get $d1)) (i32.const 1) (i32.add (local.get $tid) (i32.const 1)) (local.get $nt)))
  (local.set $dst (i32.add (local.get $y) (i32.shl (i32.mul (local.get $r) (i32.mul (local.get $d2) (local.get $d3))) (i32.const 2))))
  (block $done (loop $row
    (br_if $done (i32.ge_u (local.get $r) (local.get $rEnd)))
    (local.set $i2 (i32.const 0))
    (block $d2done (loop $l2
      (br_if $d2done (i32.ge_u (local.get $i2) (local.get $d2)))
      (local.set $src (i32.add (local.get $x)
        (i32.add
          (i32.add (i32.mul (i32.div_u (local.get $r) (local.get $d1)) (local.get $s0))
                   (i32.mul (i32.rem_u (local.get $r) (local.get $d1)) (local.get $s1)))
          (i32.mul (local.get $i2) (local.get $s2)))))
      (local.set $i3 (i32.const 0))
      (if (i32.eq (local.get $s3) (i32.const 4))
        (then
          (block $d (loop $l
            (br_if $d (i32.gt_u (i32.add (local.get $i3) (i32.const 4)) (local.get $d3)))
            (local.set $p (i32.shl (local.get $i3) (i32.const 2)))
            (v128.store (i32.add (local.get $dst) (local.get $p)) (v128.load (i32.add (local.get $src) (local.get $p))))
            (local.set $i3 (i32.add (local.get $i3) (i32.const 4)))
            (br $l)))))
      (block $d (loop $l
        (br_if $d (i32.ge_u (local.get $i3) (local.get $d3)))
        (i32.store (i32.add (local.get $dst) (i32.shl (local.get $i3) (i32.const 2)))
          (i32.load (i32.add (local.get $src) (i32.mul (local.get $i3) (local.get $s3)))))
        (local.set $i3 (i32.add (local.get $i3) (i32.const 1)))
        (br $l)))
      (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $d3) (i32.const 2))))
      (local.set $i2 (i32.add (local.get $i2) (i32.const 1)))
      (br $l2)))
    (local.set $r (i32.add (local.get $r) (i32.const 1)))
    (br $row))))

;; y[o, i] = reduce_r x[o, r, i] for x (outer, red, inner): op 0 sum, 1 mean, 2 max, 3 min,
;; 4 sumSquares (Σx², each term squared in float64 after widening: exact).
;; Sums accumulate in float64 (two f64x2 per 4 columns), in order over r. inner = 1 reduces rows
;; (4 lanes along r, lanes summed in a fixed order); inner > 1 reduces columns, 4 at a time.
;; Threads split the outer index, or the inner columns when outer = 1.
(func $reduce (export "reduce") (param $x i32) (param $y i32) (param $outer i32) (param $red i32) (param $inner i32) (param $op i32)
  (param $tid i32) (param $nt i32)
  (local $o i32) (local $oEnd i32) (local $c i32) (local $c0 i32) (local $cEnd i32) (local $r i32) (local $p i32)
  (local $lo v128) (local $hi v128) (local $m v128) (local $v v128) (local $lanes i32) (local $res v128) (local $s f64)
  (local $pl v128) (local $ph v128) (local $sq i32) (local $ext i32) (local $t f64)
  (local.set $sq (i32.eq (local.get $op) (i32.const 4)))
  ;; max or min (op 2, 3): the result is the extremum, not the sum
  (local.set $ext (i32.lt_u (i32.sub (local.get $op) (i32.const 2)) (i32.const 2)))
  (if (i32.eq (local.get $outer) (i32.const 1))
    (then
      (local.set $o (i32.const 0)) (local.set $oEnd (i32.const 1))
      (local.set $c0 (call $part (local.get $inner) (i32.const 4) (local.get $tid) (local.get $nt)))
      (local.set $cEnd (call $part (local.get $inner) (i32.const 4) (i32.add (local.get $tid) (i32.const 1)) (local.get $nt))))
    (else
      (local.set $o (call $part (local.get $outer) (i32.const 1) (local.get $tid) (local.get $nt)))
      (local.set $oEnd (call $part (local.get $outer) (i32.const 1) (i32.add (local.get $tid) (i32.const 1)) (local.get $nt)))
      (local.set $c0 (i32.const 0)) (local.set $cEnd (local.get $inner))))
  (block $done (loop $outer_loop
    (br_if $done (i32.ge_u (local.get $o) (local.get $oEnd)))
    (if (i32.eq (local.get $inner) (i32.const 1))
      (then
        ;; one row of `red` values
        (local.set $p (i32.add (local.get $x) (i32.shl (i32.mul (local.get $o) (local.get $red)) (i32.const 2))))
        (local.set $lo (v128.const i64x2 0 0)) (local.set $hi (v128.const i64x2 0 0))
        (local.set $m (v128.load32_splat (local.get $p)))
        (local.set $r (i32.const 0))
        (block $d (loop $l
          (br_if $d (i32.gt_u (i32.add (local.get $r) (i32.const 4)) (local.get $red)))
          (local.set $v (v128.load (i32.add (local.get $p) (i32.shl (local.get $r) (i32.const 2)))))
          (local.set $pl (f64x2.promote_low_f32x4 (local.get $v)))
          (local.set $ph (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
          (if (local.get $sq) (then
            (local.set $pl (f64x2.mul (local.get $pl) (local.get $pl)))
            (local.set $ph (f64x2.mul (local.get $ph) (local.get $ph)))))
          (local.set $lo (f64x2.add (local.get $lo) (local.get $pl)))
          (local.set $hi (f64x2.add (local.get $hi) (local.get $ph)))
          (local.set $m (select (result v128) (f32x4.max (local.get $m) (local.get $v)) (f32x4.min (local.get $m) (local.get $v)) (i32.eq (local.get $op) (i32.const 2))))
          (local.set $r (i32.add (local.get $r) (i32.const 4)))
          (br $l)))
        (local.set $s (f64.add
          (f64.add (f64x2.extract_lane 0 (local.get $lo)) (f64x2.extract_lane 1 (local.get $lo)))
          (f64.add (f64x2.extract_lane 0 (local.get $hi)) (f64x2.extract_lane 1 (local.get $hi)))))
        (local.set $res (local.get $m))
        (local.set $m (f32x4.splat (select (result f32) (call $hmax (local.get $m)) (f32.neg (call $hmax (f32x4.neg (local.get $m)))) (i32.eq (local.get $op) (i32.const 2)))))
        (block $d (loop $l
          (br_if $d (i32.ge_u (local.get $r) (local.get $red)))
          (local.set $v (v128.load32_splat (i32.add (local.get $p) (i32.shl (local.get $r) (i32.const 2)))))
          (local.set $t (f64.promote_f32 (f32x4.extract_lane 0 (local.get $v))))
          (local.set $s (f64.add (local.get $s) (select (result f64) (f64.mul (local.get $t) (local.get $t)) (local.get $t) (local.get $sq))))
          (local.set $m (select (result v128) (f32x4.max (local.get $m) (local.get $v)) (f32x4.min (local.get $m) (local.get $v)) (i32.eq (local.get $op) (i32.const 2))))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br $l)))
        (f32.store (i32.add (local.get $y) (i32.shl (local.get $o) (i32.const 2)))
          (if (result f32) (local.get $ext)
            (then (f32x4.extract_lane 0 (local.get $m)))
            (else (f32.demote_f64 (select (result f64) (f64.div (local.get $s) (f64.convert_i32_u (local.get $red))) (local.get $s)
              (i32.eq (local.get $op) (i32.const 1))))))))
      (else
        ;; columns c0..cEnd of an (red, inner) slab
        (local.set $c (local.get $c0))
        (block $cd (loop $cl
          (br_if $cd (i32.ge_u (local.get $c) (local.get $cEnd)))
          (local.set $lanes (i32.sub (local.get $cEnd) (local.get $c)))
          (local.set $p (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (i32.mul (local.get $o) (local.get $red)) (local.get $inner)) (local.get $c)) (i32.const 2))))
          (local.set $lo (v128.const i64x2 0 0)) (local.set $hi (v128.const i64x2 0 0))
          (local.set $m (if (result v128) (i32.ge_u (local.get $lanes) (i32.const 4)) (then (v128.load (local.get $p))) (else (v128.load32_splat (local.get $p)))))
          (local.set $r (i32.const 0))
          (block $d (loop $l
            (br_if $d (i32.ge_u (local.get $r) (local.get $red)))
            (local.set $v (if (result v128) (i32.ge_u (local.get $lanes) (i32.const 4)) (then (v128.load (local.get $p))) (else (v128.load32_splat (local.get $p)))))
            (local.set $pl (f64x2.promote_low_f32x4 (local.get $v)))
            (local.set $ph (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
            (if (local.get $sq) (then
              (local.set $pl (f64x2.mul (local.get $pl) (local.get $pl)))
              (local.set $ph (f64x2.mul (local.get $ph) (local.get $ph)))))
            (local.set $lo (f64x2.add (local.get $lo) (local.get $pl)))
            (local.set $hi (f64x2.add (local.get $hi) (local.get $ph)))
            (local.set $m (select (result v128) (f32x4.max (local.get $m) (local.get $v)) (f32x4.min (local.get $m) (local.get $v)) (i32.eq (local.get $op) (i32.const 2))))
            (local.set $p (i32.add (local.get $p) (i32.shl (local.get $inner) (i32.const 2))))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $l)))
          (if (i32.eq (local.get $op) (i32.const 1))
            (then
              (local.set $lo (f64x2.div (local.get $lo) (f64x2.splat (f64.convert_i32_u (local.get $red)))))
              (local.set $hi (f64x2.div (local.get $hi) (f64x2.splat (f64.convert_i32_u (local.get $red)))))))
          (local.set $res (if (result v128) (local.get $ext)
            (then (local.get $m))
            (else (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
              (f32x4.demote_f64x2_zero (local.get $lo)) (f32x4.demote_f64x2_zero (local.get $hi))))))
          (local.set $p (i32.add (local.get $y) (i32.shl (i32.add (i32.mul (local.get $o) (local.get $inner)) (local.get $c)) (i32.const 2))))
          (if (i32.ge_u (local.get $lanes) (i32.const 4))
            (then (v128.store (local.get $p) (local.get $res)) (local.set $c (i32.add (local.get $c) (i32.const 4))))
            (else (f32.store (local.get $p) (f32x4.extract_lane 0 (local.get $res))) (local.set $c (i32.add (local.get $c) (i32.const 1)))))
          (br $cl)))))
    (local.set $o (i32.add (local.get $o) (i32.const 1)))
    (br $outer_loop))))

;; Σx² of the whole of x[0, n) (a gradient norm's reduction), as torch does it in f32 but in fixed
;; blocks: block b is x[4096·b, 4096·(b+1)) ∩ [0, n), summed in f32 by four f32x4 accumulators
;; (16 lanes, 256 terms each, a fused multiply-add in the relaxed build, combined in a fixed
;; order), then its tail one by one; the block's sum
;; is widened and stored at partials[b] (f64), and the caller adds the partials in order in float64.
;; The blocks do not depend on the pieces, which split them: 1, 2 or N threads give the same bits.
(func $sum_squares_blocks (export "sum_squares_blocks") (param $x i32) (param $n i32) (param $partials i32)
  (param $tid i32) (param $nt i32)
  (local $nb i32) (local $b i32) (local $bEnd i32) (local $p i32) (local $end i32) (local $e i32)
  (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $v v128) (local $s f32)
  (local.set $nb (i32.shr_u (i32.add (local.get $n) (i32.const 4095)) (i32.const 12)))
  (local.set $b (call $part (local.get $nb) (i32.const 1) (local.get $tid) (local.get $nt)))
  (local.set $bEnd (call $part (local.get $nb) (i32.const 1) (i32.add (local.get $tid) (i32.const 1)) (local.get $nt)))
  (block $bd (loop $bl
    (br_if $bd (i32.ge_u (local.get $b) (local.get $bEnd)))
    (local.set $p (i32.add (local.get $x) (i32.shl (local.get $b) (i32.const 14))))
    (local.set $e (i32.shl (i32.add (local.get $b) (i32.const 1)) (i32.const 12)))
    (local.set $end (i32.add (local.get $x) (i32.shl
      (select (local.get $n) (local.get $e) (i32.lt_u (local.get $n) (local.get $e))) (i32.const 2))))
    (local.set $a0 (v128.const i64x2 0 0)) (local.set $a1 (v128.const i64x2 0 0))
    (local.set $a2 (v128.const i64x2 0 0)) (local.set $a3 (v128.const i64x2 0 0))
    (block $d (loop $l
      (br_if $d (i32.gt_u (i32.add (local.get $p) (i32.const 64)) (local.get $end)))
      (local.set $v (v128.load (local.get $p)))
      (local.set $a0 (f32x4.madd (local.get $v) (local.get $v) (local.get $a0)))
      (local.set $v (v128.load offset=16 (local.get $p)))
      (local.set $a1 (f32x4.madd (local.get $v) (local.get $v) (local.get $a1)))
      (local.set $v (v128.load offset=32 (local.get $p)))
      (local.set $a2 (f32x4.madd (local.get $v) (local.get $v) (local.get $a2)))
      (local.set $v (v128.load offset=48 (local.get $p)))
      (local.set $a3 (f32x4.madd (local.get $v) (local.get $v) (local.get $a3)))
      (local.set $p (i32.add (local.get $p) (i32.const 64)))
      (br $l)))
    (block $d (loop $l
      (br_if $d (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
      (local.set $v (v128.load (local.get $p)))
      (local.set $a0 (f32x4.madd (local.get $v) (local.get $v) (local.get $a0)))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $l)))
    (local.set $s (call $hsum (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3)))))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $p)) (f32.load (local.get $p)))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $l)))
    (f64.store (i32.add (local.get $partials) (i32.shl (local.get $b) (i32.const 3))) (f64.promote_f32 (local.get $s)))
    (local.set $b (i32.add (local.get $b) (i32.const 1)))
    (br $bl))))
