;; Helpers every kernel uses. Conventions of all kernels in this folder:
;; - pointers are byte offsets into the shared memory (where the tensors live), sizes count elements;
;; - the last two parameters are (tid, nt): the piece of the work to compute and the number of
;;   pieces it is cut into (any thread may run any piece); every output element belongs to exactly
;;   one piece and is computed in an order that does not depend on tid or nt (so 1, 2 or 16 pieces,
;;   on any threads, give the same bits);
;; - per-thread scratch is found from $slot, the running thread's index (each thread has its own
;;   instance of this module, and so its own $slot), never from the piece;
;; - float scalars (eps, lr, ...) are read from memory (a "consts" pointer), so every parameter is i32.

;; The running thread's index: 0 on the coordinating thread, set once by each worker.
(global $slot (mut i32) (i32.const 0))
;; Piece counts from which $part cuts shrinking pieces: twice the pool's threads (never, until set).
(global $guided_from (mut i32) (i32.const 0x7fffffff))
;; Every instance (the coordinator's and each worker's) is told its slot and the pool's threads.
(func $set_thread_slot (export "set_thread_slot") (param $s i32) (param $threads i32)
  (global.set $slot (local.get $s))
  (global.set $guided_from (i32.shl (local.get $threads) (i32.const 1))))

;; First index of piece `tid` when [0, total) is cut into `nt` runs of whole `align`-sized
;; blocks. With fewer than two pieces per thread the runs are even: part(100, 4, 0, 2) = 0,
;; part(100, 4, 1, 2) = 48, part(100, 4, 2, 2) = 100. With at least two per thread they shrink
;; (guided scheduling): piece p starts at fraction 1 − (1 − p/nt)² of the blocks, so the first
;; pieces are about twice the average and the last ones small. Threads take pieces in order, so
;; what is left when a thread runs out is a small piece, and the caller's wait for another
;; thread's last piece is short. (The first piece, ≈ 2/nt of the work, is then at most a thread's
;; share.) Which split a kernel gets never changes its result (see the conventions above).
(func $part (param $total i32) (param $align i32) (param $tid i32) (param $nt i32) (result i32)
  (local $start i32) (local $blocks i64)
  (if (i32.ge_u (local.get $nt) (global.get $guided_from))
    (then
      (local.set $blocks (i64.extend_i32_u
        (i32.div_u (i32.add (local.get $total) (i32.sub (local.get $align) (i32.const 1))) (local.get $align))))
      (local.set $start (i32.mul
        (i32.wrap_i64 (i64.div_u
          (i64.mul (i64.mul (local.get $blocks) (i64.extend_i32_u (local.get $tid)))
            (i64.extend_i32_u (i32.sub (i32.shl (local.get $nt) (i32.const 1)) (local.get $tid))))
          (i64.mul (i64.extend_i32_u (local.get $nt)) (i64.extend_i32_u (local.get $nt)))))
        (local.get $align)))
      (return (select (local.get $total) (local.get $start) (i32.gt_u (local.get $start) (local.get $total))))))
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
(func $hsum (@inline) (param $v v128) (result f32)
  (f32.add
    (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
    (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

;; Largest of the four lanes.
(func $hmax (@inline) (param $v v128) (result f32)
  (f32.max
    (f32.max (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
    (f32.max (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))
