;; GEMM: C (m,n) = A (m,k) · B (k,n), or C += A·B, for f32 operands given by strides, so transposes
;; cost nothing: A[i,p] at a + 4·(i·ars + p·acs), B[p,j] at b + 4·(p·brs + j·bcs), C[i,j] at
;; c + 4·(i·ldc + j). The loop nest is GotoBLAS/BLIS's (see gemm/gemm.ts for the TypeScript twin):
;;
;;   for jc in 0..n step NC            a column panel of B and C
;;     for pc in 0..k step KC          a slice of the shared dimension
;;       pack B[pc:pc+KC, jc:jc+NC] into NR-wide column panels (KC×NR contiguous, L1-sized)
;;       for ic in 0..m step MC        a row block of A and C
;;         pack A[ic:ic+MC, pc:pc+KC] into MR-high row panels (KC×MR contiguous)
;;         for jr, ir: the MR×NR micro-kernel C[ir.., jr..] += Apanel · Bpanel
;;
;; MR = 4, NR = 8: eight v128 accumulators; per step of k, two loads of B, four splats of A, eight
;; multiply-adds (`f32x4.madd` is fused on the relaxed-SIMD build, mul + add on the plain one).
;; Threads split the rows of C (or its columns when it is wider than tall) and pack their own
;; panels in their own scratch; each element of C is summed over k in the same order whatever the
;; split, so results do not depend on the number of threads.
;;
;; Epilogue (`linear`): after a block's last k slice, while it is in L1, C += bias (per column) and/or
;; Y = act(C) (C keeps the pre-activation for the backward): cuBLASLt's bias and GELU epilogues.

;; Bytes of packing scratch one thread needs: MC·KC + KC·NC floats + a 4×8 edge tile.
(func $gemm_scratch_bytes (export "gemm_scratch_bytes") (result i32)
  (i32.const 655488)) ;; (128·256 + 256·512)·4 + 128

