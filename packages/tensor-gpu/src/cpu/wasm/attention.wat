;; Scaled dot-product attention, forward and backward, one (batch, head) at a time per thread.
;; q (B,H,T,D), k/v (B,Hkv,S,D); query head h reads kv head ⌊h·Hkv/H⌋; with `causal`, query t sees
;; keys j < t + 1 + S − T. Forward saves lse = log Σ_j exp(s_j) (−inf when a query sees no key);
;; backward recomputes p from it (FlashAttention's trick: no T×S matrix is ever stored).
;; Scores live in a per-thread scratch row of S floats.

;; Number of keys query t sees.
(func $keys (@inline) (param $t i32) (param $T i32) (param $S i32) (param $causal i32) (result i32)
  (local $e i32)
  (if (result i32) (local.get $causal)
    (then
      (local.set $e (i32.sub (i32.add (i32.add (local.get $t) (i32.const 1)) (local.get $S)) (local.get $T)))
      (select (i32.const 0)
        (select (local.get $S) (local.get $e) (i32.gt_s (local.get $e) (local.get $S)))
        (i32.lt_s (local.get $e) (i32.const 0))))
    (else (local.get $S))))

;; The end of the block of rows that starts at r0: causal attention works on blocks of 16 query rows
;; (so it computes only the scores a block can see: about half of them), else on all T rows at once.
(func $block_end (@inline) (param $r0 i32) (param $T i32) (param $causal i32) (result i32)
  (local $e i32)
  (if (result i32) (local.get $causal)
    (then
      (local.set $e (i32.add (local.get $r0) (i32.const 16)))
      (select (local.get $e) (local.get $T) (i32.lt_u (local.get $e) (local.get $T))))
    (else (local.get $T))))

;; Softmax rows of a (T, S) score matrix in place: row t keeps its first n(t) entries as
;; p = exp(scale·s − m) normalised (m = its max·scale), zeros after; lse[t] = m + log Σ. With
;; `fromLse`, m is lse[t] and nothing is normalised (the backward's recomputation of p).
(func $softmax_rows (param $sm i32) (param $T i32) (param $S i32) (param $causal i32) (param $scale f32)
  (param $lse i32) (param $fromLse i32)
  (local $t i32) (local $row i32) (local $n i32) (local $m f32) (local $sum f32) (local $l f32)
  (block $done (loop $rows
    (br_if $done (i32.ge_u (local.get $t) (local.get $T)))
    (local.set $row (i32.add (local.get $sm) (i32.shl (i32.mul (local.get $t) (local.get $S)) (i32.const 2))))
    (local.set $n (call $keys (local.get $t) (local.get $T) (local.get $S) (local.get $causal)))
    (if (local.get $fromLse)
      (then
        (local.set $l (f32.load (i32.add (local.get $lse) (i32.shl (local.get $t) (i32.const 2)))))
        (if (f32.eq (local.get $l) (f32.const -inf)) (then (local.set $n (i32.const 0))))
        (drop (call $exp_row (local.get $row) (local.get $n) (local.get $l) (local.get $scale))))
      (else
        (if (i32.eqz (local.get $n))
          (then (local.set $l (f32.const -inf)))
          (else
            (local.set $m (f32.mul (call $row_max (local.get $row) (local.get $n)) (local.get $scale)))
            (local.set $sum (call $exp_row (local.get $row) (local.get $n) (local.get $m) (local.get $scale)))
            (call $scale_row (local.get $row) (local.get $n) (f32.div (f32.const 1) (local.get $sum)))
            (local.set $l (f32.add (local.get $m) (call $log1 (local.get $sum))))))
        (f32.store (i32.add (local.get $lse) (i32.shl (local.get $t) (i32.const 2))) (local.get $l))))
    (call $zero (i32.add (local.get $row) (i32.shl (local.get $n) (i32.const 2))) (i32.sub (local.get $S) (local.get $n)))
    (local.set $t (i32.add (local.get $t) (i32.const 1)))
    (br $rows))))

;; dims: [B, H, Hkv, T, S, D, causal]; consts: [scale]. Threads split the B·H (batch, head) pairs.
;; Per pair, on the GEMM macro-kernel: S = Q·Kᵀ (T×S), P = softmax rows, O = P·V. Scratch per
;; thread: GEMM packing, then the T×S matrix.
(func $attention (export "attention") (param $q i32) (param $k i32) (param $v i32) (param $o i32) (param $lse i32)
  (param $dims i32) (param $consts i32) (param $scratch i32) (param $tid i32) (param $nt i32)
  (local $B i32) (local $H i32) (local $Hkv i32) (local $T i32) (local $S i32) (local $D i32) (local $causal i32)
  (local $scale f32) (local $bh i32) (local $bhEnd i32) (local $kvBase i32) (local $qBase i32) (local $D4 i32)
  (local $pack i32) (local $sm i32) (local $r0 i32) (local $r1 i32) (local $nk i32)
  (local.set $B (i32.load (local.get $dims)))
  (local.set $H (i32.load offset=4 (local.get $dims)))
  (local.set $Hkv (i32.load offset=8 (local.get $dims)))
  (local.set $T (i32.load offset=12 (local.get $dims)))
  (local.set $S (i32.load offset=16 (local.get $dims)))
  (local.set $D (i32.load offset=20 (local.get $dims)))
  (local.set $causal (i32.load offset=24 (local.get $dims)))
  (local.set $scale (f32.load (local.get $consts)))
  (local.set $D4 (i32.shl (local.get $D) (i32.const 2)))
  (local.set $pack (i32.add (local.get $scratch)
    (i32.mul (global.get $slot) (i32.add (i32.const 655488) (i32.shl (i32.mul (local.get $T) (local.get $S)) (i32.const 3))))))
  (local.set $sm (i32.add (local.get $pack) (i32.const 655488)))
  (local.set $bh (call $part (i32.mul (local.get $B) (local.get $H)) (i32.const 1) (local.get $tid) (local.get $nt)))
  (local.set $bhEnd (call $part (i32.mul (local.get $B) (local.get $H)) (i32.const 1) (i32.add (local.get $tid) (i32.const 1)) (local.get $nt)))
  (block $bh_done (loop $bh_loop
    (br_if $bh_done (i32.ge_u (local.get $bh) (local.get $bhEnd)))
    (local.set $kvBase (i32.mul
      (i32.add
        (i32.mul (i32.div_u (local.get $bh) (local.get $H)) (local.get $Hkv))
        (i32.div_u (i32.mul (i32.rem_u (local.get $bh) (local.get $H)) (local.get $Hkv)) (local.get $H)))
      (i32.mul (local.get $S) (local.get $D4))))
    (local.set $qBase (i32.mul (local.get $bh) (i32.mul (local.get $T) (local.get $D4))))
    ;; S = Q·Kᵀ: A = Q (T, D) row-major, B[d, j] = K[j, d]; causal: per block of rows, only the
    ;; keys its last row sees
    (local.set $r0 (i32.const 0))
    (block $s_done (loop $s_loop
      (br_if $s_done (i32.ge_u (local.get $r0) (local.get $T)))
      (local.set $r1 (call $block_end (local.get $r0) (local.get $T) (local.get $causal)))
      (local.set $nk (call $keys (i32.sub (local.get $r1) (i32.const 1)) (local.get $T) (local.get $S) (local.get $causal)))
      (if (local.get $nk)
        (then (call $gemm_block (local.get $r0) (local.get $r1) (i32.const 0) (local.get $nk) (local.get $D)
          (i32.add (local.get $q) (local.get $qBase)) (local.get $D4) (i32.const 4)
          (i32.add (local.get $k) (local.get $kvBase)) (i32.const 4) (local.get $D4)
          (local.get $sm) (i32.shl (local.get $S) (i32.const 2)) (i32.const 0) (local.get $pack) (i32.const 0))))
      (local.set $r0 (local.get $r1))
      (br $s_loop)))
    (call $softmax_rows (local.get $sm) (local.get $T) (local.get $S) (local.get $causal) (local.get $scale)
      (i32.add (local.get $lse) (i32.shl (i32.mul (local.get $bh) (local.get $T)) (i32.const 2))) (i32.const 0))
    ;; O = P·V, each block of rows over the keys it sees (no key: zeros)
    (local.set $r0 (i32.const 0))
    (block $o_done (loop $o_loop
      (br_if $o_done (i32.ge_u (local.get $r0) (local.get $T)))
      (local.set $r1 (call $block_end (local.get $r0) (local.get $T) (local.get $causal)))
      (local.set $nk (call $keys (i32.sub (local.get $r1) (i32.const 1)) (local.get $T) (local.get $S) (local.get $causal)))
      (if (local.get $nk)
        (then (call $gemm_block (local.get $r0) (local.get $r1) (i32.const 0) (local.get $D) (local.get $nk)
          (local.get $sm) (i32.shl (local.get $S) (i32.const 2)) (i32.const 4)
          (i32.add (local.get $v) (local.get $kvBase)) (local.get $D4) (i32.const 4)
          (i32.add (local.get $o) (local.get $qBase)) (local.get $D4) (i32.const 0) (local.get $pack) (i32.const 0)))
        (else (call $zero
          (i32.add (i32.add (local.get $o) (local.get $qBase)) (i32.mul (local.get $r0) (local.get $D4)))
          (i32.mul (i32.sub (local.get $r1) (local.get $r0)) (local.get $D)))))
      (local.set $r0 (local.get $r1))
      (br $o_loop)))
    (local.set $bh (i32.add (local.get $bh) (i32.const 1)))
    (br $bh_loop))))

;; x[i] = exp(x[i]·a − b) for i < n, in place; returns Σ x[i] (vector lanes in a fixed order, then
;; the tail). Lanes past n are never read.
(func $exp_row (param $x i32) (param $n i32) (param $b f32) (param $a f32) (result f32)
  (local $i i32) (local $acc v128) (local $e v128) (local $s f32) (local $av v128) (local $bv v128) (local $p i32)
  (local.set $av (f32x4.splat (local.get $a)))
  (local.set $bv (f32x4.splat (local.get $b)))
  (local.set $acc (v128.const i32x4 0 0 0 0))
  (block $d (loop $l
    (br_if $d (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
    (local.set $p (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))
    (local.set $e (call $exp4 (f32x4.sub (f32x4.mul (v128.load (local.get $p)) (local.get $av)) (local.get $bv))))
    (v128.store (local.get $p) (local.get $e))
    (local.set $acc (f32x4.add (local.get $acc) (local.get $e)))
    (local.set $i (i32.add (local.get $i) (i32.const 4)))
    (br $l)))
  (local.set $s (call $hsum (local.get $acc)))
  (block $d (loop $l
    (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
    (local.set $p (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))
    (local.set $e (call $exp4 (f32x4.sub (f32x4.mul (v128.load32_splat (local.get $p)) (local.get $av)) (local.get $bv))))
    (f32.store (local.get $p) (f32x4.extract_lane 0 (local.get $e)))
    (local.set $s (f32.add (local.get $s) (f32x4.extract_lane 0 (local.get $e))))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $l)))
  (local.get $s))

;; d[i] = a·p[i]·(d[i] − delta), i < n (the softmax backward of one row, scaled).
(func $ds_row (param $p i32) (param $d i32) (param $n i32) (param $delta f32) (param $a f32)
  (local $i i32) (local $o i32) (local $dv v128) (local $av v128)
  (local.set $dv (f32x4.splat (local.get $delta)))
  (local.set $av (f32x4.splat (local.get $a)))
  (block $dn (loop $l
    (br_if $dn (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
    (local.set $o (i32.shl (local.get $i) (i32.const 2)))
    (v128.store (i32.add (local.get $d) (local.get $o))
      (f32x4.mul (f32x4.mul (local.get $av) (v128.load (i32.add (local.get $p) (local.get $o))))
        (f32x4.sub (v128.load (i32.add (local.get $d) (local.get $o))) (local.get $dv))))
    (local.set $i (i32.add (local.get $i) (i32.const 4)))
    (br $l)))
  (block $dn (loop $l
    (br_if $dn (i32.ge_u (local.get $i) (local.get $n)))
    (local.set $o (i32.shl (local.get $i) (i32.const 2)))
    (f32.store (i32.add (local.get $d) (local.get $o))
      (f32.mul (f32.mul (local.get $a) (f32.load (i32.add (local.get $p) (local.get $o))))
        (f32.sub (f32.load (i32.add (local.get $d) (local.get $o))) (local.get $delta))))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $l)))
)

;; x[i] *= s, i < n.
(func $scale_row (param $x i32) (param $n i32) (param $s f32)
  (local $i i32) (local $sv v128)
  (local.set $sv (f32x4.splat (local.get $s)))
  (block $d (loop $l
    (br_if $d (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
    (v128.store (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))
      (f32x4.mul (local.get $sv) (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))))
    (local.set $i (i32.add (local.get $i) (i32.const 4)))
    (br $l)))
  (block $d (loop $l
    (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
    (f32.store (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))
      (f32.mul (local.get $s) (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $l))))

;; Backward: dims [B, H, Hkv, T, S, D, causal]; consts [scale]. Threads split the B·Hkv kv heads;
;; each walks its query heads in order, so dK and dV are summed in a fixed order. Per query head,
;; on the GEMM macro-kernel: P recomputed from Q·Kᵀ and lse, dP = dO·Vᵀ, Δ_t = dO_t·O_t,
;; dS = scale·P∘(dP − Δ), dQ = dS·K, dK (+)= dSᵀ·Q, dV (+)= Pᵀ·dO; causal, each product only over
;; the blocks of scores that are not masked. Scratch per thread: GEMM packing, then two T×S matrices.
(func $attention_backward (export "attention_backward") (param $q i32) (param $k i32) (param $v i32) (param $o i32) (param $lse i32)
  (param $dout i32) (param $dq i32) (param $dk i32) (param $dv i32)
  (param $dims i32) (param $consts i32) (param $scratch i32) (param $tid i32) (param $nt i32)
  (local $B i32) (local $H i32) (local $Hkv i32) (local $T i32) (local $S i32) (local $D i32) (local $causal i32)
  (local $scale f32) (local $g i32) (local $gEnd i32) (local $group i32) (local $h i32) (local $bh i32)
  (local $kvBase i32) (local $qBase i32) (local $t i32) (local $D4 i32) (local $S4 i32)
  (local $pack i32) (local $pm i32) (local $dpm i32) (local $row i32) (local $r0 i32) (local $r1 i32) (local $nk i32)
  (local.set $B (i32.load (local.get $dims)))
  (local.set $H (i32.load offset=4 (local.get $dims)))
  (local.set $Hkv (i32.load offset=8 (local.get $dims)))
  (local.set $T (i32.load offset=12 (local.get $dims)))
  (local.set $S (i32.load offset=16 (local.get $dims)))
  (local.set $D (i32.load offset=20 (local.get $dims)))
  (local.set $causal (i32.load offset=24 (local.get $dims)))
  (local.set $scale (f32.load (local.get $consts)))
  (local.set $D4 (i32.shl (local.get $D) (i32.const 2)))
  (local.set $S4 (i32.shl (local.get $S) (i32.const 2)))
  (local.set $group (i32.div_u (local.get $H) (local.get $Hkv)))
  (local.set $pack (i32.add (local.get $scratch)
    (i32.mul (global.get $slot) (i32.add (i32.const 655488) (i32.shl (i32.mul (local.get $T) (local.get $S)) (i32.const 3))))))
  (local.set $pm (i32.add (local.get $pack) (i32.const 655488)))
  (local.set $dpm (i32.add (local.get $pm) (i32.shl (i32.mul (local.get $T) (local.get $S)) (i32.const 2))))
  (local.set $g (call $part (i32.mul (local.get $B) (local.get $Hkv)) (i32.const 1) (local.get $tid) (local.get $nt)))
  (local.set $gEnd (call $part (i32.mul (local.get $B) (local.get $Hkv)) (i32.const 1) (i32.add (local.get $tid) (i32.const 1)) (local.get $nt)))
  (block $g_done (loop $g_loop
    (br_if $g_done (i32.ge_u (local.get $g) (local.get $gEnd)))
    (local.set $kvBase (i32.mul (local.get $g) (i32.mul (local.get $S) (local.get $D4))))
    (local.set $h (i32.const 0))
    (block $h_done (loop $h_loop
      (br_if $h_done (i32.ge_u (local.get $h) (local.get $group)))
      (local.set $bh (i32.add
        (i32.mul (i32.div_u (local.get $g) (local.get $Hkv)) (local.get $H))
        (i32.add (i32.mul (i32.rem_u (local.get $g) (local.get $Hkv)) (local.get $group)) (local.get $h))))
      (local.set $qBase (i32.mul (local.get $bh) (i32.mul (local.get $T) (local.get $D4))))
      ;; P = exp(scale·Q·Kᵀ − lse) and dP = dO·Vᵀ, each block of query rows over the keys it sees
      (local.set $r0 (i32.const 0))
      (block $p_done (loop $p_loop
        (br_if $p_done (i32.ge_u (local.get $r0) (local.get $T)))
        (local.set $r1 (call $block_end (local.get $r0) (local.get $T) (local.get $causal)))
        (local.set $nk (call $keys (i32.sub (local.get $r1) (i32.const 1)) (local.get $T) (local.get $S) (local.get $causal)))
        (if (local.get $nk)
          (then
            (call $gemm_block (local.get $r0) (local.get $r1) (i32.const 0) (local.get $nk) (local.get $D)
              (i32.add (local.get $q) (local.get $qBase)) (local.get $D4) (i32.const 4)
              (i32.add (local.get $k) (local.get $kvBase)) (i32.const 4) (local.get $D4)
              (local.get $pm) (local.get $S4) (i32.const 0) (local.get $pack) (i32.const 0))
            (call $gemm_block (local.get $r0) (local.get $r1) (i32.const 0) (local.get $nk) (local.get $D)
              (i32.add (local.get $dout) (local.get $qBase)) (local.get $D4) (i32.const 4)
              (i32.add (local.get $v) (local.get $kvBase)) (i32.const 4) (local.get $D4)
              (local.get $dpm) (local.get $S4) (i32.const 0) (local.get $pack) (i32.const 0))))
        (local.set $r0 (local.get $r1))
        (br $p_loop)))
      ;; zero past each row's keys
      (call $softmax_rows (local.get $pm) (local.get $T) (local.get $S) (local.get $causal) (local.get $scale)
        (i32.add (local.get $lse) (i32.shl (i32.mul (local.get $bh) (local.get $T)) (i32.const 2))) (i32.const 1))
      ;; dS = scale·P∘(dP − Δ_t) over the keys row t sees, zeros after, row by row
      (local.set $t (i32.const 0))
      (block $t_done (loop $t_loop
        (br_if $t_done (i32.ge_u (local.get $t) (local.get $T)))
        (local.set $row (i32.mul (local.get $t) (local.get $S4)))
        (local.set $nk (call $keys (local.get $t) (local.get $T) (local.get $S) (local.get $causal)))
        (call $ds_row (i32.add (local.get $pm) (local.get $row)) (i32.add (local.get $dpm) (local.get $row)) (local.get $nk)
          (call $dot
            (i32.add (local.get $dout) (i32.add (local.get $qBase) (i32.mul (local.get $t) (local.get $D4))))
            (i32.add (local.get $o) (i32.add (local.get $qBase) (i32.mul (local.get $t) (local.get $D4))))
            (local.get $D))
          (local.get $scale))
        (call $zero (i32.add (i32.add (local.get $dpm) (local.get $row)) (i32.shl (local.get $nk) (i32.const 2)))
          (i32.sub (local.get $S) (local.get $nk)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $t_loop)))
      ;; dQ = dS·K, each block of query rows over the keys it sees (no key: zeros)
      (local.set $r0 (i32.const 0))
      (block $q_done (loop $q_loop
        (br_if $q_done (i32.ge_u (local.get $r0) (local.get $T)))
        (local.set $r1 (call $block_end (local.get $r0) (local.get $T) (local.get $causal)))
        (local.set $nk (call $keys (i32.sub (local.get $r1) (i32.const 1)) (local.get $T) (local.get $S) (local.get $causal)))
        (if (local.get $nk)
          (then (call $gemm_block (local.get $r0) (local.get $r1) (i32.const 0) (local.get $D) (local.get $nk)
            (local.get $dpm) (local.get $S4) (i32.const 4)
            (i32.add (local.get $k) (local.get $kvBase)) (local.get $D4) (i32.const 4)
            (i32.add (local.get $dq) (local.get $qBase)) (local.get $D4) (i32.const 0) (local.get $pack) (i32.const 0)))
          (else (call $zero
            (i32.add (i32.add (local.get $dq) (local.get $qBase)) (i32.mul (local.get $r0) (local.get $D4)))
            (i32.mul (i32.sub (local.get $r1) (local.get $r0)) (local.get $D)))))
        (local.set $r0 (local.get $r1))
        (br $q_loop)))
      ;; dK (+)= dSᵀ·Q and dV (+)= Pᵀ·dO (the group's first head overwrites), each block of keys over
      ;; the queries that see it: from t0 = j0 − (S − T) on when causal (dS and P are zero before)
      (local.set $r0 (i32.const 0))
      (block $k_done (loop $k_loop
        (br_if $k_done (i32.ge_u (local.get $r0) (local.get $S)))
        (local.set $r1 (call $block_end (local.get $r0) (local.get $S) (local.get $causal)))
        (local.set $t (i32.const 0))
        (if (local.get $causal)
          (then
            (local.set $t (i32.sub (local.get $r0) (i32.sub (local.get $S) (local.get $T))))
            (if (i32.lt_s (local.get $t) (i32.const 0)) (then (local.set $t (i32.const 0))))))
        (if (i32.lt_s (local.get $t) (local.get $T))
          (then
            (call $gemm_block (local.get $r0) (local.get $r1) (i32.const 0) (local.get $D) (i32.sub (local.get $T) (local.get $t))
              (i32.add (local.get $dpm) (i32.mul (local.get $t) (local.get $S4))) (i32.const 4) (local.get $S4)
              (i32.add (local.get $q) (i32.add (local.get $qBase) (i32.mul (local.get $t) (local.get $D4)))) (local.get $D4) (i32.const 4)
              (i32.add (local.get $dk) (local.get $kvBase)) (local.get $D4) (i32.ne (local.get $h) (i32.const 0)) (local.get $pack) (i32.const 0))
            (call $gemm_block (local.get $r0) (local.get $r1) (i32.const 0) (local.get $D) (i32.sub (local.get $T) (local.get $t))
              (i32.add (local.get $pm) (i32.mul (local.get $t) (local.get $S4))) (i32.const 4) (local.get $S4)
              (i32.add (local.get $dout) (i32.add (local.get $qBase) (i32.mul (local.get $t) (local.get $D4)))) (local.get $D4) (i32.const 4)
              (i32.add (local.get $dv) (local.get $kvBase)) (local.get $D4) (i32.ne (local.get $h) (i32.const 0)) (local.get $pack) (i32.const 0)))
          (else (if (i32.eqz (local.get $h))
            (then
              (call $zero (i32.add (i32.add (local.get $dk) (local.get $kvBase)) (i32.mul (local.get $r0) (local.get $D4)))
                (i32.mul (i32.sub (local.get $r1) (local.get $r0)) (local.get $D)))
              (call $zero (i32.add (i32.add (local.get $dv) (local.get $kvBase)) (i32.mul (local.get $r0) (local.get $D4)))
                (i32.mul (i32.sub (local.get $r1) (local.get $r0)) (local.get $D)))))))
        (local.set $r0 (local.get $r1))
        (br $k_loop)))
      (local.set $h (i32.add (local.get $h) (i32.const 1)))
      (br $h_loop)))
    (local.set $g (i32.add (local.get $g) (i32.const 1)))
    (br $g_loop))))

