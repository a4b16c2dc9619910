;; Helpers every kernel uses. Conventions of all kernels in this folder:
;; - pointers are byte offsets into the shared memory (where the tensors live), sizes count elements;
;; - the last two parameters are (tid, nt): this thread's index and the number of threads; a kernel
;;   computes only its share, and every output element is computed by exactly one thread, in an
;;   order that does not depend on tid or nt (so 1, 2 or 16 threads give the same bits);
;; - float scalars (eps, lr, ...) are read from memory (a "consts" pointer), so every parameter is i32.

;; First index of thread `tid`'s share when [0, total) is cut into `nt` runs of whole `align`-sized
;; blocks: part(100, 4, 0, 2) = 0, part(100, 4, 1, 2) = 48, part(100, 4, 2, 2) = 100.
(func $part (param $total i32) (param $align i32) (param $tid i32) (param $nt i32) (result i32)
  (local $start i32)
  (local.set $start
    (i32.mul
      (i32.div_u
        (i32.mul
          (i32.div_u (i32.add (local.get $total) (i32.sub (local.get $align) (i32.const 1))) (local.get $align))
          (local.get $tid))
        (local.get $nt))
      (local.get $align)))
  (select (local.get $total) (local.get $start) (i32.gt_u (local.get $start) (local.get $total))))

;; Sum of the four lanes, in a fixed order: (l0 + l1) + (l2 + l3).
(func $hsum (param $v v128) (result f32)
  (f32.add
    (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
    (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

;; Largest of the four lanes.
(func $hmax (param $v v128) (result f32)
  (f32.max
    (f32.max (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
    (f32.max (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))
