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
(func $set_thread_slot (export "set_thread_slot") (param $s i32)
  (global.set $slot (local.get $s)))

;; First index of piece `tid` when [0, total) is cut into `nt` runs of whole `align`-sized
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
(func $hsum (@inline) (param $v v128) (result f32)
  (f32.add
    (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
    (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

;; Largest of the four lanes.
(func $hmax (@inline) (param $v v128) (result f32)
  (f32.max
    (f32.max (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
    (f32.max (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))