;; 4×4 transpose: rows r0..r3 (4 floats each) → columns, stored at dst, dst+stride, dst+2·stride,
;; dst+3·stride: [r0[c], r1[c], r2[c], r3[c]] for c = 0..3 (eight shuffles).
(func $store_transposed (@inline) (param $r0 v128) (param $r1 v128) (param $r2 v128) (param $r3 v128) (param $dst i32) (param $stride i32)
  (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
  (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
  (local.set $t1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
  (local.set $t2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
  (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
  (v128.store (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1)))
  (local.set $dst (i32.add (local.get $dst) (local.get $stride)))
  (v128.store (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1)))
  (local.set $dst (i32.add (local.get $dst) (local.get $stride)))
  (v128.store (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t2) (local.get $t3)))
  (local.set $dst (i32.add (local.get $dst) (local.get $stride)))
  (v128.store (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t2) (local.get $t3))))

;; Packs A[0:mc, 0:kc] (A at `a`, byte strides ars4/acs4) into `dst`: panel t (rows 4t..4t+3) is kc
;; steps of 4 floats, dst[t·4kc + 4p + r]; rows past mc are zero.
(func $pack_a (param $a i32) (param $ars4 i32) (param $acs4 i32) (param $mc i32) (param $kc i32) (param $dst i32)
  (local $t i32) (local $p i32) (local $r i32) (local $rows i32) (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32)
  (local.set $t (i32.const 0))
  (block $done (loop $panel
    (br_if $done (i32.ge_u (local.get $t) (local.get $mc)))
    (local.set $rows (i32.sub (local.get $mc) (local.get $t)))
    (local.set $s0 (i32.add (local.get $a) (i32.mul (local.get $t) (local.get $ars4))))
    (local.set $p (i32.const 0))
    (if (i32.ge_u (local.get $rows) (i32.const 4))
      (then
        (if (i32.eq (local.get $ars4) (i32.const 4))
          (then
            ;; A stored transposed: the 4 rows of a step are 4 consecutive floats
            (block $d (loop $l
              (br_if $d (i32.ge_u (local.get $p) (local.get $kc)))
              (v128.store (local.get $dst) (v128.load (local.get $s0)))
              (local.set $s0 (i32.add (local.get $s0) (local.get $acs4)))
              (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (br $l))))
          (else
            ;; four row streams (row-major A: 4 steps at a time through a 4×4 transpose)
            (local.set $s1 (i32.add (local.get $s0) (local.get $ars4)))
            (local.set $s2 (i32.add (local.get $s1) (local.get $ars4)))
            (local.set $s3 (i32.add (local.get $s2) (local.get $ars4)))
            (if (i32.eq (local.get $acs4) (i32.const 4))
              (then
                (block $vd (loop $vl
                  (br_if $vd (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $kc)))
                  (call $store_transposed (v128.load (local.get $s0)) (v128.load (local.get $s1))
                    (v128.load (local.get $s2)) (v128.load (local.get $s3)) (local.get $dst) (i32.const 16))
                  (local.set $s0 (i32.add (local.get $s0) (i32.const 16)))
                  (local.set $s1 (i32.add (local.get $s1) (i32.const 16)))
                  (local.set $s2 (i32.add (local.get $s2) (i32.const 16)))
                  (local.set $s3 (i32.add (local.get $s3) (i32.const 16)))
                  (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
                  (local.set $p (i32.add (local.get $p) (i32.const 4)))
                  (br $vl)))))
            (block $d (loop $l
              (br_if $d (i32.ge_u (local.get $p) (local.get $kc)))
              (f32.store (local.get $dst) (f32.load (local.get $s0)))
              (f32.store offset=4 (local.get $dst) (f32.load (local.get $s1)))
              (f32.store offset=8 (local.get $dst) (f32.load (local.get $s2)))
              (f32.store offset=12 (local.get $dst) (f32.load (local.get $s3)))
              (local.set $s0 (i32.add (local.get $s0) (local.get $acs4)))
              (local.set $s1 (i32.add (local.get $s1) (local.get $acs4)))
              (local.set $s2 (i32.add (local.get $s2) (local.get $acs4)))
              (local.set $s3 (i32.add (local.get $s3) (local.get $acs4)))
              (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (br $l))))))
      (else
        ;; ragged last panel: real rows, then zeros
        (block $d (loop $l
          (br_if $d (i32.ge_u (local.get $p) (local.get $kc)))
          (v128.store (local.get $dst) (v128.const i32x4 0 0 0 0))
          (local.set $r (i32.const 0))
          (block $rd (loop $rl
            (br_if $rd (i32.ge_u (local.get $r) (local.get $rows)))
            (f32.store (i32.add (local.get $dst) (i32.shl (local.get $r) (i32.const 2)))
              (f32.load (i32.add (i32.add (local.get $s0) (i32.mul (local.get $r) (local.get $ars4)))
                                 (i32.mul (local.get $p) (local.get $acs4)))))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $rl)))
          (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $l)))))
    (local.set $t (i32.add (local.get $t) (i32.const 4)))
    (br $panel))))

;; Packs B[0:kc, 0:nc] (B at `b`, byte strides brs4/bcs4) into `dst`: panel t (columns 8t..8t+7) is
;; kc steps of 8 floats, dst[t·8kc + 8p + q]; columns past nc are zero.
(func $pack_b (param $b i32) (param $brs4 i32) (param $bcs4 i32) (param $kc i32) (param $nc i32) (param $dst i32)
  (local $t i32) (local $p i32) (local $q i32) (local $cols i32) (local $s i32) (local $sq i32)
  (local.set $t (i32.const 0))
  (block $done (loop $panel
    (br_if $done (i32.ge_u (local.get $t) (local.get $nc)))
    (local.set $cols (i32.sub (local.get $nc) (local.get $t)))
    (local.set $s (i32.add (local.get $b) (i32.mul (local.get $t) (local.get $bcs4))))
    (local.set $p (i32.const 0))
    (if (i32.and (i32.ge_u (local.get $cols) (i32.const 8)) (i32.eq (local.get $bcs4) (i32.const 4)))
      (then
        ;; row-major B: a step's 8 columns are 8 consecutive floats
        (block $d (loop $l
          (br_if $d (i32.ge_u (local.get $p) (local.get $kc)))
          (v128.store (local.get $dst) (v128.load (local.get $s)))
          (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $s)))
          (local.set $s (i32.add (local.get $s) (local.get $brs4)))
          (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $l))))
      (else
        (if (i32.ge_u (local.get $cols) (i32.const 8))
          (then
            ;; B stored transposed (x·Wᵀ): column q is a contiguous stream; when the streams are
            ;; unit-stride, 4 steps at a time through two 4×4 transposes, else 8 loads per step
            (if (i32.eq (local.get $brs4) (i32.const 4))
              (then
                (block $vd (loop $vl
                  (br_if $vd (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $kc)))
                  (local.set $sq (local.get $s))
                  (call $store_transposed
                    (v128.load (local.get $sq))
                    (v128.load (local.tee $sq (i32.add (local.get $sq) (local.get $bcs4))))
                    (v128.load (local.tee $sq (i32.add (local.get $sq) (local.get $bcs4))))
                    (v128.load (local.tee $sq (i32.add (local.get $sq) (local.get $bcs4))))
                    (local.get $dst) (i32.const 32))
                  (call $store_transposed
                    (v128.load (local.tee $sq (i32.add (local.get $sq) (local.get $bcs4))))
                    (v128.load (local.tee $sq (i32.add (local.get $sq) (local.get $bcs4))))
                    (v128.load (local.tee $sq (i32.add (local.get $sq) (local.get $bcs4))))
                    (v128.load (local.tee $sq (i32.add (local.get $sq) (local.get $bcs4))))
                    (i32.add (local.get $dst) (i32.const 16)) (i32.const 32))
                  (local.set $s (i32.add (local.get $s) (i32.const 16)))
                  (local.set $dst (i32.add (local.get $dst) (i32.const 128)))
                  (local.set $p (i32.add (local.get $p) (i32.const 4)))
                  (br $vl)))))
            (block $d (loop $l
              (br_if $d (i32.ge_u (local.get $p) (local.get $kc)))
              (local.set $sq (local.get $s))
              (f32.store (local.get $dst) (f32.load (local.get $sq)))
              (local.set $sq (i32.add (local.get $sq) (local.get $bcs4)))
              (f32.store offset=4 (local.get $dst) (f32.load (local.get $sq)))
              (local.set $sq (i32.add (local.get $sq) (local.get $bcs4)))
              (f32.store offset=8 (local.get $dst) (f32.load (local.get $sq)))
              (local.set $sq (i32.add (local.get $sq) (local.get $bcs4)))
              (f32.store offset=12 (local.get $dst) (f32.load (local.get $sq)))
              (local.set $sq (i32.add (local.get $sq) (local.get $bcs4)))
              (f32.store offset=16 (local.get $dst) (f32.load (local.get $sq)))
              (local.set $sq (i32.add (local.get $sq) (local.get $bcs4)))
              (f32.store offset=20 (local.get $dst) (f32.load (local.get $sq)))
              (local.set $sq (i32.add (local.get $sq) (local.get $bcs4)))
              (f32.store offset=24 (local.get $dst) (f32.load (local.get $sq)))
              (local.set $sq (i32.add (local.get $sq) (local.get $bcs4)))
              (f32.store offset=28 (local.get $dst) (f32.load (local.get $sq)))
              (local.set $s (i32.add (local.get $s) (local.get $brs4)))
              (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (br $l))))
          (else
            ;; ragged last panel
            (block $d (loop $l
              (br_if $d (i32.ge_u (local.get $p) (local.get $kc)))
              (v128.store (local.get $dst) (v128.const i32x4 0 0 0 0))
              (v128.store offset=16 (local.get $dst) (v128.const i32x4 0 0 0 0))
              (local.set $q (i32.const 0))
              (block $qd (loop $ql
                (br_if $qd (i32.ge_u (local.get $q) (local.get $cols)))
                (f32.store (i32.add (local.get $dst) (i32.shl (local.get $q) (i32.const 2)))
                  (f32.load (i32.add (local.get $s) (i32.mul (local.get $q) (local.get $bcs4)))))
                (local.set $q (i32.add (local.get $q) (i32.const 1)))
                (br $ql)))
              (local.set $s (i32.add (local.get $s) (local.get $brs4)))
              (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (br $l)))))))
    (local.set $t (i32.add (local.get $t) (i32.const 8)))
    (br $panel))))

;; C[i0:i1, j0:j1] (=|+=) A·B: the macro-kernel over packed panels, for one thread.
(func $gemm_block
  (param $m0 i32) (param $m1 i32) (param $n0 i32) (param $n1 i32) (param $k i32)
  (param $a i32) (param $ars4 i32) (param $acs4 i32)
  (param $b i32) (param $brs4 i32) (param $bcs4 i32)
  (param $c i32) (param $ldc4 i32) (param $accum i32) (param $scratch i32) (param $epi i32)
  (local $jc i32) (local $nc i32) (local $pc i32) (local $kc i32) (local $ic i32) (local $mc i32)
  (local $jr i32) (local $ir i32) (local $pa i32) (local $pb i32) (local $kk i32) (local $first i32)
  (local $ap i32) (local $bp i32) (local $tile i32) (local $cp i32) (local $rows i32) (local $cols i32)
  (local $r i32) (local $q i32) (local $last i32)
  (local $av v128) (local $b0 v128) (local $b1 v128)
  (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
  (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
  (local.set $ap (local.get $scratch))                                   ;; MC·KC floats
  (local.set $bp (i32.add (local.get $scratch) (i32.const 131072)))     ;; KC·NC floats
  (local.set $tile (i32.add (local.get $scratch) (i32.const 655360)))   ;; 4×8 edge tile
  (local.set $jc (local.get $n0))
  (block $jc_done (loop $jc_loop
    (br_if $jc_done (i32.ge_u (local.get $jc) (local.get $n1)))
    (local.set $nc (i32.sub (local.get $n1) (local.get $jc)))
    (if (i32.gt_u (local.get $nc) (i32.const 512)) (then (local.set $nc (i32.const 512))))
    (local.set $pc (i32.const 0))
    (block $pc_done (loop $pc_loop
      (br_if $pc_done (i32.ge_u (local.get $pc) (local.get $k)))
      (local.set $kc (i32.sub (local.get $k) (local.get $pc)))
      (if (i32.gt_u (local.get $kc) (i32.const 256)) (then (local.set $kc (i32.const 256))))
      (local.set $first (i32.and (i32.eqz (local.get $pc)) (i32.eqz (local.get $accum))))
      (local.set $last (i32.and (i32.ne (local.get $epi) (i32.const 0)) (i32.ge_u (i32.add (local.get $pc) (local.get $kc)) (local.get $k))))
      (call $pack_b
        (i32.add (local.get $b) (i32.add (i32.mul (local.get $pc) (local.get $brs4)) (i32.mul (local.get $jc) (local.get $bcs4))))
        (local.get $brs4) (local.get $bcs4) (local.get $kc) (local.get $nc) (local.get $bp))
      (local.set $ic (local.get $m0))
      (block $ic_done (loop $ic_loop
        (br_if $ic_done (i32.ge_u (local.get $ic) (local.get $m1)))
        (local.set $mc (i32.sub (local.get $m1) (local.get $ic)))
        (if (i32.gt_u (local.get $mc) (i32.const 128)) (then (local.set $mc (i32.const 128))))
        (call $pack_a
          (i32.add (local.get $a) (i32.add (i32.mul (local.get $ic) (local.get $ars4)) (i32.mul (local.get $pc) (local.get $acs4))))
          (local.get $ars4) (local.get $acs4) (local.get $mc) (local.get $kc) (local.get $ap))
        (local.set $jr (i32.const 0))
        (block $jr_done (loop $jr_loop
          (br_if $jr_done (i32.ge_u (local.get $jr) (local.get $nc)))
          (local.set $ir (i32.const 0))
          (block $ir_done (loop $ir_loop
            (br_if $ir_done (i32.ge_u (local.get $ir) (local.get $mc)))
            ;; ---- micro-kernel: 4×8 block, kc steps ----
            (local.set $pa (i32.add (local.get $ap) (i32.shl (i32.mul (local.get $ir) (local.get $kc)) (i32.const 2))))
            (local.set $pb (i32.add (local.get $bp) (i32.shl (i32.mul (local.get $jr) (local.get $kc)) (i32.const 2))))
            (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0))
            (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c11 (v128.const i32x4 0 0 0 0))
            (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c21 (v128.const i32x4 0 0 0 0))
            (local.set $c30 (v128.const i32x4 0 0 0 0)) (local.set $c31 (v128.const i32x4 0 0 0 0))
            (local.set $kk (local.get $kc))
            (loop $k_loop
              (local.set $b0 (v128.load (local.get $pb)))
              (local.set $b1 (v128.load offset=16 (local.get $pb)))
              (local.set $av (v128.load32_splat (local.get $pa)))
              (local.set $c00 (f32x4.madd (local.get $av) (local.get $b0) (local.get $c00)))
              (local.set $c01 (f32x4.madd (local.get $av) (local.get $b1) (local.get $c01)))
              (local.set $av (v128.load32_splat offset=4 (local.get $pa)))
              (local.set $c10 (f32x4.madd (local.get $av) (local.get $b0) (local.get $c10)))
              (local.set $c11 (f32x4.madd (local.get $av) (local.get $b1) (local.get $c11)))
              (local.set $av (v128.load32_splat offset=8 (local.get $pa)))
              (local.set $c20 (f32x4.madd (local.get $av) (local.get $b0) (local.get $c20)))
              (local.set $c21 (f32x4.madd (local.get $av) (local.get $b1) (local.get $c21)))
              (local.set $av (v128.load32_splat offset=12 (local.get $pa)))
              (local.set $c30 (f32x4.madd (local.get $av) (local.get $b0) (local.get $c30)))
              (local.set $c31 (f32x4.madd (local.get $av) (local.get $b1) (local.get $c31)))
              (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
              (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
              (br_if $k_loop (local.tee $kk (i32.sub (local.get $kk) (i32.const 1)))))
            ;; ---- write the block: C = acc on the first k slice (unless accumulating), else C += acc ----
            (local.set $rows (i32.sub (local.get $mc) (local.get $ir)))
            (local.set $cols (i32.sub (local.get $nc) (local.get $jr)))
            (local.set $cp (i32.add (local.get $c)
              (i32.add (i32.mul (i32.add (local.get $ic) (local.get $ir)) (local.get $ldc4))
                       (i32.shl (i32.add (local.get $jc) (local.get $jr)) (i32.const 2)))))
            (if (i32.and (i32.ge_u (local.get $rows) (i32.const 4)) (i32.ge_u (local.get $cols) (i32.const 8)))
              (then
                (if (local.get $first)
                  (then
                    (v128.store (local.get $cp) (local.get $c00))
                    (v128.store offset=16 (local.get $cp) (local.get $c01))
                    (local.set $cp (i32.add (local.get $cp) (local.get $ldc4)))
                    (v128.store (local.get $cp) (local.get $c10))
                    (v128.store offset=16 (local.get $cp) (local.get $c11))
                    (local.set $cp (i32.add (local.get $cp) (local.get $ldc4)))
                    (v128.store (local.get $cp) (local.get $c20))
                    (v128.store offset=16 (local.get $cp) (local.get $c21))
                    (local.set $cp (i32.add (local.get $cp) (local.get $ldc4)))
                    (v128.store (local.get $cp) (local.get $c30))
                    (v128.store offset=16 (local.get $cp) (local.get $c31)))
                  (else
                    (v128.store (local.get $cp) (f32x4.add (v128.load (local.get $cp)) (local.get $c00)))
                    (v128.store offset=16 (local.get $cp) (f32x4.add (v128.load offset=16 (local.get $cp)) (local.get $c01)))
                    (local.set $cp (i32.add (local.get $cp) (local.get $ldc4)))
                    (v128.store (local.get $cp) (f32x4.add (v128.load (local.get $cp)) (local.get $c10)))
                    (v128.store offset=16 (local.get $cp) (f32x4.add (v128.load offset=16 (local.get $cp)) (local.get $c11)))
                    (local.set $cp (i32.add (local.get $cp) (local.get $ldc4)))
                    (v128.store (local.get $cp) (f32x4.add (v128.load (local.get $cp)) (local.get $c20)))
                    (v128.store offset=16 (local.get $cp) (f32x4.add (v128.load offset=16 (local.get $cp)) (local.get $c21)))
                    (local.set $cp (i32.add (local.get $cp) (local.get $ldc4)))
                    (v128.store (local.get $cp) (f32x4.add (v128.load (local.get $cp)) (local.get $c30)))
                    (v128.store offset=16 (local.get $cp) (f32x4.add (v128.load offset=16 (local.get $cp)) (local.get $c31))))))
              (else
                ;; edge block: through the tile, only the rows × cols that exist
                (v128.store (local.get $tile) (local.get $c00))
                (v128.store offset=16 (local.get $tile) (local.get $c01))
                (v128.store offset=32 (local.get $tile) (local.get $c10))
                (v128.store offset=48 (local.get $tile) (local.get $c11))
                (v128.store offset=64 (local.get $tile) (local.get $c20))
                (v128.store offset=80 (local.get $tile) (local.get $c21))
                (v128.store offset=96 (local.get $tile) (local.get $c30))
                (v128.store offset=112 (local.get $tile) (local.get $c31))
                (if (i32.gt_u (local.get $rows) (i32.const 4)) (then (local.set $rows (i32.const 4))))
                (if (i32.gt_u (local.get $cols) (i32.const 8)) (then (local.set $cols (i32.const 8))))
                (local.set $r (i32.const 0))
                (block $rd (loop $rl
                  (br_if $rd (i32.ge_u (local.get $r) (local.get $rows)))
                  (local.set $q (i32.const 0))
                  (block $qd (loop $ql
                    (br_if $qd (i32.ge_u (local.get $q) (local.get $cols)))
                    (f32.store
                      (i32.add (i32.add (local.get $cp) (i32.mul (local.get $r) (local.get $ldc4))) (i32.shl (local.get $q) (i32.const 2)))
                      (f32.add
                        (f32.load (i32.add (local.get $tile) (i32.shl (i32.add (i32.shl (local.get $r) (i32.const 3)) (local.get $q)) (i32.const 2))))
                        (select (f32.const 0)
                          (f32.load (i32.add (i32.add (local.get $cp) (i32.mul (local.get $r) (local.get $ldc4))) (i32.shl (local.get $q) (i32.const 2))))
                          (local.get $first))))
                    (local.set $q (i32.add (local.get $q) (i32.const 1)))
                    (br $ql)))
                  (local.set $r (i32.add (local.get $r) (i32.const 1)))
                  (br $rl)))))
            (if (local.get $last)
              (then (call $epilogue_tile
                ;; the block's first element ($cp has moved down its rows while storing)
                (i32.add (local.get $c)
                  (i32.add (i32.mul (i32.add (local.get $ic) (local.get $ir)) (local.get $ldc4))
                           (i32.shl (i32.add (local.get $jc) (local.get $jr)) (i32.const 2))))
                (local.get $ldc4)
                (select (local.get $rows) (i32.const 4) (i32.lt_u (local.get $rows) (i32.const 4)))
                (select (local.get $cols) (i32.const 8) (i32.lt_u (local.get $cols) (i32.const 8)))
                (i32.add (local.get $jc) (local.get $jr)) (local.get $epi))))
            (local.set $ir (i32.add (local.get $ir) (i32.const 4)))
            (br $ir_loop)))
          (local.set $jr (i32.add (local.get $jr) (i32.const 8)))
          (br $jr_loop)))
        (local.set $ic (i32.add (local.get $ic) (i32.const 128)))
        (br $ic_loop)))
      (local.set $pc (i32.add (local.get $pc) (i32.const 256)))
      (br $pc_loop)))
    (local.set $jc (i32.add (local.get $jc) (i32.const 512)))
    (br $jc_loop))))

;; The exported GEMM: piece tid of nt of the rows (or columns) of C. Strides in elements; scratch
;; holds gemm_scratch_bytes() per thread, this thread's at $slot; epi: 0, or an epilogue (see
;; $epilogue_tile) applied to each block of C after its last k slice.
(func $gemm (export "gemm")
  (param $m i32) (param $n i32) (param $k i32)
  (param $a i32) (param $ars i32) (param $acs i32)
  (param $b i32) (param $brs i32) (param $bcs i32)
  (param $c i32) (param $ldc i32) (param $accum i32) (param $scratch i32) (param $epi i32)
  (param $tid i32) (param $nt i32)
  (local $m0 i32) (local $m1 i32) (local $n0 i32) (local $n1 i32)
  (if (i32.ge_u (local.get $m) (local.get $n))
    (then
      (local.set $m0 (call $part (local.get $m) (i32.const 4) (local.get $tid) (local.get $nt)))
      (local.set $m1 (call $part (local.get $m) (i32.const 4) (i32.add (local.get $tid) (i32.const 1)) (local.get $nt)))
      (local.set $n0 (i32.const 0)) (local.set $n1 (local.get $n)))
    (else
      (local.set $n0 (call $part (local.get $n) (i32.const 8) (local.get $tid) (local.get $nt)))
      (local.set $n1 (call $part (local.get $n) (i32.const 8) (i32.add (local.get $tid) (i32.const 1)) (local.get $nt)))
      (local.set $m0 (i32.const 0)) (local.set $m1 (local.get $m))))
  (if (i32.or (i32.ge_u (local.get $m0) (local.get $m1)) (i32.ge_u (local.get $n0) (local.get $n1))) (then (return)))
  (call $gemm_block (local.get $m0) (local.get $m1) (local.get $n0) (local.get $n1) (local.get $k)
    (local.get $a) (i32.shl (local.get $ars) (i32.const 2)) (i32.shl (local.get $acs) (i32.const 2))
    (local.get $b) (i32.shl (local.get $brs) (i32.const 2)) (i32.shl (local.get $bcs) (i32.const 2))
    (local.get $c) (i32.shl (local.get $ldc) (i32.const 2)) (local.get $accum)
    (i32.add (local.get $scratch) (i32.mul (global.get $slot) (i32.const 655488))) (local.get $epi)))

;; The epilogue of rows × cols elements of C at cp (row stride ldc4 bytes), columns j0.. of the
;; product. epi points at three i32: [bias pointer or 0, activation (a unary code of
;; elementwise.wat, or −1), Y − C in bytes (Y has C's layout)]. With an activation C keeps
;; pre = C + bias and Y = act(pre); without, C = C + bias.
(func $epilogue_tile (param $cp i32) (param $ldc4 i32) (param $rows i32) (param $cols i32) (param $j0 i32) (param $epi i32)
  (local $bias i32) (local $act i32) (local $dy i32) (local $r i32) (local $j i32) (local $p i32) (local $v v128) (local $w v128) (local $e f32)
  (local.set $bias (i32.load (local.get $epi)))
  (local.set $act (i32.load offset=4 (local.get $epi)))
  (local.set $dy (i32.load offset=8 (local.get $epi)))
  (if (local.get $bias) (then (local.set $bias (i32.add (local.get $bias) (i32.shl (local.get $j0) (i32.const 2))))))
  ;; a full tile (8 columns) with a GELU: the activation hoisted out of $unary4's switch, two
  ;; vectors per row (the same arithmetic as the general loop below)
  (if (i32.and (i32.eq (local.get $cols) (i32.const 8))
        (i32.or (i32.eq (local.get $act) (i32.const 10)) (i32.eq (local.get $act) (i32.const 11))))
    (then
      (block $gd (loop $gl
        (br_if $gd (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $v (v128.load (local.get $cp)))
        (local.set $w (v128.load offset=16 (local.get $cp)))
        (if (local.get $bias)
          (then
            (local.set $v (f32x4.add (local.get $v) (v128.load (local.get $bias))))
            (local.set $w (f32x4.add (local.get $w) (v128.load offset=16 (local.get $bias))))
            (v128.store (local.get $cp) (local.get $v))
            (v128.store offset=16 (local.get $cp) (local.get $w))))
        (local.set $p (i32.add (local.get $cp) (local.get $dy)))
        (if (i32.eq (local.get $act) (i32.const 10))
          (then
            (v128.store (local.get $p) (call $gelu_erf4 (local.get $v)))
            (v128.store offset=16 (local.get $p) (call $gelu_erf4 (local.get $w))))
          (else
            (v128.store (local.get $p) (call $gelu_tanh4 (local.get $v)))
            (v128.store offset=16 (local.get $p) (call $gelu_tanh4 (local.get $w)))))
        (local.set $cp (i32.add (local.get $cp) (local.get $ldc4)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $gl)))
      (return)))
  (block $rd (loop $rl
    (br_if $rd (i32.ge_u (local.get $r) (local.get $rows)))
    (local.set $j (i32.const 0))
    (block $jd (loop $jl
      (br_if $jd (i32.ge_u (local.get $j) (local.get $cols)))
      (local.set $p (i32.add (local.get $cp) (i32.shl (local.get $j) (i32.const 2))))
      (if (i32.le_u (i32.add (local.get $j) (i32.const 4)) (local.get $cols))
        (then
          (local.set $v (v128.load (local.get $p)))
          (if (local.get $bias)
            (then
              (local.set $v (f32x4.add (local.get $v) (v128.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))))))
              (v128.store (local.get $p) (local.get $v))))
          (if (i32.ge_s (local.get $act) (i32.const 0))
            (then (v128.store (i32.add (local.get $p) (local.get $dy)) (call $unary4 (local.get $act) (local.get $v)))))
          (local.set $j (i32.add (local.get $j) (i32.const 4))))
        (else
          (local.set $e (f32.load (local.get $p)))
          (if (local.get $bias)
            (then
              (local.set $e (f32.add (local.get $e) (f32.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))))))
              (f32.store (local.get $p) (local.get $e))))
          (if (i32.ge_s (local.get $act) (i32.const 0))
            (then (f32.store (i32.add (local.get $p) (local.get $dy)) (call $unary1 (local.get $act) (local.get $e)))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))))
      (br $jl)))
    (local.set $cp (i32.add (local.get $cp) (local.get $ldc4)))
    (local.set $r (i32.add (local.get $r) (i32.const 1)))
    (br $rl))))

;; The epilogue alone, over whole rows of C (rows, cols) at c (row stride ldc elements), rows split
;; between pieces: for products that skip the blocked GEMM (gemv, decoding).
(func $bias_act (export "bias_act") (param $c i32) (param $ldc i32) (param $rows i32) (param $cols i32) (param $epi i32)
  (param $tid i32) (param $nt i32)
  (local $r i32) (local $rEnd i32)
  (local.set $r (call $part (local.get $rows) (i32.const 1) (local.get $tid) (local.get $nt)))
  (local.set $rEnd (call $part (local.get $rows) (i32.const 1) (i32.add (local.get $tid) (i32.const 1)) (local.get $nt)))
  (if (i32.lt_u (local.get $r) (local.get $rEnd))
    (then (call $epilogue_tile
      (i32.add (local.get $c) (i32.shl (i32.mul (local.get $r) (local.get $ldc)) (i32.const 2)))
      (i32.shl (local.get $ldc) (i32.const 2)) (i32.sub (local.get $rEnd) (local.get $r)) (local.get $cols)
      (i32.const 0) (local.get $epi)))))

;; Products with fewer than 4 rows (decoding one token: x (1,k) @ W): no packing, B streamed once.
;; B stored transposed (x·Wᵀ, brs = 1, and A rows contiguous, acs = 1): C[i,j] = dot(A[i,:], B[:,j]).
;; B row-major (bcs = 1): C[i, j0:j1] = Σ_p A[i,p]·B[p, j0:j1], row by row of B.
;; Threads split the columns of C (aligned to 16).
(func $gemv (export "gemv")
  (param $m i32) (param $n i32) (param $k i32)
  (param $a i32) (param $ars i32) (param $acs i32)
  (param $b i32) (param $brs i32) (param $bcs i32)
  (param $c i32) (param $ldc i32) (param $accum i32) (param $tid i32) (param $nt i32)
  (local $j0 i32) (local $j1 i32) (local $i i32) (local $j i32) (local $p i32) (local $pc i32) (local $s f32) (local $w i32)
  (local.set $j0 (call $part (local.get $n) (i32.const 16) (local.get $tid) (local.get $nt)))
  (local.set $j1 (call $part (local.get $n) (i32.const 16) (i32.add (local.get $tid) (i32.const 1)) (local.get $nt)))
  (local.set $w (i32.sub (local.get $j1) (local.get $j0)))
  (if (i32.eqz (local.get $w)) (then (return)))
  (local.set $i (i32.const 0))
  (block $rows_done (loop $row
    (br_if $rows_done (i32.ge_u (local.get $i) (local.get $m)))
    (local.set $pc (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $ldc)) (local.get $j0)) (i32.const 2))))
    (if (i32.eq (local.get $brs) (i32.const 1))
      (then
        (local.set $j (local.get $j0))
        (block $d (loop $l
          (br_if $d (i32.ge_u (local.get $j) (local.get $j1)))
          (local.set $s (call $dot
            (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $ars)) (i32.const 2)))
            (i32.add (local.get $b) (i32.shl (i32.mul (local.get $j) (local.get $bcs)) (i32.const 2)))
            (local.get $k)))
          (if (local.get $accum)
            (then (local.set $s (f32.add (local.get $s)
              (f32.load (i32.add (local.get $pc) (i32.shl (i32.sub (local.get $j) (local.get $j0)) (i32.const 2))))))))
          (f32.store (i32.add (local.get $pc) (i32.shl (i32.sub (local.get $j) (local.get $j0)) (i32.const 2))) (local.get $s))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $l))))
      (else
        (if (i32.eqz (local.get $accum)) (then (call $zero (local.get $pc) (local.get $w))))
        (local.set $p (i32.const 0))
        (block $d (loop $l
          (br_if $d (i32.ge_u (local.get $p) (local.get $k)))
          (call $axpy
            (f32.load (i32.add (local.get $a) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $ars)) (i32.mul (local.get $p) (local.get $acs))) (i32.const 2))))
            (i32.add (local.get $b) (i32.shl (i32.add (i32.mul (local.get $p) (local.get $brs)) (local.get $j0)) (i32.const 2)))
            (local.get $pc) (local.get $w))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $l)))))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $row))))
